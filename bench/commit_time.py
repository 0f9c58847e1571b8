"""Seconds each model of the last dbt invocation spent committing, from dbt's debug log.

DuckDB checkpoints its write-ahead log into the database file when a transaction commits and
the log has grown past ``checkpoint_threshold`` (16 MB by default), so the checkpoint's cost
lands on whichever model commits at that moment: in its ``COMMIT``, or in the autocommitted
``drop table if exists ... __dbt_backup`` a table materialisation runs after it. dbt's
per-model seconds (run_results.json) include that time. This module reads it back from
``dbt.log``: for every ``SQL status: OK in N seconds`` line, the statement is the text since the
last ``On <node>:`` line (dbt's debug format, dbt-core 1.11).
"""

from __future__ import annotations

import re
from pathlib import Path

_STATUS = re.compile(r"SQL status: \S+ in ([0-9.]+) seconds")
_ON_NODE = re.compile(r": On (model\.[^:\s]+): ")
_INVOCATION = "Running with dbt="


def commit_seconds(log: Path) -> dict[str, float]:
    """Per model (node name, e.g. ``int_ml_charges_attributed``), the seconds of its commits and
    backup drops in the last dbt invocation written to ``log``; models without any are left out."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    starts = [i for i, line in enumerate(lines) if _INVOCATION in line]
    lines = lines[starts[-1] :] if starts else lines
    seconds: dict[str, float] = {}
    node, statement = "", ""
    for line in lines:
        on = _ON_NODE.search(line)
        if on:
            node, statement = on.group(1).rsplit(".", 1)[-1], line[on.end() :]
            continue
        status = _STATUS.search(line)
        if status and node:
            if statement.strip() == "COMMIT" or ("__dbt_backup" in statement and "drop table" in statement):
                seconds[node] = seconds.get(node, 0.0) + float(status.group(1))
            node, statement = "", ""
        elif node:
            statement += " " + line.strip()
    return seconds
