"""Issue 14: the extractor never loses what it landed. Against a real moto server (HTTP on
127.0.0.1), through a local proxy that answers a share of SageMaker requests with the service's
own throttling error or denies one operation: reruns keep every tag, kills lose nothing, retries
are visible, a deadline stops in time, and every failure is one line."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import BIN, run_dbt
from test_extractor import MOTO_MISSING, _focus_file, aws, create_account, create_late_job, moto_url, run_cli  # noqa: F401 - fixtures

STAGED = {
    "training_jobs": "select count(*) from main_staging.stg_sagemaker__training_jobs",
    "tags": "select count(*) from main_staging.stg_sagemaker__tags",
    "endpoints": "select count(*) from main_staging.stg_sagemaker__endpoints",
    "models": "select count(*) from main_staging.stg_sagemaker__models",
    "notebooks": "select count(*) from main_staging.stg_sagemaker__notebook_instances",
    "invocations": "select count(*) from main_staging.stg_cloudwatch__invocations",
}


class FaultProxy:
    """Forwards to moto; answers a share of SageMaker requests (JSON protocol, X-Amz-Target
    SageMaker.<Operation>) with ThrottlingException, or denies one operation, as SageMaker does."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlparse(upstream)
        self.throttle_share = 0.0
        self.deny: set[str] = set()
        self.rng = random.Random(20261129)
        self.lock = threading.Lock()
        self.requests = 0
        self.throttled = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                target = self.headers.get("X-Amz-Target", "")
                if target.startswith("SageMaker."):
                    operation = target.split(".", 1)[1]
                    with proxy.lock:
                        proxy.requests += 1
                        throttle = proxy.rng.random() < proxy.throttle_share
                        proxy.throttled += throttle
                    if operation in proxy.deny:
                        return self._error(400, "AccessDeniedException", f"User is not authorized to perform: sagemaker:{operation}")
                    if throttle:
                        return self._error(400, "ThrottlingException", "Rate exceeded")
                conn = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                conn.request("POST", self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            def _error(self, status: int, code: str, message: str) -> None:
                data = json.dumps({"__type": code, "message": message}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("x-amzn-ErrorType", code)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(moto_url: str) -> Iterator[FaultProxy]:  # noqa: F811 - the imported fixture
    p = FaultProxy(moto_url)
    yield p
    p.close()


def _staged(landing: Path, workdir: Path) -> dict[str, int]:
    if not (landing / "focus").exists():
        (landing / "focus").mkdir()
        _focus_file(landing, [("arn:aws:sagemaker:us-east-1:123456789012:training-job/fraud-train-0000", "USE1-Train:ml.m5.xlarge")])
    models = ["stg_sagemaker__training_jobs", "stg_sagemaker__tags", "stg_sagemaker__endpoints", "stg_sagemaker__models"]
    models += ["stg_sagemaker__notebook_instances", "stg_cloudwatch__invocations"]
    result = run_dbt(["run", "--select", *models], landing, workdir)
    assert result.returncode == 0, result.output[-3000:]
    return {name: result.query(sql)[0][0] for name, sql in STAGED.items()}


def _clean_counts(aws: dict[str, str], tmp_path: Path) -> dict[str, int]:  # noqa: F811
    landing = tmp_path / "clean"
    result = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING)
    assert result.returncode == 0, result.stdout + result.stderr
    return _staged(landing, tmp_path / "clean_work")


def test_a_second_run_and_a_run_after_a_new_job_keep_every_tag_and_resource(aws: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    create_account(n_jobs=50)
    landing = tmp_path / "landing"
    for _ in range(2):
        result = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING)
        assert result.returncode == 0, result.stdout + result.stderr
    after_two = _staged(landing, tmp_path / "work")
    assert after_two["training_jobs"] == 50
    tagged = "select count(*) from main_staging.stg_sagemaker__tags where resource_arn like '%:training-job/%'"
    create_late_job(tags=[{"Key": "ml:team", "Value": "fraud"}])
    third = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING)
    assert third.returncode == 0, third.stdout + third.stderr
    staged = run_dbt(["run", "--select", "stg_sagemaker__tags", "stg_sagemaker__training_jobs"], landing, tmp_path / "work")
    assert staged.returncode == 0, staged.output[-3000:]
    assert staged.query(tagged)[0][0] == 50 * 2 + 1  # every tag of the first run, and the new job's
    assert staged.query("select count(*) from main_staging.stg_sagemaker__training_jobs")[0][0] == 51
    assert after_two["tags"] >= 100


