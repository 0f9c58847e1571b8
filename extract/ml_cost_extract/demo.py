"""A deterministic demo account: FOCUS 1.2 billing export plus the matching landed metadata.

Four teams (fraud, recsys, nlp, ml-platform), eleven models, 81 days (2026-08-01 to
2026-10-20), hourly charges. What it contains, and why, is listed in docs/demo.md.
Everything derives from the seed: two runs write identical data.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from .focus_writer import EXPORT_MODES, Delivery, FocusRows, month_start, next_month, replicate, write_export
from .granularity import GRANULARITIES
from .landing import TABLES_BY_NAME, table_path, write_table

START = datetime(2026, 8, 1)
DEFAULT_DAYS = 81  # 2026-08-01 to 2026-10-20: the last month is in progress, as when users run it
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
SPOT_RATE = 0.30


@dataclass
class Account:
    """One copy of the demo organisation (``--scale`` makes several)."""

    copy: int
    hours: int
    prod: tuple[str, str] = ("", "")
    dev: tuple[str, str] = ("", "")
    focus: FocusRows | None = None
    meta: dict[str, list[dict]] = field(default_factory=dict)
    metrics: list[dict] = field(default_factory=list)
    sp_arn: str = ""

    def __post_init__(self) -> None:
        self.prod = (f"{222222222222 + self.copy * 1000:012d}", "ml-prod" + self.sfx)
        self.dev = (f"{333333333333 + self.copy * 1000:012d}", "ml-dev" + self.sfx)

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

    def record(self, table: str, snapshot: date, acct: tuple[str, str], **row: object) -> None:
        extracted = datetime(snapshot.year, snapshot.month, snapshot.day, 6, 0)
        self.meta.setdefault(table, []).append({"account_id": acct[0], "region": REGION, "snapshot_date": snapshot, "extracted_at": extracted, **row})

    def tag(self, snapshot: date, acct: tuple[str, str], arn: str, tags: dict[str, str]) -> None:
        for key, value in sorted(tags.items()):
            self.record("tags", snapshot, acct, resource_arn=arn, tag_key=key, tag_value=value)

    def snapshots_for(self, created_hour: float) -> list[date]:
        """Long-lived resources: read at the first weekly run after creation and at the last run."""
        first = self.ts(created_hour).date() + timedelta(days=1)
        last = (START + timedelta(hours=self.hours)).date()
        return sorted({first, last})

    def job_snapshot(self, end_hour: float) -> date:
        """Jobs: read once, by the weekly run after they ended (then they vanish from Search)."""
        end = self.ts(end_hour).date()
        return end + timedelta(days=7 - end.weekday())

    def charge(self, *, tags: dict[str, str] | None, hours: np.ndarray, **kw: object) -> None:
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


def build(acct: Account) -> None:
    acct.focus = FocusRows(START, *PAYER, closed_before=month_start(START + timedelta(hours=acct.hours)))
    _endpoints(acct)
    _training(acct)
    _processing_and_transform(acct)
    _notebooks_and_studio(acct)
    _related_and_other(acct)
    _commitments_credits_corrections(acct)


# --------------------------------------------------------------------------- endpoints
def _endpoint(
    acct: Account,
    a: tuple[str, str],
    name: str,
    variants: list[dict],
    tags: dict[str, str],
    hours: np.ndarray,
    created: int = -24 * 30,
    pricing: str = "Standard",
    usage_prefix: str = "Host",
) -> str:
    arn = acct.arn(a, "endpoint", name)
    config = f"{name}-config"
    for snap in acct.snapshots_for(max(created, 0)):
        for v in variants:
            acct.record(
                "endpoints",
                snap,
                a,
                endpoint_name=name,
                endpoint_arn=arn,
                endpoint_status="InService",
                endpoint_config_name=config,
                creation_time=acct.ts(created),
                last_modified_time=acct.ts(created),
                variant_name=v["variant"],
                current_instance_count=v.get("count"),
                desired_instance_count=v.get("count"),
                current_weight=v.get("weight", 1.0),
                desired_weight=v.get("weight", 1.0),
                serverless_memory_mb=v.get("serverless_mb"),
            )
            acct.record(
                "endpoint_configs",
                snap,
                a,
                endpoint_config_name=config,
                endpoint_config_arn=acct.arn(a, "endpoint-config", config),
                creation_time=acct.ts(created),
                variant_name=v["variant"],
                model_name=v.get("model"),
                instance_type=v.get("instance"),
                initial_instance_count=v.get("count"),
                initial_variant_weight=v.get("weight", 1.0),
                serverless_memory_mb=v.get("serverless_mb"),
                serverless_max_concurrency=10 if v.get("serverless_mb") else None,
                is_async=usage_prefix == "AsyncInf",
            )
        acct.tag(snap, a, arn, tags)
    for v in variants:
        if v.get("instance") is None:
            continue
        price = PRICES[v["instance"]]
        kw: dict[str, object] = {}
        if pricing == "Committed":
            kw = {"billed_factor": 0.0, "effective_factor": SP_RATE, "commitment": (acct.sp_arn, "Used")}
        acct.charge(
            tags=tags,
            hours=hours,
            quantity=float(v["count"]),
            unit_price=price,
            sub_account=a,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-{usage_prefix}:{v['instance']}",
            description=f"${price} per Hosted Instance Hour ({v['instance']})",
            resource_id=arn,
            resource_type="Endpoint",
            pricing_category=pricing,
            operation="RunInstance",
            **kw,
        )
    return arn


def _model(acct: Account, a: tuple[str, str], name: str, mode: str = "SingleModel", tags: dict | None = None, created: int = -24 * 40) -> None:
    arn = acct.arn(a, "model", name)
    for snap in acct.snapshots_for(max(created, 0)):
        acct.record(
            "models",
            snap,
            a,
            model_name=name,
            model_arn=arn,
            creation_time=acct.ts(created),
            execution_role_arn=f"arn:aws:iam::{a[0]}:role/SageMakerInferenceRole",
            container_mode=mode,
            image_uri=f"{a[0]}.dkr.ecr.{REGION}.amazonaws.com/{name.split('-', maxsplit=1)[0]}-serving:latest",
            model_data_url=(
                f"s3://recsys-embeddings-{a[0]}/index/{name}/model.tar.gz"
                if name.startswith("recsys-embed")
                else f"s3://ml-artifacts-{a[0]}/models/{name}/model.tar.gz"
                if mode == "SingleModel"
                else f"s3://ml-artifacts-{a[0]}/mme/"
            ),
        )
        if tags:
            acct.tag(snap, a, arn, tags)


def _invocations(acct: Account, rows: list[dict], hours: np.ndarray, values: np.ndarray, **dims: object) -> None:
    for h, v in zip(hours.tolist(), values.tolist(), strict=True):
        rows.append({"hour": h, "invocations": float(v), **dims})


def _endpoints(acct: Account) -> None:
    a, d = acct.prod, acct.dev
    s = acct.sfx
    allh = np.arange(acct.hours)
    diurnal = 0.6 + 0.4 * np.sin((allh % 24 - 6) / 24 * 2 * np.pi).clip(0)
    metrics: list[dict] = []
    acct.sp_arn = f"arn:aws:savingsplans::{PAYER[0]}:savingsplan/5f0c6d2e-demo-4b1a-9f3e-{acct.copy:012d}"

    # Single-model endpoint, covered by the Machine Learning Savings Plan.
    _model(acct, a, "fraud-xgb" + s, tags={"ml:team": "fraud", "ml:model": "fraud-xgb"})
    _endpoint(
        acct,
        a,
        "fraud-xgb-prod" + s,
        [{"variant": "AllTraffic", "model": "fraud-xgb" + s, "instance": "ml.m5.xlarge", "count": 2}],
        {"ml:team": "fraud", "ml:model": "fraud-xgb", "ml:environment": "production"},
        allh,
        pricing="Committed",
    )
    _invocations(
        acct,
        metrics,
        allh,
        np.round(4000 * diurnal + acct.noise("fraud-xgb-prod").integers(0, 300, len(allh))),
        namespace="AWS/SageMaker",
        metric_name="Invocations",
        endpoint_name="fraud-xgb-prod" + s,
        variant_name="AllTraffic",
    )

    # A/B endpoint: two variants, two instance types, named by their models.
    for m in ("recsys-ranker-v1", "recsys-ranker-v2"):
        _model(acct, a, m + s, tags={"ml:team": "recsys", "ml:model": m})
    _endpoint(
        acct,
        a,
        "recsys-ab" + s,
        [
            {"variant": "ranker-v1", "model": "recsys-ranker-v1" + s, "instance": "ml.c5.2xlarge", "count": 2, "weight": 0.7},
            {"variant": "ranker-v2", "model": "recsys-ranker-v2" + s, "instance": "ml.g5.xlarge", "count": 1, "weight": 0.3},
        ],
        {"ml:team": "recsys", "ml:environment": "production"},
        allh,
    )
    for variant, share in (("ranker-v1", 0.7), ("ranker-v2", 0.3)):
        _invocations(
            acct,
            metrics,
            allh,
            np.round(9000 * share * diurnal),
            namespace="AWS/SageMaker",
            metric_name="Invocations",
            endpoint_name="recsys-ab" + s,
            variant_name=variant,
        )

    # Multi-model endpoint: per-model split needs the custom InvocationsPerModel metric.
    _model(acct, a, "nlp-mme-container" + s, mode="MultiModel")
    _endpoint(
        acct,
        a,
        "nlp-mme" + s,
        [{"variant": "AllTraffic", "model": "nlp-mme-container" + s, "instance": "ml.g5.2xlarge", "count": 1}],
        {"ml:team": "nlp", "ml:environment": "production"},
        allh,
    )
    base = {"nlp-sentiment.tar.gz": 600, "nlp-ner.tar.gz": 300, "nlp-summarizer.tar.gz": 100, "nlp-translate.tar.gz": 200}
    translate_from = 24 * (31 + 14)  # appears mid-month, 2026-09-15
    quiet_day = (allh >= 24 * (31 + 19)) & (allh < 24 * (31 + 20))  # 2026-09-20: no traffic at all (idle)
    solo_hour = 24 * (31 + 4) + 14  # 2026-09-05 14:00: only nlp-sentiment
    total = np.zeros(acct.hours)
    for target, level in base.items():
        vals = np.round(level * diurnal * (0.8 + 0.4 * acct.noise("mme:" + target).random(acct.hours)))
        vals[(allh % 24) < 5] = 0  # nights without traffic: idle hours
        if target == "nlp-translate.tar.gz":
            vals[allh < translate_from] = 0
        if target != "nlp-sentiment.tar.gz":
            vals[allh == solo_hour] = 0
        vals[quiet_day] = 0
        keep = vals > 0
        total += vals
        _invocations(
            acct,
            metrics,
            allh[keep],
            vals[keep],
            namespace="Custom/SageMaker",
            metric_name="InvocationsPerModel",
            endpoint_name="nlp-mme" + s,
            variant_name="AllTraffic",
            target_model=target,
        )
    keep = total > 0
    _invocations(
        acct,
        metrics,
        allh[keep],
        total[keep],
        namespace="AWS/SageMaker",
        metric_name="Invocations",
        endpoint_name="nlp-mme" + s,
        variant_name="AllTraffic",
    )

    # Inference-component endpoint: 4 GPUs, 3 reserved by two components, 1 idle.
    ic_ep = "shared-ic-endpoint" + s
    _endpoint(
        acct,
        a,
        ic_ep,
        [{"variant": "AllTraffic", "instance": "ml.g5.12xlarge", "count": 1}],
        {"ml:team": "ml-platform", "ml:environment": "production"},
        allh,
    )
    # fraud-gnn-ic is created mid-period (2026-09-20 12:00): it weighs only from then on
    components = (("recsys-embed-ic", "recsys-embed", 2, "recsys", -24 * 20), ("fraud-gnn-ic", "fraud-gnn", 1, "fraud", 24 * 50 + 12))
    for ic, model, copies, team, created in components:
        _model(acct, a, model + s, tags={"ml:team": team, "ml:model": model})
        if created >= acct.hours:
            continue  # a short demo ends before the component exists
        ic_arn = acct.arn(a, "inference-component", ic + s)
        for snap in acct.snapshots_for(max(created, 0)):
            acct.record(
                "inference_components",
                snap,
                a,
                inference_component_name=ic + s,
                inference_component_arn=ic_arn,
                inference_component_status="InService",
                endpoint_name=ic_ep,
                variant_name="AllTraffic",
                model_name=model + s,
                creation_time=acct.ts(created),
                current_copy_count=copies,
                accelerators_per_copy=1.0,
                cpu_cores_per_copy=4.0,
                memory_mb_per_copy=16384,
            )
            acct.tag(snap, a, ic_arn, {"ml:team": team, "ml:model": model, "ml:environment": "production"})
        live = allh >= created
        _invocations(
            acct,
            metrics,
            allh[live],
            np.round(1500 * copies * diurnal)[live],
            namespace="AWS/SageMaker",
            metric_name="Invocations",
            endpoint_name=ic_ep,
            inference_component_name=ic + s,
        )

    # Serverless endpoint: billed per second of inference (4 GB memory).
    _model(acct, a, "nlp-translate" + s, tags={"ml:team": "nlp", "ml:model": "nlp-translate"})
    sl_arn = _endpoint(
        acct,
        a,
        "nlp-translate-serverless" + s,
        [{"variant": "AllTraffic", "model": "nlp-translate" + s, "serverless_mb": 4096}],
        {"ml:team": "nlp", "ml:model": "nlp-translate", "ml:environment": "production"},
        allh,
    )
    busy = acct.business_hours(8, 20, weekends=True)
    acct.charge(
        tags={"ml:team": "nlp", "ml:model": "nlp-translate", "ml:environment": "production"},
        hours=busy,
        quantity=np.round(900 + 600 * acct.noise("serverless-seconds").random(len(busy))),
        unit_price=0.00008,
        sub_account=a,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=f"{RC}-ProvisionedConcurrency:Mem-4GB",
        unit="Second",
        description="$0.00008 per second of serverless inference, 4GB memory",
        resource_id=sl_arn,
        resource_type="Endpoint",
    )
    _invocations(
        acct,
        metrics,
        busy,
        np.round(300 + 200 * acct.noise("serverless-invocations").random(len(busy))),
        namespace="AWS/SageMaker",
        metric_name="Invocations",
        endpoint_name="nlp-translate-serverless" + s,
        variant_name="AllTraffic",
    )

    # Asynchronous endpoint, scaled to zero outside business hours.
    _model(acct, a, "fraud-explainer" + s, tags={"ml:team": "fraud", "ml:model": "fraud-explainer"})
    _endpoint(
        acct,
        a,
        "fraud-async" + s,
        [{"variant": "AllTraffic", "model": "fraud-explainer" + s, "instance": "ml.g5.xlarge", "count": 1}],
        {"ml:team": "fraud", "ml:model": "fraud-explainer", "ml:environment": "production"},
        acct.business_hours(8, 18),
        usage_prefix="AsyncInf",
    )

    async_hours = acct.business_hours(8, 18)
    _invocations(
        acct,
        metrics,
        async_hours,
        np.round(40 + 30 * acct.noise("async-invocations").random(len(async_hours))),
        namespace="AWS/SageMaker",
        metric_name="Invocations",
        endpoint_name="fraud-async" + s,
        variant_name="AllTraffic",
    )

    # Forgotten staging endpoint: untagged, no traffic, runs all the time (a rule names its team).
    _model(acct, d, "recsys-legacy" + s)
    _endpoint(
        acct,
        d,
        "recsys-legacy-staging" + s,
        [{"variant": "AllTraffic", "model": "recsys-legacy" + s, "instance": "ml.m5.large", "count": 1}],
        {},
        allh,
        created=-24 * 120,
    )

    # Hosting data processed and data transfer out, daily, under the endpoints.
    days = np.arange(0, acct.hours, 24)
    for ep, gb in (("fraud-xgb-prod", 40.0), ("recsys-ab", 120.0), ("nlp-mme", 25.0)):
        arn = acct.arn(a, "endpoint", ep + s)
        tags = {"ml:team": {"fraud-xgb-prod": "fraud", "recsys-ab": "recsys", "nlp-mme": "nlp"}[ep], "ml:environment": "production"}
        acct.charge(
            tags=tags,
            hours=days,
            quantity=gb,
            unit_price=0.016,
            sub_account=a,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-Host:Data-Bytes-In",
            unit="GB",
            description="$0.016 per GB data processed IN by hosting",
            resource_id=arn,
            resource_type="Endpoint",
            duration_hours=24,
        )
        acct.charge(
            tags=tags,
            hours=days,
            quantity=gb / 2,
            unit_price=0.09,
            sub_account=a,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-DataTransfer-Out-Bytes",
            unit="GB",
            description="$0.09 per GB - first 10 TB / month data transfer out beyond the global free tier",
            resource_id=arn,
            resource_type="Endpoint",
            duration_hours=24,
        )

    for m in metrics:
        m.setdefault("variant_name", None)
        m.setdefault("inference_component_name", None)
        m.setdefault("target_model", None)
    acct.metrics = metrics


# --------------------------------------------------------------------------- training
def _training_job(
    acct: Account,
    a: tuple[str, str],
    name: str,
    start_hour: int,
    hours: int,
    instance: str,
    count: int,
    tags: dict[str, str],
    spot: bool = False,
    experiment: str | None = None,
    tuning_arn: str | None = None,
    role: str = "SageMakerTrainingRole",
    warm_pool_hours: int = 0,
    billing_tags: dict[str, str] | None = None,
) -> str:
    arn = acct.arn(a, "training-job", name)
    h = acct.within(np.arange(start_hour, start_hour + hours))
    if len(h) == 0:
        return arn
    price = PRICES[instance]
    billable = hours * 3600 * (0.7 if spot else 1.0)
    usage = f"{RC}-TrSpt:{instance}" if spot else f"{RC}-Train:{instance}"  # TrSpt: AWS CUDOS dashboard
    bill_tags = tags if billing_tags is None else billing_tags
    acct.charge(
        tags=bill_tags,
        hours=h,
        quantity=float(count) * (0.7 if spot else 1.0),
        unit_price=price,
        sub_account=a,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=usage,
        description=f"${price} per {'Spot ' if spot else ''}Training Instance Hour ({instance})",
        resource_id=arn,
        resource_type="TrainingJob",
        pricing_category="Dynamic" if spot else "Standard",
        billed_factor=SPOT_RATE if spot else 1.0,
        operation="RunInstance",
    )
    acct.charge(
        tags=bill_tags,
        hours=h[:1],
        quantity=50.0 * count * hours / 730,
        unit_price=0.14,
        sub_account=a,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=f"{RC}-Train:VolumeUsage.gp2",
        unit="GB-Mo",
        description="$0.14 per GB-month of ML storage",
        resource_id=arn,
        resource_type="TrainingJob",
    )
    if warm_pool_hours:
        wp = acct.within(np.arange(start_hour + hours, start_hour + hours + warm_pool_hours))
        acct.charge(
            tags=bill_tags,
            hours=wp,
            quantity=float(count),
            unit_price=price,
            sub_account=a,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-TrainWarmPool:{instance}",
            description=f"${price} per Training Warm Pool Instance Hour ({instance})",
            resource_id=arn,
            resource_type="TrainingJob",
        )
    end = start_hour + hours
    snap = acct.job_snapshot(end)
    model = tags.get("ml:model", name.rsplit("-", 2)[0])
    acct.record(
        "training_jobs",
        snap,
        a,
        training_job_name=name,
        training_job_arn=arn,
        training_job_status="Completed",
        creation_time=acct.ts(start_hour - 0.1),
        training_start_time=acct.ts(start_hour),
        training_end_time=acct.ts(end),
        instance_type=instance,
        instance_count=count,
        instance_groups_json=None,
        billable_time_seconds=int(billable),
        training_time_seconds=hours * 3600,
        is_managed_spot=spot,
        keep_alive_period_seconds=warm_pool_hours * 3600 if warm_pool_hours else None,
        warm_pool_status="Terminated" if warm_pool_hours else None,
        experiment_name=experiment,
        trial_name=f"{experiment}-trial-{start_hour}" if experiment else None,
        role_arn=f"arn:aws:iam::{a[0]}:role/{role}",
        tuning_job_arn=tuning_arn,
        image_uri=f"{acct.prod[0]}.dkr.ecr.{REGION}.amazonaws.com/{model.split('-')[0]}-training:latest",
        output_s3_uri=f"s3://ml-artifacts-{a[0]}/training/{name}/",
        input_s3_uris_json=json.dumps([f"s3://ml-datasets-{acct.prod[0]}/{model}/"]),
        model_artifacts_s3_uri=f"s3://ml-artifacts-{a[0]}/training/{name}/output/model.tar.gz",
    )
    acct.tag(snap, a, arn, tags)
    if experiment:
        tc = f"{name}-aws-training-job"
        acct.record(
            "trial_components",
            snap,
            a,
            trial_component_name=tc,
            trial_component_arn=acct.arn(a, "experiment-trial-component", tc),
            source_arn=arn,
            source_type="SageMakerTrainingJob",
            trial_name=f"{experiment}-trial-{start_hour}",
            experiment_name=experiment,
            creation_time=acct.ts(start_hour),
        )
        acct.record(
            "trials",
            snap,
            a,
            trial_name=f"{experiment}-trial-{start_hour}",
            trial_arn=acct.arn(a, "experiment-trial", f"{experiment}-trial-{start_hour}"),
            experiment_name=experiment,
            creation_time=acct.ts(start_hour),
        )
    return arn


def _training(acct: Account) -> None:
    d, s = acct.dev, acct.sfx
    rng = acct.noise("fraud-xgb-train")
    studio = {
        "sagemaker:domain-arn": acct.arn(d, "domain", "d-demo0001" + s),
        "sagemaker:user-profile-arn": acct.arn(d, "user-profile", f"d-demo0001{s}/carol"),
    }
    experiments = set()
    for day in range(0, acct.hours // 24, 3):  # fraud-xgb: on-demand, checkpointed: a spot candidate
        _training_job(
            acct,
            d,
            f"fraud-xgb-train-{day:03d}{s}",
            day * 24 + 1 + int(rng.integers(0, 6)),
            3,
            "ml.m5.4xlarge",
            1,
            {"ml:team": "fraud", "ml:model": "fraud-xgb", "ml:experiment": "fraud-xgb-tuning", "ml:environment": "training"},
            experiment="fraud-xgb-tuning" + s,
        )
        experiments.add("fraud-xgb-tuning" + s)
    for day in range(1, acct.hours // 24, 4):  # fraud-gnn: managed spot
        _training_job(
            acct,
            d,
            f"fraud-gnn-train-{day:03d}{s}",
            day * 24 + 2,
            6,
            "ml.g5.2xlarge",
            2,
            {"ml:team": "fraud", "ml:model": "fraud-gnn", "ml:experiment": "gnn-v2", "ml:environment": "training"},
            spot=True,
        )
    for day in range(2, acct.hours // 24, 7):  # recsys-two-tower: legacy `Environment` key (drift)
        _training_job(
            acct,
            d,
            f"recsys-two-tower-{day:03d}{s}",
            day * 24 + 20,
            10,
            "ml.g5.12xlarge",
            2,
            {"ml:team": "recsys", "ml:model": "recsys-two-tower", "ml:experiment": "two-tower-v3", "Environment": "training"},
        )
    spike = 24 * 80 + 8  # 2026-10-20: a large p4d run (cost spike)
    _training_job(
        acct,
        d,
        f"recsys-two-tower-full-retrain{s}",
        spike,
        12,
        "ml.p4d.24xlarge",
        2,
        {"ml:team": "recsys", "ml:model": "recsys-two-tower", "ml:experiment": "two-tower-v3", "ml:environment": "training"},
    )
    # Hyper-parameter tuning: only the tuning job is tagged.
    tuning_name = "recsys-ranker-hpo" + s
    tuning_arn = acct.arn(d, "hyper-parameter-tuning-job", tuning_name)
    hpo_start = 24 * 40 + 9
    for i in range(6):
        _training_job(acct, d, f"recsys-ranker-hpo-{i:03d}{s}", hpo_start + 2 * i, 2, "ml.c5.2xlarge", 1, {}, tuning_arn=tuning_arn)
    snap = acct.job_snapshot(hpo_start + 12)
    acct.record(
        "tuning_jobs",
        snap,
        d,
        tuning_job_name=tuning_name,
        tuning_job_arn=tuning_arn,
        tuning_job_status="Completed",
        creation_time=acct.ts(hpo_start - 1),
        end_time=acct.ts(hpo_start + 12),
    )
    acct.tag(snap, d, tuning_arn, {"ml:team": "recsys", "ml:model": "recsys-ranker", "ml:experiment": "ranker-hpo", "ml:environment": "training"})
    for day in range(0, acct.hours // 24, 5):  # nlp-summarizer from Studio: only Studio auto-tags; carol's profile knows the team
        _training_job(
            acct,
            d,
            f"nlp-summarizer-ft-{day:03d}{s}",
            day * 24 + 10,
            4,
            "ml.p3.2xlarge",
            1,
            dict(studio),
            experiment="nlp-summarizer-ft" + s,
        )
        experiments.add("nlp-summarizer-ft" + s)
    for day in range(3, acct.hours // 24, 7):  # nlp-sentiment: warm pool
        _training_job(
            acct,
            d,
            f"nlp-sentiment-train-{day:03d}{s}",
            day * 24 + 9,
            2,
            "ml.g5.xlarge",
            1,
            {"ml:team": "nlp", "ml:model": "nlp-sentiment", "ml:experiment": "sentiment-distil", "ml:environment": "training"},
            warm_pool_hours=1,
        )
    for e in sorted(experiments):
        acct.record(
            "experiments",
            (START + timedelta(hours=acct.hours)).date(),
            d,
            experiment_name=e,
            experiment_arn=acct.arn(d, "experiment", e),
            creation_time=acct.ts(-24),
        )


# --------------------------------------------------------------------------- processing, transform, pipelines
def _processing_and_transform(acct: Account) -> None:
    a, d, s = acct.prod, acct.dev, acct.sfx
    pipeline = "fraud-feature-pipeline" + s
    pipeline_arn = acct.arn(a, "pipeline", pipeline)
    last = (START + timedelta(hours=acct.hours)).date()
    acct.record(
        "pipelines",
        last,
        a,
        pipeline_name=pipeline,
        pipeline_arn=pipeline_arn,
        role_arn=f"arn:aws:iam::{a[0]}:role/SageMakerPipelineRole",
        creation_time=acct.ts(-24 * 60),
    )
    acct.tag(last, a, pipeline_arn, {"ml:team": "fraud", "ml:model": "fraud-xgb", "ml:environment": "production"})
    for day in range(acct.hours // 24):
        name = f"fraud-features-{day:03d}{s}"
        arn = acct.arn(a, "processing-job", name)
        start = day * 24 + 2
        acct.charge(
            tags={},
            hours=np.array([start]),
            quantity=2.0,
            unit_price=PRICES["ml.m5.xlarge"],
            sub_account=a,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-Processing:ml.m5.xlarge",
            description="$0.23 per Processing Instance Hour (ml.m5.xlarge)",
            resource_id=arn,
            resource_type="ProcessingJob",
        )
        snap = acct.job_snapshot(start + 1)
        acct.record(
            "processing_jobs",
            snap,
            a,
            processing_job_name=name,
            processing_job_arn=arn,
            processing_job_status="Completed",
            creation_time=acct.ts(start - 0.05),
            processing_start_time=acct.ts(start),
            processing_end_time=acct.ts(start + 1),
            instance_type="ml.m5.xlarge",
            instance_count=2,
            role_arn=f"arn:aws:iam::{a[0]}:role/SageMakerProcessingRole",
            training_job_arn=None,
            experiment_name=None,
            trial_name=None,
            image_uri=f"{a[0]}.dkr.ecr.{REGION}.amazonaws.com/fraud-features:latest",
        )
        execution = f"{pipeline_arn}/execution/{day:03d}demo"
        acct.record(
            "pipeline_executions",
            snap,
            a,
            pipeline_execution_arn=execution,
            pipeline_arn=pipeline_arn,
            pipeline_execution_status="Succeeded",
            start_time=acct.ts(start - 0.1),
        )
        acct.record(
            "pipeline_execution_steps",
            snap,
            a,
            pipeline_execution_arn=execution,
            step_name="BuildFeatures",
            step_type="Processing",
            step_status="Succeeded",
            job_arn=arn,
            start_time=acct.ts(start),
            end_time=acct.ts(start + 1),
        )
    # Ad-hoc NLP data preparation under a shared data role, untagged: the rules seed names the team.
    for day in range(acct.hours // 24):
        name = f"nlp-data-prep-{day:03d}{s}"
        arn = acct.arn(d, "processing-job", name)
        start = day * 24 + 13
        acct.charge(
            tags={},
            hours=np.array([start, start + 1]),
            quantity=1.0,
            unit_price=PRICES["ml.m5.2xlarge"],
            sub_account=d,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-Processing:ml.m5.2xlarge",
            description="$0.461 per Processing Instance Hour (ml.m5.2xlarge)",
            resource_id=arn,
            resource_type="ProcessingJob",
        )
        acct.record(
            "processing_jobs",
            acct.job_snapshot(start + 2),
            d,
            processing_job_name=name,
            processing_job_arn=arn,
            processing_job_status="Completed",
            creation_time=acct.ts(start - 0.05),
            processing_start_time=acct.ts(start),
            processing_end_time=acct.ts(start + 2),
            instance_type="ml.m5.2xlarge",
            instance_count=1,
            role_arn=f"arn:aws:iam::{d[0]}:role/nlp-data-role",
            training_job_arn=None,
            experiment_name=None,
            trial_name=None,
            image_uri=f"{d[0]}.dkr.ecr.{REGION}.amazonaws.com/nlp-prep:latest",
        )
    # Nightly batch transform.
    for day in range(acct.hours // 24):
        name = f"nlp-ner-nightly-{day:03d}{s}"
        arn = acct.arn(a, "transform-job", name)
        start = day * 24 + 3
        tags = {"ml:team": "nlp", "ml:model": "nlp-ner", "ml:environment": "production"}
        acct.charge(
            tags=tags,
            hours=np.array([start, start + 1]),
            quantity=1.0,
            unit_price=PRICES["ml.m5.xlarge"],
            sub_account=a,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-Tsform:ml.m5.xlarge",
            description="$0.23 per Batch Transform Instance Hour (ml.m5.xlarge)",
            resource_id=arn,
            resource_type="TransformJob",
        )
        snap = acct.job_snapshot(start + 2)
        acct.record(
            "transform_jobs",
            snap,
            a,
            transform_job_name=name,
            transform_job_arn=arn,
            transform_job_status="Completed",
            creation_time=acct.ts(start - 0.05),
            transform_start_time=acct.ts(start),
            transform_end_time=acct.ts(start + 2),
            model_name="nlp-ner" + s,
            instance_type="ml.m5.xlarge",
            instance_count=1,
            experiment_name=None,
            trial_name=None,
        )
        acct.tag(snap, a, arn, tags)
    _model(acct, a, "nlp-ner" + s, tags={"ml:team": "nlp", "ml:model": "nlp-ner"})


# --------------------------------------------------------------------------- notebooks and Studio
def _notebooks_and_studio(acct: Account) -> None:
    d, s = acct.dev, acct.sfx
    allh = np.arange(acct.hours)
    notebooks = (
        ("fraud-research-nb" + s, "ml.t3.xlarge", allh, {"ml:team": "fraud"}),  # always on, nights and weekends too
        ("nlp-explore-nb" + s, "ml.t3.medium", acct.business_hours(8, 19), {}),  # untagged
    )
    for name, instance, hours, tags in notebooks:
        arn = acct.arn(d, "notebook-instance", name)
        acct.charge(
            tags=tags,
            hours=hours,
            quantity=1.0,
            unit_price=PRICES[instance],
            sub_account=d,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-Notebk:{instance}",
            description=f"${PRICES[instance]} per On Demand Notebook Instance Hour ({instance})",
            resource_id=arn,
            resource_type="NotebookInstance",
        )
        acct.charge(
            tags=tags,
            hours=np.arange(0, acct.hours, 24),
            quantity=20.0 / 30,
            unit_price=0.14,
            sub_account=d,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-Notebk:VolumeUsage.gp2",
            unit="GB-Mo",
            description="$0.14 per GB-month of ML storage",
            resource_id=arn,
            resource_type="NotebookInstance",
            duration_hours=24,
        )
        for snap in acct.snapshots_for(0):
            acct.record(
                "notebook_instances",
                snap,
                d,
                notebook_instance_name=name,
                notebook_instance_arn=arn,
                notebook_instance_status="InService",
                instance_type=instance,
                creation_time=acct.ts(-24 * 90),
                last_modified_time=acct.ts(-24 * 90),
                role_arn=f"arn:aws:iam::{d[0]}:role/SageMakerNotebookRole",
            )
            acct.tag(snap, d, arn, tags)
    domain_id = "d-demo0001" + s
    domain_arn = acct.arn(d, "domain", domain_id)
    for snap in acct.snapshots_for(0):
        acct.record(
            "domains",
            snap,
            d,
            domain_id=domain_id,
            domain_name="ml-studio" + s,
            domain_arn=domain_arn,
            domain_status="InService",
            creation_time=acct.ts(-24 * 200),
        )
        acct.tag(snap, d, domain_arn, {"ml:environment": "development"})
    users = (
        ("alice", "fraud", acct.business_hours(9, 18)),
        ("bob", "recsys", acct.business_hours(7, 24, weekends=True)),
        ("carol", "nlp", acct.business_hours(9, 18)),
        ("dave", None, acct.business_hours(10, 16)),
    )
    for user, team, hours in users:
        profile_arn = acct.arn(d, "user-profile", f"{domain_id}/{user}")
        app_arn = acct.arn(d, "app", f"{domain_id}/{user}/jupyterlab/default")
        for snap in acct.snapshots_for(0):
            acct.record(
                "user_profiles",
                snap,
                d,
                domain_id=domain_id,
                user_profile_name=user,
                user_profile_arn=profile_arn,
                user_profile_status="InService",
                creation_time=acct.ts(-24 * 100),
            )
            if team:
                acct.tag(snap, d, profile_arn, {"ml:team": team})
            acct.record(
                "apps",
                snap,
                d,
                domain_id=domain_id,
                user_profile_name=user,
                space_name=None,
                app_type="JupyterLab",
                app_name="default",
                app_arn=app_arn,
                app_status="InService",
                instance_type="ml.t3.medium",
                creation_time=acct.ts(-24 * 30),
            )
        if user == "bob":  # a shared space with a Code Editor app, tagged on the space only
            space_arn = acct.arn(d, "space", f"{domain_id}/recsys-shared")
            space_app = acct.arn(d, "app", f"{domain_id}/recsys-shared/codeeditor/default")
            for snap in acct.snapshots_for(0):
                acct.record(
                    "spaces",
                    snap,
                    d,
                    domain_id=domain_id,
                    space_name="recsys-shared",
                    space_arn=space_arn,
                    space_status="InService",
                    owner_user_profile_name=user,
                    creation_time=acct.ts(-24 * 50),
                )
                acct.tag(snap, d, space_arn, {"ml:team": "recsys", "ml:environment": "development"})
                acct.record(
                    "apps",
                    snap,
                    d,
                    domain_id=domain_id,
                    user_profile_name=None,
                    space_name="recsys-shared",
                    app_type="CodeEditor",
                    app_name="default",
                    app_arn=space_app,
                    app_status="InService",
                    instance_type="ml.t3.medium",
                    creation_time=acct.ts(-24 * 10),
                )
            acct.charge(
                tags={"sagemaker:domain-arn": domain_arn, "sagemaker:space-arn": space_arn},
                hours=acct.business_hours(9, 18),
                quantity=1.0,
                unit_price=PRICES["ml.t3.medium"],
                sub_account=d,
                region=REGION,
                service_code="AmazonSageMaker",
                usage_type=f"{RC}-Studio:CodeEditor-ml.t3.medium",
                description="$0.05 per Studio Code Editor Instance Hour (ml.t3.medium)",
                resource_id=space_app,
                resource_type="App",
            )
        studio_tags = {"sagemaker:domain-arn": domain_arn, "sagemaker:user-profile-arn": profile_arn}
        acct.charge(
            tags=studio_tags,
            hours=hours,
            quantity=1.0,
            unit_price=PRICES["ml.t3.medium"],
            sub_account=d,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-Studio:JupyterLab-ml.t3.medium",
            description="$0.05 per Studio JupyterLab Instance Hour (ml.t3.medium)",
            resource_id=app_arn,
            resource_type="App",
        )


# --------------------------------------------------------------------------- related services and non-SageMaker
def _related_and_other(acct: Account) -> None:
    a, d = acct.prod, acct.dev
    days = np.arange(0, acct.hours, 24)
    team_tags = {"ml:team": "ml-platform"}
    buckets = (
        (f"ml-artifacts-{a[0]}", 4200.0),
        (f"ml-datasets-{a[0]}", 9800.0),
        (f"ml-artifacts-{d[0]}", 2600.0),
        (f"recsys-embeddings-{a[0]}", 21000.0),
        (f"finance-reports-{a[0]}", 800.0),
    )  # the last is not ML
    for bucket, gb in buckets:
        acct.charge(
            tags=team_tags,
            hours=days,
            quantity=gb / 30,
            unit_price=0.023,
            sub_account=a,
            region=REGION,
            service_code="AmazonS3",
            usage_type=f"{RC}-TimedStorage-ByteHrs",
            unit="GB-Mo",
            description="$0.023 per GB - first 50 TB / month of storage used",
            resource_id=bucket,
            resource_type="Bucket",
            duration_hours=24,
        )
    for repo in ("fraud-serving", "recsys-serving", "nlp-serving", "fraud-training", "recsys-training", "nlp-training"):
        acct.charge(
            tags=team_tags,
            hours=days,
            quantity=35.0 / 30,
            unit_price=0.10,
            sub_account=a,
            region=REGION,
            service_code="AmazonECR",
            usage_type=f"{RC}-TimedStorage-ByteHrs",
            unit="GB-Mo",
            description="$0.10 per GB-month of data storage",
            resource_id=f"arn:aws:ecr:{REGION}:{a[0]}:repository/{repo}",
            resource_type="Repository",
            duration_hours=24,
        )
    for group, gb in (
        ("/aws/sagemaker/Endpoints/fraud-xgb-prod", 2.0),
        ("/aws/sagemaker/Endpoints/recsys-ab", 3.5),
        ("/aws/sagemaker/Endpoints/nlp-mme", 1.5),
        ("/aws/sagemaker/Endpoints/shared-ic-endpoint", 4.0),
        ("/aws/lambda/billing-export", 0.3),
        ("/aws/sagemaker/ProcessingJobs", 0.4),
        ("/aws/sagemaker/TrainingJobs", 1.2),  # training runs in the dev account: its logs are there
    ):
        owner = d if group.endswith("TrainingJobs") else a
        acct.charge(
            tags={},
            hours=days,
            quantity=gb,
            unit_price=0.50,
            sub_account=owner,
            region=REGION,
            service_code="AmazonCloudWatch",
            usage_type=f"{RC}-DataProcessing-Bytes",
            unit="GB",
            description="$0.50 per GB logs data ingested",
            resource_id=f"arn:aws:logs:{REGION}:{owner[0]}:log-group:{group}{acct.sfx}",
            resource_type="LogGroup",
            duration_hours=24,
        )
    # EC2 g5 instances that are not SageMaker: must not count as ML spend.
    for i in range(2):
        acct.focus.add(
            hours=np.arange(acct.hours),
            quantity=1.0,
            unit_price=PRICES["g5.2xlarge"],
            sub_account=d,
            region=REGION,
            service_code="AmazonEC2",
            usage_type=f"{RC}-BoxUsage:g5.2xlarge",
            description="$1.212 per On Demand Linux g5.2xlarge Instance Hour",
            resource_id=f"i-0a1b2c3d4e5f{acct.copy:04d}{i}",
            resource_type="Instance",
            tags={"ml:team": "recsys"},
        )


def _commitments_credits_corrections(acct: Account) -> None:
    a = acct.prod
    allh = np.arange(acct.hours)
    commitment = 0.32  # USD per hour; the covered endpoint uses 2 x 0.23 x 0.64 = 0.2944
    acct.focus.add(
        hours=allh,
        quantity=1.0,
        unit_price=commitment,
        sub_account=a,
        region=REGION,
        service_code="MachineLearningSavingsPlans",
        usage_type=None,
        description="1 year No Upfront Machine Learning Savings Plan",
        unit="Hours",
        resource_id=acct.sp_arn,
        resource_type="Savings Plan",
        charge_category="Purchase",
        effective_factor=0.0,
        pricing_category="Standard",
        commitment=(acct.sp_arn, None),
    )
    acct.focus.add(
        hours=allh,
        quantity=1.0,
        unit_price=commitment - 2 * 0.23 * SP_RATE,
        sub_account=a,
        region=REGION,
        service_code="MachineLearningSavingsPlans",
        usage_type=None,
        description="Unused Machine Learning Savings Plan commitment",
        resource_id=acct.sp_arn,
        resource_type="Savings Plan",
        billed_factor=0.0,
        effective_factor=1.0,
        pricing_category="Committed",
        commitment=(acct.sp_arn, "Unused"),
    )
    # A promotional credit and a correction of a September training job, billed in October.
    acct.focus.add(
        hours=np.array([24 * 60 + 23]),
        quantity=-1.0,  # FOCUS: a credit is a negative cost or quantity, never a negative price
        unit_price=25.0,
        sub_account=a,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=None,
        description="AWS Promotional Credit",
        unit=None,
        charge_category="Credit",
    )
    correction_arn = acct.arn(acct.dev, "training-job", f"fraud-gnn-train-033{acct.sfx}")
    acct.focus.add(
        hours=np.array([24 * 61 + 12]),
        quantity=-1.0,  # FOCUS: a correction is a negative cost or quantity, never a negative price
        unit_price=3.5,
        sub_account=acct.dev,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=None,
        description="Correction: spot training overcharge in 2026-09",
        unit=None,
        resource_id=correction_arn,
        resource_type="TrainingJob",
        charge_class="Correction",
    )


# --------------------------------------------------------------------------- writing
def deliveries_for(hours: int) -> list[Delivery]:
    """One delivery per closed billing period two days after it closes. The open period (the
    last) is delivered the morning after its last day of data, and also a week earlier,
    partially and at slightly different prices (a restatement)."""
    out: list[Delivery] = []
    end = START + timedelta(hours=hours)
    period = month_start(START)
    while period < end:
        closes = next_month(period)
        if closes >= end:
            early = end - timedelta(days=7)
            out.append(Delivery(period.strftime("%Y-%m"), end + timedelta(hours=5, minutes=45)))
            out.append(Delivery(period.strftime("%Y-%m"), early + timedelta(hours=6, minutes=12), cutoff=early, cost_factor=1.03))
        else:
            out.append(Delivery(period.strftime("%Y-%m"), closes + timedelta(days=2, hours=5, minutes=45)))
        period = closes
    return out


def _copies(scale: int) -> list[dict[str, str]]:
    """Account-id substitutions for each copy of the organisation (copy 0 is the original)."""
    return [{"222222222222": f"{222222222222 + c * 1000:012d}", "333333333333": f"{333333333333 + c * 1000:012d}"} if c else {} for c in range(scale)]


def _replicated(table: pa.Table, copies: list[dict[str, str]]) -> pa.Table:
    return pa.concat_tables([replicate(table, m) if m else table for m in copies])


def write_landing(
    landing: Path,
    scale: int = 1,
    days: int = DEFAULT_DAYS,
    billing_tags: bool = True,
    copies_per_chunk: int = 16,
    export_mode: str = "create-new",
    granularity: str = "hourly",
) -> dict[str, int]:
    """Write the demo landing folder; returns row counts per table.

    ``scale`` copies of the organisation, each in its own two accounts (every ARN, bucket and
    log group carries the account id), streamed in chunks so memory stays flat at 50M rows.
    ``billing_tags=False`` empties every billing ``Tags`` value (tags then exist only in the API).
    ``export_mode`` is the export's file versioning: ``create-new`` (a folder per delivery) or
    ``overwrite`` (chunks rewritten in place). ``granularity`` is the export's TIME_GRANULARITY
    (hourly, daily or monthly charge periods; the same charges summed).
    """
    counts: dict[str, int] = {}
    hours = days * 24
    acct = Account(copy=0, hours=hours)
    build(acct)
    focus = acct.focus.to_table()
    if not billing_tags:
        idx = focus.schema.get_field_index("Tags")
        focus = focus.set_column(idx, "Tags", pa.nulls(focus.num_rows, type=focus.schema.field("Tags").type))
    copies = _copies(scale)
    batches = [copies[i : i + copies_per_chunk] for i in range(0, len(copies), copies_per_chunk)]
    files = write_export(
        (_replicated(focus, batch) for batch in batches),
        landing / "focus",
        EXPORT_NAME,
        deliveries_for(hours),
        mode=export_mode,
        account_id=PAYER[0],
        granularity=granularity,
    )
    counts["focus_rows"] = focus.num_rows * scale
    counts["focus_files"] = len(files)
    tables = {name: rows for name, rows in acct.meta.items()}
    tables["invocations"] = _metric_rows(acct)
    for name, rows in sorted(tables.items()):
        table = TABLES_BY_NAME[name]
        by_snapshot: dict[date, list[dict]] = {}
        for row in rows:
            by_snapshot.setdefault(row["snapshot_date"], []).append(row)
        for snap, part in sorted(by_snapshot.items()):
            arrow = pa.Table.from_pylist(part, schema=table.schema)
            for b, batch in enumerate(batches):
                stem = f"demo-{REGION}-copies-{b * copies_per_chunk:05d}"
                counts[name] = counts.get(name, 0) + write_table(table_path(landing, table, snap.isoformat(), stem), table, _replicated(arrow, batch))
    return counts


def _metric_rows(acct: Account) -> list[dict]:
    rows = []
    for m in acct.metrics:
        metric = dict(m)
        when = acct.ts(metric.pop("hour"))
        snap = when.date() + timedelta(days=7 - when.weekday())
        rows.append(
            {
                "account_id": acct.prod[0],
                "region": REGION,
                "snapshot_date": snap,
                "extracted_at": datetime(snap.year, snap.month, snap.day, 6, 0),
                "period_start": when,
                **metric,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the deterministic demo landing folder.")
    parser.add_argument("--landing", type=Path, default=Path("data/landing"))
    parser.add_argument("--scale", type=int, default=1, help="copies of the demo organisation (more resources, more rows)")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days of history from 2026-08-01")
    parser.add_argument("--billing-only", action="store_true", help="write only the FOCUS export (no sagemaker/ or cloudwatch/)")
    parser.add_argument("--no-billing-tags", action="store_true", help="empty every billing Tags value (tags only in the API)")
    parser.add_argument("--force", action="store_true", help="replace an existing landing folder")
    parser.add_argument(
        "--export-mode",
        choices=EXPORT_MODES,
        default="create-new",
        help="the export's file versioning: a folder per delivery (create-new) or chunks rewritten in place (overwrite)",
    )
    parser.add_argument(
        "--granularity",
        choices=GRANULARITIES,
        default="hourly",
        help="the export's time granularity: charge periods of an hour, a day or the billing period",
    )
    args = parser.parse_args(argv)
    if args.landing.exists() and any(args.landing.iterdir()):
        if not args.force:
            print(f"{args.landing} is not empty; use --force to replace it", file=sys.stderr)
            return 1
        shutil.rmtree(args.landing)
    counts = write_landing(
        args.landing,
        scale=args.scale,
        days=args.days,
        billing_tags=not args.no_billing_tags,
        export_mode=args.export_mode,
        granularity=args.granularity,
    )
    if args.billing_only:
        for area in ("sagemaker", "cloudwatch"):
            shutil.rmtree(args.landing / area, ignore_errors=True)
    print(
        f"demo landing folder written to {args.landing}: "
        f"{counts['focus_rows']:,} FOCUS rows in {counts['focus_files']} files, "
        f"{sum(v for k, v in counts.items() if not k.startswith('focus')):,} metadata and metric rows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
