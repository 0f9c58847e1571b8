"""A deterministic demo account: FOCUS 1.2 billing export plus the matching landed metadata.

Four teams (fraud, recsys, nlp, ml-platform), eleven models, 81 days (2026-08-01 to
2026-10-20), hourly charges. What it contains, and why, is listed in docs/demo.md.
Everything derives from the seed: two runs write identical data.
"""

from __future__ import annotations

from .account import Account
from .endpoints import _endpoints
from .processing import _processing_and_transform
from .related import _commitments_credits_corrections, _related_and_other
from .studio import _notebooks_and_studio
from .training import _training


def build(acct: Account) -> None:
    _endpoints(acct)
    _training(acct)
    _processing_and_transform(acct)
    _notebooks_and_studio(acct)
    _related_and_other(acct)
    _commitments_credits_corrections(acct)
