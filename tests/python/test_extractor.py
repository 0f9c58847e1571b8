"""ml-cost-extract against a real local moto server (HTTP, AWS_ENDPOINT_URL), run as a user would."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError
from conftest import BIN, NO_GATE, MlflowServer, run_dbt
from ml_cost_demo.focus_writer import FocusRows
from ml_cost_extract import cli
from moto.server import ThreadedMotoServer

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
MOTO_MISSING = "inference_components,user_profiles,spaces,apps"  # moto 5.2.5 lacks these APIs (tested with Stubber)


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A clean moto account, and the environment a user's shell would have."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"))
    env = {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return env


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "ml-cost-extract"), *args], env={**os.environ, **env}, capture_output=True, text=True, check=False)


def create_account(n_jobs: int = 3) -> None:
    sm = boto3.client("sagemaker")
    cw = boto3.client("cloudwatch")
    for i in range(n_jobs):
        sm.create_training_job(
            TrainingJobName=f"fraud-train-{i:04d}",
            AlgorithmSpecification={"TrainingImage": "123.dkr.ecr.us-east-1.amazonaws.com/fraud:1", "TrainingInputMode": "File"},
            RoleArn=ROLE,
            OutputDataConfig={"S3OutputPath": "s3://ml-artifacts/fraud"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 10},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
            EnableManagedSpotTraining=i % 2 == 0,
            ExperimentConfig={"ExperimentName": "fraud-exp", "TrialName": f"trial-{i}"},
            Tags=[{"Key": "ml:team", "Value": "fraud"}, {"Key": "ml:model", "Value": "fraud-xgb"}],
        )
    for name, mode in (("ranker-v1", "SingleModel"), ("ranker-v2", "SingleModel"), ("nlp-mme", "MultiModel")):
        sm.create_model(
            ModelName=name,
            PrimaryContainer={"Image": "img", "Mode": mode, "ModelDataUrl": f"s3://ml-artifacts/{name}/"},
            ExecutionRoleArn=ROLE,
            Tags=[{"Key": "ml:model", "Value": name}],
        )
    sm.create_endpoint_config(
        EndpointConfigName="recsys-ab-config",
        ProductionVariants=[
            {
                "VariantName": "v1",
                "ModelName": "ranker-v1",
                "InstanceType": "ml.c5.2xlarge",
                "InitialInstanceCount": 2,
                "InitialVariantWeight": 0.7,
            },
            {
                "VariantName": "v2",
                "ModelName": "ranker-v2",
                "InstanceType": "ml.g4dn.xlarge",
                "InitialInstanceCount": 1,
                "InitialVariantWeight": 0.3,
            },
        ],
    )
    sm.create_endpoint(EndpointName="recsys-ab", EndpointConfigName="recsys-ab-config", Tags=[{"Key": "ml:team", "Value": "recsys"}])
    sm.create_endpoint_config(
        EndpointConfigName="nlp-mme-config",
        ProductionVariants=[
            {"VariantName": "AllTraffic", "ModelName": "nlp-mme", "InstanceType": "ml.g4dn.xlarge", "InitialInstanceCount": 1},
        ],
    )
    sm.create_endpoint(EndpointName="nlp-mme", EndpointConfigName="nlp-mme-config", Tags=[{"Key": "ml:team", "Value": "nlp"}])
    sm.create_notebook_instance(
        NotebookInstanceName="fraud-nb", InstanceType="ml.t2.medium", RoleArn=ROLE, Tags=[{"Key": "ml:team", "Value": "fraud"}]
    )
    sm.create_experiment(ExperimentName="fraud-exp")
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    data = [("AWS/SageMaker", "Invocations", {"EndpointName": "recsys-ab", "VariantName": v}, value) for v, value in (("v1", 70.0), ("v2", 30.0))]
    data += [
        (
            "Custom/SageMaker",
            "InvocationsPerModel",
            {"EndpointName": "nlp-mme", "VariantName": "AllTraffic", "TargetModel": f"{m}.tar.gz"},
            value,
        )
        for m, value in (("sentiment", 600.0), ("ner", 300.0), ("summarizer", 100.0))
    ]
    # instance utilisation as SageMaker publishes it, a point a minute (two here): per variant,
    # per job host, and the per-instance series of enhanced metrics (the same load again)
    v1 = {"EndpointName": "recsys-ab", "VariantName": "v1"}
    data += [("/aws/sagemaker/Endpoints", "CPUUtilization", v1, value) for value in (100.0, 300.0)]
    data += [("/aws/sagemaker/Endpoints", "MemoryUtilization", v1, value) for value in (20.0, 22.0)]
    data += [("/aws/sagemaker/Endpoints", "CPUUtilization", {**v1, "InstanceId": "i-0123456789abcdef0"}, 999.0)]
    data += [("/aws/sagemaker/TrainingJobs", "GPUUtilization", {"Host": "fraud-train-0001/algo-1"}, 55.0)]
    for i, (namespace, metric, dims, value) in enumerate(data):
        cw.put_metric_data(
            Namespace=namespace,
            MetricData=[
                {
                    "MetricName": metric,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                    "Value": value,
                    "Timestamp": hour + timedelta(minutes=i),
                }
            ],
        )


def create_late_job(tags: list[dict[str, str]] | None = None) -> None:
    """A training job created between two runs."""
    boto3.client("sagemaker").create_training_job(
        TrainingJobName="late-job",
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://b"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 5},
        StoppingCondition={"MaxRuntimeInSeconds": 60},
        Tags=tags or [],
    )


def read(landing: Path, table: str, area: str = "sagemaker") -> list[dict]:
    files = sorted((landing / area / table).rglob("*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def entity_calls(output: str) -> dict[str, int]:
    line = next(l for l in output.splitlines() if l.startswith("API calls per entity:"))  # noqa: E741
    return {k: int(v) for k, v in re.findall(r"(\w+) (\d+)", line.split(":", 1)[1])}


def test_cli_lands_metadata_tags_and_metrics(aws: dict[str, str], tmp_path: Path) -> None:
    create_account()
    result = run_cli(aws, "--landing", str(tmp_path), "--skip", MOTO_MISSING)
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = read(tmp_path, "training_jobs")
    assert sorted(j["training_job_name"] for j in jobs) == ["fraud-train-0000", "fraud-train-0001", "fraud-train-0002"]
    assert {j["account_id"] for j in jobs} == {"123456789012"} and {j["region"] for j in jobs} == {"us-east-1"}
    assert {j["is_managed_spot"] for j in jobs} == {True, False}
    assert {j["experiment_name"] for j in jobs} == {"fraud-exp"} and all(j["instance_count"] == 2 for j in jobs)
    endpoints = read(tmp_path, "endpoints")
    assert sorted((e["endpoint_name"], e["variant_name"]) for e in endpoints) == [
        ("nlp-mme", "AllTraffic"),
        ("recsys-ab", "v1"),
        ("recsys-ab", "v2"),
    ]
    configs = {(c["endpoint_config_name"], c["variant_name"]): c for c in read(tmp_path, "endpoint_configs")}
    assert configs[("recsys-ab-config", "v2")]["instance_type"] == "ml.g4dn.xlarge"
    assert configs[("recsys-ab-config", "v1")]["model_name"] == "ranker-v1"
    assert {m["model_name"]: m["container_mode"] for m in read(tmp_path, "models")}["nlp-mme"] == "MultiModel"
    assert read(tmp_path, "notebook_instances")[0]["role_arn"] == ROLE
    tags = {(t["resource_arn"].rsplit(":", 1)[-1], t["tag_key"]): t["tag_value"] for t in read(tmp_path, "tags")}
    assert tags[("training-job/fraud-train-0001", "ml:team")] == "fraud"
    assert tags[("endpoint/recsys-ab", "ml:team")] == "recsys"
    assert tags[("model/nlp-mme", "ml:model")] == "nlp-mme"
    assert tags[("notebook-instance/fraud-nb", "ml:team")] == "fraud"
    metrics = {(m["metric_name"], m["variant_name"], m["target_model"]): m["invocations"] for m in read(tmp_path, "invocations", "cloudwatch")}
    assert metrics[("InvocationsPerModel", "AllTraffic", "sentiment.tar.gz")] == 600.0
    assert metrics[("Invocations", "v2", None)] == 30.0
    # hourly Average and Maximum of each series; the per-instance series is not read
    usage = {
        (u["namespace"], u["metric_name"], u["variant_name"], u["job_host"]): (u["average"], u["maximum"])
        for u in read(tmp_path, "instance_utilization", "cloudwatch")
    }
    assert usage == {
        ("/aws/sagemaker/Endpoints", "CPUUtilization", "v1", None): (200.0, 300.0),
        ("/aws/sagemaker/Endpoints", "MemoryUtilization", "v1", None): (21.0, 22.0),
        ("/aws/sagemaker/TrainingJobs", "GPUUtilization", None, "fraud-train-0001/algo-1"): (55.0, 55.0),
    }
    assert "API calls: " in result.stdout and "sagemaker:Search" in result.stdout


def test_apis_the_server_lacks_fail_their_entity_only(aws: dict[str, str], tmp_path: Path) -> None:
    create_account()
    # the missing APIs answer with errors that are retried: a short backoff keeps this test quick
    result = run_cli(aws, "--landing", str(tmp_path), "--backoff-base", "0.01")
    assert result.returncode == 1
    failed = re.findall(r"FAILED: \S+ (\w+):", result.stdout)
    assert set(failed) == set(MOTO_MISSING.split(","))
    assert all(len(line) < 300 for line in result.stdout.splitlines() if line.startswith("FAILED"))  # one line each, no HTML page
    assert len(read(tmp_path, "training_jobs")) == 3 and read(tmp_path, "endpoints")


def test_a_thousand_training_jobs_take_few_calls(aws: dict[str, str], tmp_path: Path) -> None:
    create_account(n_jobs=1000)
    result = run_cli(aws, "--landing", str(tmp_path), "--skip", MOTO_MISSING)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(read(tmp_path, "training_jobs")) == 1000
    calls = entity_calls(result.stdout)
    assert calls["training_jobs"] <= 50
    print("calls per entity with 1,000 training jobs:", calls)


def test_second_run_is_incremental_and_adds_no_duplicates_after_staging(aws: dict[str, str], tmp_path: Path) -> None:
    create_account()
    landing = tmp_path / "landing"
    first = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING)
    assert first.returncode == 0
    again = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING)
    assert again.returncode == 0
    assert "training_jobs" not in re.sub(r"rows landed: ", "", again.stdout.splitlines()[0])  # finished jobs not read again
    state = json.loads(next((landing / "_state").glob("*.json")).read_text())
    assert "training_jobs" in state["watermarks"]
    create_late_job()
    third = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING)
    assert third.returncode == 0 and "training_jobs 1" in third.stdout.splitlines()[0]
    (landing / "focus").mkdir()
    _focus_file(landing, [("arn:aws:sagemaker:us-east-1:123456789012:training-job/fraud-train-0000", "USE1-Train:ml.m5.xlarge")])
    staged = run_dbt(
        ["run", "--select", "stg_sagemaker__training_jobs", "stg_sagemaker__endpoints", "stg_sagemaker__tags"], landing, tmp_path / "work"
    )
    assert staged.returncode == 0, staged.output[-3000:]
    assert staged.query("select count(*), count(distinct training_job_arn) from main_staging.stg_sagemaker__training_jobs")[0] == (4, 4)
    assert staged.query("select count(*) from main_staging.stg_sagemaker__endpoints")[0][0] == 3


def _focus_file(landing: Path, charges: list[tuple[str, str]]) -> None:
    import numpy as np

    rows = FocusRows(datetime(2026, 11, 1), "111111111111", "payer")
    for rid, usage in charges:
        kind = rid.split(":")[5].split("/")[0]
        rows.add(
            hours=np.arange(3),
            quantity=1.0,
            unit_price=1.5,
            sub_account=("123456789012", "ml"),
            region="us-east-1",
            service_code="AmazonSageMaker",
            usage_type=usage,
            description="x",
            resource_id=rid,
            resource_type=kind,
        )
    path = landing / "focus" / "export" / "data" / "BILLING_PERIOD=2026-11" / "part-1.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(rows.to_table(), path)


def test_end_to_end_moto_and_mlflow_extractor_dbt_build(aws: dict[str, str], mlflow_server: MlflowServer, tmp_path: Path) -> None:
    """SageMaker from moto and MLflow runs from a real MLflow server, landed by one extractor run,
    then dbt: an untagged training job whose run carries ml:team and ml:model is attributed from
    the run (docs/trackers.md); a run never overrides a job's own tags; a run naming no job is
    listed with the reason; the money is a plain sum of the FOCUS file."""
    create_account()
    untagged = _untagged_training_job("vision-train-untagged")
    mlflow_server.create(
        [
            {  # the run names its job by ARN; the job has no tag anywhere
                "experiment": "vision-detector",
                "run_name": "detector-finetune",
                "tags": {"ml:team": "vision", "ml:model": "cv-detector", "sagemaker.training_job_arn": untagged},
                "params": {"lr": "0.001"},
            },
            {  # names a tagged job by name (param): the job's own tags win
                "experiment": "vision-detector",
                "run_name": "borrowed-gpu",
                "tags": {"ml:team": "vision"},
                "params": {"training_job_name": "fraud-train-0002"},
            },
            {"experiment": "vision-detector", "run_name": "notebook-exploration", "tags": {"ml:team": "vision"}},
        ]
    )
    landing = tmp_path / "landing"
    result = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING, "--mlflow-tracking-uri", mlflow_server.url)
    assert result.returncode == 0, result.stderr[-2000:]
    endpoint = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/recsys-ab"
    _focus_file(
        landing,
        [
            ("arn:aws:sagemaker:us-east-1:123456789012:training-job/FRAUD-TRAIN-0001", "USE1-Train:ml.m5.xlarge"),  # case differs
            ("arn:aws:sagemaker:us-east-1:123456789012:training-job/fraud-train-0002", "USE1-Train:ml.m5.xlarge"),
            (endpoint, "USE1-Host:ml.c5.2xlarge"),  # variant v1's instance type
            (endpoint, "USE1-Host:ml.g4dn.xlarge"),  # variant v2's
            (untagged, "USE1-Train:ml.g5.xlarge"),
        ],
    )
    build = run_dbt(
        [
            "build",
            *NO_GATE,
            "--select",
            "+fct_ml_costs",
            "+int_ml_daily_costs_summarized",
            "+rpt_tracker_runs",
            "+int_endpoint_utilization_summarized",
            "--indirect-selection",
            "cautious",
        ],
        landing,
        tmp_path / "work",
    )
    assert build.returncode == 0, build.output[-5000:]
    rows = {
        (r[0], r[1]): r[2:]
        for r in build.query(
            "select resource_name, coalesce(variant_name, '-'), team, team_source, model, model_source, match_method, "
            "experiment, experiment_source, round(sum(effective_cost), 6) from main.fct_ml_costs group by all"
        )
    }
    assert rows[("FRAUD-TRAIN-0001", "-")][:5] == ("fraud", "resource_tags", "fraud-xgb", "resource_tags", "arn")
    v1, v2 = rows[("recsys-ab", "v1")], rows[("recsys-ab", "v2")]
    assert v1[0] == v2[0] == "recsys" and v1[1] == "resource_tags"
    assert (v1[2], v1[3]) == ("ranker-v1", "target_tags")  # each variant named by its model
    from_run = "metadata_mlflow_run"
    assert rows[("vision-train-untagged", "-")][:7] == ("vision", from_run, "cv-detector", from_run, "arn", "vision-detector", from_run)
    assert rows[("fraud-train-0002", "-")][:4] == ("fraud", "resource_tags", "fraud-xgb", "resource_tags")
    runs = {
        r[0]: r[1:]
        for r in build.query(
            "select run_name, is_linked, link_method, resource_name, run_team, resource_team_source, unlinked_reason from main.rpt_tracker_runs"
        )
    }
    assert runs["detector-finetune"][:3] == (True, "run_names_arn", "vision-train-untagged")
    assert runs["borrowed-gpu"][:5] == (True, "run_names_job", "fraud-train-0002", "vision", "resource_tags")
    assert runs["notebook-exploration"][0] is False and runs["notebook-exploration"][-1].startswith("names no SageMaker job")
    # instance utilisation landed from CloudWatch stages and summarises per variant
    peaks = build.query(
        "select endpoint_name, variant_name, cpu_peak_pct, cpu_mean_pct, memory_peak_pct from main_intermediate.int_endpoint_utilization_summarized"
    )
    assert peaks == [("recsys-ab", "v1", 300.0, 200.0, 22.0)]
    staged = build.query("select count(*), count(distinct namespace) from main_staging.stg_cloudwatch__instance_utilization")
    assert staged == [(3, 2)]
    # money: the fact table holds exactly what the FOCUS file holds, read without the pipeline
    focus = pq.read_table(next((landing / "focus").rglob("*.parquet")))
    total = build.query("select sum(effective_cost) from main.fct_ml_costs")[0][0]
    assert total == pytest.approx(pc.sum(focus["EffectiveCost"]).as_py(), abs=0.005) and total == pytest.approx(5 * 3 * 1.5)


def _untagged_training_job(name: str) -> str:
    sm = boto3.client("sagemaker")
    sm.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": "123.dkr.ecr.us-east-1.amazonaws.com/vision:1", "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://ml-artifacts/vision"},
        ResourceConfig={"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )
    return str(sm.describe_training_job(TrainingJobName=name)["TrainingJobArn"])


def test_dry_run_calls_nothing(aws: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(aws, "--landing", str(tmp_path / "l"), "--dry-run", "--regions", "us-east-1,eu-west-1")
    assert result.returncode == 0
    assert "eu-west-1" in result.stdout and "training_jobs" in result.stdout and "GetMetricData" in result.stdout
    assert not (tmp_path / "l").exists()


def test_missing_credentials_is_one_line_and_exit_2(aws: dict[str, str], tmp_path: Path) -> None:
    env = {k: v for k, v in aws.items() if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")}
    result = subprocess.run(
        [str(BIN / "ml-cost-extract"), "--landing", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in {**os.environ, **env}.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")},
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == ["ml-cost-extract: error: no AWS credentials for sts:GetCallerIdentity : set AWS_PROFILE or AWS_ACCESS_KEY_ID"]


def _inject(monkeypatch: pytest.MonkeyPatch, handler) -> None:
    """Register a botocore before-call hook on every session the CLI creates."""
    real = boto3.Session

    def session(*args, **kwargs):
        s = real(*args, **kwargs)
        s.events.register("before-call.*.*", handler)
        return s

    monkeypatch.setattr(cli.boto3, "Session", session)
    monkeypatch.setattr("ml_cost_extract.aws.make_session.__defaults__", (None, None, None, None, None), raising=False)


def test_denied_permission_names_the_call_and_exit_2(
    aws: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def deny(model, **kwargs):
        if model.name == "Search":
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "Search")

    _inject(monkeypatch, deny)
    assert cli.main(["--landing", str(tmp_path), "--skip", MOTO_MISSING]) == 2
    err = capsys.readouterr().err
    assert "error: access denied calling sagemaker:Search in us-east-1 (account 123456789012): grant sagemaker:Search" in err


def test_throttling_on_every_third_call_still_lands_everything(aws: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    create_account(n_jobs=5)
    clean = run_cli(aws, "--landing", str(tmp_path / "clean"), "--skip", MOTO_MISSING)
    assert clean.returncode == 0
    calls = {"n": 0}

    def throttle(model, **kwargs):
        calls["n"] += 1
        if calls["n"] % 3 == 0:
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, model.name)

    _inject(monkeypatch, throttle)
    monkeypatch.setattr("ml_cost_extract.aws.time.sleep", lambda s: None)
    assert cli.main(["--landing", str(tmp_path / "throttled"), "--skip", MOTO_MISSING]) == 0
    for table in ("training_jobs", "endpoints", "endpoint_configs", "models", "tags", "notebook_instances"):

        def norm(rows):
            return sorted(json.dumps({k: str(v) for k, v in r.items() if k != "extracted_at"}, sort_keys=True) for r in rows)

        assert norm(read(tmp_path / "throttled", table)) == norm(read(tmp_path / "clean", table)), table
    assert calls["n"] > 10


def test_crash_mid_run_leaves_no_partial_file_and_the_rerun_completes(aws: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    create_account()
    now = (datetime.now(UTC) + timedelta(hours=1)).replace(tzinfo=None).isoformat(timespec="seconds")
    written = {"n": 0}
    real_write = pq.write_table

    def crash_on_third(table, where, **kwargs):
        written["n"] += 1
        if written["n"] == 3:
            Path(where).write_bytes(b"PAR1 half a file")  # the process dies while writing
            raise KeyboardInterrupt
        return real_write(table, where, **kwargs)

    monkeypatch.setattr("ml_cost_extract.landing.pq.write_table", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        cli.main(["--landing", str(tmp_path), "--skip", MOTO_MISSING, "--now", now])
    files = list(tmp_path.rglob("*.parquet"))
    assert len(files) == 2 and not list(tmp_path.rglob("*.tmp"))
    for f in files:
        pq.read_table(f)  # every file that exists is whole
    monkeypatch.setattr("ml_cost_extract.landing.pq.write_table", real_write)
    assert cli.main(["--landing", str(tmp_path), "--skip", MOTO_MISSING, "--now", now]) == 0
    assert len(read(tmp_path, "training_jobs")) == 3 and read(tmp_path, "endpoints")


def test_one_region_failing_keeps_the_other_regions_data(
    aws: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    create_account()

    def broken_region(model, context=None, **kwargs):
        if context and context.get("client_region") == "eu-west-1":
            raise ConnectionError("eu-west-1 unreachable")

    _inject(monkeypatch, broken_region)
    code = cli.main(["--landing", str(tmp_path), "--regions", "eu-west-1,us-east-1", "--skip", MOTO_MISSING])
    assert code == 1
    assert "FAILED: eu-west-1/123456789012" in capsys.readouterr().out
    assert {r["region"] for r in read(tmp_path, "training_jobs")} == {"us-east-1"}


def test_every_call_is_covered_by_the_shipped_iam_policy() -> None:
    policy = json.loads((Path(__file__).resolve().parents[2] / "extract" / "iam-policy.json").read_text())
    allowed = {a for s in policy["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert all(re.fullmatch(r"(sagemaker|sagemaker-mlflow|cloudwatch):(List|Describe|Get|Search)\w*", a) for a in allowed)  # read-only
    source = "\n".join(p.read_text() for p in (Path(__file__).resolve().parents[2] / "extract" / "ml_cost_extract").glob("*.py"))
    used = set(re.findall(r"caller\.(?:call|pages)\(\s*(sm|cw|sts|session\.client\(\"sts\"[^)]*\))\s*,\s*\"(\w+)\"", source))
    clients = {"sm": boto3.client("sagemaker", region_name="us-east-1"), "cw": boto3.client("cloudwatch", region_name="us-east-1")}
    needed = set()
    for client_name, op in used:
        if client_name in clients:
            needed.add(f"{'sagemaker' if client_name == 'sm' else 'cloudwatch'}:{clients[client_name].meta.method_to_api_mapping[op]}")
    assert len(needed) >= 20
    assert needed <= allowed, needed - allowed
    assert not list(Path(sys.prefix).glob("**/ml-cost-credentials*"))


def test_assume_role_lands_under_the_assumed_session(aws: dict[str, str], tmp_path: Path) -> None:
    create_account()
    role = "arn:aws:iam::123456789012:role/ml-cost-extract-read-only"
    result = run_cli(aws, "--landing", str(tmp_path), "--skip", MOTO_MISSING, "--assume-role", role)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sts:AssumeRole 1" in result.stdout
    assert len(read(tmp_path, "training_jobs")) == 3
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and "Credentials" in p.read_bytes().decode("latin-1")]


def test_cloudwatch_series_of_two_accounts_with_one_endpoint_name_both_stay(tmp_path: Path) -> None:
    """An endpoint name is unique only within a Region of an account (CreateEndpoint), and a
    CloudWatch metric lives in the account and Region that published it: the same endpoint name
    in two accounts, or two Regions, is three series for the same hour, and staging keeps all
    three (it once kept one, picked at random, and the shared-endpoint splits changed between runs)."""
    from ml_cost_extract.landing import TABLES_BY_NAME, table_path, write_table

    landing = tmp_path / "landing"
    _focus_file(landing, [("arn:aws:sagemaker:us-east-1:123456789012:training-job/fraud-train-0000", "USE1-Train:ml.m5.xlarge")])
    hour = datetime(2026, 11, 1, 5)
    extracted = datetime(2026, 11, 2, 1)
    series = [("111111111111", "us-east-1", 10.0), ("222222222222", "us-east-1", 20.0), ("111111111111", "eu-west-1", 40.0)]
    for account, region, invocations in series:
        row = {
            "account_id": account,
            "region": region,
            "snapshot_date": extracted.date(),
            "extracted_at": extracted,
            "namespace": "AWS/SageMaker",
            "metric_name": "Invocations",
            "endpoint_name": "recommender",
            "variant_name": "AllTraffic",
            "period_start": hour,
            "invocations": invocations,
        }
        table = TABLES_BY_NAME["invocations"]
        write_table(table_path(landing, table, extracted.date().isoformat(), f"{account}-{region}-run1"), table, [row])
    result = run_dbt(["run", "--select", "stg_cloudwatch__invocations"], landing, tmp_path / "work")
    assert result.returncode == 0, result.output[-3000:]
    staged = result.query("select account_id, region, invocations from main_staging.stg_cloudwatch__invocations order by invocations")
    assert staged == series
