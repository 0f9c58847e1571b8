"""AWS calls: one place that counts them, backs off on throttling, and follows pagination."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)

THROTTLE_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"})
DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException"})
# The service prefix IAM uses for each boto3 client.
IAM_PREFIX = {"sagemaker": "sagemaker", "cloudwatch": "cloudwatch", "sts": "sts", "resourcegroupstaggingapi": "tag"}


TRANSIENT_CODES = frozenset({"InternalFailure", "InternalServerError", "ServiceUnavailable", "RequestTimeout", "RequestTimeoutException"})
CONNECTION_ERRORS = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)


def botocore_config(max_attempts: int = 8) -> Config:
    """botocore does not retry (``total_max_attempts`` 1): Caller retries, so every retry is counted,
    shown in the summary and bounded by the run's deadline. ``max_attempts`` is kept for callers
    of the old signature and is what Caller uses."""
    del max_attempts
    return Config(retries={"mode": "standard", "total_max_attempts": 1}, user_agent_extra="ml-cost-extract", connect_timeout=10, read_timeout=60)


class ExtractError(Exception):
    """An error that ends the extraction of one account and region."""


class FatalAuthError(ExtractError):
    """Missing credentials or a denied permission: the user must act; exit code 2."""


class AccessDenied(FatalAuthError):
    """One operation is denied: its entity is skipped, the others land; exit code 2."""


class DeadlineReached(ExtractError):
    """The run's --deadline has passed: stop cleanly with what has landed; exit code 1."""


class Unreachable(ExtractError):
    """The service did not answer (connection refused, timeout): one line, exit code 1."""


def iam_action(client: Any, operation: str) -> str:
    service = client.meta.service_model.service_name
    api_name = client.meta.method_to_api_mapping.get(operation, operation)
    return f"{IAM_PREFIX.get(service, service)}:{api_name}"


@dataclass
class Caller:
    """Calls AWS operations for one account and region.

    The only place that retries: throttling (ThrottlingException and kin, which are not modelled
    errors), transient server errors and connection failures, with jittered exponential backoff,
    never past the deadline. Counts per IAM action the calls, the HTTP requests (``counts``), the
    retries and the throttled answers, for the summary. Credential and permission errors become
    FatalAuthError / AccessDenied with a one-line message naming the call and the permission;
    a service that does not answer becomes Unreachable with a one-line message.
    """

    where: str = ""
    max_attempts: int = 8
    max_connection_attempts: int = 3
    base_delay: float = 0.2
    max_delay: float = 20.0
    deadline: float | None = None  # time.monotonic() value
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    counts: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    throttles: Counter[str] = field(default_factory=Counter)
    throttled: int = 0

    @property
    def max_throttle_retries(self) -> int:
        return self.max_attempts - 1

    def _check_deadline(self, action: str) -> None:
        if self.deadline is not None and self.clock() >= self.deadline:
            raise DeadlineReached(f"deadline reached before {action} {self.where}".rstrip())

    def _backoff(self, action: str, attempt: int) -> None:
        delay = min(self.max_delay, self.base_delay * 2**attempt) * (0.5 + random.random() / 2)
        if self.deadline is not None and self.clock() + delay >= self.deadline:
            raise DeadlineReached(f"deadline reached while retrying {action} {self.where}".rstrip())
        self.retries[action] += 1
        self.sleep(delay)

    def call(self, client: Any, operation: str, **params: Any) -> dict[str, Any]:
        action = iam_action(client, operation)
        self.calls[action] += 1
        attempt = 0
        while True:
            self._check_deadline(action)
            self.counts[action] += 1
            try:
                response: dict[str, Any] = getattr(client, operation)(**params)
                return response
            except (NoCredentialsError, PartialCredentialsError) as exc:
                raise FatalAuthError(f"no AWS credentials for {action} {self.where}: set AWS_PROFILE or AWS_ACCESS_KEY_ID") from exc
            except NoRegionError as exc:
                raise FatalAuthError(f"no AWS region for {action}: pass --regions or set AWS_REGION") from exc
            except CONNECTION_ERRORS as exc:
                attempt += 1
                if attempt >= self.max_connection_attempts:
                    url = client.meta.endpoint_url
                    raise Unreachable(
                        f"{' '.join(filter(None, (action, self.where)))}: no answer from {url} after {attempt} attempts ({type(exc).__name__}); "
                        "check the network, AWS_ENDPOINT_URL and the region"
                    ) from None
                self._backoff(action, attempt)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
                if code in DENIED_CODES:
                    raise AccessDenied(f"access denied calling {action} {self.where}: grant {action} (see extract/iam-policy.json)") from None
                if code in THROTTLE_CODES:
                    self.throttles[action] += 1
                    self.throttled += 1
                elif code not in TRANSIENT_CODES and status < 500:
                    raise
                attempt += 1
                if attempt >= self.max_attempts:
                    raise
                self._backoff(action, attempt)

    def pages(self, client: Any, operation: str, result_key: str, max_pages: int = 100_000, **params: Any) -> Iterator[list[Any]]:
        """Yield each page's items, following NextToken until it is absent.

        An empty page with a token is not the end. A token that repeats means the service is
        looping: stop rather than call forever.
        """
        token: str | None = None
        seen: set[str] = set()
        for _ in range(max_pages):
            request = dict(params)
            if token:
                request["NextToken"] = token
            response = self.call(client, operation, **request)
            yield response.get(result_key, []) or []
            token = response.get("NextToken")
            if not token or token in seen:
                return
            seen.add(token)
        raise ExtractError(f"{iam_action(client, operation)} {self.where}: more than {max_pages} pages")


def make_session(
    profile: str | None = None,
    region: str | None = None,
    role_arn: str | None = None,
    base: boto3.Session | None = None,
    caller: Caller | None = None,
) -> boto3.Session:
    """A boto3 session (AWS_PROFILE, AWS_ENDPOINT_URL and the other standard settings apply),
    optionally assuming a role (credentials stay in memory, never on disk)."""
    session = base or boto3.Session(profile_name=profile, region_name=region)
    if not role_arn:
        return session
    sts = session.client("sts", config=botocore_config())
    response = (caller or Caller()).call(sts, "assume_role", RoleArn=role_arn, RoleSessionName="ml-cost-extract")
    creds = response["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region or session.region_name,
    )
