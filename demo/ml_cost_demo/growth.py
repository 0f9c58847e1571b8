"""The bill's story: why SageMaker went from about $29k to $38k to $47k a month.

Planted so that rpt_cost_change_bridge has causes to find (docs/demo.md "The story"):

- always on since before the demo: the nlp LLM endpoint (three ml.g5.12xlarge), the base;
- 2026-09-01: recsys opens a new always-on endpoint, ``recsys-embed-v2-prod`` (new resource);
- 2026-09-01: fraud moves its large GNN training off managed spot to on-demand (rate change of
  the same daily workload);
- 2026-10: nlp runs a large fine-tune on two ml.p4d.24xlarge for 60 hours (new resource);
- 2026-10-01: recsys's three GPU notebooks, used in business hours until then, are left
  running day and night (more usage of continuing resources);
- 2026-11-01: recsys-embed-v2-prod scales out from one instance to two (more usage), so
  November's run rate is up for recsys while its month-to-date total is below October's.
"""

from __future__ import annotations

import numpy as np

from .account import Account
from .endpoints import _endpoint, _invocations, add_model
from .studio import notebook_instance
from .training import _training_job

SEPTEMBER = 24 * 31  # hour offsets from 2026-08-01
OCTOBER = 24 * 61
NOVEMBER = 24 * 92
GNN_LARGE_HOURS = 8  # fraud-gnn-large: hours per weekday run
FINE_TUNE = (2, 60)  # nlp-llm-ft-full: instances, hours


def add_growth(acct: Account) -> None:
    _llm_endpoint(acct)
    _new_embedding_endpoint(acct)
    _training_off_spot(acct)
    _large_fine_tune(acct)
    _notebooks_left_running(acct)


def _diurnal(hours: np.ndarray) -> np.ndarray:
    return 0.6 + 0.4 * np.sin((hours % 24 - 6) / 24 * 2 * np.pi).clip(0)


def _llm_endpoint(acct: Account) -> None:
    a, s = acct.prod, acct.sfx
    allh = np.arange(acct.hours)
    tags = {"ml:team": "nlp", "ml:model": "nlp-llm", "ml:environment": "production"}
    add_model(acct, a, "nlp-llm" + s, tags={"ml:team": "nlp", "ml:model": "nlp-llm"})
    _endpoint(
        acct,
        a,
        "nlp-llm-prod" + s,
        [{"variant": "AllTraffic", "model": "nlp-llm" + s, "instance": "ml.g5.12xlarge", "count": 3}],
        tags,
        allh,
        created=-24 * 60,
    )
    _invocations(
        acct,
        acct.metrics,
        allh,
        np.round(5000 * _diurnal(allh) + acct.noise("nlp-llm-prod").integers(0, 100, len(allh))),
        namespace="AWS/SageMaker",
        metric_name="Invocations",
        endpoint_name="nlp-llm-prod" + s,
        variant_name="AllTraffic",
    )


def _new_embedding_endpoint(acct: Account) -> None:
    a, s = acct.prod, acct.sfx
    hours = np.arange(SEPTEMBER, acct.hours)
    if len(hours) == 0:
        return
    add_model(acct, a, "recsys-embed-v2" + s, tags={"ml:team": "recsys", "ml:model": "recsys-embed-v2"}, created=SEPTEMBER - 24)
    _endpoint(
        acct,
        a,
        "recsys-embed-v2-prod" + s,
        [{"variant": "AllTraffic", "model": "recsys-embed-v2" + s, "instance": "ml.g5.12xlarge", "count": 1, "scaled": (NOVEMBER, 2)}],
        {"ml:team": "recsys", "ml:model": "recsys-embed-v2", "ml:environment": "production"},
        hours,
        created=SEPTEMBER,
    )
    _invocations(
        acct,
        acct.metrics,
        hours,
        np.round(6000 * _diurnal(hours)),
        namespace="AWS/SageMaker",
        metric_name="Invocations",
        endpoint_name="recsys-embed-v2-prod" + s,
        variant_name="AllTraffic",
    )


def _training_off_spot(acct: Account) -> None:
    """fraud-gnn's large training, every weekday: managed spot in August, on-demand from September."""
    d, s = acct.dev, acct.sfx
    tags = {"ml:team": "fraud", "ml:model": "fraud-gnn", "ml:experiment": "gnn-large", "ml:environment": "training"}
    for day in range(acct.hours // 24):
        if (day + 5) % 7 >= 5:  # weekdays only (2026-08-01 was a Saturday)
            continue
        start = day * 24 + 1
        _training_job(acct, d, f"fraud-gnn-large-{day:03d}{s}", start, GNN_LARGE_HOURS, "ml.p4d.24xlarge", 1, tags, spot=start < SEPTEMBER)


def _large_fine_tune(acct: Account) -> None:
    d, s = acct.dev, acct.sfx
    tags = {"ml:team": "nlp", "ml:model": "nlp-llm", "ml:experiment": "llm-ft-full", "ml:environment": "training"}
    instances, hours = FINE_TUNE
    _training_job(acct, d, f"nlp-llm-ft-full{s}", OCTOBER + 24 * 9 + 8, hours, "ml.p4d.24xlarge", instances, tags)


def _notebooks_left_running(acct: Account) -> None:
    d, s = acct.dev, acct.sfx
    business = acct.business_hours(9, 19)
    always = np.arange(acct.hours)
    hours = np.union1d(business[business < OCTOBER], always[always >= OCTOBER])
    for user in ("dan", "erin", "femi"):
        notebook_instance(
            acct,
            d,
            f"recsys-gpu-{user}-nb{s}",
            "ml.g5.2xlarge",
            hours,
            {"ml:team": "recsys", "ml:model": "recsys-embed-v2", "ml:environment": "development"},
        )
