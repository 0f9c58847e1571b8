"""Hourly SageMaker metrics from CloudWatch, with GetMetricData batches of 500 queries:

- invocations: the Sum of AWS/SageMaker Invocations (per endpoint and variant, per inference
  component) and of the custom InvocationsPerModel (per endpoint, optional variant, and
  TargetModel) of multi-model endpoints;
- instance utilisation: the Average and Maximum of the instance metrics SageMaker publishes for
  endpoint variants (namespace /aws/sagemaker/Endpoints, dimensions EndpointName and
  VariantName) and for training, processing and batch transform job hosts
  (/aws/sagemaker/TrainingJobs, /aws/sagemaker/ProcessingJobs, /aws/sagemaker/TransformJobs,
  dimension Host). No namespace for notebook instances or Studio apps was found in the
  SageMaker metrics reference; none is read for them. Source: SageMaker Developer Guide,
  "Amazon SageMaker AI metrics in Amazon CloudWatch", instance metrics: CPUUtilization is the
  sum over cores (0-400% on four vCPUs), GPUUtilization and GPUMemoryUtilization are multiplied
  by the number of GPUs, MemoryUtilization and DiskUtilization are 0-100%. Series with more
  dimensions (InstanceId, ContainerId, AcceleratorId of enhanced metrics, ContainerName of
  multi-container endpoints) are per-instance or per-container views of the same load and are
  not read, so nothing is counted twice.
"""

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


UTILIZATION_METRICS = ("CPUUtilization", "MemoryUtilization", "GPUUtilization", "GPUMemoryUtilization", "DiskUtilization")
# namespace -> the exact dimension set of the aggregate series read there
UTILIZATION_NAMESPACES = {
    "/aws/sagemaker/Endpoints": frozenset({"EndpointName", "VariantName"}),
    "/aws/sagemaker/TrainingJobs": frozenset({"Host"}),
    "/aws/sagemaker/ProcessingJobs": frozenset({"Host"}),
    "/aws/sagemaker/TransformJobs": frozenset({"Host"}),
}
UTILIZATION_STATS = ("Average", "Maximum")

Series = tuple[str, str, tuple[tuple[str, str], ...]]


def queries(series: Iterable[Series], stats: tuple[str, ...] = ("Sum",)) -> list[dict[str, Any]]:
    """One query per series and statistic, ids q<series>_<stat index> (stable within a batch)."""
    return [
        {
            "Id": f"q{i}_{k}",
            "MetricStat": {
                "Metric": {"Namespace": ns, "MetricName": metric, "Dimensions": [{"Name": n, "Value": v} for n, v in dims]},
                "Period": PERIOD,
                "Stat": stat,
            },
            "ReturnData": True,
        }
        for i, (ns, metric, dims) in enumerate(series)
        for k, stat in enumerate(stats)
    ]


def hour_floor(when: datetime) -> datetime:
    return when.replace(minute=0, second=0, microsecond=0)


def hourly_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """Whole hours covering [start, end)."""
    return hour_floor(start), hour_floor(end) if end == hour_floor(end) else hour_floor(end) + timedelta(hours=1)


def fetch(
    caller: Caller, cw: Any, series: list[Series], stats: tuple[str, ...], *, start: datetime, end: datetime
) -> list[tuple[Series, list[dict[datetime, list[float]]]]]:
    """Each series with, per statistic, its values by hour (a point's hour is its timestamp's
    hour; GetMetricData at Period 3600 gives one point per hour, a list keeps any repeat)."""
    out: list[tuple[Series, list[dict[datetime, list[float]]]]] = []
    per_call = max(1, MAX_QUERIES // len(stats))
    for offset in range(0, len(series), per_call):
        batch = series[offset : offset + per_call]
        results: dict[str, list[tuple[datetime, float]]] = {}
        for page in caller.pages(
            cw,
            "get_metric_data",
            "MetricDataResults",
            MetricDataQueries=queries(batch, stats),
            StartTime=start,
            EndTime=end,
            ScanBy="TimestampAscending",
        ):
            for result in page:  # one query's points can be spread over several pages
                results.setdefault(result["Id"], []).extend(zip(result.get("Timestamps", []), result.get("Values", []), strict=False))
        for i, one in enumerate(batch):
            by_stat: list[dict[datetime, list[float]]] = []
            for k in range(len(stats)):
                hours: dict[datetime, list[float]] = {}
                for ts, value in results.get(f"q{i}_{k}", []):
                    when = naive_utc(ts)
                    if when is not None:
                        hours.setdefault(hour_floor(when), []).append(float(value))
                by_stat.append(hours)
            out.append((one, by_stat))
    return out


def invocations(
    caller: Caller, *, cw: Any, namespace: str, start: datetime, end: datetime, component_endpoints: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Rows of the cloudwatch/invocations table for [start, end), hourly."""
    series = [("AWS/SageMaker", "Invocations", d) for d in discover(caller, cw, "AWS/SageMaker", "Invocations") if _relevant(d)]
    series += [(namespace, "InvocationsPerModel", d) for d in discover(caller, cw, namespace, "InvocationsPerModel") if _relevant(d)]
    start, end = hourly_window(start, end)
    rows: list[dict[str, Any]] = []
    for (ns, metric, dims), (sums,) in fetch(caller, cw, series, ("Sum",), start=start, end=end):
        d = dict(dims)
        component = d.get("InferenceComponentName")
        endpoint = d.get("EndpointName") or (component_endpoints or {}).get(component or "")
        totals = {hour: sum(values) for hour, values in sums.items()}
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


def instance_utilization(caller: Caller, *, cw: Any, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Rows of the cloudwatch/instance_utilization table for [start, end): per series and hour,
    the Average and the Maximum of the minute points."""
    series: list[Series] = []
    for namespace, wanted in UTILIZATION_NAMESPACES.items():
        for metric in UTILIZATION_METRICS:
            series += [(namespace, metric, d) for d in discover(caller, cw, namespace, metric) if {n for n, _ in d} == wanted]
    start, end = hourly_window(start, end)
    rows: list[dict[str, Any]] = []
    for (ns, metric, dims), (averages, maxima) in fetch(caller, cw, series, UTILIZATION_STATS, start=start, end=end):
        d = dict(dims)
        for hour in sorted(set(averages) | set(maxima)):
            avg, peak = averages.get(hour), maxima.get(hour)
            rows.append(
                {
                    "namespace": ns,
                    "metric_name": metric,
                    "endpoint_name": d.get("EndpointName"),
                    "variant_name": d.get("VariantName"),
                    "job_host": d.get("Host"),
                    "period_start": hour,
                    "average": sum(avg) / len(avg) if avg else None,
                    "maximum": max(peak) if peak else None,
                }
            )
    return rows
