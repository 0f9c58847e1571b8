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
from botocore.exceptions import ClientError, NoCredentialsError, NoRegionError, PartialCredentialsError

THROTTLE_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"})
DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException"})
# The service prefix IAM uses for each boto3 client.
IAM_PREFIX = {"sagemaker": "sagemaker", "cloudwatch": "cloudwatch", "sts": "sts", "resourcegroupstaggingapi": "tag"}


def botocore_config(max_attempts: int = 8) -> Config:
    """Retries set explicitly: botocore's standard mode (it also retries throttling), then our own backoff."""
    return Config(retries={"mode": "standard", "max_attempts": max_attempts}, user_agent_extra="ml-cost-extract")


class ExtractError(Exception):
    """An error that ends the extraction of one account and region."""


class FatalAuthError(ExtractError):
    """Missing credentials or a denied permission: the user must act; exit code 2."""


def iam_action(client: Any, operation: str) -> str:
    service = client.meta.service_model.service_name
    api_name = client.meta.method_to_api_mapping.get(operation, operation)
    return f"{IAM_PREFIX.get(service, service)}:{api_name}"


@dataclass
class Caller:
    """Calls AWS operations for one account and region.

    Counts calls per IAM action, retries throttled calls with jittered exponential backoff
    (on top of botocore's own retries), and turns credential and permission errors into
    FatalAuthError with a one-line message naming the call and the permission.
    """

    where: str = ""
    max_throttle_retries: int = 8
    base_delay: float = 0.2
    max_delay: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    counts: Counter[str] = field(default_factory=Counter)
    throttled: int = 0

    def call(self, client: Any, operation: str, **params: Any) -> dict[str, Any]:
        action = iam_action(client, operation)
        attempt = 0
        while True:
            self.counts[action] += 1
            try:
                return getattr(client, operation)(**params)
            except (NoCredentialsError, PartialCredentialsError) as exc:
                raise FatalAuthError(f"no AWS credentials for {action} {self.where}: set AWS_PROFILE or AWS_ACCESS_KEY_ID") from exc
            except NoRegionError as exc:
                raise FatalAuthError(f"no AWS region for {action}: pass --regions or set AWS_REGION") from exc
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code in DENIED_CODES:
                    raise FatalAuthError(f"access denied calling {action} {self.where}: grant {action} (see extract/iam-policy.json)") from exc
                if code in THROTTLE_CODES and attempt < self.max_throttle_retries:
                    attempt += 1
                    self.throttled += 1
                    delay = min(self.max_delay, self.base_delay * 2**attempt)
                    self.sleep(delay * (0.5 + random.random() / 2))
                    continue
                raise

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
