"""Build the DuckDB warehouse beside the file BI tools open, then swap it in atomically.

DuckDB takes a file lock: a BI tool holding a read-only connection makes a writer's open
fail ("Could not set lock on file"), and a build holding the file makes every reader fail
(../shared/reference/facts.md; measured on the demo: `dbt build` failed within 3 s). So
`make build` never writes the published file:

1. copy the published file (its previous state: the incremental models need it) to
   `<dir>/.building/<name>`;
2. run the build command (dbt) with `ML_COST_WAREHOUSE` pointing at that copy;
3. only if it succeeds: checkpoint the copy (no write-ahead log left beside it), fsync it,
   and `os.replace` it onto the published path (one rename(2): a reader that opens the
   path gets the whole old file or the whole new one, never a mix).

A reader that already holds a connection keeps reading the old file (its inode lives on
until it disconnects); it sees the new state when it reconnects. A failed build leaves
the published file untouched. Two builds at once are refused (a lock on the working folder).

    python -m ml_cost_tools.warehouse build --warehouse warehouse/ml_cost.duckdb -- dbt build

The Parquet of `make publish` is swapped the same way: each publish writes a new version
folder beside the published path, which is a symbolic link replaced atomically to point at
it; the previous version is kept (a reader may still be reading it), older ones removed.

    python -m ml_cost_tools.warehouse publish --out warehouse/published -- dbt run-operation publish_marts
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb


class WarehouseError(Exception):
    """A build cannot start or publish; the message says which file and why."""


@dataclass(frozen=True)
class WarehousePaths:
    published: Path

    @property
    def building_dir(self) -> Path:
        return self.published.parent / ".building"

    @property
    def working(self) -> Path:
        return self.building_dir / self.published.name

    @staticmethod
    def wal(database: Path) -> Path:
        return database.with_name(database.name + ".wal")


def _log(message: str) -> None:
    print(f"ml-cost warehouse: {message}", file=sys.stderr, flush=True)


@contextmanager
def _exclusive(paths: WarehousePaths) -> Iterator[None]:
    paths.building_dir.mkdir(parents=True, exist_ok=True)
    with open(paths.building_dir / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WarehouseError(f"another build of {paths.published} is running (lock {paths.building_dir / 'lock'})") from exc
        yield


def stage(paths: WarehousePaths) -> None:
    """Put a copy of the published warehouse (if any) where the build will write."""
    for stale in (paths.working, WarehousePaths.wal(paths.working)):
        stale.unlink(missing_ok=True)
    if WarehousePaths.wal(paths.published).exists():
        raise WarehouseError(
            f"{paths.published}: a write-ahead log {WarehousePaths.wal(paths.published).name} lies beside it, so a process "
            "wrote to the published file directly and did not close it; open it once with duckdb (it checkpoints on close) "
            "and build again"
        )
    if paths.published.exists():
        _log(f"copying {paths.published} ({paths.published.stat().st_size / 1e6:.1f} MB) to {paths.working}")
        shutil.copyfile(paths.published, paths.working)
    else:
        _log(f"{paths.published} does not exist yet: a first build")


def publish(paths: WarehousePaths) -> None:
    """Checkpoint the working file and rename it onto the published path."""
    if not paths.working.exists():
        raise WarehouseError(f"{paths.working}: the build wrote no warehouse")
    with duckdb.connect(str(paths.working)) as con:
        con.execute("checkpoint")
    if WarehousePaths.wal(paths.working).exists():
        raise WarehouseError(f"{paths.working}: still has a write-ahead log after checkpoint; not published")
    with open(paths.working, "rb") as built:
        os.fsync(built.fileno())
    os.replace(paths.working, paths.published)
    directory = os.open(paths.published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    _log(f"published {paths.published}")


def build(published: Path, command: Sequence[str]) -> int:
    """Run `command` on a working copy of `published`; publish it if the command succeeds."""
    paths = WarehousePaths(published.absolute())
    with _exclusive(paths):
        stage(paths)
        env = {**os.environ, "ML_COST_WAREHOUSE": str(paths.working)}
        _log(f"building into {paths.working}: {' '.join(command)}")
        returncode = subprocess.run(list(command), env=env, check=False).returncode
        if returncode != 0:
            _log(f"build failed (exit {returncode}); {paths.published} is unchanged, the working copy stays in {paths.building_dir}")
            return returncode
        publish(paths)
    return 0


KEEP_VERSIONS = 2


def publish_folder(out: Path, command: Sequence[str]) -> int:
    """Run `command` with ML_COST_PUBLISH set to a new version folder; on success point `out` at it.

    `out` becomes a symbolic link to `.<name>.versions/<version>/`; it is replaced with one
    rename(2), so a reader resolving `out` gets a complete version. A real folder found at
    `out` (from before) is moved into the versions first."""
    out = out.absolute()
    versions = out.parent / f".{out.name}.versions"
    versions.mkdir(parents=True, exist_ok=True)
    with open(versions / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WarehouseError(f"another publish to {out} is running (lock {versions / 'lock'})") from exc
        number = max((int(v.name.split("-")[0]) for v in versions.iterdir() if v.is_dir()), default=0) + 1
        version = versions / f"{number:06d}-{os.getpid()}"
        version.mkdir()
        _log(f"publishing into {version}: {' '.join(command)}")
        returncode = subprocess.run(list(command), env={**os.environ, "ML_COST_PUBLISH": str(version)}, check=False).returncode
        if returncode != 0:
            shutil.rmtree(version, ignore_errors=True)
            _log(f"publish failed (exit {returncode}); {out} is unchanged")
            return returncode
        if out.exists() and not out.is_symlink():
            legacy = versions / f"{0:06d}-before-versions"
            _log(f"{out} is a folder from before: moved to {legacy}")
            os.replace(out, legacy)
        link = out.with_name(f".{out.name}.link-{os.getpid()}")
        link.unlink(missing_ok=True)
        link.symlink_to(version.relative_to(out.parent))
        os.replace(link, out)
        _log(f"{out} -> {version.name}")
        current = sorted((v for v in versions.iterdir() if v.is_dir()), key=lambda v: v.name)
        for old in current[:-KEEP_VERSIONS]:
            shutil.rmtree(old, ignore_errors=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml_cost_tools.warehouse", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("build", help="run a command on a working copy, then publish it atomically")
    run.add_argument("--warehouse", type=Path, default=Path(os.environ.get("ML_COST_WAREHOUSE", "warehouse/ml_cost.duckdb")))
    run.add_argument("command", nargs=argparse.REMAINDER, help="after --: the build command, e.g. dbt build")
    pub = sub.add_parser("publish", help="run a publish command into a new version folder, then point --out at it")
    pub.add_argument("--out", type=Path, default=Path(os.environ.get("ML_COST_PUBLISH", "warehouse/published")))
    pub.add_argument("command", nargs=argparse.REMAINDER, help="after --: the publish command, e.g. dbt run-operation publish_marts")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    try:
        if args.action == "publish":
            return publish_folder(args.out, command)
        return build(args.warehouse, command)
    except WarehouseError as exc:
        print(f"ml-cost warehouse: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
