"""The demo organisation's constants and the Account that collects its rows (metadata, metrics, FOCUS charges)."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from ml_cost_extract.rows import TagsRow

from .focus_writer import FocusRows, month_start

START = datetime(2026, 8, 1)
DEFAULT_DAYS = 112  # 2026-08-01 to 2026-11-20: three complete months, the last in progress, as when users run it
PAYER = ("111111111111", "Demo Payer")
REGION = "us-east-1"
RC = "USE1"
EXPORT_NAME = "ml-focus-export"
MODEL_TAG_ACTIVATED = START + timedelta(days=14)  # ml:model became a cost allocation tag on 2026-08-15
BILLING_TAG_KEYS = {
    "ml:team",
    "ml:model",
    "ml:environment",
    "Environment",
    "sagemaker:user-profile-arn",
    "sagemaker:domain-arn",
    "sagemaker:space-arn",
}
PRICES = {
    "ml.m5.large": 0.115,
    "ml.m5.xlarge": 0.23,
    "ml.m5.2xlarge": 0.461,
    "ml.m5.4xlarge": 0.922,
    "ml.c5.2xlarge": 0.408,
    "ml.g5.xlarge": 1.408,
    "ml.g5.2xlarge": 1.515,
    "ml.g5.12xlarge": 7.09,
    "ml.p3.2xlarge": 3.825,
    "ml.p4d.24xlarge": 37.688,
    "ml.t3.medium": 0.05,
    "ml.t3.xlarge": 0.20,
    "g5.2xlarge": 1.212,
}
SP_RATE = 0.64  # Savings Plan price as a share of on-demand
SP_COMMITMENT = 0.32  # USD per hour of the demo's 1-year No Upfront Machine Learning Savings Plan
SP_FULL_FROM = 24 * (31 + 30)  # 2026-10-01: fraud-xgb-prod scales out and outgrows the plan
SPOT_RATE = 0.30


@dataclass
class Account:
    """One copy of the demo organisation (``--scale`` makes several)."""

    copy: int
    hours: int
    prod: tuple[str, str] = ("", "")
    dev: tuple[str, str] = ("", "")
    focus: FocusRows = field(init=False)
    meta: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    utilization: list[dict[str, Any]] = field(default_factory=list)  # cloudwatch/instance_utilization rows
    sp_arn: str = field(init=False)  # the Machine Learning Savings Plan of this copy

    def __post_init__(self) -> None:
        self.prod = (f"{222222222222 + self.copy * 1000:012d}", "ml-prod" + self.sfx)
        self.dev = (f"{333333333333 + self.copy * 1000:012d}", "ml-dev" + self.sfx)
        self.sp_arn = f"arn:aws:savingsplans::{PAYER[0]}:savingsplan/5f0c6d2e-demo-4b1a-9f3e-{self.copy:012d}"
        self.focus = FocusRows(START, *PAYER, closed_before=month_start(START + timedelta(hours=self.hours)))

    def noise(self, label: str) -> np.random.Generator:
        """A random stream of its own for one series: its first values do not depend on how
        long the demo runs or on other series, so one more day leaves history unchanged."""
        return np.random.default_rng([20261122 + self.copy, zlib.crc32(label.encode())])

    @property
    def sfx(self) -> str:
        return "" if self.copy == 0 else f"-c{self.copy}"

    # -- helpers -----------------------------------------------------------------
    def arn(self, acct: tuple[str, str], kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:{REGION}:{acct[0]}:{kind}/{name}"

    def ts(self, hour: float) -> datetime:
        return START + timedelta(hours=float(hour))

    def record(self, table: str, snapshot: date, acct: tuple[str, str], row: Mapping[str, object]) -> None:
        """One landed row of a table, read by the weekly run of ``snapshot`` (typed: ml_cost_extract.rows)."""
        extracted = datetime(snapshot.year, snapshot.month, snapshot.day, 6, 0)
        self.meta.setdefault(table, []).append({"account_id": acct[0], "region": REGION, "snapshot_date": snapshot, "extracted_at": extracted, **row})

    def tag(self, snapshot: date, acct: tuple[str, str], arn: str, tags: dict[str, str]) -> None:
        for key, value in sorted(tags.items()):
            self.record("tags", snapshot, acct, TagsRow(resource_arn=arn, tag_key=key, tag_value=value))

    def snapshots_for(self, created_hour: float) -> list[date]:
        """Long-lived resources: read at the first weekly run after creation and at the last run."""
        first = self.ts(created_hour).date() + timedelta(days=1)
        last = (START + timedelta(hours=self.hours)).date()
        return sorted({first, last})

    def job_snapshot(self, end_hour: float) -> date:
        """Jobs: read once, by the weekly run after they ended (then they vanish from Search)."""
        end = self.ts(end_hour).date()
        return end + timedelta(days=7 - end.weekday())

    def charge(self, *, tags: dict[str, str] | None, hours: np.ndarray, **kw: Any) -> None:
        """Bill a series; billing shows only activated keys, ml:model only after its activation."""
        billed = {k: v for k, v in (tags or {}).items() if k in BILLING_TAG_KEYS}
        cut = int((MODEL_TAG_ACTIVATED - START).total_seconds() // 3600)
        hours = np.asarray(hours)
        if "ml:model" in billed:
            early = {k: v for k, v in billed.items() if k != "ml:model"}
            q = kw.pop("quantity")
            q_arr = np.broadcast_to(np.asarray(q, dtype=float), hours.shape)
            before = hours < cut
            self.focus.add(hours=hours[before], quantity=q_arr[before], tags=early, **kw)
            self.focus.add(hours=hours[~before], quantity=q_arr[~before], tags=billed, **kw)
        else:
            self.focus.add(hours=hours, tags=billed, **kw)

    def within(self, hours: np.ndarray) -> np.ndarray:
        return hours[(hours >= 0) & (hours < self.hours)]

    def business_hours(self, start_hour: int = 9, end_hour: int = 19, weekends: bool = False) -> np.ndarray:
        h = np.arange(self.hours)
        hod = h % 24
        dow = (np.datetime64(START.date()) + (h // 24).astype("timedelta64[D]")).astype("datetime64[D]").view("int64")
        weekday = (dow + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        keep = (hod >= start_hour) & (hod < end_hour)
        if not weekends:
            keep &= weekday < 5
        return h[keep]
