"""ml-cost-land-wandb: land a Weights & Biases runs export as the trackers/ tables.

An example of the generic tracker landing contract (docs/trackers.md): any tracker whose runs
can be written as trackers/runs and trackers/run_tags is attributed like MLflow. Input, one of:

- JSON (a list, or one object per line) of W&B runs with the attributes of the W&B public
  API's Run object: ``id``, ``name``, ``state``, ``project``, ``entity``, ``user``,
  ``created_at``, ``heartbeat_at``, ``tags`` (labels), ``config``, ``group``, ``job_type``
  (``createdAt`` / ``heartbeatAt`` also read). docs/trackers.md has the few lines of
  ``wandb.Api().runs(...)`` that write it.
- CSV with a ``name`` and a ``config`` column (a JSON object or a Python dict literal), as the
  W&B docs' "export run data" example writes it (``runs_df.to_csv``); ``id``, ``state``,
  ``created_at``, ``project``, ``user`` and ``tags`` columns are read when present.

W&B has no key-value run tags (its tags are labels), so the config keys named by ``--tag-keys``
(default: the attribution keys ml:team, ml:model, ml:experiment, ml:environment) become run
tags, which attribution reads; the rest of the config are params (read only to link a run to
a job, e.g. a ``training_job_name`` or a job ARN). Labels become tags ``wandb.tag.<label>``,
group and job type ``wandb.group`` and ``wandb.job_type``.

The landed files are named by the export's content: landing the same export again rewrites
the same files, so nothing lands twice.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .trackers import TrackerRun, land_runs

DEFAULT_TAG_KEYS = "ml:team,ml:model,ml:experiment,ml:environment"


class ExportError(ValueError):
    """Bad input: one line naming the file, the row and what was expected."""


def _parse_time(value: Any, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC).replace(tzinfo=None)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"{where}: expected an ISO 8601 time, got {value!r}") from None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _flatten(config: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, raw in config.items():
        if str(key).startswith("_"):
            continue  # W&B internal keys (_wandb)
        value = raw["value"] if isinstance(raw, dict) and set(raw) <= {"value", "desc"} and "value" in raw else raw  # config.yaml form
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value if isinstance(value, str) else json.dumps(value)


def _config(value: Any, where: str) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if isinstance(value, dict):
        return value
    for parse in (json.loads, ast.literal_eval):
        try:
            parsed = parse(str(value))
        except (ValueError, SyntaxError):
            continue
        if isinstance(parsed, dict):
            return parsed
    raise ExportError(f"{where}: column config expected a JSON object or a Python dict, got {str(value)[:60]!r}")


def _labels(value: Any, where: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = ast.literal_eval(text)
        if not isinstance(parsed, list):
            raise ExportError(f"{where}: column tags expected a list of labels, got {text[:60]!r}")
        return [str(v) for v in parsed]
    return [t.strip() for t in text.split(",") if t.strip()]


def read_export(path: Path) -> list[dict[str, Any]]:
    """The runs of a W&B export file (JSON, JSON Lines or CSV), as dicts."""
    text = path.read_text()
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        if rows and "name" not in rows[0] and "id" not in rows[0]:
            raise ExportError(f"{path}: a W&B runs CSV needs a name or id column; found {', '.join(rows[0])}")
        return rows
    stripped = text.strip()
    try:
        data = json.loads(stripped) if stripped.startswith("[") else [json.loads(line) for line in stripped.splitlines() if line.strip()]
    except ValueError as exc:
        raise ExportError(f"{path}: expected JSON (a list of runs, or one run per line): {exc}") from None
    if not all(isinstance(r, dict) for r in data):
        raise ExportError(f"{path}: expected JSON objects (one per run)")
    return list(data)


@dataclass
class ServerRows:
    """The rows of trackers/runs and trackers/run_tags for one tracking server (W&B entity)."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)


def convert(runs: list[dict[str, Any]], *, path: Path, entity: str | None, tag_keys: set[str]) -> dict[str, ServerRows]:
    """W&B runs as rows of trackers/runs and trackers/run_tags, grouped by tracking server."""
    out: dict[str, ServerRows] = {}
    for number, run in enumerate(runs, start=1):
        where = f"{path}: run {number}"
        run_id = run.get("id") or run.get("name")
        if not run_id:
            raise ExportError(f"{where}: expected an id or a name")
        owner = run.get("entity") or entity
        if not owner:
            raise ExportError(f"{where}: no entity (pass --entity or export the runs' entity)")
        server = f"wandb:{owner}"
        created = _parse_time(run.get("created_at") or run.get("createdAt"), f"{where} created_at")
        state = run.get("state") or None
        ended = None if state == "running" else _parse_time(run.get("heartbeat_at") or run.get("heartbeatAt"), f"{where} heartbeat_at")
        user = run.get("user")
        if isinstance(user, dict):
            user = user.get("username") or user.get("name")
        project = run.get("project") or None
        runs_row = {
            "run_id": str(run_id),
            "run_name": run.get("name") or str(run_id),
            "experiment_id": project,
            "experiment_name": project,
            "user_id": user or None,
            "status": state,
            "start_time": created,
            "end_time": ended,
            "lifecycle_stage": None,
            "parent_run_id": None,
        }
        tags: dict[str, str] = {}
        params: dict[str, str] = {}
        for key, value in _flatten(_config(run.get("config"), where)):
            (tags if key.lower() in tag_keys else params)[key] = value
        for label in _labels(run.get("tags"), where):
            tags[f"wandb.tag.{label}"] = label
        for attribute in ("group", "job_type"):
            if run.get(attribute):
                tags[f"wandb.{attribute}"] = str(run[attribute])
        rows = out.setdefault(server, ServerRows())
        rows.runs.append(runs_row)
        rows.tags.extend(
            [{"run_id": str(run_id), "tag_kind": "tag", "tag_key": k, "tag_value": v} for k, v in sorted(tags.items())]
            + [{"run_id": str(run_id), "tag_kind": "param", "tag_key": k, "tag_value": v} for k, v in sorted(params.items())]
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ml-cost-land-wandb", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export", type=Path, help="W&B runs export: .json, .jsonl or .csv")
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--entity", help="W&B entity of the runs when the export does not name it")
    parser.add_argument("--tag-keys", default=DEFAULT_TAG_KEYS, help=f"config keys that are run tags (default {DEFAULT_TAG_KEYS})")
    parser.add_argument("--now", help=argparse.SUPPRESS)  # tests: a fixed clock
    args = parser.parse_args(argv)
    try:
        runs = read_export(args.export)
        grouped = convert(runs, path=args.export, entity=args.entity, tag_keys={k.strip().lower() for k in args.tag_keys.split(",") if k.strip()})
    except (OSError, ExportError) as exc:
        print(f"ml-cost-land-wandb: error: {exc}", file=sys.stderr)
        return 1
    extracted = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC).replace(tzinfo=None)
    digest = hashlib.sha256(args.export.read_bytes()).hexdigest()[:16]
    total = 0
    for server, rows in grouped.items():
        landed = land_runs(
            args.landing,
            tracker="wandb",
            tracking_server=server,
            rows=rows.runs,
            tag_rows=rows.tags,
            run=TrackerRun(f"export-{digest}", extracted),
        )
        total += landed.get("runs", 0)
        print(f"{server}: {landed.get('runs', 0)} runs, {landed.get('run_tags', 0)} tags and params landed")
    print(f"{total} W&B runs landed under {args.landing / 'trackers'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
