"""Documentation of adapter implementations, from one place: the macro they implement.

Every dispatched macro ``name`` has implementations ``duckdb__name``, ``spark__name``,
``athena__name`` and ``default__name``. A ``default__name`` either raises "not supported"
(macro ``not_supported``) or is the portable implementation the adapters without their own
use; the description says which, read from its body. Their yml entries in
``macros/<folder>/_<folder>__macros.yml`` are written from the documented ``name``: the same
arguments and descriptions. Hand-written entries (every other macro) are kept as they are; a
macro without one is reported. ``--check`` fails when a yml file is not what this writes.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

SIGNATURE = re.compile(r"{%-?\s*(macro|test)\s+(\w+)\s*\((.*?)\)\s*-?%}(.*?){%-?\s*end(?:macro|test)", re.S)
ARGUMENT = re.compile(r"(\w+)\s*(?:=\s*(?:'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\w+))?\s*(?:,|$)")
ADAPTERS = {"duckdb": "DuckDB", "spark": "Spark", "athena": "Athena (Trino)", "default": "other adapters'"}


def macros_in(folder: Path) -> dict[str, tuple[list[str], str]]:
    """Macro name -> (argument names, body), for every macro defined in the folder's .sql files."""
    found: dict[str, tuple[list[str], str]] = {}
    for path in sorted(folder.glob("*.sql")):
        for match in SIGNATURE.finditer(path.read_text()):
            # dbt names a generic test's macro test_<name>
            name = ("test_" if match.group(1) == "test" else "") + match.group(2)
            found[name] = (ARGUMENT.findall(match.group(3).strip()), match.group(4))
    return found


def implementation_of(name: str) -> tuple[str, str] | None:
    prefix, sep, base = name.partition("__")
    return (prefix, base) if sep and prefix in ADAPTERS else None


def describe(prefix: str, base: str, body: str, defined: set[str]) -> str:
    """The generated description of implementation prefix__base; defined: every macro's name."""
    if prefix != "default":
        return f"The {ADAPTERS[prefix]} implementation of {base}."
    if "not_supported(" in body:
        return f"The other adapters' {base}: a compile error naming the adapter (macro not_supported)."
    users = [ADAPTERS[a] for a in ADAPTERS if a != "default" and f"{a}__{base}" not in defined]
    if users:
        return f"The portable implementation of {base}, used by {' and '.join(users)}, which have none of their own, and by any other adapter."
    return f"The portable implementation of {base}, for adapters other than DuckDB, Spark and Athena (each has its own)."


def render(root: Path) -> tuple[dict[Path, str], list[str]]:
    folders = sorted(p for p in (root / "macros").iterdir() if p.is_dir())
    defined = {f: macros_in(f) for f in folders}
    every_name = {name for macros in defined.values() for name in macros}
    entries: dict[str, dict[str, Any]] = {}
    for folder in folders:
        yml = folder / f"_{folder.name}__macros.yml"
        if yml.exists():
            for entry in (yaml.safe_load(yml.read_text()) or {}).get("macros", []):
                entries[entry["name"]] = entry
    out: dict[Path, str] = {}
    missing: list[str] = []
    for folder in folders:
        docs = []
        for name, (arguments, body) in sorted(defined[folder].items()):
            impl = implementation_of(name)
            base = entries.get(impl[1]) if impl else None
            if impl and base is not None and name not in HAND_WRITTEN:
                by_name = {a["name"]: a["description"] for a in base.get("arguments", [])}
                entry: dict[str, Any] = {"name": name, "description": describe(*impl, body, every_name)}
                if arguments:
                    entry["arguments"] = [{"name": a, "description": by_name.get(a, "")} for a in arguments]
                    missing += [f"{name}.{a}" for a in arguments if not by_name.get(a)]
                docs.append(entry)
            elif name in entries:
                docs.append(entries[name])
            else:
                missing.append(f"{name} ({folder.name})")
        if docs:
            text = yaml.safe_dump({"version": 2, "macros": docs}, sort_keys=False, width=110, allow_unicode=True)
            out[folder / f"_{folder.name}__macros.yml"] = text
    return out, missing


# implementations of macros that are not this project's (dbt's own load_csv_rows, create_view_as)
HAND_WRITTEN = {"spark__load_csv_rows", "spark__create_view_as"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a yml file is not up to date")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    out, missing = render(root)
    stale = [p for p, text in out.items() if not p.exists() or p.read_text() != text]
    if missing:
        print("macros or arguments without documentation:\n  " + "\n  ".join(missing), file=sys.stderr)
    if args.check:
        if stale:
            print("out of date (run python lint/macro_docs.py): " + ", ".join(str(p.relative_to(root)) for p in stale), file=sys.stderr)
        return 1 if stale or missing else 0
    for path in stale:
        path.write_text(out[path])
        print(f"wrote {path.relative_to(root)}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
