"""Hourly Sum of SageMaker invocation metrics: AWS/SageMaker Invocations (per endpoint and
variant, per inference component) and the custom InvocationsPerModel (per endpoint,
optional variant, and TargetModel) of multi-model endpoints."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from .aws import Caller
from .sagemaker_api import naive_utc

MAX_QUERIES = 500  # per GetMetricData call
PERIOD = 3600


def discover(caller: Caller, cw: Any, namespace: str, metric: str) -> list[tuple[tuple[str, str], ...]]:
    """Distinct dimension sets of a metric, in the order ListMetrics gives them (it may repeat a
    metric, and it omits metrics without data in the last two weeks)."""
    found: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
    for page in caller.pages(cw, "list_metrics", "Metrics", Namespace=namespace, MetricName=metric):
        for m in page:
            dims = tuple((d["Name"], d["Value"]) for d in m.get("Dimensions") or [])
            found.setdefault(tuple(sorted(dims)), dims)
    return [found[key] for key in sorted(found)]


def _relevant(dims: tuple[tuple[str, str], ...]) -> bool:
    names = {n for n, _ in dims}
    return bool(names & {"EndpointName", "InferenceComponentName"})


def queries(series: Iterable[tuple[str, str, tuple[tuple[str, str], ...]]]) -> list[dict[str, Any]]:
    return [
        {
            "Id": f"q{i}",
            "MetricStat": {
                "Metric": {"Namespace": ns, "MetricName": metric, "Dimensions": [{"Name": n, "Value": v} for n, v in dims]},
                "Period": PERIOD,
                "Stat": "Sum",
            },
            "ReturnData": True,
        }
        for i, (ns, metric, dims) in enumerate(series)
    ]


def hour_floor(when: datetime) -> datetime:
    return when.replace(minute=0, second=0, microsecond=0)


def invocations(
    caller: Caller, *, cw: Any, namespace: str, start: datetime, end: datetime, component_endpoints: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Rows of the cloudwatch/invocations table for [start, end), hourly."""
    series = [("AWS/SageMaker", "Invocations", d) for d in discover(caller, cw, "AWS/SageMaker", "Invocations") if _relevant(d)]
    series += [(namespace, "InvocationsPerModel", d) for d in discover(caller, cw, namespace, "InvocationsPerModel") if _relevant(d)]
    start, end = hour_floor(start), hour_floor(end) if end == hour_floor(end) else hour_floor(end) + timedelta(hours=1)
    rows: list[dict[str, Any]] = []
    for offset in range(0, len(series), MAX_QUERIES):
        batch = series[offset : offset + MAX_QUERIES]
        results: dict[str, list[tuple[datetime, float]]] = {}
        for page in caller.pages(
            cw,
            "get_metric_data",
            "MetricDataResults",
            MetricDataQueries=queries(batch),
            StartTime=start,
            EndTime=end,
            ScanBy="TimestampAscending",
        ):
            for result in page:  # one query's points can be spread over several pages
                results.setdefault(result["Id"], []).extend(zip(result.get("Timestamps", []), result.get("Values", []), strict=False))
        for i, (ns, metric, dims) in enumerate(batch):
            d = dict(dims)
            component = d.get("InferenceComponentName")
            endpoint = d.get("EndpointName") or (component_endpoints or {}).get(component or "")
            totals: dict[datetime, float] = {}
            for ts, value in results.get(f"q{i}", []):
                when = naive_utc(ts)
                if when is None:
                    continue
                hour = hour_floor(when)
                totals[hour] = totals.get(hour, 0.0) + float(value)
            for hour, value in sorted(totals.items()):
                rows.append(
                    {
                        "namespace": ns,
                        "metric_name": metric,
                        "endpoint_name": endpoint,
                        "variant_name": d.get("VariantName"),
                        "inference_component_name": component,
                        "target_model": d.get("TargetModel"),
                        "period_start": hour,
                        "invocations": value,
                    }
                )
    return rows
