"""ml-cost-extract: land SageMaker metadata, CloudWatch invocation metrics and MLflow runs as Parquet.

Exit codes: 0 everything landed; 1 some account, region or entity failed, or the
--deadline was reached (what was read has landed; run again to continue); 2 missing
credentials or a denied permission (one line names the call and the permission to grant;
the entities that were allowed still land).

Each entity lands as soon as it is read (atomic Parquet files named by the run, so no run
replaces another's), and the job watermarks advance per entity: a killed run keeps what it
finished and the next run does the rest. Every failure is one line.

MLflow (--mlflow-tracking-uri, default $MLFLOW_TRACKING_URI; docs/trackers.md): experiments and
runs land under trackers/ after the AWS accounts, incrementally by run start time; an
unreachable server is one line and exit 1, and what the AWS part read has landed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from . import cloudwatch_api, sagemaker_api, trackers
from .aws import AccessDenied, Caller, DeadlineReached, ExtractError, FatalAuthError, Unreachable, botocore_config, make_session
from .landing import TABLES_BY_NAME, table_path, write_table
from .mlflow_api import Endpoint, MlflowClient, TrackerDenied, TrackerError
from .progress import Progress
from .sagemaker_api import ENTITIES, Scope
from .state import JOB_TABLES, State


@dataclass
class Outcome:
    rows: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)  # HTTP requests per IAM action
    operations: Counter[str] = field(default_factory=Counter)  # calls per IAM action
    retries: Counter[str] = field(default_factory=Counter)
    throttles: Counter[str] = field(default_factory=Counter)
    entity_calls: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    auth_errors: list[str] = field(default_factory=list)
    throttled: int = 0
    stopped: bool = False  # the deadline was reached

    def absorb(self, caller: Caller) -> None:
        self.calls.update(caller.counts)
        self.operations.update(caller.calls)
        self.retries.update(caller.retries)
        self.throttles.update(caller.throttles)
        self.throttled += caller.throttled


@dataclass(frozen=True)
class Run:
    """One invocation: its id (in every landed file name), clock and deadline."""

    run_id: str
    extracted_at: datetime
    deadline: float | None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ml-cost-extract", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--landing", type=Path, default=Path(os.environ.get("ML_COST_LANDING", "data/landing")))
    parser.add_argument("--regions", help="comma-separated regions (default: the session's region)")
    parser.add_argument("--start", help="UTC date YYYY-MM-DD, first day of the window (default: 3 days ago)")
    parser.add_argument("--end", help="UTC date YYYY-MM-DD, last day of the window, included (default: now)")
    parser.add_argument("--invocations-namespace", default="Custom/SageMaker", help="namespace of the custom InvocationsPerModel metric")
    parser.add_argument("--assume-role", action="append", default=[], metavar="ARN", help="role to assume, repeatable (one per account)")
    parser.add_argument("--skip", default="", help=f"comma-separated entities not to read: {', '.join(ENTITIES)}, metrics, mlflow")
    parser.add_argument(
        "--mlflow-tracking-uri",
        default=os.environ.get("MLFLOW_TRACKING_URI", ""),
        help="MLflow tracking server (http(s)://host:port or a SageMaker managed MLflow ARN; default $MLFLOW_TRACKING_URI): "
        "land its experiments and runs (docs/trackers.md); MLFLOW_TRACKING_TOKEN / _USERNAME / _PASSWORD authenticate",
    )
    parser.add_argument("--dry-run", action="store_true", help="say what would be called, call nothing")
    parser.add_argument("--max-attempts", type=int, default=8, help="attempts per call on throttling and server errors (backoff with jitter)")
    parser.add_argument(
        "--deadline", type=float, metavar="SECONDS", help="total time budget: stop cleanly with what has landed (exit 1); the next run continues"
    )
    parser.add_argument("--now", help=argparse.SUPPRESS)  # tests: a fixed clock
    parser.add_argument("--backoff-base", type=float, default=0.2, help=argparse.SUPPRESS)  # tests: shorter backoff
    args = parser.parse_args(argv)
    if args.invocations_namespace.startswith("AWS/"):
        parser.error("--invocations-namespace must be a custom namespace (not AWS/...)")
    unknown = {s for s in args.skip.split(",") if s} - set(ENTITIES) - {"metrics", "mlflow"}
    if unknown:
        parser.error(f"--skip: unknown entities {', '.join(sorted(unknown))}")
    return args


def window(args: argparse.Namespace) -> tuple[datetime, datetime, bool]:
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC).replace(tzinfo=None)
    end = datetime.fromisoformat(args.end) + timedelta(days=1) if args.end else now
    start = datetime.fromisoformat(args.start) if args.start else datetime.combine((now - timedelta(days=3)).date(), datetime.min.time())
    if start >= end:
        raise SystemExit(f"ml-cost-extract: --start {start:%Y-%m-%d} is not before --end {end:%Y-%m-%d}")
    return start, end, bool(args.start)


def dry_run(args: argparse.Namespace, start: datetime, end: datetime, skip: set[str]) -> int:
    targets = args.assume_role or ["(the current credentials)"]
    regions = (
        args.regions.split(",") if args.regions else [os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "(session region)"]
    )
    print(f"dry run: window {start:%Y-%m-%dT%H:%M} to {end:%Y-%m-%dT%H:%M} UTC, landing {args.landing}")
    for target in targets:
        print(f"account via {target}: " + ("sts:AssumeRole, " if target.startswith("arn:") else "") + "sts:GetCallerIdentity")
        for region in regions:
            print(f"  {region}:")
            for entity, func in ENTITIES.items():
                if entity not in skip:
                    print(f"    {entity}: {(func.__doc__ or '').strip().splitlines()[0] if func.__doc__ else func.__name__}")
            if "metrics" not in skip:
                print(
                    f"    metrics: cloudwatch:ListMetrics AWS/SageMaker Invocations and {args.invocations_namespace} InvocationsPerModel, "
                    "cloudwatch:GetMetricData (500 queries per call, hourly Sum); instance utilisation of "
                    f"{', '.join(cloudwatch_api.UTILIZATION_NAMESPACES)} (hourly Average and Maximum)"
                )
    if args.mlflow_tracking_uri and "mlflow" not in skip:
        print(f"MLflow {args.mlflow_tracking_uri}: experiments/search, runs/search (runs started since the last run)")
    return 0


def extract_region(
    session: boto3.Session,
    *,
    account: str,
    partition: str,
    region: str,
    args: argparse.Namespace,
    run: Run,
    start: datetime,
    end: datetime,
    explicit_start: bool,
    skip: set[str],
    progress: Progress,
    outcome: Outcome,
) -> None:
    """Read and land each entity in turn; a denied entity is skipped, the deadline stops cleanly."""
    where = f"{region}/{account}"
    caller = Caller(where=f"in {region} (account {account})", max_attempts=args.max_attempts, deadline=run.deadline, base_delay=args.backoff_base)
    config = botocore_config(args.max_attempts)
    sm = session.client("sagemaker", region_name=region, config=config)
    cw = session.client("cloudwatch", region_name=region, config=config)
    state_path = State.path(args.landing, account, region)
    state = State.load(state_path)
    scope = Scope(
        account_id=account,
        region=region,
        partition=partition,
        start=start,
        end=end,
        watermarks={} if explicit_start else dict(state.watermarks),
        in_progress=dict(state.in_progress),
    )
    rows: dict[str, list[dict[str, Any]]] = {}
    steps = [e for e in ENTITIES if e not in skip] + ([] if "metrics" in skip else ["metrics"])
    try:
        for entity in steps:
            progress.step(where, entity, "...")
            before_calls = sum(caller.counts.values())
            before_rows = {table: len(table_rows) for table, table_rows in rows.items()}
            error = None
            try:
                if entity == "metrics":
                    components = {r["inference_component_name"]: r["endpoint_name"] for r in rows.get("inference_components", [])}
                    rows["invocations"] = cloudwatch_api.invocations(
                        caller, cw=cw, namespace=args.invocations_namespace, start=start, end=end, component_endpoints=components
                    )
                    rows["instance_utilization"] = cloudwatch_api.instance_utilization(caller, cw=cw, start=start, end=end)
                else:
                    error = sagemaker_api.run_entity(entity, caller, sm, scope, rows)
            except AccessDenied as exc:  # this entity only: the others still land
                outcome.auth_errors.append(str(exc))
                progress.message(f"ml-cost-extract: error: {exc}")
                error = "denied"
            except ClientError as exc:
                error = f"{entity}: {exc.operation_name} failed: {sagemaker_api.one_line(exc)}"
            if error and error != "denied":
                outcome.failures.append(f"{where} {error}")
                progress.message(f"ml-cost-extract: {where} {error}")
            # what this entity read: tables it created or added rows to
            new = {t: r[before_rows.get(t, 0) :] for t, r in rows.items() if t not in before_rows or len(r) != before_rows[t]}
            landed = land(args.landing, new, account=account, region=region, run=run, entity=entity)
            outcome.rows.update(landed)
            if not error:  # watermarks move only past what was read and landed
                state.advance({t: r for t, r in new.items() if t in JOB_TABLES}, set())
                state.save(state_path)
            calls = sum(caller.counts.values()) - before_calls
            outcome.entity_calls[entity] += calls
            progress.done(where, entity, sum(landed.values()), calls)
    finally:
        outcome.absorb(caller)


def land(landing: Path, rows: dict[str, list[dict[str, Any]]], *, account: str, region: str, run: Run, entity: str) -> Counter[str]:
    """Write what one entity read, one atomic file per table, named by account, region, run and
    entity: no run and no entity ever replaces another's file. Staging keeps each resource's
    newest record and newest tag set, so a rerun counts nothing twice."""
    snapshot = run.extracted_at.date()
    landed: Counter[str] = Counter()
    for name, table_rows in rows.items():
        if not table_rows:
            continue
        table = TABLES_BY_NAME[name]
        stem = f"{account}-{region}-{run.run_id}-{entity}"
        common = {"account_id": account, "region": region, "snapshot_date": snapshot, "extracted_at": run.extracted_at}
        landed[name] += write_table(table_path(landing, table, snapshot.isoformat(), stem), table, [{**common, **row} for row in table_rows])
    return landed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start, end, explicit_start = window(args)
    skip = {s for s in args.skip.split(",") if s}
    if args.dry_run:
        return dry_run(args, start, end, skip)
    extracted = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC).replace(tzinfo=None)
    run = Run(
        run_id=f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}",
        extracted_at=extracted,
        deadline=time.monotonic() + args.deadline if args.deadline else None,
    )
    progress = Progress()
    outcome = Outcome()
    aws_skipped = set(ENTITIES) | {"metrics"} <= skip
    if not aws_skipped:
        status = extract_aws(args, run, Window(start, end, explicit_start), skip=skip, progress=progress, outcome=outcome)
        if status is not None:
            return status
    if args.mlflow_tracking_uri and "mlflow" not in skip:
        extract_mlflow(args, run, start if explicit_start else None, progress, outcome)
    report(outcome)
    if outcome.auth_errors:
        return 2
    return 1 if outcome.failures else 0


def extract_mlflow(args: argparse.Namespace, run: Run, since: datetime | None, progress: Progress, outcome: Outcome) -> None:
    """Land the MLflow server's runs; any failure is one line (exit 1, exit 2 when refused)."""
    try:
        client = MlflowClient(
            Endpoint.resolve(args.mlflow_tracking_uri, os.environ), max_attempts=min(args.max_attempts, 4), backoff_base=args.backoff_base
        )
        progress.step(client.name, "mlflow", "...")
        since_ms = int(since.replace(tzinfo=UTC).timestamp() * 1000) if since else None
        landed, read = trackers.extract_mlflow(client, args.landing, trackers.TrackerRun(run.run_id, run.extracted_at), since_ms=since_ms)
    except TrackerDenied as exc:
        outcome.auth_errors.append(str(exc))
        print(f"ml-cost-extract: error: {exc}", file=sys.stderr)
        return
    except TrackerError as exc:
        outcome.failures.append(str(exc))
        print(f"ml-cost-extract: error: {exc}", file=sys.stderr)
        return
    outcome.rows.update(landed)
    outcome.calls["mlflow:search"] += client.calls
    outcome.operations["mlflow:search"] += client.calls
    outcome.entity_calls["mlflow"] += client.calls
    progress.done(client.name, "mlflow", sum(landed.values()), client.calls)
    progress.message(f"mlflow: {read} runs read, {landed.get('runs', 0)} new or changed landed")


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    explicit_start: bool  # --start given: watermarks are ignored


