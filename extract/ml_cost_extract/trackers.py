"""Land MLflow runs as the trackers/ tables (docs/trackers.md), incrementally by start time.

Each run is one row of ``trackers/runs`` and one row per tag and param in ``trackers/run_tags``.
Incremental: the state file remembers the start time up to which every run has finished and
been landed (the watermark), the runs still open (RUNNING or SCHEDULED: read again until they
end) and a fingerprint of each run landed at or after the watermark. A run is landed again
only when it changed, so a rerun with nothing new lands nothing. Both files of a run are
written atomically (landing.write_table) before the state moves: a killed run leaves no
partial file and the next run lands what it had not.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .landing import TABLES_BY_NAME, table_path, write_table
from .mlflow_api import MlflowClient

OPEN_STATUSES = {"RUNNING", "SCHEDULED"}  # mlflow.entities.RunStatus; FINISHED, FAILED, KILLED are final
PARENT_RUN_TAG = "mlflow.parentRunId"  # mlflow/utils/mlflow_tags.py MLFLOW_PARENT_RUN_ID


def server_key(tracking_server: str) -> str:
    return hashlib.sha1(tracking_server.encode()).hexdigest()[:12]


@dataclass
class TrackerState:
    watermark_ms: int | None = None
    open_runs: dict[str, int] = field(default_factory=dict)  # run id -> start ms
    fingerprints: dict[str, str] = field(default_factory=dict)  # run id -> fingerprint, runs at/after the watermark

    @staticmethod
    def path(landing: Path, tracker: str, tracking_server: str) -> Path:
        return landing / "_state" / f"{tracker}-{server_key(tracking_server)}.json"

    @classmethod
    def load(cls, path: Path) -> TrackerState:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls(data.get("watermark_ms"), dict(data.get("open_runs", {})), dict(data.get("fingerprints", {})))

    def save(self, path: Path, tracking_server: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        payload = {
            "tracking_server": tracking_server,
            "watermark_ms": self.watermark_ms,
            "open_runs": dict(sorted(self.open_runs.items())),
            "fingerprints": dict(sorted(self.fingerprints.items())),
        }
        tmp.write_text(json.dumps(payload, indent=2))
        tmp.replace(path)

    def since_ms(self) -> int | None:
        """Where the next search starts: the oldest open run, else the watermark (inclusive)."""
        starts = [*self.open_runs.values(), *([self.watermark_ms] if self.watermark_ms is not None else [])]
        return min(starts) if starts else None

    def advance(self, runs: list[dict[str, Any]], fingerprints: dict[str, str]) -> None:
        """After the runs read by one search have landed: open runs stay open, the watermark
        moves to the newest start time below every open run, fingerprints are kept from it on."""
        for run in runs:
            info = run["info"]
            start = int(info.get("start_time") or 0)
            if info.get("status") in OPEN_STATUSES:
                self.open_runs[info["run_id"]] = start
            else:
                self.open_runs.pop(info["run_id"], None)
        self.fingerprints.update(fingerprints)
        finished = [int(r["info"].get("start_time") or 0) for r in runs if r["info"].get("status") not in OPEN_STATUSES]
        if self.open_runs:
            finished = [t for t in finished if t < min(self.open_runs.values())]
        if finished:
            self.watermark_ms = max([*finished, *([self.watermark_ms] if self.watermark_ms is not None else [])])
        starts = {r["info"]["run_id"]: int(r["info"].get("start_time") or 0) for r in runs}
        floor = self.since_ms()
        if floor is not None:
            self.fingerprints = {k: v for k, v in self.fingerprints.items() if starts.get(k, floor) >= floor}


def _ms(value: Any) -> datetime | None:
    if value in (None, "", 0, "0"):
        return None
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC).replace(tzinfo=None)


def _pairs(items: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
    return [(str(i.get("key")), "" if i.get("value") is None else str(i.get("value"))) for i in items or []]


def run_rows(run: dict[str, Any], experiment_names: dict[str, str | None]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One MLflow run (runs/search JSON: info + data) as a runs row and its run_tags rows."""
    info, data = run.get("info", {}), run.get("data", {})
    tags, params = _pairs(data.get("tags")), _pairs(data.get("params"))
    tag_map = dict(tags)
    row = {
        "run_id": info.get("run_id") or info.get("run_uuid"),
        "run_name": info.get("run_name") or tag_map.get("mlflow.runName"),
        "experiment_id": str(info.get("experiment_id")) if info.get("experiment_id") is not None else None,
        "experiment_name": experiment_names.get(str(info.get("experiment_id"))),
        "user_id": info.get("user_id") or tag_map.get("mlflow.user"),
        "status": info.get("status"),
        "start_time": _ms(info.get("start_time")),
        "end_time": _ms(info.get("end_time")),
        "lifecycle_stage": info.get("lifecycle_stage"),
        "parent_run_id": tag_map.get(PARENT_RUN_TAG),
    }
    tag_rows = [{"run_id": row["run_id"], "tag_kind": "tag", "tag_key": k, "tag_value": v} for k, v in tags]
    tag_rows += [{"run_id": row["run_id"], "tag_kind": "param", "tag_key": k, "tag_value": v} for k, v in params]
    return row, tag_rows


