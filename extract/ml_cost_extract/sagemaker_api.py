"""Read SageMaker metadata into rows of the landing tables (see landing.py).

Few calls: Search returns full records with tags (training jobs, endpoints, models,
experiments, trials, trial components, pipelines); List calls give the rest, Describe
only what lists do not return, ListTags only where nothing else gives tags.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from .aws import Caller, FatalAuthError

Rows = dict[str, list[dict[str, Any]]]


@dataclass
class Scope:
    """What one extraction of one account and region covers."""

    account_id: str
    region: str
    partition: str
    start: datetime  # jobs created at or after this (UTC, naive)
    end: datetime  # and before this
    watermarks: dict[str, datetime] = field(default_factory=dict)  # per table, from the state file
    in_progress: dict[str, list[str]] = field(default_factory=dict)  # unfinished jobs of the last run

    def arn(self, kind: str, path: str) -> str:
        return f"arn:{self.partition}:sagemaker:{self.region}:{self.account_id}:{kind}/{path}"

    def lower_bound(self, table: str) -> datetime:
        return max(self.start, self.watermarks.get(table, self.start))


def naive_utc(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    when = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if not isinstance(when, datetime):
        raise TypeError(f"expected a timestamp, got {value!r}")
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo is not None else when


def _tags(rows: Rows, arn: str | None, tags: list[dict[str, str]] | None) -> None:
    for tag in tags or []:
        rows.setdefault("tags", []).append({"resource_arn": arn, "tag_key": tag.get("Key"), "tag_value": tag.get("Value")})


def _list_tags(caller: Caller, sm: Any, rows: Rows, arn: str) -> None:
    tags: list[dict[str, str]] = []
    for page in caller.pages(sm, "list_tags", "Tags", ResourceArn=arn, MaxResults=100):
        tags.extend(page)
    _tags(rows, arn, tags)


def search(caller: Caller, sm: Any, resource: str, result_name: str, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Search records, newest first; stops once a whole page is older than ``since``."""
    for page in caller.pages(sm, "search", "Results", Resource=resource, MaxResults=100, SortBy="CreationTime", SortOrder="Descending"):
        records = [r[result_name] for r in page if result_name in r]
        yield from records
        if since is not None and records and all((naive_utc(r.get("CreationTime")) or since) < since for r in records):
            return


def _in_window(scope: Scope, table: str, created: Any) -> bool:
    """Created in [start, end) and after the table's watermark: finished jobs landed before are not read again."""
    when = naive_utc(created)
    if when is None:
        return True
    watermark = scope.watermarks.get(table)
    if watermark is not None and when <= watermark:
        return False
    return scope.start <= when < scope.end


# ---------------------------------------------------------------------------- jobs
def training_job_row(job: dict[str, Any]) -> dict[str, Any]:
    rc = job.get("ResourceConfig") or {}
    groups = rc.get("InstanceGroups") or []
    count = rc.get("InstanceCount") if not groups else sum(g.get("InstanceCount", 0) for g in groups)
    experiment = job.get("ExperimentConfig") or {}
    inputs = [c.get("DataSource", {}).get("S3DataSource", {}).get("S3Uri") for c in job.get("InputDataConfig") or []]
    mlflow, mlflow_details = job.get("MlflowConfig") or {}, job.get("MlflowDetails") or {}
    return {
        "training_job_name": job.get("TrainingJobName"),
        "training_job_arn": job.get("TrainingJobArn"),
        "training_job_status": job.get("TrainingJobStatus"),
        "creation_time": naive_utc(job.get("CreationTime")),
        "training_start_time": naive_utc(job.get("TrainingStartTime")),
        "training_end_time": naive_utc(job.get("TrainingEndTime")),
        "instance_type": rc.get("InstanceType") or (groups[0].get("InstanceType") if groups else None),
        "instance_count": count,
        "instance_groups_json": json.dumps(groups) if groups else None,
        "billable_time_seconds": job.get("BillableTimeInSeconds"),
        "training_time_seconds": job.get("TrainingTimeInSeconds"),
        "is_managed_spot": bool(job.get("EnableManagedSpotTraining", False)),
        "keep_alive_period_seconds": rc.get("KeepAlivePeriodInSeconds"),
        "warm_pool_status": (job.get("WarmPoolStatus") or {}).get("Status"),
        "experiment_name": experiment.get("ExperimentName"),
        "trial_name": experiment.get("TrialName"),
        "role_arn": job.get("RoleArn"),
        "tuning_job_arn": job.get("TuningJobArn"),
        "image_uri": (job.get("AlgorithmSpecification") or {}).get("TrainingImage"),
        "output_s3_uri": (job.get("OutputDataConfig") or {}).get("S3OutputPath"),
        "input_s3_uris_json": json.dumps([u for u in inputs if u]) if inputs else None,
        "model_artifacts_s3_uri": (job.get("ModelArtifacts") or {}).get("S3ModelArtifacts"),
        # SageMaker managed MLflow (AWS API reference: MlflowConfig, MlflowDetails). Only
        # DescribeTrainingJob returns them; Search's TrainingJob shape has neither (botocore 1.44).
        "mlflow_resource_arn": mlflow.get("MlflowResourceArn"),
        "mlflow_experiment_name": mlflow.get("MlflowExperimentName"),
        "mlflow_run_name": mlflow.get("MlflowRunName"),
        "mlflow_experiment_id": mlflow_details.get("MlflowExperimentId"),
        "mlflow_run_id": mlflow_details.get("MlflowRunId"),
    }


