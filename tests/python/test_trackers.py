"""Experiment trackers as metadata (docs/trackers.md): MLflow runs from a real MLflow server on
127.0.0.1 (experiments and runs made through the MLflow client), SageMaker from the moto
server, landed by ml-cost-extract as a user runs it; W&B exports through the generic trackers
contract; the demo's runs in the shared demo build. The end-to-end build (an untagged job
attributed from its run, money against the FOCUS file) is test_extractor's
test_end_to_end_moto_and_mlflow_extractor_dbt_build: one dbt build for both."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import BIN, DbtResult, MlflowServer
from ml_cost_extract.sagemaker_api import ENTITIES, training_job_row
from test_extractor import MOTO_MISSING, _untagged_training_job, aws, moto_url, read, run_cli  # noqa: F401 - fixtures

ALL_AWS = ",".join([*ENTITIES, "metrics"])  # --skip: every AWS entity, so only MLflow is read


def _files(landing: Path) -> list[Path]:
    return sorted((landing / "trackers").rglob("*.parquet"))


def test_a_rerun_lands_nothing_twice_and_open_runs_are_read_until_they_end(mlflow_server: MlflowServer, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    open_run, _ = mlflow_server.create(
        [
            {"experiment": "rerun-check", "run_name": "still-training", "tags": {"ml:team": "nlp"}, "status": "RUNNING"},
            {"experiment": "rerun-check", "run_name": "done", "tags": {"ml:team": "nlp"}},
        ]
    )
    first = run_cli({}, "--landing", str(landing), "--skip", ALL_AWS, "--mlflow-tracking-uri", mlflow_server.url)
    assert first.returncode == 0, first.stderr
    landed = read(landing, "runs", "trackers")
    assert len(landed) == len({r["run_id"] for r in landed}) and open_run in {r["run_id"] for r in landed}
    files = _files(landing)

    again = run_cli({}, "--landing", str(landing), "--skip", ALL_AWS, "--mlflow-tracking-uri", mlflow_server.url)
    assert again.returncode == 0, again.stderr
    assert "rows landed: none" in again.stdout
    assert _files(landing) == files  # nothing landed twice

    new_run, _ = mlflow_server.create([{"experiment": "rerun-check", "run_name": "next"}, {"finish": open_run}])
    third = run_cli({}, "--landing", str(landing), "--skip", ALL_AWS, "--mlflow-tracking-uri", mlflow_server.url)
    assert third.returncode == 0, third.stderr
    new_rows = [r for r in read(landing, "runs", "trackers") if r["run_id"] in {new_run, open_run}]
    assert sorted((r["run_id"], r["status"]) for r in new_rows) == sorted([(open_run, "RUNNING"), (open_run, "FINISHED"), (new_run, "FINISHED")])
    assert len(read(landing, "runs", "trackers")) == len(landed) + 2  # the new run and the open run that ended, nothing else


def test_an_unreachable_server_is_one_line_and_exit_1_while_sagemaker_lands(aws: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    _untagged_training_job("vision-train-001")
    landing = tmp_path / "landing"
    result = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING, "--mlflow-tracking-uri", "http://127.0.0.1:9", "--backoff-base", "0.01")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and "MLflow tracking server http://127.0.0.1:9 unreachable" in errors[0], result.stderr
    assert [r["training_job_name"] for r in read(landing, "training_jobs")] == ["vision-train-001"]
    assert not (landing / "trackers").exists()


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append({k.lower(): v for k, v in self.headers.items()} | {"path": self.path})
        body = json.dumps({"experiments": [{"experiment_id": "7", "name": "x"}]} if "experiments" in self.path else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_sagemaker_managed_mlflow_is_called_as_the_aws_plugin_calls_it(recorder: str, mlflow_server: MlflowServer, tmp_path: Path) -> None:
    arn = "arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/ml-tracking"
    env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT": recorder}
    result = run_cli(env, "--landing", str(tmp_path / "a"), "--skip", ALL_AWS, "--mlflow-tracking-uri", arn)
    assert result.returncode == 0, result.stderr
    first = _Recorder.seen[0]
    assert first["path"] == "/api/2.0/mlflow/experiments/search"
    assert first["x-mlflow-sm-tracking-server-arn"] == arn
    assert (
        first["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        and "/eu-west-1/sagemaker-mlflow/aws4_request" in first["authorization"]
    )
    assert len(first["x-amz-content-sha256"]) == 64
    # a token, as MLflow's MLFLOW_TRACKING_TOKEN, is a bearer header on a plain server
    _Recorder.seen = []
    assert (
        run_cli({"MLFLOW_TRACKING_TOKEN": "t0k"}, "--landing", str(tmp_path / "b"), "--skip", ALL_AWS, "--mlflow-tracking-uri", recorder).returncode
        == 0
    )
    assert _Recorder.seen[0]["authorization"] == "Bearer t0k"
    # MLflow's own MLFLOW_TRACKING_AWS_SIGV4 (a server behind API Gateway): signed for execute-api
    _Recorder.seen = []
    gateway = {**env, "MLFLOW_TRACKING_AWS_SIGV4": "true", "AWS_REGION": "us-west-2"}
    signed = run_cli(gateway, "--landing", str(tmp_path / "g"), "--skip", ALL_AWS, "--mlflow-tracking-uri", recorder)
    assert signed.returncode == 0, signed.stderr
    assert "/us-west-2/execute-api/aws4_request" in _Recorder.seen[0]["authorization"]
    # the real server behind the ARN: runs land under the ARN as their tracking server
    mlflow_server.create([{"experiment": "arn-check", "run_name": "r"}])
    env["SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT"] = mlflow_server.url
    assert run_cli(env, "--landing", str(tmp_path / "c"), "--skip", ALL_AWS, "--mlflow-tracking-uri", arn).returncode == 0
    assert {r["tracking_server"] for r in read(tmp_path / "c", "runs", "trackers")} == {arn}


def test_describe_training_job_mlflow_fields_are_landed() -> None:
    server = "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/t"
    row = training_job_row(
        {
            "TrainingJobName": "j",
            "MlflowConfig": {"MlflowResourceArn": server, "MlflowExperimentName": "e", "MlflowRunName": "r"},
            "MlflowDetails": {"MlflowExperimentId": "3", "MlflowRunId": "abc"},
        }
    )
    assert (row["mlflow_resource_arn"], row["mlflow_experiment_name"], row["mlflow_run_name"]) == (server, "e", "r")
    assert (row["mlflow_experiment_id"], row["mlflow_run_id"]) == ("3", "abc")
    assert training_job_row({"TrainingJobName": "k"})["mlflow_run_id"] is None  # Search results carry none


def _land_wandb(export: Path, landing: Path, *extra: str) -> tuple[int, str, str]:
    import subprocess

    proc = subprocess.run(
        [str(BIN / "ml-cost-land-wandb"), str(export), "--landing", str(landing), *extra], capture_output=True, text=True, check=False
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_a_wandb_export_lands_by_the_trackers_contract(tmp_path: Path) -> None:
    runs = [
        {
            "id": "3kf9x2",
            "name": "vit-sweep-7",
            "state": "finished",
            "project": "vision-vit",
            "entity": "acme-ml",
            "user": {"username": "dana"},
            "created_at": "2026-11-02T10:00:00Z",
            "heartbeat_at": "2026-11-02T12:30:00Z",
            "tags": ["baseline", "gpu"],
            "group": "sweep-7",
            "config": {"ml:team": "vision", "ml:model": "vit-b16", "lr": {"value": 0.01, "desc": None}, "opt": {"name": "adam"}, "_wandb": {"x": 1}},
        },
        {
            "id": "9zz",
            "name": "on-sagemaker",
            "state": "running",
            "project": "vision-vit",
            "entity": "acme-ml",
            "config": {"training_job_name": "vision-train-001"},
        },
    ]
    export = tmp_path / "runs.json"
    export.write_text(json.dumps(runs))
    landing = tmp_path / "landing"
    code, _, err = _land_wandb(export, landing)
    assert code == 0, err
    rows = {r["run_id"]: r for r in read(landing, "runs", "trackers")}
    assert rows["3kf9x2"]["tracker"] == "wandb" and rows["3kf9x2"]["tracking_server"] == "wandb:acme-ml"
    assert (rows["3kf9x2"]["experiment_name"], rows["3kf9x2"]["user_id"], rows["3kf9x2"]["status"]) == ("vision-vit", "dana", "finished")
    assert str(rows["3kf9x2"]["start_time"]) == "2026-11-02 10:00:00" and rows["9zz"]["end_time"] is None
    tags = {(r["run_id"], r["tag_kind"], r["tag_key"]): r["tag_value"] for r in read(landing, "run_tags", "trackers")}
    assert tags[("3kf9x2", "tag", "ml:team")] == "vision" and tags[("3kf9x2", "tag", "ml:model")] == "vit-b16"
    assert tags[("3kf9x2", "param", "lr")] == "0.01" and tags[("3kf9x2", "param", "opt.name")] == "adam"
    assert tags[("3kf9x2", "tag", "wandb.tag.baseline")] == "baseline" and tags[("3kf9x2", "tag", "wandb.group")] == "sweep-7"
    assert tags[("9zz", "param", "training_job_name")] == "vision-train-001"
    assert not any(k[2].startswith("_wandb") for k in tags)
    files = _files(landing)
    assert _land_wandb(export, landing)[0] == 0 and _files(landing) == files  # the same export again: the same files
    # the W&B docs' CSV form (name, config as a Python dict); a bad config names file, row and column
    csv_export = tmp_path / "runs.csv"
    csv_export.write_text('name,config,summary\nrun-a,"{\'ml:team\': \'nlp\'}","{}"\nrun-b,"not a dict","{}"\n')
    code, _, err = _land_wandb(csv_export, tmp_path / "l2", "--entity", "acme-ml")
    assert code == 1 and err.strip().count("\n") == 0
    assert f"{csv_export}: run 2: column config expected a JSON object or a Python dict, got 'not a dict'" in err
    assert not (tmp_path / "l2").exists()  # nothing landed from a bad export


def test_the_demo_runs_attribute_their_jobs_and_unlinked_runs_say_why(demo_build: DbtResult) -> None:
    runs = demo_build.query("select link_method, count(*) from main.rpt_tracker_runs where is_linked group by 1")
    assert {m for m, _ in runs} == {"job_mlflow_details", "run_names_arn", "run_names_job"}
    unlinked = dict(demo_build.query("select run_name, unlinked_reason from main.rpt_tracker_runs where not is_linked"))
    assert unlinked["explore-rouge"].startswith("names no SageMaker job or endpoint")
    assert "nlp-summarizer-ft-baseline, which is not in the landed SageMaker metadata" in unlinked["baseline"]
    # the linked jobs take all three keys from their run; their unlinked siblings keep the chain's other steps
    sources = demo_build.query(
        "select team_source, model_source, experiment_source, count(distinct resource_name) from main.fct_ml_costs "
        "where resource_name like 'nlp-summarizer-ft-%' group by all order by 4"
    )
    linked = demo_build.query("select count(*) from main.rpt_tracker_runs where is_linked and resource_name like 'nlp-summarizer-ft-%'")[0][0]
    assert ("metadata_mlflow_run", "metadata_mlflow_run", "metadata_mlflow_run", linked) in sources
    assert ("inherited_user_profile", "rule:nlp-summarizer-ft", "metadata_experiment_config") in [s[:3] for s in sources]
    # a run's values are what the rest of the chain gives the sibling jobs: team and model totals do not depend on runs
    assert demo_build.query(
        "select count(*) from main.rpt_tracker_runs where is_linked and (run_team != resource_team or run_model != resource_model)"
    ) == [(0,)]
