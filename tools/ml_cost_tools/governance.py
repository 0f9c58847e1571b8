"""Write tag-governance artefacts from the project's required-key list (var attribution_keys
in dbt_project.yml) and seeds/tag_allowed_values.csv:

  scp-require-ml-tags.json  an SCP (or IAM policy) denying SageMaker create calls without every required tag
  tag-policy-ml.json        an AWS Organizations tag policy: exact key spelling, allowed values
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

import yaml

CREATE_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateEndpoint",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateModel",
    "sagemaker:CreateInferenceComponent",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateDomain",
    "sagemaker:CreateUserProfile",
    "sagemaker:CreateSpace",
)
ENFORCED_FOR = [
    "sagemaker:endpoint",
    "sagemaker:endpoint-config",
    "sagemaker:model",
    "sagemaker:notebook-instance",
    "sagemaker:training-job",
    "sagemaker:processing-job",
    "sagemaker:transform-job",
    "sagemaker:domain",
    "sagemaker:user-profile",
]


def project_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "dbt_project.yml").exists():
            return folder
    raise SystemExit(f"ml-cost-governance: no dbt_project.yml at or above {start}")


def required_keys(project: Path) -> list[str]:
    config = yaml.safe_load((project / "dbt_project.yml").read_text())
    return list(config["vars"]["attribution_keys"])


def allowed_values(project: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    path = project / "seeds" / "tag_allowed_values.csv"
    if path.exists():
        with path.open(newline="") as fh:
            for row in csv.DictReader(fh):
                out.setdefault(row["tag_key"], []).append(row["allowed_value"])
    return {k: sorted(v) for k, v in out.items()}


def scp(keys: list[str]) -> dict[str, Any]:
    """Deny every SageMaker create call that lacks one of the required tags (one statement per key)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenySageMakerCreateWithout" + "".join(part.capitalize() for part in key.replace(":", " ").replace("-", " ").split()),
                "Effect": "Deny",
                "Action": list(CREATE_ACTIONS),
                "Resource": "*",
                "Condition": {"Null": {f"aws:RequestTag/{key}": "true"}},
            }
            for key in keys
        ],
    }


def tag_policy(keys: list[str], values: dict[str, list[str]]) -> dict[str, Any]:
    """Exact key spelling (so Environment or ML:Team are reported), allowed values where the seed lists them."""
    tags: dict[str, dict[str, Any]] = {}
    for key in keys:
        entry: dict[str, Any] = {"tag_key": {"@@assign": key}, "enforced_for": {"@@assign": ENFORCED_FOR}}
        if key in values:
            entry["tag_value"] = {"@@assign": values[key]}
        tags[key] = entry
    return {"tags": tags}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ml-cost-governance", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("governance/out"))
    parser.add_argument("--project", type=Path, default=None, help="dbt project folder (default: found from here)")
    args = parser.parse_args(argv)
    project = args.project or project_root(Path(__file__).resolve().parent)
    keys = required_keys(project)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scp-require-ml-tags.json").write_text(json.dumps(scp(keys), indent=2) + "\n")
    (args.out / "tag-policy-ml.json").write_text(json.dumps(tag_policy(keys, allowed_values(project)), indent=2) + "\n")
    print(f"wrote {args.out}/scp-require-ml-tags.json and {args.out}/tag-policy-ml.json for {', '.join(keys)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
