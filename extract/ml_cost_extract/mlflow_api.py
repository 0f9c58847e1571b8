"""A small MLflow REST client: experiments and runs, with MLflow's authentication options.

The extractor speaks MLflow's REST API (``/api/2.0/mlflow/experiments/search`` and
``/api/2.0/mlflow/runs/search``, MLflow REST API reference) with the standard library, so the
``mlflow`` package (hundreds of MB) is not needed to extract. Authentication, as MLflow
documents it for its own client (``mlflow.environment_variables``; the same variables the
``sagemaker-mlflow`` plugin reads in ``sagemaker_mlflow/host_creds.py``):

- ``MLFLOW_TRACKING_TOKEN``: bearer token; else ``MLFLOW_TRACKING_USERNAME`` and
  ``MLFLOW_TRACKING_PASSWORD``: basic authentication;
- ``MLFLOW_TRACKING_INSECURE_TLS=true``: no certificate check; ``MLFLOW_TRACKING_SERVER_CERT_PATH``:
  a CA bundle;
- ``MLFLOW_TRACKING_AWS_SIGV4=true``: requests signed with SigV4 for the service ``execute-api``
  (a self-hosted server behind Amazon API Gateway; MLflow ``utils/rest_utils.py`` signs with
  ``AWSSigV4("execute-api")``) in ``$AWS_REGION`` / ``$AWS_DEFAULT_REGION``.

SageMaker managed MLflow: the tracking URI is the tracking server's ARN
(``arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/<name>``, or ``mlflow-app/``),
as with the ``sagemaker-mlflow`` plugin MLflow documents. What the plugin does, done here with
botocore (aws/sagemaker-mlflow ``mlflow_sagemaker_helpers.py``, ``auth.py``,
``mlflow_sagemaker_request_header_provider.py``): requests go to
``https://<region>.experiments.sagemaker.aws`` (or ``$SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT``), carry
the header ``x-mlflow-sm-tracking-server-arn: <arn>`` and are signed with SigV4 for the service
``sagemaker-mlflow`` in the ARN's region, with ``X-Amz-Content-SHA256``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

SIGV4_SERVICE = "sagemaker-mlflow"
ARN_HEADER = "x-mlflow-sm-tracking-server-arn"
RETRIED_STATUS = {429, 500, 502, 503, 504}
RUN_PAGE = 1000  # runs per runs/search page (MLflow's maximum is 50,000)


class TrackerError(Exception):
    """A tracker call that failed: one line naming the server and what went wrong."""


class TrackerUnreachable(TrackerError):
    """The tracking server did not answer (connection refused, DNS, timeout) after the retries."""


class TrackerDenied(TrackerError):
    """The server refused the credentials (HTTP 401 or 403)."""


def is_sagemaker_arn(uri: str) -> bool:
    parts = uri.split(":")
    return len(parts) >= 6 and parts[0] == "arn" and parts[2] == "sagemaker" and parts[5].startswith("mlflow-")


def display_uri(uri: str) -> str:
    """The tracking URI without credentials (user:password@ removed): what is landed and printed."""
    if is_sagemaker_arn(uri):
        return uri.split("#", 1)[0]
    parsed = urllib.parse.urlsplit(uri)
    netloc = parsed.hostname or ""
    if parsed.port:
        netloc += f":{parsed.port}"
    return urllib.parse.urlunsplit((parsed.scheme, netloc, parsed.path.rstrip("/"), "", ""))


@dataclass(frozen=True)
class Endpoint:
    """Where and how to call one tracking server."""

    uri: str  # as given (an http(s) URL or a SageMaker managed MLflow ARN)
    base_url: str
    headers: Mapping[str, str]
    sigv4: tuple[str, str] | None  # (service, region) when requests are signed
    ssl_context: ssl.SSLContext | None

    @classmethod
    def resolve(cls, uri: str, env: Mapping[str, str]) -> Endpoint:
        headers: dict[str, str] = {}
        sigv4 = None
        if is_sagemaker_arn(uri):
            arn = uri.split("#", 1)[0]
            partition, region = arn.split(":")[1], arn.split(":")[3]
            suffix = {"aws": "aws", "aws-us-gov": "aws"}.get(partition)
            custom = env.get("SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT", "")
            if not custom and suffix is None:
                raise TrackerError(f"MLflow tracking server {arn}: partition {partition} is not served by SageMaker managed MLflow")
            base = custom or f"https://{region}.experiments.sagemaker.{suffix}"
            headers[ARN_HEADER] = arn
            sigv4 = (SIGV4_SERVICE, region)
        elif uri.startswith(("http://", "https://")):
            parsed = urllib.parse.urlsplit(uri)
            base = display_uri(uri)
            if parsed.username:
                headers["Authorization"] = _basic(urllib.parse.unquote(parsed.username), urllib.parse.unquote(parsed.password or ""))
            if env.get("MLFLOW_TRACKING_AWS_SIGV4", "").lower() == "true":
                gateway_region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
                if not gateway_region:
                    raise TrackerError("MLFLOW_TRACKING_AWS_SIGV4=true signs requests for a region: set AWS_REGION")
                sigv4 = ("execute-api", gateway_region)
        else:
            raise TrackerError(
                f"MLflow tracking URI {uri!r}: expected http(s)://host[:port] or a SageMaker managed MLflow ARN "
                "(arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/<name>)"
            )
        if env.get("MLFLOW_TRACKING_TOKEN"):
            headers["Authorization"] = f"Bearer {env['MLFLOW_TRACKING_TOKEN']}"
        elif env.get("MLFLOW_TRACKING_USERNAME"):
            headers["Authorization"] = _basic(env["MLFLOW_TRACKING_USERNAME"], env.get("MLFLOW_TRACKING_PASSWORD", ""))
        context = None
        if env.get("MLFLOW_TRACKING_INSECURE_TLS", "").lower() == "true":
            context = ssl._create_unverified_context()
        elif env.get("MLFLOW_TRACKING_SERVER_CERT_PATH"):
            context = ssl.create_default_context(cafile=env["MLFLOW_TRACKING_SERVER_CERT_PATH"])
        return cls(uri=uri, base_url=base.rstrip("/"), headers=headers, sigv4=sigv4, ssl_context=context)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _sign(url: str, body: bytes, headers: dict[str, str], sigv4: tuple[str, str]) -> dict[str, str]:
    """SigV4 headers (as sagemaker_mlflow.auth.AuthBoto signs for SageMaker managed MLflow)."""
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    credentials = boto3.Session().get_credentials()
    if credentials is None:
        raise TrackerDenied(f"signing MLflow requests for {sigv4[0]} needs AWS credentials (none found)")
    signed = {**headers, "X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()}
    request = AWSRequest(method="POST", url=url, data=body, headers=signed)
    SigV4Auth(credentials.get_frozen_credentials(), sigv4[0], sigv4[1]).add_auth(request)
    return dict(request.headers.items())


@dataclass
class MlflowClient:
    """POST calls to one tracking server, retried with backoff on throttling, server errors and
    connection failures; each failure ends as one TrackerError line."""

    endpoint: Endpoint
    max_attempts: int = 4
    backoff_base: float = 0.2
    timeout: float = 30.0
    calls: int = 0

    @property
    def name(self) -> str:
        return display_uri(self.endpoint.uri)

    def post(self, path: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        url = f"{self.endpoint.base_url}/api/2.0/mlflow/{path}"
        body = json.dumps(payload).encode()
        last = ""
        for attempt in range(1, self.max_attempts + 1):
            headers = {"Content-Type": "application/json", **self.endpoint.headers}
            if self.endpoint.sigv4:
                headers = _sign(url, body, headers, self.endpoint.sigv4)
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            self.calls += 1
            try:
                with urllib.request.urlopen(request, timeout=self.timeout, context=self.endpoint.ssl_context) as response:
                    answer: dict[str, Any] = json.loads(response.read() or b"{}")
                    return answer
            except urllib.error.HTTPError as exc:
                detail = _error_message(exc)
                if exc.code in (401, 403):
                    raise TrackerDenied(f"MLflow tracking server {self.name}: {path} refused (HTTP {exc.code}): {detail}") from None
                if exc.code not in RETRIED_STATUS:
                    raise TrackerError(f"MLflow tracking server {self.name}: {path} failed (HTTP {exc.code}): {detail}") from None
                last = f"HTTP {exc.code}: {detail}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                last = str(reason).strip() or type(reason).__name__
                if attempt == self.max_attempts:
                    raise TrackerUnreachable(f"MLflow tracking server {self.name} unreachable: {last}") from None
            if attempt < self.max_attempts:
                time.sleep(self.backoff_base * (2 ** (attempt - 1)) * (0.5 + random.random()))
        raise TrackerError(f"MLflow tracking server {self.name}: {path} failed after {self.max_attempts} attempts ({last})")

    def experiments(self) -> list[dict[str, Any]]:
        """Every experiment, active and deleted (a deleted experiment's runs were still billed)."""
        found: list[dict[str, Any]] = []
        token = None
        while True:
            page = self.post("experiments/search", {"max_results": 1000, "view_type": "ALL", **({"page_token": token} if token else {})})
            found.extend(page.get("experiments", []))
            token = page.get("next_page_token")
            if not token:
                return found

    def runs(self, experiment_ids: list[str], since_ms: int | None) -> Iterator[dict[str, Any]]:
        """Runs of the experiments that started at or after since_ms, oldest first, all pages."""
        for first in range(0, len(experiment_ids), 100):  # a bounded list of experiments per search
            token = None
            while True:
                payload: dict[str, Any] = {
                    "experiment_ids": experiment_ids[first : first + 100],
                    "run_view_type": "ALL",
                    "max_results": RUN_PAGE,
                    "order_by": ["attributes.start_time ASC"],
                }
                if since_ms is not None:
                    payload["filter"] = f"attributes.start_time >= {int(since_ms)}"
                if token:
                    payload["page_token"] = token
                page = self.post("runs/search", payload)
                yield from page.get("runs", [])
                token = page.get("next_page_token")
                if not token:
                    break


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read().decode(errors="replace")
        data = json.loads(text)
        return str(data.get("message") or data.get("error_code") or text).strip().splitlines()[0][:300]
    except (ValueError, AttributeError, IndexError, OSError):
        return str(exc.reason)


def environment() -> dict[str, str]:
    """The process environment, read once by the caller and passed down (no hidden globals)."""
    return dict(os.environ)