def extract_aws(args: argparse.Namespace, run: Run, window: Window, *, skip: set[str], progress: Progress, outcome: Outcome) -> int | None:
    """Every account and region; returns an exit status when extraction cannot go on."""
    start, end, explicit_start = window.start, window.end, window.explicit_start
    base = boto3.Session()
    for role in args.assume_role or [None]:
        if outcome.stopped:
            break
        bootstrap = Caller(where=f"for {role}" if role else "", max_attempts=args.max_attempts, deadline=run.deadline, base_delay=args.backoff_base)
        try:
            session = make_session(base=base, role_arn=role, caller=bootstrap)
            identity = bootstrap.call(session.client("sts", config=botocore_config(args.max_attempts)), "get_caller_identity")
        except FatalAuthError as exc:
            outcome.auth_errors.append(str(exc))
            print(f"ml-cost-extract: error: {exc}", file=sys.stderr)
            continue
        except (ExtractError, ClientError) as exc:
            outcome.failures.append(f"{role or 'credentials'}: {one_line(exc)}")
            print(f"ml-cost-extract: error: {one_line(exc)}", file=sys.stderr)
            outcome.stopped = isinstance(exc, DeadlineReached)
            continue
        finally:
            outcome.absorb(bootstrap)
        account, partition = identity["Account"], identity["Arn"].split(":")[1]
        default_region = session.region_name or os.environ.get("AWS_REGION")
        regions: list[str] = args.regions.split(",") if args.regions else [default_region] if default_region else []
        if not regions:
            print("ml-cost-extract: error: no AWS region: pass --regions or set AWS_REGION", file=sys.stderr)
            report(outcome)
            return 2
        for region in regions:
            try:
                extract_region(
                    session,
                    account=account,
                    partition=partition,
                    region=region,
                    args=args,
                    run=run,
                    start=start,
                    end=end,
                    explicit_start=explicit_start,
                    skip=skip,
                    progress=progress,
                    outcome=outcome,
                )
            except FatalAuthError as exc:
                outcome.auth_errors.append(str(exc))
                print(f"ml-cost-extract: error: {exc}", file=sys.stderr)
            except DeadlineReached as exc:
                outcome.failures.append(f"{region}/{account}: {exc}; what was read has landed, run again to continue")
                print(f"ml-cost-extract: {region}/{account}: {exc}; what was read has landed, run again to continue", file=sys.stderr)
                outcome.stopped = True
                break
            except Unreachable as exc:
                outcome.failures.append(f"{region}/{account}: {exc}")
                print(f"ml-cost-extract: error: {exc}", file=sys.stderr)
            except Exception as exc:  # one region failing must not lose the others
                outcome.failures.append(f"{region}/{account}: {one_line(exc)}")
                print(f"ml-cost-extract: {region}/{account} failed: {one_line(exc)}", file=sys.stderr)
    return None


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and first line, never a chained traceback."""
    if isinstance(exc, ClientError):
        return f"{exc.operation_name} failed: {sagemaker_api.one_line(exc)}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text if isinstance(exc, ExtractError) else f"{type(exc).__name__}: {text}"


def report(outcome: Outcome) -> None:
    print("rows landed: " + (", ".join(f"{k} {v}" for k, v in sorted(outcome.rows.items())) or "none"))
    print("API calls: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.calls.items())) + f" (total {sum(outcome.calls.values())})")
    print("API calls per entity: " + ", ".join(f"{k} {v}" for k, v in outcome.entity_calls.items()))
    print(f"retries: {sum(outcome.retries.values())} (throttled answers: {sum(outcome.throttles.values())})")
    print(f"  {'operation':<44} {'calls':>7} {'requests':>9} {'retries':>8} {'throttled':>10}")
    for action in sorted(outcome.operations):
        print(
            f"  {action:<44} {outcome.operations[action]:>7} {outcome.calls[action]:>9} {outcome.retries[action]:>8} {outcome.throttles[action]:>10}"
        )
    for failure in outcome.failures:
        print(f"FAILED: {failure}")


if __name__ == "__main__":
    sys.exit(main())