def training_jobs(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    seen: set[str] = set()
    for job in search(caller, sm, "TrainingJob", "TrainingJob", since=scope.lower_bound("training_jobs")):
        if not _in_window(scope, "training_jobs", job.get("CreationTime")):
            continue
        seen.add(job["TrainingJobArn"])
        rows.setdefault("training_jobs", []).append(training_job_row(job))
        _tags(rows, job["TrainingJobArn"], job.get("Tags"))
    for arn in scope.in_progress.get("training_jobs", []):  # unfinished at the last run: read again
        if arn in seen:
            continue
        job = caller.call(sm, "describe_training_job", TrainingJobName=arn.rsplit("/", 1)[-1])
        rows.setdefault("training_jobs", []).append(training_job_row(job))
        _list_tags(caller, sm, rows, arn)


def _listed_jobs(  # noqa: PLR0917 - private helper
    caller: Caller, sm: Any, scope: Scope, table: str, operation: str, result_key: str
) -> Iterator[dict[str, Any]]:
    since = scope.lower_bound(table)
    for page in caller.pages(sm, operation, result_key, CreationTimeAfter=since, CreationTimeBefore=scope.end, MaxResults=100):
        yield from (s for s in page if _in_window(scope, table, s.get("CreationTime")))


def processing_jobs(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    for summary in _listed_jobs(caller, sm, scope, "processing_jobs", "list_processing_jobs", "ProcessingJobSummaries"):
        job = caller.call(sm, "describe_processing_job", ProcessingJobName=summary["ProcessingJobName"])
        cluster = (job.get("ProcessingResources") or {}).get("ClusterConfig") or {}
        experiment = job.get("ExperimentConfig") or {}
        rows.setdefault("processing_jobs", []).append(
            {
                "processing_job_name": job.get("ProcessingJobName"),
                "processing_job_arn": job.get("ProcessingJobArn"),
                "processing_job_status": job.get("ProcessingJobStatus"),
                "creation_time": naive_utc(job.get("CreationTime")),
                "processing_start_time": naive_utc(job.get("ProcessingStartTime")),
                "processing_end_time": naive_utc(job.get("ProcessingEndTime")),
                "instance_type": cluster.get("InstanceType"),
                "instance_count": cluster.get("InstanceCount"),
                "role_arn": job.get("RoleArn"),
                "training_job_arn": job.get("TrainingJobArn"),
                "experiment_name": experiment.get("ExperimentName"),
                "trial_name": experiment.get("TrialName"),
                "image_uri": (job.get("AppSpecification") or {}).get("ImageUri"),
            }
        )
        _list_tags(caller, sm, rows, job["ProcessingJobArn"])


def transform_jobs(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    for summary in _listed_jobs(caller, sm, scope, "transform_jobs", "list_transform_jobs", "TransformJobSummaries"):
        job = caller.call(sm, "describe_transform_job", TransformJobName=summary["TransformJobName"])
        resources = job.get("TransformResources") or {}
        experiment = job.get("ExperimentConfig") or {}
        rows.setdefault("transform_jobs", []).append(
            {
                "transform_job_name": job.get("TransformJobName"),
                "transform_job_arn": job.get("TransformJobArn"),
                "transform_job_status": job.get("TransformJobStatus"),
                "creation_time": naive_utc(job.get("CreationTime")),
                "transform_start_time": naive_utc(job.get("TransformStartTime")),
                "transform_end_time": naive_utc(job.get("TransformEndTime")),
                "model_name": job.get("ModelName"),
                "instance_type": resources.get("InstanceType"),
                "instance_count": resources.get("InstanceCount"),
                "experiment_name": experiment.get("ExperimentName"),
                "trial_name": experiment.get("TrialName"),
            }
        )
        _list_tags(caller, sm, rows, job["TransformJobArn"])


def tuning_jobs(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    for summary in _listed_jobs(caller, sm, scope, "tuning_jobs", "list_hyper_parameter_tuning_jobs", "HyperParameterTuningJobSummaries"):
        rows.setdefault("tuning_jobs", []).append(
            {
                "tuning_job_name": summary.get("HyperParameterTuningJobName"),
                "tuning_job_arn": summary.get("HyperParameterTuningJobArn"),
                "tuning_job_status": summary.get("HyperParameterTuningJobStatus"),
                "creation_time": naive_utc(summary.get("CreationTime")),
                "end_time": naive_utc(summary.get("HyperParameterTuningEndTime")),
            }
        )
        _list_tags(caller, sm, rows, summary["HyperParameterTuningJobArn"])


# ---------------------------------------------------------------------------- hosting
def endpoints(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    configs: set[str] = set()
    for ep in search(caller, sm, "Endpoint", "Endpoint"):
        variants = ep.get("ProductionVariants") or [{}]
        for v in variants:
            rows.setdefault("endpoints", []).append(
                {
                    "endpoint_name": ep.get("EndpointName"),
                    "endpoint_arn": ep.get("EndpointArn"),
                    "endpoint_status": ep.get("EndpointStatus"),
                    "endpoint_config_name": ep.get("EndpointConfigName"),
                    "creation_time": naive_utc(ep.get("CreationTime")),
                    "last_modified_time": naive_utc(ep.get("LastModifiedTime")),
                    "variant_name": v.get("VariantName"),
                    "current_instance_count": v.get("CurrentInstanceCount"),
                    "desired_instance_count": v.get("DesiredInstanceCount"),
                    "current_weight": v.get("CurrentWeight"),
                    "desired_weight": v.get("DesiredWeight"),
                    "serverless_memory_mb": (v.get("CurrentServerlessConfig") or {}).get("MemorySizeInMB"),
                }
            )
        _tags(rows, ep.get("EndpointArn"), ep.get("Tags"))
        if ep.get("EndpointConfigName"):
            configs.add(ep["EndpointConfigName"])
    for name in sorted(configs):  # only the configs endpoints use
        config = caller.call(sm, "describe_endpoint_config", EndpointConfigName=name)
        for v in config.get("ProductionVariants") or []:
            serverless = v.get("ServerlessConfig") or {}
            rows.setdefault("endpoint_configs", []).append(
                {
                    "endpoint_config_name": config.get("EndpointConfigName"),
                    "endpoint_config_arn": config.get("EndpointConfigArn"),
                    "creation_time": naive_utc(config.get("CreationTime")),
                    "variant_name": v.get("VariantName"),
                    "model_name": v.get("ModelName"),
                    "instance_type": v.get("InstanceType"),
                    "initial_instance_count": v.get("InitialInstanceCount"),
                    "initial_variant_weight": v.get("InitialVariantWeight"),
                    "serverless_memory_mb": serverless.get("MemorySizeInMB"),
                    "serverless_max_concurrency": serverless.get("MaxConcurrency"),
                    "is_async": bool(config.get("AsyncInferenceConfig")),
                }
            )


def model_row(model: dict[str, Any]) -> dict[str, Any]:
    container = model.get("PrimaryContainer") or (model.get("Containers") or [{}])[0]
    return {
        "model_name": model.get("ModelName"),
        "model_arn": model.get("ModelArn"),
        "creation_time": naive_utc(model.get("CreationTime")),
        "execution_role_arn": model.get("ExecutionRoleArn"),
        "container_mode": container.get("Mode") or "SingleModel",
        "image_uri": container.get("Image"),
        "model_data_url": container.get("ModelDataUrl"),
    }


def models(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    try:
        for record in search(caller, sm, "Model", "Model"):
            model = record.get("Model", record) if isinstance(record.get("Model"), dict) else record
            rows.setdefault("models", []).append(model_row(model))
            _tags(rows, model.get("ModelArn"), model.get("Tags") or record.get("Tags"))
        return
    except ClientError as exc:  # Search of models is not offered everywhere: list, describe, list tags
        if exc.response.get("Error", {}).get("Code") not in {"ValidationException", "ValidationError"}:
            raise
    for page in caller.pages(sm, "list_models", "Models", MaxResults=100):
        for summary in page:
            model = caller.call(sm, "describe_model", ModelName=summary["ModelName"])
            rows.setdefault("models", []).append(model_row(model))
            _list_tags(caller, sm, rows, model["ModelArn"])


def inference_components(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    for page in caller.pages(sm, "list_inference_components", "InferenceComponents", MaxResults=100):
        for summary in page:
            ic = caller.call(sm, "describe_inference_component", InferenceComponentName=summary["InferenceComponentName"])
            spec = ic.get("Specification") or {}
            compute = spec.get("ComputeResourceRequirements") or {}
            rows.setdefault("inference_components", []).append(
                {
                    "inference_component_name": ic.get("InferenceComponentName"),
                    "inference_component_arn": ic.get("InferenceComponentArn"),
                    "inference_component_status": ic.get("InferenceComponentStatus"),
                    "endpoint_name": ic.get("EndpointName"),
                    "variant_name": ic.get("VariantName"),
                    "model_name": spec.get("ModelName"),
                    "creation_time": naive_utc(ic.get("CreationTime")),
                    "current_copy_count": (ic.get("RuntimeConfig") or {}).get("CurrentCopyCount"),
                    "accelerators_per_copy": compute.get("NumberOfAcceleratorDevicesRequired"),
                    "cpu_cores_per_copy": compute.get("NumberOfCpuCoresRequired"),
                    "memory_mb_per_copy": compute.get("MinMemoryRequiredInMb"),
                }
            )
            _list_tags(caller, sm, rows, ic["InferenceComponentArn"])


def notebook_instances(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    for page in caller.pages(sm, "list_notebook_instances", "NotebookInstances", MaxResults=100):
        for nb in page:
            detail = caller.call(sm, "describe_notebook_instance", NotebookInstanceName=nb["NotebookInstanceName"])
            rows.setdefault("notebook_instances", []).append(
                {
                    "notebook_instance_name": nb.get("NotebookInstanceName"),
                    "notebook_instance_arn": nb.get("NotebookInstanceArn"),
                    "notebook_instance_status": nb.get("NotebookInstanceStatus"),
                    "instance_type": nb.get("InstanceType"),
                    "creation_time": naive_utc(nb.get("CreationTime")),
                    "last_modified_time": naive_utc(nb.get("LastModifiedTime")),
                    "role_arn": detail.get("RoleArn"),
                }
            )
            _list_tags(caller, sm, rows, nb["NotebookInstanceArn"])


# ---------------------------------------------------------------------------- Studio
def studio(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    domains = [d for page in caller.pages(sm, "list_domains", "Domains", MaxResults=100) for d in page]
    for d in domains:
        rows.setdefault("domains", []).append(
            {
                "domain_id": d.get("DomainId"),
                "domain_name": d.get("DomainName"),
                "domain_arn": d.get("DomainArn"),
                "domain_status": d.get("Status"),
                "creation_time": naive_utc(d.get("CreationTime")),
            }
        )
        _list_tags(caller, sm, rows, d["DomainArn"])


def user_profiles(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    for page in caller.pages(sm, "list_user_profiles", "UserProfiles", MaxResults=100):
        for p in page:
            arn = scope.arn("user-profile", f"{p['DomainId']}/{p['UserProfileName']}")
            rows.setdefault("user_profiles", []).append(
                {
                    "domain_id": p.get("DomainId"),
                    "user_profile_name": p.get("UserProfileName"),
                    "user_profile_arn": arn,
                    "user_profile_status": p.get("Status"),
                    "creation_time": naive_utc(p.get("CreationTime")),
                }
            )
            _list_tags(caller, sm, rows, arn)


def spaces(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    for page in caller.pages(sm, "list_spaces", "Spaces", MaxResults=100):
        for s in page:
            arn = scope.arn("space", f"{s['DomainId']}/{s['SpaceName']}")
            rows.setdefault("spaces", []).append(
                {
                    "domain_id": s.get("DomainId"),
                    "space_name": s.get("SpaceName"),
                    "space_arn": arn,
                    "space_status": s.get("Status"),
                    "owner_user_profile_name": (s.get("OwnershipSettingsSummary") or {}).get("OwnerUserProfileName"),
                    "creation_time": naive_utc(s.get("CreationTime")),
                }
            )
            _list_tags(caller, sm, rows, arn)


def apps(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    """Apps inherit their owner's tags, and Studio tags them itself: no ListTags per app."""
    for page in caller.pages(sm, "list_apps", "Apps", MaxResults=100):
        for a in page:
            owner = a.get("UserProfileName") or a.get("SpaceName")
            rows.setdefault("apps", []).append(
                {
                    "domain_id": a.get("DomainId"),
                    "user_profile_name": a.get("UserProfileName"),
                    "space_name": a.get("SpaceName"),
                    "app_type": a.get("AppType"),
                    "app_name": a.get("AppName"),
                    "app_arn": scope.arn("app", f"{a.get('DomainId')}/{owner}/{str(a.get('AppType', '')).lower()}/{a.get('AppName')}"),
                    "app_status": a.get("Status"),
                    "instance_type": (a.get("ResourceSpec") or {}).get("InstanceType"),
                    "creation_time": naive_utc(a.get("CreationTime")),
                }
            )


# ---------------------------------------------------------------------------- experiments, pipelines
def experiments(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    for e in search(caller, sm, "Experiment", "Experiment"):
        rows.setdefault("experiments", []).append(
            {
                "experiment_name": e.get("ExperimentName"),
                "experiment_arn": e.get("ExperimentArn"),
                "creation_time": naive_utc(e.get("CreationTime")),
            }
        )
        _tags(rows, e.get("ExperimentArn"), e.get("Tags"))
    for t in search(caller, sm, "ExperimentTrial", "Trial", since=scope.lower_bound("trials")):
        if _in_window(scope, "trials", t.get("CreationTime")):
            rows.setdefault("trials", []).append(
                {
                    "trial_name": t.get("TrialName"),
                    "trial_arn": t.get("TrialArn"),
                    "experiment_name": t.get("ExperimentName"),
                    "creation_time": naive_utc(t.get("CreationTime")),
                }
            )
            _tags(rows, t.get("TrialArn"), t.get("Tags"))
    for c in search(caller, sm, "ExperimentTrialComponent", "TrialComponent", since=scope.lower_bound("trial_components")):
        if not _in_window(scope, "trial_components", c.get("CreationTime")):
            continue
        parent = (c.get("Parents") or [{}])[0]
        rows.setdefault("trial_components", []).append(
            {
                "trial_component_name": c.get("TrialComponentName"),
                "trial_component_arn": c.get("TrialComponentArn"),
                "source_arn": (c.get("Source") or {}).get("SourceArn"),
                "source_type": (c.get("Source") or {}).get("SourceType"),
                "trial_name": parent.get("TrialName"),
                "experiment_name": parent.get("ExperimentName"),
                "creation_time": naive_utc(c.get("CreationTime")),
            }
        )
        _tags(rows, c.get("TrialComponentArn"), c.get("Tags"))


def pipelines(caller: Caller, sm: Any, scope: Scope, rows: Rows) -> None:
    names = []
    for p in search(caller, sm, "Pipeline", "Pipeline"):
        names.append(p.get("PipelineName"))
        rows.setdefault("pipelines", []).append(
            {
                "pipeline_name": p.get("PipelineName"),
                "pipeline_arn": p.get("PipelineArn"),
                "role_arn": p.get("RoleArn"),
                "creation_time": naive_utc(p.get("CreationTime")),
            }
        )
        _tags(rows, p.get("PipelineArn"), p.get("Tags"))
    pipeline_arns = {r["pipeline_name"]: r["pipeline_arn"] for r in rows.get("pipelines", [])}
    for name in names:
        for page in caller.pages(
            sm,
            "list_pipeline_executions",
            "PipelineExecutionSummaries",
            PipelineName=name,
            CreatedAfter=scope.lower_bound("pipeline_executions"),
            CreatedBefore=scope.end,
            MaxResults=100,
        ):
            for ex in page:
                arn = ex["PipelineExecutionArn"]
                rows.setdefault("pipeline_executions", []).append(
                    {
                        "pipeline_execution_arn": arn,
                        "pipeline_arn": pipeline_arns.get(name),
                        "pipeline_execution_status": ex.get("PipelineExecutionStatus"),
                        "start_time": naive_utc(ex.get("StartTime")),
                    }
                )
                pipeline_execution_steps(caller, sm, arn, rows)


def pipeline_execution_steps(caller: Caller, sm: Any, execution_arn: str, rows: Rows) -> None:
    for page in caller.pages(sm, "list_pipeline_execution_steps", "PipelineExecutionSteps", PipelineExecutionArn=execution_arn, MaxResults=100):
        for step in page:
            meta = step.get("Metadata") or {}
            job = meta.get("TrainingJob") or meta.get("ProcessingJob") or meta.get("TransformJob") or meta.get("TuningJob") or {}
            kind = next((k for k in ("TrainingJob", "ProcessingJob", "TransformJob", "TuningJob") if k in meta), None)
            rows.setdefault("pipeline_execution_steps", []).append(
                {
                    "pipeline_execution_arn": execution_arn,
                    "step_name": step.get("StepName"),
                    "step_type": step.get("StepType") or (kind.removesuffix("Job") if kind else None),
                    "step_status": step.get("StepStatus"),
                    "job_arn": job.get("Arn"),
                    "start_time": naive_utc(step.get("StartTime")),
                    "end_time": naive_utc(step.get("EndTime")),
                }
            )


def one_line(exc: ClientError) -> str:
    """An AWS error as one short line (some endpoints answer with an HTML page)."""
    err = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    message = re.sub(r"<[^>]+>", " ", str(err.get("Message", "")))
    message = " ".join(message.split())[:160]
    return f"{err.get('Code') or status or '?'} {message}".strip()


Extractor = Callable[[Caller, Any, Scope, Rows], None]

# Entity groups in extraction order; --skip takes these names.
ENTITIES: dict[str, Extractor] = {
    "training_jobs": training_jobs,
    "tuning_jobs": tuning_jobs,
    "processing_jobs": processing_jobs,
    "transform_jobs": transform_jobs,
    "endpoints": endpoints,
    "models": models,
    "inference_components": inference_components,
    "notebook_instances": notebook_instances,
    "domains": studio,
    "user_profiles": user_profiles,
    "spaces": spaces,
    "apps": apps,
    "experiments": experiments,
    "pipelines": pipelines,
}


def run_entity(name: str, caller: Caller, sm: Any, scope: Scope, rows: Rows) -> str | None:
    """Extract one entity group; returns an error text instead of raising, except for auth errors."""
    try:
        ENTITIES[name](caller, sm, scope, rows)
    except FatalAuthError:
        raise
    except ClientError as exc:
        return f"{name}: {exc.operation_name} failed: {one_line(exc)}"
    return None
