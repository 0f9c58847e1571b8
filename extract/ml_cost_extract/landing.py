"""The landing contract: every table the extractor and the demo generator write.

Layout under the landing folder (``$ML_COST_LANDING``)::

    focus/<export>/data/BILLING_PERIOD=YYYY-MM/*.parquet     (AWS Data Exports, FOCUS)
    cur2/<export>/data/BILLING_PERIOD=YYYY-MM/*.parquet      (AWS Data Exports, CUR 2.0)
    sagemaker/<table>/snapshot_date=YYYY-MM-DD/<account>-<region>-<run>.parquet
    cloudwatch/<table>/snapshot_date=YYYY-MM-DD/<account>-<region>-<run>.parquet
    trackers/<table>/snapshot_date=YYYY-MM-DD/<tracker>-<server>-<run>.parquet  (docs/trackers.md)

Every SageMaker and CloudWatch row carries ``account_id``, ``region``, ``snapshot_date`` (the
UTC day the API was read) and ``extracted_at``; tracker rows carry ``tracker``,
``tracking_server``, ``snapshot_date`` and ``extracted_at`` instead (a tracker is no AWS
account). The same run key rewrites the same
file, so re-running a window is idempotent; dbt keeps the latest snapshot of
each resource, so jobs that have vanished from the API stay matched.

The dbt sources and staging models are generated from these definitions
(``python -m ml_cost_tools.dbt_codegen``); a test keeps them in sync.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

STR = pa.string()
TS = pa.timestamp("us")  # naive, always UTC
DATE = pa.date32()
F64 = pa.float64()
I64 = pa.int64()
BOOL = pa.bool_()


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str


@dataclass(frozen=True)
class Table:
    area: str  # "sagemaker", "cloudwatch" or "trackers"
    name: str
    doc: str
    key: tuple[str, ...]  # identifies one entity across snapshots
    grain: tuple[str, ...] = ()  # extra columns that make a row unique within an entity
    columns: tuple[Column, ...] = field(default_factory=tuple)
    optional_key: tuple[str, ...] = ()  # key columns a row may leave null (a dimension only some series have)

    @property
    def common(self) -> tuple[Column, ...]:
        """The columns every row of the table carries: where and when it was read."""
        return TRACKER_COMMON if self.area == "trackers" else COMMON

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type) for c in self.all_columns])

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.common + self.columns


COMMON: tuple[Column, ...] = (
    Column("account_id", STR, "AWS account id the API was read in."),
    Column("region", STR, "AWS region the API was read in, e.g. us-east-1."),
    Column("snapshot_date", DATE, "UTC day on which the API was read."),
    Column("extracted_at", TS, "UTC time at which the row was extracted."),
)

TRACKER_COMMON: tuple[Column, ...] = (
    Column("tracker", STR, "The experiment tracker: mlflow, wandb, or the name a user's own converter writes."),
    Column(
        "tracking_server",
        STR,
        "Where the runs were read: the MLflow tracking URI without credentials, the SageMaker managed MLflow ARN, or the W&B entity.",
    ),
    Column("snapshot_date", DATE, "UTC day on which the tracker was read."),
    Column("extracted_at", TS, "UTC time at which the row was extracted."),
)


def _c(name: str, typ: pa.DataType, doc: str) -> Column:
    return Column(name, typ, doc)


ARN = "ARN as returned by the API (exact case)."

TABLES: tuple[Table, ...] = (
    Table(
        "sagemaker",
        "training_jobs",
        "SageMaker training jobs (Search / DescribeTrainingJob).",
        key=("training_job_arn",),
        columns=(
            _c("training_job_name", STR, "Training job name."),
            _c("training_job_arn", STR, ARN),
            _c("training_job_status", STR, "InProgress, Completed, Failed, Stopping or Stopped."),
            _c("creation_time", TS, "When the job was created."),
            _c("training_start_time", TS, "When the training compute started."),
            _c("training_end_time", TS, "When the training compute ended."),
            _c("instance_type", STR, "ResourceConfig.InstanceType (first instance group for heterogeneous clusters)."),
            _c("instance_count", I64, "ResourceConfig.InstanceCount (sum over instance groups)."),
            _c("instance_groups_json", STR, "ResourceConfig.InstanceGroups as JSON, null when not heterogeneous."),
            _c("billable_time_seconds", I64, "BillableTimeInSeconds (per instance)."),
            _c("training_time_seconds", I64, "TrainingTimeInSeconds (per instance)."),
            _c("is_managed_spot", BOOL, "EnableManagedSpotTraining."),
            _c("keep_alive_period_seconds", I64, "Warm pool KeepAlivePeriodInSeconds, null without a warm pool."),
            _c("warm_pool_status", STR, "WarmPoolStatus.Status, null without a warm pool."),
            _c("experiment_name", STR, "ExperimentConfig.ExperimentName."),
            _c("trial_name", STR, "ExperimentConfig.TrialName."),
            _c("role_arn", STR, "IAM execution role ARN."),
            _c("tuning_job_arn", STR, "Hyper-parameter tuning job that launched the job."),
            _c("image_uri", STR, "AlgorithmSpecification.TrainingImage."),
            _c("output_s3_uri", STR, "OutputDataConfig.S3OutputPath."),
            _c("input_s3_uris_json", STR, "S3 URIs of the input channels as a JSON list."),
            _c("model_artifacts_s3_uri", STR, "ModelArtifacts.S3ModelArtifacts."),
            _c("mlflow_resource_arn", STR, "MlflowConfig.MlflowResourceArn: the SageMaker managed MLflow server the job logged to."),
            _c("mlflow_experiment_name", STR, "MlflowConfig.MlflowExperimentName."),
            _c("mlflow_run_name", STR, "MlflowConfig.MlflowRunName."),
            _c("mlflow_experiment_id", STR, "MlflowDetails.MlflowExperimentId (DescribeTrainingJob only; Search does not return it)."),
            _c("mlflow_run_id", STR, "MlflowDetails.MlflowRunId: the MLflow run of the job (DescribeTrainingJob only)."),
        ),
    ),
    Table(
        "sagemaker",
        "tuning_jobs",
        "Hyper-parameter tuning jobs.",
        key=("tuning_job_arn",),
        columns=(
            _c("tuning_job_name", STR, "Tuning job name."),
            _c("tuning_job_arn", STR, ARN),
            _c("tuning_job_status", STR, "Tuning job status."),
            _c("creation_time", TS, "When the tuning job was created."),
            _c("end_time", TS, "When the tuning job ended."),
        ),
    ),
    Table(
        "sagemaker",
        "processing_jobs",
        "SageMaker processing jobs.",
        key=("processing_job_arn",),
        columns=(
            _c("processing_job_name", STR, "Processing job name."),
            _c("processing_job_arn", STR, ARN),
            _c("processing_job_status", STR, "Processing job status."),
            _c("creation_time", TS, "When the job was created."),
            _c("processing_start_time", TS, "When processing started."),
            _c("processing_end_time", TS, "When processing ended."),
            _c("instance_type", STR, "ClusterConfig.InstanceType."),
            _c("instance_count", I64, "ClusterConfig.InstanceCount."),
            _c("role_arn", STR, "IAM execution role ARN."),
            _c("training_job_arn", STR, "TrainingJobArn the job belongs to, if any."),
            _c("experiment_name", STR, "ExperimentConfig.ExperimentName."),
            _c("trial_name", STR, "ExperimentConfig.TrialName."),
            _c("image_uri", STR, "AppSpecification.ImageUri."),
        ),
    ),
    Table(
        "sagemaker",
        "transform_jobs",
        "SageMaker batch transform jobs.",
        key=("transform_job_arn",),
        columns=(
            _c("transform_job_name", STR, "Transform job name."),
            _c("transform_job_arn", STR, ARN),
            _c("transform_job_status", STR, "Transform job status."),
            _c("creation_time", TS, "When the job was created."),
            _c("transform_start_time", TS, "When the transform started."),
            _c("transform_end_time", TS, "When the transform ended."),
            _c("model_name", STR, "Model the job ran."),
            _c("instance_type", STR, "TransformResources.InstanceType."),
            _c("instance_count", I64, "TransformResources.InstanceCount."),
            _c("experiment_name", STR, "ExperimentConfig.ExperimentName."),
            _c("trial_name", STR, "ExperimentConfig.TrialName."),
        ),
    ),
    Table(
        "sagemaker",
        "endpoints",
        "Endpoints, one row per production variant (DescribeEndpoint).",
        key=("endpoint_arn",),
        grain=("variant_name",),
        columns=(
            _c("endpoint_name", STR, "Endpoint name."),
            _c("endpoint_arn", STR, ARN),
            _c("endpoint_status", STR, "Endpoint status."),
            _c("endpoint_config_name", STR, "Current endpoint config."),
            _c("creation_time", TS, "When the endpoint was created."),
            _c("last_modified_time", TS, "When the endpoint was last modified."),
            _c("variant_name", STR, "Production variant name."),
            _c("current_instance_count", I64, "Variant CurrentInstanceCount (null for serverless)."),
            _c("desired_instance_count", I64, "Variant DesiredInstanceCount."),
            _c("current_weight", F64, "Variant CurrentWeight."),
            _c("desired_weight", F64, "Variant DesiredWeight."),
            _c("serverless_memory_mb", I64, "CurrentServerlessConfig.MemorySizeInMB, null when not serverless."),
        ),
    ),
    Table(
        "sagemaker",
        "endpoint_configs",
        "Endpoint configs, one row per production variant.",
        key=("endpoint_config_arn",),
        grain=("variant_name",),
        columns=(
            _c("endpoint_config_name", STR, "Endpoint config name."),
            _c("endpoint_config_arn", STR, ARN),
            _c("creation_time", TS, "When the config was created."),
            _c("variant_name", STR, "Production variant name."),
            _c("model_name", STR, "Variant ModelName (null for inference-component endpoints)."),
            _c("instance_type", STR, "Variant InstanceType (null for serverless)."),
            _c("initial_instance_count", I64, "Variant InitialInstanceCount."),
            _c("initial_variant_weight", F64, "Variant InitialVariantWeight."),
            _c("serverless_memory_mb", I64, "ServerlessConfig.MemorySizeInMB."),
            _c("serverless_max_concurrency", I64, "ServerlessConfig.MaxConcurrency."),
            _c("is_async", BOOL, "True when the config has an AsyncInferenceConfig."),
        ),
    ),
    Table(
        "sagemaker",
        "models",
        "SageMaker models.",
        key=("model_arn",),
        columns=(
            _c("model_name", STR, "Model name."),
            _c("model_arn", STR, ARN),
            _c("creation_time", TS, "When the model was created."),
            _c("execution_role_arn", STR, "IAM execution role ARN."),
            _c("container_mode", STR, "SingleModel or MultiModel (primary container)."),
            _c("image_uri", STR, "Primary container image."),
            _c("model_data_url", STR, "Primary container ModelDataUrl (S3)."),
        ),
    ),
    Table(
        "sagemaker",
        "inference_components",
        "Inference components (DescribeInferenceComponent).",
        key=("inference_component_arn",),
        columns=(
            _c("inference_component_name", STR, "Inference component name."),
            _c("inference_component_arn", STR, ARN),
            _c("inference_component_status", STR, "Status."),
            _c("endpoint_name", STR, "Endpoint hosting the component."),
            _c("variant_name", STR, "Variant hosting the component."),
            _c("model_name", STR, "Specification.ModelName."),
            _c("creation_time", TS, "When the component was created."),
            _c("current_copy_count", I64, "RuntimeConfig.CurrentCopyCount."),
            _c("accelerators_per_copy", F64, "NumberOfAcceleratorDevicesRequired per copy."),
            _c("cpu_cores_per_copy", F64, "NumberOfCpuCoresRequired per copy."),
            _c("memory_mb_per_copy", I64, "MinMemoryRequiredInMb per copy."),
        ),
    ),
    Table(
        "sagemaker",
        "notebook_instances",
        "Notebook instances.",
        key=("notebook_instance_arn",),
        columns=(
            _c("notebook_instance_name", STR, "Notebook instance name."),
            _c("notebook_instance_arn", STR, ARN),
            _c("notebook_instance_status", STR, "Status."),
            _c("instance_type", STR, "Instance type."),
            _c("creation_time", TS, "When the notebook was created."),
            _c("last_modified_time", TS, "When the notebook was last modified."),
            _c("role_arn", STR, "IAM role ARN (DescribeNotebookInstance)."),
        ),
    ),
    Table(
        "sagemaker",
        "domains",
        "SageMaker Studio domains.",
        key=("domain_arn",),
        columns=(
            _c("domain_id", STR, "Domain id (d-...)."),
            _c("domain_name", STR, "Domain name."),
            _c("domain_arn", STR, ARN),
            _c("domain_status", STR, "Status."),
            _c("creation_time", TS, "When the domain was created."),
        ),
    ),
    Table(
        "sagemaker",
        "user_profiles",
        "Studio user profiles.",
        key=("user_profile_arn",),
        columns=(
            _c("domain_id", STR, "Domain id."),
            _c("user_profile_name", STR, "User profile name."),
            _c("user_profile_arn", STR, "ARN built from domain and name (List calls return none)."),
            _c("user_profile_status", STR, "Status."),
            _c("creation_time", TS, "When the profile was created."),
        ),
    ),
    Table(
        "sagemaker",
        "spaces",
        "Studio spaces.",
        key=("space_arn",),
        columns=(
            _c("domain_id", STR, "Domain id."),
            _c("space_name", STR, "Space name."),
            _c("space_arn", STR, "ARN built from domain and name (List calls return none)."),
            _c("space_status", STR, "Status."),
            _c("owner_user_profile_name", STR, "OwnershipSettingsSummary.OwnerUserProfileName."),
            _c("creation_time", TS, "When the space was created."),
        ),
    ),
    Table(
        "sagemaker",
        "apps",
        "Studio apps (ListApps gives the instance type).",
        key=("app_arn",),
        columns=(
            _c("domain_id", STR, "Domain id."),
            _c("user_profile_name", STR, "Owning user profile, if any."),
            _c("space_name", STR, "Owning space, if any."),
            _c("app_type", STR, "JupyterLab, KernelGateway, CodeEditor, ..."),
            _c("app_name", STR, "App name."),
            _c("app_arn", STR, "App ARN (built from its parts when DescribeApp was not called)."),
            _c("app_status", STR, "Status."),
            _c("instance_type", STR, "ResourceSpec.InstanceType."),
            _c("creation_time", TS, "When the app was created."),
        ),
    ),
    Table(
        "sagemaker",
        "experiments",
        "SageMaker experiments.",
        key=("experiment_arn",),
        columns=(
            _c("experiment_name", STR, "Experiment name."),
            _c("experiment_arn", STR, ARN),
            _c("creation_time", TS, "When the experiment was created."),
        ),
    ),
    Table(
        "sagemaker",
        "trials",
        "Experiment trials.",
        key=("trial_arn",),
        columns=(
            _c("trial_name", STR, "Trial name."),
            _c("trial_arn", STR, ARN),
            _c("experiment_name", STR, "Parent experiment."),
            _c("creation_time", TS, "When the trial was created."),
        ),
    ),
    Table(
        "sagemaker",
        "trial_components",
        "Trial components and the job they record.",
        key=("trial_component_arn",),
        columns=(
            _c("trial_component_name", STR, "Trial component name."),
            _c("trial_component_arn", STR, ARN),
            _c("source_arn", STR, "TrialComponentSource.SourceArn (the job)."),
            _c("source_type", STR, "TrialComponentSource.SourceType."),
            _c("trial_name", STR, "First parent trial."),
            _c("experiment_name", STR, "First parent experiment."),
            _c("creation_time", TS, "When the component was created."),
        ),
    ),
    Table(
        "sagemaker",
        "pipelines",
        "SageMaker pipelines.",
        key=("pipeline_arn",),
        columns=(
            _c("pipeline_name", STR, "Pipeline name."),
            _c("pipeline_arn", STR, ARN),
            _c("role_arn", STR, "Pipeline role ARN."),
            _c("creation_time", TS, "When the pipeline was created."),
        ),
    ),
    Table(
        "sagemaker",
        "pipeline_executions",
        "Pipeline executions.",
        key=("pipeline_execution_arn",),
        columns=(
            _c("pipeline_execution_arn", STR, ARN),
            _c("pipeline_arn", STR, "Pipeline ARN."),
            _c("pipeline_execution_status", STR, "Status."),
            _c("start_time", TS, "When the execution started."),
        ),
    ),
    Table(
        "sagemaker",
        "pipeline_execution_steps",
        "Steps of pipeline executions and the jobs they launched.",
        key=("pipeline_execution_arn",),
        grain=("step_name",),
        columns=(
            _c("pipeline_execution_arn", STR, "Pipeline execution ARN."),
            _c("step_name", STR, "Step name."),
            _c("step_type", STR, "Training, Processing, Transform, ..."),
            _c("step_status", STR, "Step status."),
            _c("job_arn", STR, "ARN of the job the step launched (training, processing or transform)."),
            _c("start_time", TS, "When the step started."),
            _c("end_time", TS, "When the step ended."),
        ),
    ),
    Table(
        "sagemaker",
        "tags",
        "Tags of every landed resource (Search, ListTags), one row per key.",
        key=("resource_arn",),
        grain=("tag_key",),
        columns=(
            _c("resource_arn", STR, "ARN of the tagged resource (exact case)."),
            _c("tag_key", STR, "Raw tag key as set on the resource."),
            _c("tag_value", STR, "Tag value."),
        ),
    ),
    Table(
        "cloudwatch",
        "invocations",
        "Hourly Sum of AWS/SageMaker Invocations and of the custom InvocationsPerModel metric.",
        # CloudWatch metrics exist only in the account and Region that published them (CloudWatch
        # User Guide, "Amazon CloudWatch concepts", Metrics), and an endpoint name is unique only
        # within a Region of an account (SageMaker API Reference, CreateEndpoint, EndpointName):
        # two accounts' endpoints of one name are two series.
        key=(
            "account_id",
            "region",
            "namespace",
            "metric_name",
            "endpoint_name",
            "variant_name",
            "inference_component_name",
            "target_model",
            "period_start",
        ),
        columns=(
            _c("namespace", STR, "AWS/SageMaker or the custom namespace of InvocationsPerModel."),
            _c("metric_name", STR, "Invocations or InvocationsPerModel."),
            _c("endpoint_name", STR, "EndpointName dimension."),
            _c("variant_name", STR, "VariantName dimension, when present."),
            _c("inference_component_name", STR, "InferenceComponentName dimension, when present."),
            _c("target_model", STR, "TargetModel dimension (InvocationsPerModel only)."),
            _c("period_start", TS, "Start of the hour (UTC)."),
            _c("invocations", F64, "Sum of the metric over the hour."),
        ),
    ),
    Table(
        "cloudwatch",
        "instance_utilization",
        "Hourly Average and Maximum of SageMaker's instance utilisation metrics per endpoint variant and job host.",
        # per account and Region, as the invocations above (job names too are unique only within a
        # Region of an account: CreateTrainingJob, TrainingJobName)
        key=("account_id", "region", "namespace", "metric_name", "endpoint_name", "variant_name", "job_host", "period_start"),
        columns=(
            _c("namespace", STR, "/aws/sagemaker/Endpoints, or /aws/sagemaker/TrainingJobs, ProcessingJobs or TransformJobs."),
            _c("metric_name", STR, "CPUUtilization, MemoryUtilization, GPUUtilization, GPUMemoryUtilization or DiskUtilization."),
            _c("endpoint_name", STR, "EndpointName dimension (endpoints)."),
            _c("variant_name", STR, "VariantName dimension (endpoints)."),
            _c("job_host", STR, "Host dimension of a job's instance, <job name>/algo-<n> (training, processing and transform jobs)."),
            _c("period_start", TS, "Start of the hour (UTC)."),
            _c("average", F64, "Average of the metric over the hour, in percent (CPU: summed over vCPUs; GPU: summed over GPUs)."),
            _c("maximum", F64, "Maximum of the metric over the hour, in percent (same scale as average)."),
        ),
        optional_key=("endpoint_name", "variant_name", "job_host"),
    ),
)

TRACKER_TABLES: tuple[Table, ...] = (
    Table(
        "trackers",
        "runs",
        "Runs of an experiment tracker (MLflow runs from ml-cost-extract, W&B runs from ml-cost-land-wandb, or a user's own converter).",
        key=("tracker", "tracking_server", "run_id"),
        columns=(
            _c("run_id", STR, "The tracker's run id (MLflow run_id, W&B run id)."),
            _c("run_name", STR, "Run name."),
            _c("experiment_id", STR, "The tracker's experiment id (MLflow experiment_id; W&B: the project)."),
            _c("experiment_name", STR, "Experiment name (MLflow experiment name; W&B project)."),
            _c("user_id", STR, "Who ran it (MLflow user_id, W&B user)."),
            _c("status", STR, "Run status as the tracker writes it (MLflow RUNNING, SCHEDULED, FINISHED, FAILED, KILLED)."),
            _c("start_time", TS, "When the run started (UTC)."),
            _c("end_time", TS, "When the run ended (UTC), null while it runs."),
            _c("lifecycle_stage", STR, "MLflow active or deleted; null when the tracker has none."),
            _c("parent_run_id", STR, "Parent run of a nested run (MLflow tag mlflow.parentRunId)."),
        ),
    ),
    Table(
        "trackers",
        "run_tags",
        "Tags and params of tracker runs, one row per run, kind and key.",
        key=("tracker", "tracking_server", "run_id"),
        grain=("tag_kind", "tag_key"),
        columns=(
            _c("run_id", STR, "The run the tag or param belongs to."),
            _c("tag_kind", STR, "tag (run tags: attribution reads these) or param (run params: read only to link a run to a job)."),
            _c("tag_key", STR, "Key as the tracker stores it, e.g. ml:team, mlflow.user, learning_rate."),
            _c("tag_value", STR, "Value."),
        ),
    ),
)

TABLES = TABLES + TRACKER_TABLES

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def table_path(landing: Path, table: Table, snapshot_date: str, file_stem: str) -> Path:
    """Where one extraction run writes one table for one account and region."""
    return landing / table.area / table.name / f"snapshot_date={snapshot_date}" / f"{file_stem}.parquet"


def rows_to_arrow(table: Table, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Rows as an Arrow table of the table's schema. A key that is not a column fails, naming
    the table and the key: pyarrow would drop it silently and leave its column null."""
    columns = set(table.schema.names)
    for row in rows:
        unknown = sorted(set(row) - columns)
        if unknown:
            raise ValueError(f"landing table {table.area}/{table.name}: unknown column(s) {', '.join(unknown)}; expected one of {sorted(columns)}")
    return pa.Table.from_pylist(list(rows), schema=table.schema)


def write_table(path: Path, table: Table, rows: Sequence[Mapping[str, Any]] | pa.Table) -> int:
    """Write rows atomically (temporary name, then rename): a crash never leaves a partial file."""
    arrow = rows if isinstance(rows, pa.Table) else rows_to_arrow(table, rows)
    arrow = arrow.select(table.schema.names).cast(table.schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        pq.write_table(arrow, tmp, compression="zstd")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return int(arrow.num_rows)
