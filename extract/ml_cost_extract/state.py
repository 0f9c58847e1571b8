"""Per account and region: the creation-time watermark of each job table and the jobs
still running at the last run (read again until they finish)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

JOB_TABLES = {
    "training_jobs": ("training_job_arn", "training_job_status"),
    "processing_jobs": ("processing_job_arn", "processing_job_status"),
    "transform_jobs": ("transform_job_arn", "transform_job_status"),
    "tuning_jobs": ("tuning_job_arn", "tuning_job_status"),
}
FINISHED = {"Completed", "Failed", "Stopped"}


@dataclass
class State:
    watermarks: dict[str, datetime] = field(default_factory=dict)
    in_progress: dict[str, list[str]] = field(default_factory=dict)

    @staticmethod
    def path(landing: Path, account_id: str, region: str) -> Path:
        return landing / "_state" / f"{account_id}-{region}.json"

    @classmethod
    def load(cls, path: Path) -> State:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls(
            watermarks={k: datetime.fromisoformat(v) for k, v in data.get("watermarks", {}).items()},
            in_progress={k: list(v) for k, v in data.get("in_progress", {}).items()},
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(
            json.dumps(
                {
                    "watermarks": {k: v.isoformat() for k, v in sorted(self.watermarks.items())},
                    "in_progress": {k: sorted(v) for k, v in sorted(self.in_progress.items())},
                },
                indent=2,
            )
        )
        tmp.replace(path)

    def advance(self, rows: dict[str, list[dict[str, Any]]], failed: set[str]) -> None:
        """Move each job table's watermark to its newest finished job; remember unfinished ones."""
        for table, (arn_col, status_col) in JOB_TABLES.items():
            if table in failed or table not in rows:
                continue
            unfinished = [r[arn_col] for r in rows[table] if r.get(status_col) not in FINISHED]
            finished_times = [r["creation_time"] for r in rows[table] if r.get(status_col) in FINISHED and r.get("creation_time")]
            if unfinished:
                self.in_progress[table] = unfinished
                oldest_open = min(r["creation_time"] for r in rows[table] if r[arn_col] in set(unfinished) and r.get("creation_time"))
                finished_times = [t for t in finished_times if t < oldest_open]
            else:
                self.in_progress.pop(table, None)
            if finished_times:
                self.watermarks[table] = max([*finished_times, self.watermarks.get(table, min(finished_times))])
