"""What rightsizing finds in the demo: instance utilisation of the endpoint variants (the last
four weeks, as CloudWatch keeps them in /aws/sagemaker/Endpoints), one over-sized variant and one
staging endpoint whose sparse traffic fits serverless inference (docs/optimisation.md).

Levels are shares of an instance's capacity; the hourly Average follows the daily rhythm and
peaks at the level, the hourly Maximum peaks at 1.1 x the level. CPUUtilization is summed over
vCPUs and GPU metrics over GPUs, as SageMaker publishes them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from ml_cost_extract.rows import InstanceUtilizationRow

from .account import SP_FULL_FROM, Account
from .endpoints import _endpoint, _invocations, add_model

UTILIZATION_DAYS = 28
PEAK_FACTOR = 1.1  # hourly Maximum over hourly Average at the daily peak
# instance type -> (vCPUs, GPUs), as seeds/ml_instance_types.csv
CAPACITY = {
    "ml.m5.large": (2, 0),
    "ml.m5.xlarge": (4, 0),
    "ml.c5.2xlarge": (8, 0),
    "ml.g5.xlarge": (4, 1),
    "ml.g5.2xlarge": (8, 1),
    "ml.g5.12xlarge": (48, 4),
}
# (account, endpoint, variant, instance type, from hour): cpu, memory, gpu, gpu memory levels
LEVELS: tuple[tuple[str, str, str, str, int, tuple[float, float, float, float]], ...] = (
    ("prod", "fraud-xgb-prod", "AllTraffic", "ml.m5.xlarge", 0, (0.50, 0.55, 0.0, 0.0)),
    # over-sized: two ml.c5.2xlarge whose peak (1.1 x 12% of 8 vCPUs, 1.1 x 18% of 16 GiB) fits ml.c5.xlarge
    ("prod", "recsys-ab", "ranker-v1", "ml.c5.2xlarge", 0, (0.12, 0.18, 0.0, 0.0)),
    ("prod", "recsys-ab", "ranker-v2", "ml.g5.xlarge", 0, (0.30, 0.50, 0.60, 0.55)),
    ("prod", "nlp-mme", "AllTraffic", "ml.g5.2xlarge", 0, (0.35, 0.60, 0.50, 0.70)),
    ("prod", "nlp-llm-prod", "AllTraffic", "ml.g5.12xlarge", 0, (0.30, 0.50, 0.65, 0.80)),
    ("prod", "recsys-embed-v2-prod", "AllTraffic", "ml.g5.12xlarge", 24 * 31, (0.25, 0.45, 0.60, 0.70)),
    # idle: no invocations at all
    ("dev", "recsys-legacy-staging", "AllTraffic", "ml.m5.large", 0, (0.02, 0.15, 0.0, 0.0)),
    # sparse traffic that fits a serverless endpoint (peak memory 1.1 x 30% of 8 GiB)
    ("dev", "fraud-xgb-staging", "AllTraffic", "ml.m5.large", SP_FULL_FROM, (0.03, 0.30, 0.0, 0.0)),
)
DISK_PERCENT = 20.0
STAGING_NIGHTLY_INVOCATIONS = 40  # a regression test at 02:00 on weekdays, nothing else


def add_rightsizing_cases(acct: Account) -> None:
    _serverless_candidate(acct)
    _utilization(acct)


def _serverless_candidate(acct: Account) -> None:
    """fraud-xgb-staging: an always-on ml.m5.large from 2026-10-01 that serves one nightly test.
    Deployed from a notebook without tags: a rule (seeds/attribution_rules.csv) names its owner."""
    d, s = acct.dev, acct.sfx
    hours = np.arange(SP_FULL_FROM, acct.hours)
    if len(hours) == 0:
        return
    add_model(acct, d, "fraud-xgb" + s, created=SP_FULL_FROM - 24)  # the production model's name, in the dev account
    _endpoint(
        acct,
        d,
        "fraud-xgb-staging" + s,
        [{"variant": "AllTraffic", "model": "fraud-xgb" + s, "instance": "ml.m5.large", "count": 1}],
        {},
        hours,
        created=SP_FULL_FROM,
    )
    nightly = acct.business_hours(2, 3)
    nightly = nightly[nightly >= SP_FULL_FROM]
    _invocations(
        acct,
        acct.metrics,
        nightly,
        np.full(len(nightly), float(STAGING_NIGHTLY_INVOCATIONS)),
        namespace="AWS/SageMaker",
        metric_name="Invocations",
        endpoint_name="fraud-xgb-staging" + s,
        variant_name="AllTraffic",
        account_id=d[0],
    )


def daily_rhythm(hours: np.ndarray) -> np.ndarray:
    """0.6 at night to 1.0 at 12:00 UTC, as the demo's traffic."""
    return np.asarray(0.6 + 0.4 * np.sin((hours % 24 - 6) / 24 * 2 * np.pi).clip(0))


def _utilization(acct: Account) -> None:
    first = max(0, acct.hours - UTILIZATION_DAYS * 24)
    for account, endpoint, variant, instance, since, levels in LEVELS:
        hours = np.arange(max(first, since), acct.hours)
        vcpu, gpus = CAPACITY[instance]
        rhythm = daily_rhythm(hours)
        scales = {"CPUUtilization": vcpu * 100 * levels[0], "MemoryUtilization": 100 * levels[1]}
        if gpus:
            scales |= {"GPUUtilization": gpus * 100 * levels[2], "GPUMemoryUtilization": gpus * 100 * levels[3]}
        acct_id = (acct.prod if account == "prod" else acct.dev)[0]
        for metric, scale in scales.items():
            _series(acct, hours, (acct_id, endpoint + acct.sfx, variant, metric), scale * rhythm, scale * np.minimum(PEAK_FACTOR, rhythm + 0.1))
        flat = np.full(len(hours), DISK_PERCENT)
        _series(acct, hours, (acct_id, endpoint + acct.sfx, variant, "DiskUtilization"), flat, flat)


def _series(acct: Account, hours: np.ndarray, series: tuple[str, str, str, str], avg: np.ndarray, peak: np.ndarray) -> None:
    acct_id, endpoint, variant, metric = series
    for h, a, m in zip(hours.tolist(), avg.tolist(), peak.tolist(), strict=True):
        row: dict[str, Any] = dict(
            InstanceUtilizationRow(
                namespace="/aws/sagemaker/Endpoints",
                metric_name=metric,
                endpoint_name=endpoint,
                variant_name=variant,
                job_host=None,
                average=round(a, 4),
                maximum=round(m, 4),
            )
        )
        acct.utilization.append({"hour": h, "account_id": acct_id, **row})
