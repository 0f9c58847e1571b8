"""ml-cost-demo: write the deterministic demo landing folder (docs/demo.md)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .account import DEFAULT_DAYS
from .focus_writer import EXPORT_MODES
from .granularity import GRANULARITIES
from .landing_writer import EXPORTS, write_landing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the deterministic demo landing folder.")
    parser.add_argument("--landing", type=Path, default=Path("data/landing"))
    parser.add_argument("--scale", type=int, default=1, help="copies of the demo organisation (more resources, more rows)")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days of history from 2026-08-01")
    parser.add_argument("--billing-only", action="store_true", help="write only the FOCUS export (no sagemaker/ or cloudwatch/)")
    parser.add_argument("--no-billing-tags", action="store_true", help="empty every billing Tags value (tags only in the API)")
    parser.add_argument("--force", action="store_true", help="replace an existing landing folder")
    parser.add_argument(
        "--export-mode",
        choices=EXPORT_MODES,
        default="create-new",
        help="the export's file versioning: a folder per delivery (create-new) or chunks rewritten in place (overwrite)",
    )
    parser.add_argument(
        "--granularity",
        choices=GRANULARITIES,
        default="hourly",
        help="the export's time granularity: charge periods of an hour, a day or the billing period",
    )
    parser.add_argument(
        "--export",
        choices=EXPORTS,
        default="focus",
        help="the billing export written: FOCUS 1.2 (focus/), CUR 2.0 (cur2/, the same charges) or both",
    )
    parser.add_argument(
        "--other-services",
        type=int,
        default=0,
        metavar="SERIES",
        help="hourly series of services that are not ML in each copy (EC2, RDS, Lambda, ...: the benchmark's all-services workload)",
    )
    args = parser.parse_args(argv)
    if args.landing.exists() and any(args.landing.iterdir()):
        if not args.force:
            print(f"{args.landing} is not empty; use --force to replace it", file=sys.stderr)
            return 1
        shutil.rmtree(args.landing)
    counts = write_landing(
        args.landing,
        scale=args.scale,
        days=args.days,
        billing_tags=not args.no_billing_tags,
        export_mode=args.export_mode,
        granularity=args.granularity,
        exports=args.export,
        other_services=args.other_services,
    )
    if args.billing_only:
        for area in ("sagemaker", "cloudwatch", "trackers"):
            shutil.rmtree(args.landing / area, ignore_errors=True)
    print(
        f"demo landing folder written to {args.landing}: "
        + (f"{counts['focus_rows']:,} FOCUS rows in {counts['focus_files']} files, " if "focus_files" in counts else "")
        + (f"CUR 2.0 in {counts['cur2_files']} files, " if "cur2_files" in counts else "")
        + f"{sum(v for k, v in counts.items() if not k.startswith(('focus', 'cur2'))):,} metadata and metric rows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
