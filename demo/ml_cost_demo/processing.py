"""Processing and batch transform jobs and pipelines of the demo."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from ml_cost_extract.rows import PipelineExecutionsRow, PipelineExecutionStepsRow, PipelinesRow, ProcessingJobsRow, TransformJobsRow

from .account import PRICES, RC, REGION, START, Account
from .endpoints import add_model


def add_processing_and_transform(acct: Account) -> None:
    _feature_pipeline(acct)
    _nlp_data_prep(acct)
    _nightly_transform(acct)


def _feature_pipeline(acct: Account) -> None:
    """The fraud feature pipeline: one processing job a day, each an execution step."""
    a, s = acct.prod, acct.sfx
    pipeline = "fraud-feature-pipeline" + s
    pipeline_arn = acct.arn(a, "pipeline", pipeline)
    last = (START + timedelta(hours=acct.hours)).date()
    acct.record(
        "pipelines",
        last,
        a,
        PipelinesRow(
            pipeline_name=pipeline,
            pipeline_arn=pipeline_arn,
            role_arn=f"arn:aws:iam::{a[0]}:role/SageMakerPipelineRole",
            creation_time=acct.ts(-24 * 60),
        ),
    )
    acct.tag(last, a, pipeline_arn, {"ml:team": "fraud", "ml:model": "fraud-xgb", "ml:environment": "production"})
    for day in range(acct.hours // 24):
        _feature_pipeline_day(acct, pipeline_arn, day)


def _feature_pipeline_day(acct: Account, pipeline_arn: str, day: int) -> None:
    a, s = acct.prod, acct.sfx
    name = f"fraud-features-{day:03d}{s}"
    arn = acct.arn(a, "processing-job", name)
    start = day * 24 + 2
    acct.charge(
        tags={},
        hours=np.array([start]),
        quantity=2.0,
        unit_price=PRICES["ml.m5.xlarge"],
        sub_account=a,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=f"{RC}-Processing:ml.m5.xlarge",
        description="$0.23 per Processing Instance Hour (ml.m5.xlarge)",
        resource_id=arn,
        resource_type="ProcessingJob",
    )
    _feature_pipeline_records(acct, pipeline_arn, day, name, arn, start)


def _feature_pipeline_records(acct: Account, pipeline_arn: str, day: int, name: str, arn: str, start: int) -> None:
    a = acct.prod
    snap = acct.job_snapshot(start + 1)
    acct.record(
        "processing_jobs",
        snap,
        a,
        ProcessingJobsRow(
            processing_job_name=name,
            processing_job_arn=arn,
            processing_job_status="Completed",
            creation_time=acct.ts(start - 0.05),
            processing_start_time=acct.ts(start),
            processing_end_time=acct.ts(start + 1),
            instance_type="ml.m5.xlarge",
            instance_count=2,
            role_arn=f"arn:aws:iam::{a[0]}:role/SageMakerProcessingRole",
            training_job_arn=None,
            experiment_name=None,
            trial_name=None,
            image_uri=f"{a[0]}.dkr.ecr.{REGION}.amazonaws.com/fraud-features:latest",
        ),
    )
    execution = f"{pipeline_arn}/execution/{day:03d}demo"
    acct.record(
        "pipeline_executions",
        snap,
        a,
        PipelineExecutionsRow(
            pipeline_execution_arn=execution, pipeline_arn=pipeline_arn, pipeline_execution_status="Succeeded", start_time=acct.ts(start - 0.1)
        ),
    )
    acct.record(
        "pipeline_execution_steps",
        snap,
        a,
        PipelineExecutionStepsRow(
            pipeline_execution_arn=execution,
            step_name="BuildFeatures",
            step_type="Processing",
            step_status="Succeeded",
            job_arn=arn,
            start_time=acct.ts(start),
            end_time=acct.ts(start + 1),
        ),
    )


def _nlp_data_prep(acct: Account) -> None:
    d, s = acct.dev, acct.sfx
    # Ad-hoc NLP data preparation under a shared data role, untagged: the rules seed names the team.
    for day in range(acct.hours // 24):
        name = f"nlp-data-prep-{day:03d}{s}"
        arn = acct.arn(d, "processing-job", name)
        start = day * 24 + 13
        acct.charge(
            tags={},
            hours=np.array([start, start + 1]),
            quantity=1.0,
            unit_price=PRICES["ml.m5.2xlarge"],
            sub_account=d,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-Processing:ml.m5.2xlarge",
            description="$0.461 per Processing Instance Hour (ml.m5.2xlarge)",
            resource_id=arn,
            resource_type="ProcessingJob",
        )
        acct.record(
            "processing_jobs",
            acct.job_snapshot(start + 2),
            d,
            ProcessingJobsRow(
                processing_job_name=name,
                processing_job_arn=arn,
                processing_job_status="Completed",
                creation_time=acct.ts(start - 0.05),
                processing_start_time=acct.ts(start),
                processing_end_time=acct.ts(start + 2),
                instance_type="ml.m5.2xlarge",
                instance_count=1,
                role_arn=f"arn:aws:iam::{d[0]}:role/nlp-data-role",
                training_job_arn=None,
                experiment_name=None,
                trial_name=None,
                image_uri=f"{d[0]}.dkr.ecr.{REGION}.amazonaws.com/nlp-prep:latest",
            ),
        )


def _nightly_transform(acct: Account) -> None:
    a, _d, s = acct.prod, acct.dev, acct.sfx
    # Nightly batch transform.
    for day in range(acct.hours // 24):
        name = f"nlp-ner-nightly-{day:03d}{s}"
        arn = acct.arn(a, "transform-job", name)
        start = day * 24 + 3
        tags = {"ml:team": "nlp", "ml:model": "nlp-ner", "ml:environment": "production"}
        acct.charge(
            tags=tags,
            hours=np.array([start, start + 1]),
            quantity=1.0,
            unit_price=PRICES["ml.m5.xlarge"],
            sub_account=a,
            region=REGION,
            service_code="AmazonSageMaker",
            usage_type=f"{RC}-Tsform:ml.m5.xlarge",
            description="$0.23 per Batch Transform Instance Hour (ml.m5.xlarge)",
            resource_id=arn,
            resource_type="TransformJob",
        )
        snap = acct.job_snapshot(start + 2)
        acct.record(
            "transform_jobs",
            snap,
            a,
            TransformJobsRow(
                transform_job_name=name,
                transform_job_arn=arn,
                transform_job_status="Completed",
                creation_time=acct.ts(start - 0.05),
                transform_start_time=acct.ts(start),
                transform_end_time=acct.ts(start + 2),
                model_name="nlp-ner" + s,
                instance_type="ml.m5.xlarge",
                instance_count=1,
                experiment_name=None,
                trial_name=None,
            ),
        )
        acct.tag(snap, a, arn, tags)
    add_model(acct, a, "nlp-ner" + s, tags={"ml:team": "nlp", "ml:model": "nlp-ner"})
