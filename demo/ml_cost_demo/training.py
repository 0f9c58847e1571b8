"""Training jobs of the demo: on-demand, spot, warm pools, tuning, pipelines' training steps."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
from ml_cost_extract.rows import ExperimentsRow, TrainingJobsRow, TrialComponentsRow, TrialsRow, TuningJobsRow

from .account import PRICES, RC, REGION, SPOT_RATE, START, Account


def _training_job(
    acct: Account,
    a: tuple[str, str],
    name: str,
    start_hour: int,
    hours: int,
    instance: str,
    count: int,
    tags: dict[str, str],
    spot: bool = False,
    experiment: str | None = None,
    tuning_arn: str | None = None,
    role: str = "SageMakerTrainingRole",
    warm_pool_hours: int = 0,
    billing_tags: dict[str, str] | None = None,
) -> str:
    arn = acct.arn(a, "training-job", name)
    h = acct.within(np.arange(start_hour, start_hour + hours))
    if len(h) == 0:
        return arn
    bill_tags = tags if billing_tags is None else billing_tags
    _training_charges(acct, a, arn, h, instance, count, hours, spot, bill_tags)
    if warm_pool_hours:
        _warm_pool_charge(acct, a, arn, instance, count, start_hour + hours, warm_pool_hours, bill_tags)
    _training_job_records(acct, a, name, arn, start_hour, hours, instance, count, tags, spot, experiment, tuning_arn, role, warm_pool_hours)
    return arn


def _training_charges(
    acct: Account,
    a: tuple[str, str],
    arn: str,
    h: np.ndarray,
    instance: str,
    count: int,
    hours: int,
    spot: bool,
    bill_tags: dict[str, str],
) -> None:
    """Instance hours (on-demand or spot) and the job's ML storage."""
    price = PRICES[instance]
    usage = f"{RC}-TrSpt:{instance}" if spot else f"{RC}-Train:{instance}"  # TrSpt: AWS CUDOS dashboard
    acct.charge(
        tags=bill_tags,
        hours=h,
        quantity=float(count) * (0.7 if spot else 1.0),
        unit_price=price,
        sub_account=a,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=usage,
        description=f"${price} per {'Spot ' if spot else ''}Training Instance Hour ({instance})",
        resource_id=arn,
        resource_type="TrainingJob",
        pricing_category="Dynamic" if spot else "Standard",
        billed_factor=SPOT_RATE if spot else 1.0,
        operation="RunInstance",
    )
    acct.charge(
        tags=bill_tags,
        hours=h[:1],
        quantity=50.0 * count * hours / 730,
        unit_price=0.14,
        sub_account=a,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=f"{RC}-Train:VolumeUsage.gp2",
        unit="GB-Months",
        description="$0.14 per GB-month of ML storage",
        resource_id=arn,
        resource_type="TrainingJob",
    )


def _warm_pool_charge(
    acct: Account, a: tuple[str, str], arn: str, instance: str, count: int, pool_start: int, warm_pool_hours: int, bill_tags: dict[str, str]
) -> None:
    """Instance hours a warm pool keeps after the job."""
    price = PRICES[instance]
    wp = acct.within(np.arange(pool_start, pool_start + warm_pool_hours))
    acct.charge(
        tags=bill_tags,
        hours=wp,
        quantity=float(count),
        unit_price=price,
        sub_account=a,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=f"{RC}-TrainWarmPool:{instance}",
        description=f"${price} per Training Warm Pool Instance Hour ({instance})",
        resource_id=arn,
        resource_type="TrainingJob",
    )