def test_runs_killed_at_random_moments_lose_nothing(aws: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    create_account(n_jobs=300)
    expected = _clean_counts(aws, tmp_path)
    landing = tmp_path / "landing"
    rng = random.Random(14)
    for _ in range(4):
        proc = subprocess.Popen(
            [str(BIN / "ml-cost-extract"), "--landing", str(landing), "--skip", MOTO_MISSING],
            env={**os.environ, **aws},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.8, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    final = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING)
    assert final.returncode == 0, final.stdout + final.stderr
    assert _staged(landing, tmp_path / "work") == expected


def test_half_the_requests_throttled_complete_with_every_row_and_visible_retries(
    aws: dict[str, str],  # noqa: F811
    proxy: FaultProxy,
    tmp_path: Path,
) -> None:
    create_account(n_jobs=20)
    expected = _clean_counts(aws, tmp_path)
    proxy.throttle_share = 0.5
    landing = tmp_path / "landing"
    result = run_cli({**aws, "AWS_ENDPOINT_URL": proxy.url}, "--landing", str(landing), "--skip", MOTO_MISSING, "--backoff-base", "0.01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert proxy.throttled > 10
    retries = next(line for line in result.stdout.splitlines() if line.startswith("retries:"))
    assert retries == f"retries: {proxy.throttled} (throttled answers: {proxy.throttled})"
    search = next(line.split() for line in result.stdout.splitlines() if line.strip().startswith("sagemaker:Search"))
    calls, requests, retried, throttled = map(int, search[1:5])
    assert requests == calls + retried and throttled == retried > 0
    assert _staged(landing, tmp_path / "work") == expected


def test_a_deadline_under_heavy_throttling_stops_in_time_and_the_next_run_completes(
    aws: dict[str, str],  # noqa: F811
    proxy: FaultProxy,
    tmp_path: Path,
) -> None:
    create_account(n_jobs=20)
    expected = _clean_counts(aws, tmp_path)
    proxy.throttle_share = 0.8
    landing = tmp_path / "landing"
    started = time.monotonic()
    stopped = run_cli(
        {**aws, "AWS_ENDPOINT_URL": proxy.url}, "--landing", str(landing), "--skip", MOTO_MISSING, "--deadline", "5", "--backoff-base", "0.05"
    )
    elapsed = time.monotonic() - started
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    assert elapsed < 5 + 6  # the deadline plus process start and the call under way
    assert "deadline reached" in stopped.stderr and "run again to continue" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    for table in landing.rglob("*.parquet"):  # what it finished landed whole
        assert table.stat().st_size > 0
    proxy.throttle_share = 0.0
    final = run_cli(aws, "--landing", str(landing), "--skip", MOTO_MISSING)
    assert final.returncode == 0, final.stdout + final.stderr
    assert _staged(landing, tmp_path / "work") == expected


def test_an_unreachable_endpoint_is_one_line_and_exit_1(aws: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    result = run_cli({**aws, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, "--landing", str(tmp_path), "--backoff-base", "0.01")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("ml-cost-extract: error: sts:GetCallerIdentity") and "no answer from http://127.0.0.1:9" in errors[0]
    assert "check the network" in errors[0]


def test_one_denied_operation_is_one_line_exit_2_and_everything_else_lands(
    aws: dict[str, str],  # noqa: F811
    proxy: FaultProxy,
    tmp_path: Path,
) -> None:
    create_account(n_jobs=5)
    proxy.deny = {"ListNotebookInstances"}
    landing = tmp_path / "landing"
    result = run_cli({**aws, "AWS_ENDPOINT_URL": proxy.url}, "--landing", str(landing), "--skip", MOTO_MISSING)
    assert result.returncode == 2, result.stdout + result.stderr
    denied = [line for line in (result.stdout + result.stderr).splitlines() if "access denied" in line]
    assert denied == [
        "ml-cost-extract: error: access denied calling sagemaker:ListNotebookInstances in us-east-1 (account 123456789012): "
        "grant sagemaker:ListNotebookInstances (see extract/iam-policy.json)"
    ]
    landed = {p.parent.parent.name for p in landing.rglob("*.parquet")}
    assert {"training_jobs", "endpoints", "models", "experiments", "tags", "invocations"} <= landed
    assert "notebook_instances" not in landed
