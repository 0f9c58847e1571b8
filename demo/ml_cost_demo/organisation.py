"""A deterministic demo account: FOCUS 1.2 billing export plus the matching landed metadata.

Four teams (fraud, recsys, nlp, ml-platform), thirteen models, 112 days (2026-08-01 to
2026-11-20), hourly charges. What it contains, and why, is listed in docs/demo.md.
Everything derives from the seed: two runs write identical data.
"""

from __future__ import annotations

from .account import Account
from .endpoints import add_endpoints
from .growth import add_growth
from .processing import add_processing_and_transform
from .related import add_commitments_credits_corrections, add_related_and_other
from .rightsizing import add_rightsizing_cases
from .studio import add_notebooks_and_studio
from .trackers import add_mlflow_runs
from .training import add_training


def build(acct: Account) -> None:
    """Every resource family of one copy of the organisation; each is independent of the others."""
    add_endpoints(acct)
    add_training(acct)
    add_mlflow_runs(acct)
    add_processing_and_transform(acct)
    add_notebooks_and_studio(acct)
    add_related_and_other(acct)
    add_commitments_credits_corrections(acct)
    add_growth(acct)
    add_rightsizing_cases(acct)
