"""The nlp team's MLflow runs (SageMaker managed MLflow): some fine-tuning jobs are known to
MLflow only, by the three ways a run names its job (docs/trackers.md "Linking rules").

The nlp-summarizer fine-tuning jobs carry no ml: tag anywhere (only Studio's automatic tags):
without runs, their team comes from carol's user profile and their model from a naming rule.
Every tenth day's job has an MLflow run tagged ``ml:team`` and ``ml:model`` in the experiment
``nlp-summarizer-ft``; the run then gives the three keys (source ``metadata_mlflow_run``), with
the same values, so every total is unchanged. Jobs of days 0, 20, ... were launched with
``MlflowConfig`` (DescribeTrainingJob returns their run in ``MlflowDetails``); days 10, 50, 90
tag the run with the job's ARN; days 30, 70, 110 log the ``training_job_name`` param. Two runs
name no landed job: a notebook exploration and a run of a job from before the window.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from ml_cost_extract.rows import RunsRow, RunTagsRow

from .account import REGION, START, Account

EXPERIMENT = "nlp-summarizer-ft"
EXPERIMENT_ID = "1"  # MLflow numbers experiments from 1; 0 is the Default experiment


def tracking_server(acct: Account) -> str:
    """The dev account's SageMaker managed MLflow tracking server, as its ARN (the tracking URI)."""
    return f"arn:aws:sagemaker:{REGION}:{acct.dev[0]}:mlflow-tracking-server/ml-dev-tracking"


def run_id(name: str) -> str:
    return hashlib.md5(f"mlflow-run/{name}".encode()).hexdigest()


def add_mlflow_runs(acct: Account) -> None:
    server = tracking_server(acct)
    jobs = {row["training_job_name"]: row for row in acct.meta.get("training_jobs", [])}
    for day in range(0, acct.hours // 24, 10):
        name = f"nlp-summarizer-ft-{day:03d}{acct.sfx}"
        job = jobs.get(name)
        if job is None:
            continue
        tags = {"ml:team": "nlp", "ml:model": "nlp-summarizer", "mlflow.user": "carol", "mlflow.source.name": "finetune.py"}
        params = {"base_model": "t5-base", "epochs": "3"}
        rid = run_id(name)
        if day % 20 == 0:  # launched with MlflowConfig: SageMaker reports the run
            job.update(
                mlflow_resource_arn=server,
                mlflow_experiment_name=EXPERIMENT,
                mlflow_run_name=name,
                mlflow_experiment_id=EXPERIMENT_ID,
                mlflow_run_id=rid,
            )
        elif day % 40 == 10:
            tags["sagemaker.training_job_arn"] = job["training_job_arn"]
        else:
            params["training_job_name"] = name
        _run(acct, server, rid, name, job["training_start_time"], job["training_end_time"], tags, params)
    first = START + timedelta(days=2, hours=15)
    _run(acct, server, run_id("notebook" + acct.sfx), "explore-rouge", first, first + timedelta(minutes=40), {"mlflow.user": "carol"}, {})
    before = f"arn:aws:sagemaker:{REGION}:{acct.dev[0]}:training-job/nlp-summarizer-ft-baseline{acct.sfx}"
    _run(
        acct,
        server,
        run_id("baseline" + acct.sfx),
        "baseline",
        START - timedelta(days=20),
        START - timedelta(days=19),
        {"sagemaker.training_job_arn": before},
        {},
    )


def _run(acct: Account, server: str, rid: str, name: str, start: datetime, end: datetime, tags: dict[str, str], params: dict[str, str]) -> None:
    """One run as the weekly extraction after it ended landed it."""
    snap = end.date() + timedelta(days=7 - end.weekday())
    snap = min(snap, (START + timedelta(hours=acct.hours)).date())
    common: dict[str, Any] = {
        "tracker": "mlflow",
        "tracking_server": server,
        "snapshot_date": snap,
        "extracted_at": datetime(snap.year, snap.month, snap.day, 6, 0),
    }
    acct.meta.setdefault("runs", []).append(
        {
            **common,
            **RunsRow(
                run_id=rid,
                run_name=name,
                experiment_id=EXPERIMENT_ID,
                experiment_name=EXPERIMENT,
                user_id="carol",
                status="FINISHED",
                start_time=start,
                end_time=end,
                lifecycle_stage="active",
                parent_run_id=None,
            ),
        }
    )
    rows = [RunTagsRow(run_id=rid, tag_kind="tag", tag_key=k, tag_value=v) for k, v in sorted({**tags, "mlflow.runName": name}.items())]
    rows += [RunTagsRow(run_id=rid, tag_kind="param", tag_key=k, tag_value=v) for k, v in sorted(params.items())]
    acct.meta.setdefault("run_tags", []).extend({**common, **row} for row in rows)
