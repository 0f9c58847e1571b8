"""Create MLflow experiments and runs through the MLflow client (run by .venv-mlflow's python).

    python mlflow_client.py <tracking-uri> < spec.json

spec: a list of {"experiment": name, "run_name": ..., "tags": {...}, "params": {...},
"status": "FINISHED" | "RUNNING"} to create, or {"finish": run_id} to end an open run.
Prints the run ids, in order, as a JSON list.
"""

from __future__ import annotations

import json
import sys

from mlflow.tracking import MlflowClient


def main() -> None:
    client = MlflowClient(sys.argv[1])
    ids = []
    for item in json.load(sys.stdin):
        if "finish" in item:
            client.set_terminated(item["finish"], status="FINISHED")
            ids.append(item["finish"])
            continue
        experiment = client.get_experiment_by_name(item["experiment"])
        experiment_id = experiment.experiment_id if experiment else client.create_experiment(item["experiment"])
        run = client.create_run(experiment_id, tags=item.get("tags", {}), run_name=item.get("run_name"))
        for key, value in item.get("params", {}).items():
            client.log_param(run.info.run_id, key, value)
        if item.get("status", "FINISHED") != "RUNNING":
            client.set_terminated(run.info.run_id, status=item.get("status", "FINISHED"))
        ids.append(run.info.run_id)
    print(json.dumps(ids))


if __name__ == "__main__":
    main()