def _training_job_records(
    acct: Account,
    a: tuple[str, str],
    name: str,
    arn: str,
    start_hour: int,
    hours: int,
    instance: str,
    count: int,
    tags: dict[str, str],
    spot: bool,
    experiment: str | None,
    tuning_arn: str | None,
    role: str,
    warm_pool_hours: int,
) -> None:
    """The job as the weekly run after it ended read it, with its tags and experiment."""
    billable = hours * 3600 * (0.7 if spot else 1.0)
    end = start_hour + hours
    snap = acct.job_snapshot(end)
    model = tags.get("ml:model", name.rsplit("-", 2)[0])
    acct.record(
        "training_jobs",
        snap,
        a,
        TrainingJobsRow(
            training_job_name=name,
            training_job_arn=arn,
            training_job_status="Completed",
            creation_time=acct.ts(start_hour - 0.1),
            training_start_time=acct.ts(start_hour),
            training_end_time=acct.ts(end),
            instance_type=instance,
            instance_count=count,
            instance_groups_json=None,
            billable_time_seconds=int(billable),
            training_time_seconds=hours * 3600,
            is_managed_spot=spot,
            keep_alive_period_seconds=warm_pool_hours * 3600 if warm_pool_hours else None,
            warm_pool_status="Terminated" if warm_pool_hours else None,
            experiment_name=experiment,
            trial_name=f"{experiment}-trial-{start_hour}" if experiment else None,
            role_arn=f"arn:aws:iam::{a[0]}:role/{role}",
            tuning_job_arn=tuning_arn,
            image_uri=f"{acct.prod[0]}.dkr.ecr.{REGION}.amazonaws.com/{model.split('-')[0]}-training:latest",
            output_s3_uri=f"s3://ml-artifacts-{a[0]}/training/{name}/",
            input_s3_uris_json=json.dumps([f"s3://ml-datasets-{acct.prod[0]}/{model}/"]),
            model_artifacts_s3_uri=f"s3://ml-artifacts-{a[0]}/training/{name}/output/model.tar.gz",
        ),
    )
    acct.tag(snap, a, arn, tags)
    if experiment:
        _experiment_records(acct, a, name, arn, start_hour, snap, experiment)


def _experiment_records(acct: Account, a: tuple[str, str], name: str, arn: str, start_hour: int, snap: date, experiment: str) -> None:
    """The trial component and trial SageMaker Experiments keep for the job."""
    tc = f"{name}-aws-training-job"
    acct.record(
        "trial_components",
        snap,
        a,
        TrialComponentsRow(
            trial_component_name=tc,
            trial_component_arn=acct.arn(a, "experiment-trial-component", tc),
            source_arn=arn,
            source_type="SageMakerTrainingJob",
            trial_name=f"{experiment}-trial-{start_hour}",
            experiment_name=experiment,
            creation_time=acct.ts(start_hour),
        ),
    )
    acct.record(
        "trials",
        snap,
        a,
        TrialsRow(
            trial_name=f"{experiment}-trial-{start_hour}",
            trial_arn=acct.arn(a, "experiment-trial", f"{experiment}-trial-{start_hour}"),
            experiment_name=experiment,
            creation_time=acct.ts(start_hour),
        ),
    )


def add_training(acct: Account) -> None:
    experiments: set[str] = set()
    _fraud_training(acct, experiments)
    _recsys_training(acct)
    _nlp_training(acct, experiments)
    _experiments_landed(acct, experiments)


