"""The benchmark's two timed runs start alike (bench/run.py, docs/performance.md "One parse for
both runs"): dbt keeps one saved parse per target folder, valid for the vars it was made with. The
bench's data-test step passes other vars, so it runs in a target folder of its own; in the old
order it shared the builds' folder and the one-more-day run after it parsed the whole project,
which the full build did not. The reader the bench reports this with is checked on dbt's own log."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import NO_GATE, PROJECT, run_dbt

sys.path.insert(0, str(PROJECT / "bench"))
from run import log_size, parsed_whole_project


def test_a_command_with_other_vars_in_a_folder_of_its_own_leaves_the_next_run_the_saved_parse(tmp_path: Path) -> None:
    landing = PROJECT / "data" / "landing"
    log = tmp_path / "logs" / "dbt.log"

    def parsed_all(*args: str, target: str | None = None) -> bool:
        mark = log_size(log)
        extra_env = {"DBT_TARGET_PATH": str(tmp_path / target)} if target else None
        result = run_dbt(["parse", *args], landing, tmp_path, extra_env)
        assert result.returncode == 0, result.output
        return parsed_whole_project(log, mark)

    # run_dbt starts the folder from the suite's saved parse of the project
    assert not parsed_all()
    # the data tests' other vars, in a folder of their own (no saved parse there yet)
    assert parsed_all(*NO_GATE, target="target_tests")
    # the next run still finds its folder's saved parse valid: the bench's one-more-day run now
    assert not parsed_all()
    # the old order: the other vars in the same folder, then the next run parses it all again
    assert parsed_all(*NO_GATE)
    assert parsed_all()


def test_the_reader_looks_only_past_the_mark(tmp_path: Path) -> None:
    log = tmp_path / "dbt.log"
    assert not parsed_whole_project(log, 0)  # no log yet
    log.write_text("[info ] [MainThread]: Unable to do partial parsing because saved manifest not found. Starting full parse.\n")
    mark = log_size(log)
    assert parsed_whole_project(log, 0)
    with log.open("a") as f:
        f.write("[debug] [MainThread]: Partial parsing enabled, no changes found, skipping parsing\n")
    assert not parsed_whole_project(log, mark)