def fingerprint(run: dict[str, Any], experiment_name: str | None) -> str:
    info, data = run.get("info", {}), run.get("data", {})
    keep = {
        "info": {k: info.get(k) for k in ("run_name", "status", "start_time", "end_time", "lifecycle_stage", "user_id", "experiment_id")},
        "experiment": experiment_name,
        "tags": sorted(_pairs(data.get("tags"))),
        "params": sorted(_pairs(data.get("params"))),
    }
    return hashlib.sha256(json.dumps(keep, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class TrackerRun:
    """One extractor invocation, as it names its files."""

    run_id: str
    extracted_at: datetime


def land_runs(
    landing: Path, *, tracker: str, tracking_server: str, rows: list[dict[str, Any]], tag_rows: list[dict[str, Any]], run: TrackerRun
) -> Counter[str]:
    """Write one runs file and one run_tags file (atomic each), named by tracker, server and run."""
    snapshot = run.extracted_at.date()
    common = {"tracker": tracker, "tracking_server": tracking_server, "snapshot_date": snapshot, "extracted_at": run.extracted_at}
    stem = f"{tracker}-{server_key(tracking_server)}-{run.run_id}"
    landed: Counter[str] = Counter()
    for name, table_rows in (("run_tags", tag_rows), ("runs", rows)):  # runs last: a run row always has its tags
        if table_rows:
            table = TABLES_BY_NAME[name]
            landed[name] += write_table(table_path(landing, table, snapshot.isoformat(), stem), table, [{**common, **r} for r in table_rows])
    return landed


def extract_mlflow(client: MlflowClient, landing: Path, run: TrackerRun, *, since_ms: int | None = None) -> tuple[Counter[str], int]:
    """Land the runs started since the state's watermark (or since_ms, when given) that are new
    or changed; returns rows landed per table and how many runs were read."""
    server = client.name
    state_path = TrackerState.path(landing, "mlflow", server)
    state = TrackerState.load(state_path)
    experiments = client.experiments()
    names = {str(e["experiment_id"]): e.get("name") for e in experiments}
    start = since_ms if since_ms is not None else state.since_ms()
    read = list(client.runs(sorted(names, key=lambda i: (len(i), i)), start))
    rows: list[dict[str, Any]] = []
    tag_rows: list[dict[str, Any]] = []
    prints: dict[str, str] = {}
    for mlflow_run in read:
        run_id = mlflow_run["info"]["run_id"]
        print_ = fingerprint(mlflow_run, names.get(str(mlflow_run["info"].get("experiment_id"))))
        prints[run_id] = print_
        if state.fingerprints.get(run_id) == print_:
            continue  # landed before, unchanged
        row, tags = run_rows(mlflow_run, names)
        rows.append(row)
        tag_rows.extend(tags)
    landed = land_runs(landing, tracker="mlflow", tracking_server=server, rows=rows, tag_rows=tag_rows, run=run)
    state.advance(read, prints)
    state.save(state_path, server)
    return landed, len(read)