def _fraud_training(acct: Account, experiments: set[str]) -> None:
    """fraud-xgb on demand (a spot candidate) and fraud-gnn on managed spot."""
    d, s = acct.dev, acct.sfx
    rng = acct.noise("fraud-xgb-train")
    for day in range(0, acct.hours // 24, 3):  # fraud-xgb: on-demand, checkpointed: a spot candidate
        _training_job(
            acct,
            d,
            f"fraud-xgb-train-{day:03d}{s}",
            day * 24 + 1 + int(rng.integers(0, 6)),
            3,
            "ml.m5.4xlarge",
            1,
            {"ml:team": "fraud", "ml:model": "fraud-xgb", "ml:experiment": "fraud-xgb-tuning", "ml:environment": "training"},
            experiment="fraud-xgb-tuning" + s,
        )
        experiments.add("fraud-xgb-tuning" + s)
    for day in range(1, acct.hours // 24, 4):  # fraud-gnn: managed spot
        _training_job(
            acct,
            d,
            f"fraud-gnn-train-{day:03d}{s}",
            day * 24 + 2,
            6,
            "ml.g5.2xlarge",
            2,
            {"ml:team": "fraud", "ml:model": "fraud-gnn", "ml:experiment": "gnn-v2", "ml:environment": "training"},
            spot=True,
        )


def _recsys_training(acct: Account) -> None:
    """recsys-two-tower (legacy Environment key), a large p4d run, and a tuning job."""
    d, s = acct.dev, acct.sfx
    for day in range(2, acct.hours // 24, 7):  # recsys-two-tower: legacy `Environment` key (drift)
        _training_job(
            acct,
            d,
            f"recsys-two-tower-{day:03d}{s}",
            day * 24 + 20,
            10,
            "ml.g5.12xlarge",
            2,
            {"ml:team": "recsys", "ml:model": "recsys-two-tower", "ml:experiment": "two-tower-v3", "Environment": "training"},
        )
    spike = 24 * 80 + 8  # 2026-10-20: a large p4d run (cost spike)
    _training_job(
        acct,
        d,
        f"recsys-two-tower-full-retrain{s}",
        spike,
        12,
        "ml.p4d.24xlarge",
        2,
        {"ml:team": "recsys", "ml:model": "recsys-two-tower", "ml:experiment": "two-tower-v3", "ml:environment": "training"},
    )
    # Hyper-parameter tuning: only the tuning job is tagged.
    tuning_name = "recsys-ranker-hpo" + s
    tuning_arn = acct.arn(d, "hyper-parameter-tuning-job", tuning_name)
    hpo_start = 24 * 40 + 9
    for i in range(6):
        _training_job(acct, d, f"recsys-ranker-hpo-{i:03d}{s}", hpo_start + 2 * i, 2, "ml.c5.2xlarge", 1, {}, tuning_arn=tuning_arn)
    snap = acct.job_snapshot(hpo_start + 12)
    acct.record(
        "tuning_jobs",
        snap,
        d,
        TuningJobsRow(
            tuning_job_name=tuning_name,
            tuning_job_arn=tuning_arn,
            tuning_job_status="Completed",
            creation_time=acct.ts(hpo_start - 1),
            end_time=acct.ts(hpo_start + 12),
        ),
    )
    acct.tag(snap, d, tuning_arn, {"ml:team": "recsys", "ml:model": "recsys-ranker", "ml:experiment": "ranker-hpo", "ml:environment": "training"})


def _nlp_training(acct: Account, experiments: set[str]) -> None:
    """nlp-summarizer fine-tuning from Studio and nlp-sentiment with a warm pool."""
    d, s = acct.dev, acct.sfx
    studio = {
        "sagemaker:domain-arn": acct.arn(d, "domain", "d-demo0001" + s),
        "sagemaker:user-profile-arn": acct.arn(d, "user-profile", f"d-demo0001{s}/carol"),
    }
    for day in range(0, acct.hours // 24, 5):  # nlp-summarizer from Studio: only Studio auto-tags; carol's profile knows the team
        _training_job(
            acct,
            d,
            f"nlp-summarizer-ft-{day:03d}{s}",
            day * 24 + 10,
            4,
            "ml.p3.2xlarge",
            1,
            dict(studio),
            experiment="nlp-summarizer-ft" + s,
        )
        experiments.add("nlp-summarizer-ft" + s)
    for day in range(3, acct.hours // 24, 7):  # nlp-sentiment: warm pool
        _training_job(
            acct,
            d,
            f"nlp-sentiment-train-{day:03d}{s}",
            day * 24 + 9,
            2,
            "ml.g5.xlarge",
            1,
            {"ml:team": "nlp", "ml:model": "nlp-sentiment", "ml:experiment": "sentiment-distil", "ml:environment": "training"},
            warm_pool_hours=1,
        )


def _experiments_landed(acct: Account, experiments: set[str]) -> None:
    d = acct.dev
    for e in sorted(experiments):
        acct.record(
            "experiments",
            (START + timedelta(hours=acct.hours)).date(),
            d,
            ExperimentsRow(experiment_name=e, experiment_arn=acct.arn(d, "experiment", e), creation_time=acct.ts(-24)),
        )
