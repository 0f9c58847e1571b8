"""Endpoints of the demo: single-model, A/B, multi-model, inference components, serverless, async."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from ml_cost_extract.rows import EndpointConfigsRow, EndpointsRow, InferenceComponentsRow, ModelsRow

from .account import PRICES, RC, REGION, SP_COMMITMENT, SP_FULL_FROM, SP_RATE, Account


def _endpoint(
    acct: Account,
    a: tuple[str, str],
    name: str,
    variants: list[dict[str, Any]],
    tags: dict[str, str],
    hours: np.ndarray,
    created: int = -24 * 30,
    pricing: str = "Standard",
    usage_prefix: str = "Host",
) -> str:
    arn = acct.arn(a, "endpoint", name)
    config = f"{name}-config"
    _endpoint_records(acct, a, name, arn, config, variants, tags, created, usage_prefix)
    for v in variants:
        if v.get("instance") is None:
            continue
        price = PRICES[v["instance"]]
        counts = _instance_counts(v, np.asarray(hours))
        kw: dict[str, object] = {}
        if pricing == "Committed":
            kw = {"billed_factor": 0.0, "effective_factor": SP_RATE, "commitment": (acct.sp_arn, "Used")}
            # the plan covers what its hourly commitment buys at its rate; the rest is on demand
            covered = np.minimum(counts, SP_COMMITMENT / (price * SP_RATE))
            over = counts - covered > 1e-9
            if over.any():
                _endpoint_charge(acct, a, arn, v, tags, np.asarray(hours)[over], (counts - covered)[over], "Standard", usage_prefix, {})
            counts = covered
        _endpoint_charge(acct, a, arn, v, tags, np.asarray(hours), counts, pricing, usage_prefix, kw)
    return arn


def _endpoint_charge(
    acct: Account,
    a: tuple[str, str],
    arn: str,
    v: dict[str, Any],
    tags: dict[str, str],
    hours: np.ndarray,
    counts: np.ndarray,
    pricing: str,
    usage_prefix: str,
    kw: dict[str, object],
) -> None:
    """The instance hours of one variant at one pricing (on-demand or covered by the plan)."""
    price = PRICES[v["instance"]]
    acct.charge(
        tags=tags,
        hours=hours,
        quantity=counts,
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


def _instance_counts(variant: dict[str, Any], hours: np.ndarray) -> np.ndarray:
    """Instances per hour: ``count``, or from ``scaled = (hour, count)`` on the new count."""
    counts = np.full(len(hours), float(variant["count"]))
    if "scaled" in variant:
        at, count = variant["scaled"]
        counts[hours >= at] = float(count)
    return counts


def _count_read(acct: Account, variant: dict[str, Any], snapshot: date) -> int | None:
    """The instance count a weekly run of ``snapshot`` read (after a scale-out, the new one)."""
    if "scaled" in variant and snapshot >= acct.ts(variant["scaled"][0]).date():
        return int(variant["scaled"][1])
    count = variant.get("count")
    return None if count is None else int(count)


def _endpoint_records(
    acct: Account,
    a: tuple[str, str],
    name: str,
    arn: str,
    config: str,
    variants: list[dict[str, Any]],
    tags: dict[str, str],
    created: int,
    usage_prefix: str,
) -> None:
    """The endpoint and its config, one row per variant, as each weekly run read them."""
    for snap in acct.snapshots_for(max(created, 0)):
        for v in variants:
            acct.record(
                "endpoints",
                snap,
                a,
                EndpointsRow(
                    endpoint_name=name,
                    endpoint_arn=arn,
                    endpoint_status="InService",
                    endpoint_config_name=config,
                    creation_time=acct.ts(created),
                    last_modified_time=acct.ts(created),
                    variant_name=v["variant"],
                    current_instance_count=_count_read(acct, v, snap),
                    desired_instance_count=_count_read(acct, v, snap),
                    current_weight=v.get("weight", 1.0),
                    desired_weight=v.get("weight", 1.0),
                    serverless_memory_mb=v.get("serverless_mb"),
                ),
            )
            acct.record(
                "endpoint_configs",
                snap,
                a,
                EndpointConfigsRow(
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
                ),
            )
        acct.tag(snap, a, arn, tags)


def add_model(
    acct: Account,
    a: tuple[str, str],
    name: str,
    mode: str = "SingleModel",
    tags: dict[str, str] | None = None,
    created: int = -24 * 40,
) -> None:
    arn = acct.arn(a, "model", name)
    for snap in acct.snapshots_for(max(created, 0)):
        acct.record(
            "models",
            snap,
            a,
            ModelsRow(
                model_name=name,
                model_arn=arn,
                creation_time=acct.ts(created),
                execution_role_arn=f"arn:aws:iam::{a[0]}:role/SageMakerInferenceRole",
                container_mode=mode,
                image_uri=f"{a[0]}.dkr.ecr.{REGION}.amazonaws.com/{name.split('-', maxsplit=1)[0]}-serving:latest",
                model_data_url=f"s3://recsys-embeddings-{a[0]}/index/{name}/model.tar.gz"
                if name.startswith("recsys-embed")
                else f"s3://ml-artifacts-{a[0]}/models/{name}/model.tar.gz"
                if mode == "SingleModel"
                else f"s3://ml-artifacts-{a[0]}/mme/",
            ),
        )
        if tags:
            acct.tag(snap, a, arn, tags)


def _invocations(acct: Account, rows: list[dict[str, Any]], hours: np.ndarray, values: np.ndarray, **dims: object) -> None:
    for h, v in zip(hours.tolist(), values.tolist(), strict=True):
        rows.append({"hour": h, "invocations": float(v), **dims})


def add_endpoints(acct: Account) -> None:
    metrics = acct.metrics  # shared by every endpoint family
    _single_model_endpoint(acct)
    _ab_endpoint(acct)
    _multi_model_endpoint(acct)
    _inference_component_endpoint(acct)
    _serverless_endpoint(acct)
    _async_endpoint(acct)
    _forgotten_endpoint(acct)
    _endpoint_data_charges(acct)
    for metric in metrics:
        metric.setdefault("variant_name", None)
        metric.setdefault("inference_component_name", None)
        metric.setdefault("target_model", None)


def _single_model_endpoint(acct: Account) -> None:
    a = acct.prod
    s = acct.sfx
    allh = np.arange(acct.hours)
    diurnal = 0.6 + 0.4 * np.sin((allh % 24 - 6) / 24 * 2 * np.pi).clip(0)
    metrics = acct.metrics  # shared by every endpoint family
    # Single-model endpoint, covered by the Machine Learning Savings Plan.
    add_model(acct, a, "fraud-xgb" + s, tags={"ml:team": "fraud", "ml:model": "fraud-xgb"})
    _endpoint(
        acct,
        a,
        "fraud-xgb-prod" + s,
        [{"variant": "AllTraffic", "model": "fraud-xgb" + s, "instance": "ml.m5.xlarge", "count": 2, "scaled": (SP_FULL_FROM, 3)}],
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


def _ab_endpoint(acct: Account) -> None:
    a = acct.prod
    s = acct.sfx
    allh = np.arange(acct.hours)
    diurnal = 0.6 + 0.4 * np.sin((allh % 24 - 6) / 24 * 2 * np.pi).clip(0)
    metrics = acct.metrics  # shared by every endpoint family
    # A/B endpoint: two variants, two instance types, named by their models.
    for m in ("recsys-ranker-v1", "recsys-ranker-v2"):
        add_model(acct, a, m + s, tags={"ml:team": "recsys", "ml:model": m})
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


def _multi_model_endpoint(acct: Account) -> None:
    a = acct.prod
    s = acct.sfx
    allh = np.arange(acct.hours)
    diurnal = 0.6 + 0.4 * np.sin((allh % 24 - 6) / 24 * 2 * np.pi).clip(0)
    metrics = acct.metrics  # shared by every endpoint family
    # Multi-model endpoint: per-model split needs the custom InvocationsPerModel metric.
    add_model(acct, a, "nlp-mme-container" + s, mode="MultiModel")
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


def _inference_component_endpoint(acct: Account) -> None:
    a = acct.prod
    s = acct.sfx
    allh = np.arange(acct.hours)
    diurnal = 0.6 + 0.4 * np.sin((allh % 24 - 6) / 24 * 2 * np.pi).clip(0)
    metrics = acct.metrics  # shared by every endpoint family
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
        add_model(acct, a, model + s, tags={"ml:team": team, "ml:model": model})
        if created >= acct.hours:
            continue  # a short demo ends before the component exists
        ic_arn = acct.arn(a, "inference-component", ic + s)
        for snap in acct.snapshots_for(max(created, 0)):
            acct.record(
                "inference_components",
                snap,
                a,
                InferenceComponentsRow(
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
                ),
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


def _serverless_endpoint(acct: Account) -> None:
    a = acct.prod
    s = acct.sfx
    allh = np.arange(acct.hours)
    metrics = acct.metrics  # shared by every endpoint family
    # Serverless endpoint: billed per second of inference (4 GB memory).
    add_model(acct, a, "nlp-translate" + s, tags={"ml:team": "nlp", "ml:model": "nlp-translate"})
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
        unit="Seconds",
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


def _async_endpoint(acct: Account) -> None:
    a = acct.prod
    s = acct.sfx
    metrics = acct.metrics  # shared by every endpoint family
    # Asynchronous endpoint, scaled to zero outside business hours.
    add_model(acct, a, "fraud-explainer" + s, tags={"ml:team": "fraud", "ml:model": "fraud-explainer"})
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


def _forgotten_endpoint(acct: Account) -> None:
    d = acct.dev
    s = acct.sfx
    allh = np.arange(acct.hours)
    # Forgotten staging endpoint: untagged, no traffic, runs all the time (a rule names its team).
    add_model(acct, d, "recsys-legacy" + s)
    _endpoint(
        acct,
        d,
        "recsys-legacy-staging" + s,
        [{"variant": "AllTraffic", "model": "recsys-legacy" + s, "instance": "ml.m5.large", "count": 1}],
        {},
        allh,
        created=-24 * 120,
    )


def _endpoint_data_charges(acct: Account) -> None:
    a = acct.prod
    s = acct.sfx
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
