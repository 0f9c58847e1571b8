"""ml-cost-extract: land SageMaker metadata and CloudWatch invocation metrics as Parquet.

Exit codes: 0 everything landed; 1 some account, region or entity failed (the rest
landed); 2 missing credentials or a denied permission (one line names the call and
the permission to grant).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from . import cloudwatch_api, sagemaker_api
from .aws import Caller, FatalAuthError, botocore_config, make_session
from .landing import TABLES_BY_NAME, table_path, write_table
from .progress import Progress
from .sagemaker_api import ENTITIES, Scope
from .state import State


@dataclass
class Outcome:
    rows: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    entity_calls: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    auth_errors: list[str] = field(default_factory=list)
    throttled: int = 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ml-cost-extract", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--landing", type=Path, default=Path(os.environ.get("ML_COST_LANDING", "data/landing")))
    parser.add_argument("--regions", help="comma-separated regions (default: the session's region)")
    parser.add_argument("--start", help="UTC date YYYY-MM-DD, first day of the window (default: 3 days ago)")
    parser.add_argument("--end", help="UTC date YYYY-MM-DD, last day of the window, included (default: now)")
    parser.add_argument("--invocations-namespace", default="Custom/SageMaker", help="namespace of the custom InvocationsPerModel metric")
    parser.add_argument("--assume-role", action="append", default=[], metavar="ARN", help="role to assume, repeatable (one per account)")
    parser.add_argument("--skip", default="", help=f"comma-separated entities not to read: {', '.join(ENTITIES)}, metrics")
    parser.add_argument("--dry-run", action="store_true", help="say what would be called, call nothing")
    parser.add_argument("--max-attempts", type=int, default=8, help="botocore standard-mode attempts per call")
    parser.add_argument("--now", help=argparse.SUPPRESS)  # tests: a fixed clock
    args = parser.parse_args(argv)
    if args.invocations_namespace.startswith("AWS/"):
        parser.error("--invocations-namespace must be a custom namespace (not AWS/...)")
    unknown = {s for s in args.skip.split(",") if s} - set(ENTITIES) - {"metrics"}
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
                    "cloudwatch:GetMetricData (500 queries per call, hourly Sum)"
                )
    return 0


def extract_region(
    session: boto3.Session,
    *,
    account: str,
    partition: str,
    region: str,
    args: argparse.Namespace,
    start: datetime,
    end: datetime,
    explicit_start: bool,
    skip: set[str],
    progress: Progress,
    outcome: Outcome,
) -> None:
    where = f"{region}/{account}"
    caller = Caller(where=f"in {region} (account {account})")
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
    failed: set[str] = set()
    try:
        for entity in ENTITIES:
            if entity in skip:
                continue
            progress.step(where, entity, "...")
            before = sum(caller.counts.values())
            error = sagemaker_api.run_entity(entity, caller, sm, scope, rows)
            if error:
                failed.add(entity)
                outcome.failures.append(f"{where} {error}")
                progress.message(f"ml-cost-extract: {where} {error}")
            calls = sum(caller.counts.values()) - before
            outcome.entity_calls[entity] += calls
            progress.done(where, entity, len(rows.get(entity, [])), calls)
        if "metrics" not in skip:
            progress.step(where, "metrics", "...")
            before = sum(caller.counts.values())
            components = {r["inference_component_name"]: r["endpoint_name"] for r in rows.get("inference_components", [])}
            try:
                rows["invocations"] = cloudwatch_api.invocations(
                    caller, cw=cw, namespace=args.invocations_namespace, start=start, end=end, component_endpoints=components
                )
            except ClientError as exc:
                failed.add("metrics")
                outcome.failures.append(f"{where} metrics: {exc}")
            outcome.entity_calls["metrics"] += sum(caller.counts.values()) - before
            progress.done(where, "metrics", len(rows.get("invocations", [])), sum(caller.counts.values()) - before)
    finally:
        outcome.calls.update(caller.counts)
        outcome.throttled += caller.throttled
        starts = {table: scope.lower_bound(table) for table in rows}
        landed = write_rows(args.landing, rows=rows, account=account, region=region, starts=starts, end=end, now=args.now)
        outcome.rows.update(landed)
    state.advance(rows, failed)
    state.save(state_path)


def write_rows(
    landing: Path, *, rows: dict[str, list[dict[str, Any]]], account: str, region: str, starts: dict[str, datetime], end: datetime, now: str | None
) -> Counter[str]:
    """One file per table, named by account, region and the window actually read (from the table's
    watermark when incremental): re-running a window rewrites the same file, and a later
    incremental run never overwrites an earlier file."""
    extracted = datetime.fromisoformat(now) if now else datetime.now(UTC).replace(tzinfo=None)
    snapshot = extracted.date()
    landed: Counter[str] = Counter()
    for name, table_rows in rows.items():
        if not table_rows:
            continue
        table = TABLES_BY_NAME[name]
        stem = f"{account}-{region}-{starts[name]:%Y%m%dT%H%M%S}-{end:%Y%m%dT%H%M}"
        common = {"account_id": account, "region": region, "snapshot_date": snapshot, "extracted_at": extracted}
        landed[name] += write_table(table_path(landing, table, snapshot.isoformat(), stem), table, [{**common, **row} for row in table_rows])
    return landed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start, end, explicit_start = window(args)
    skip = {s for s in args.skip.split(",") if s}
    if args.dry_run:
        return dry_run(args, start, end, skip)
    progress = Progress()
    outcome = Outcome()
    base = boto3.Session()
    for role in args.assume_role or [None]:
        bootstrap = Caller(where=f"for {role}" if role else "")
        try:
            session = make_session(base=base, role_arn=role, caller=bootstrap)
            identity = bootstrap.call(session.client("sts", config=botocore_config(args.max_attempts)), "get_caller_identity")
        except FatalAuthError as exc:
            outcome.auth_errors.append(str(exc))
            print(f"ml-cost-extract: error: {exc}", file=sys.stderr)
            continue
        finally:
            outcome.calls.update(bootstrap.counts)
        account, partition = identity["Account"], identity["Arn"].split(":")[1]
        regions = args.regions.split(",") if args.regions else [session.region_name or os.environ.get("AWS_REGION")]
        if regions == [None]:
            print("ml-cost-extract: error: no AWS region: pass --regions or set AWS_REGION", file=sys.stderr)
            return 2
        for region in regions:
            try:
                extract_region(
                    session,
                    account=account,
                    partition=partition,
                    region=region,
                    args=args,
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
            except Exception as exc:  # one region failing must not lose the others
                outcome.failures.append(f"{region}/{account}: {type(exc).__name__}: {exc}")
                print(f"ml-cost-extract: {region}/{account} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    report(outcome)
    if outcome.auth_errors:
        return 2
    return 1 if outcome.failures else 0


def report(outcome: Outcome) -> None:
    print("rows landed: " + (", ".join(f"{k} {v}" for k, v in sorted(outcome.rows.items())) or "none"))
    print("API calls: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.calls.items())) + f" (total {sum(outcome.calls.values())})")
    print("API calls per entity: " + ", ".join(f"{k} {v}" for k, v in outcome.entity_calls.items()))
    if outcome.throttled:
        print(f"throttled calls retried: {outcome.throttled}")
    for failure in outcome.failures:
        print(f"FAILED: {failure}")


if __name__ == "__main__":
    sys.exit(main())
