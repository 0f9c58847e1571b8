"""Related services (S3, ECR, CloudWatch) and non-SageMaker charges of the demo; Savings Plans, credits and corrections."""

from __future__ import annotations

import numpy as np

from .account import PRICES, RC, REGION, SP_COMMITMENT, SP_FULL_FROM, SP_RATE, Account


def add_related_and_other(acct: Account) -> None:
    _s3_buckets(acct)
    _ecr_repositories(acct)
    _log_groups(acct)
    _ec2_not_sagemaker(acct)


def _s3_buckets(acct: Account) -> None:
    a, d = acct.prod, acct.dev
    days = np.arange(0, acct.hours, 24)
    team_tags = {"ml:team": "ml-platform"}
    buckets = (
        (f"ml-artifacts-{a[0]}", 4200.0),
        (f"ml-datasets-{a[0]}", 9800.0),
        (f"ml-artifacts-{d[0]}", 2600.0),
        (f"recsys-embeddings-{a[0]}", 21000.0),
        (f"finance-reports-{a[0]}", 800.0),
    )  # the last is not ML
    for bucket, gb in buckets:
        acct.charge(
            tags=team_tags,
            hours=days,
            quantity=gb / 30,
            unit_price=0.023,
            sub_account=a,
            region=REGION,
            service_code="AmazonS3",
            usage_type=f"{RC}-TimedStorage-ByteHrs",
            unit="GB-Months",
            description="$0.023 per GB - first 50 TB / month of storage used",
            resource_id=bucket,
            resource_type="Bucket",
            duration_hours=24,
        )


def _ecr_repositories(acct: Account) -> None:
    a = acct.prod
    days = np.arange(0, acct.hours, 24)
    team_tags = {"ml:team": "ml-platform"}
    for repo in ("fraud-serving", "recsys-serving", "nlp-serving", "fraud-training", "recsys-training", "nlp-training"):
        acct.charge(
            tags=team_tags,
            hours=days,
            quantity=35.0 / 30,
            unit_price=0.10,
            sub_account=a,
            region=REGION,
            service_code="AmazonECR",
            usage_type=f"{RC}-TimedStorage-ByteHrs",
            unit="GB-Months",
            description="$0.10 per GB-month of data storage",
            resource_id=f"arn:aws:ecr:{REGION}:{a[0]}:repository/{repo}",
            resource_type="Repository",
            duration_hours=24,
        )


def _log_groups(acct: Account) -> None:
    a, d = acct.prod, acct.dev
    days = np.arange(0, acct.hours, 24)
    for group, gb in (
        ("/aws/sagemaker/Endpoints/fraud-xgb-prod", 2.0),
        ("/aws/sagemaker/Endpoints/recsys-ab", 3.5),
        ("/aws/sagemaker/Endpoints/nlp-mme", 1.5),
        ("/aws/sagemaker/Endpoints/shared-ic-endpoint", 4.0),
        ("/aws/lambda/billing-export", 0.3),
        ("/aws/sagemaker/ProcessingJobs", 0.4),
        ("/aws/sagemaker/TrainingJobs", 1.2),  # training runs in the dev account: its logs are there
    ):
        owner = d if group.endswith("TrainingJobs") else a
        acct.charge(
            tags={},
            hours=days,
            quantity=gb,
            unit_price=0.50,
            sub_account=owner,
            region=REGION,
            service_code="AmazonCloudWatch",
            usage_type=f"{RC}-DataProcessing-Bytes",
            unit="GB",
            description="$0.50 per GB logs data ingested",
            resource_id=f"arn:aws:logs:{REGION}:{owner[0]}:log-group:{group}{acct.sfx}",
            resource_type="LogGroup",
            duration_hours=24,
        )


def _ec2_not_sagemaker(acct: Account) -> None:
    d = acct.dev
    # EC2 g5 instances that are not SageMaker: must not count as ML spend.
    for i in range(2):
        acct.focus.add(
            hours=np.arange(acct.hours),
            quantity=1.0,
            unit_price=PRICES["g5.2xlarge"],
            sub_account=d,
            region=REGION,
            service_code="AmazonEC2",
            usage_type=f"{RC}-BoxUsage:g5.2xlarge",
            description="$1.212 per On Demand Linux g5.2xlarge Instance Hour",
            resource_id=f"i-0a1b2c3d4e5f{acct.copy:04d}{i}",
            resource_type="Instance",
            tags={"ml:team": "recsys"},
        )


def add_commitments_credits_corrections(acct: Account) -> None:
    _savings_plan_rows(acct)
    _credits_and_corrections(acct)


def _savings_plan_rows(acct: Account) -> None:
    """The plan's hourly fee, and its unused part in the hours the covered endpoint did not use
    all of it: until 2026-09-30 two ml.m5.xlarge use 2 x 0.23 x 0.64 = 0.2944 of 0.32 a hour
    (under-used); from 2026-10-01 three would need 0.4416, so the plan is used in full and too
    small (the rest runs on demand, endpoints.py)."""
    a = acct.prod
    allh = np.arange(acct.hours)
    acct.focus.add(
        hours=allh,
        quantity=1.0,
        unit_price=SP_COMMITMENT,
        sub_account=a,
        region=REGION,
        service_code="MachineLearningSavingsPlans",
        usage_type=None,
        description="1 year No Upfront Machine Learning Savings Plan",
        unit="Hours",
        resource_id=acct.sp_arn,
        resource_type="Savings Plan",
        charge_category="Purchase",
        effective_factor=0.0,
        pricing_category="Standard",
        commitment=(acct.sp_arn, None),
    )
    under = allh[allh < SP_FULL_FROM]
    acct.focus.add(
        hours=under,
        quantity=1.0,
        unit_price=SP_COMMITMENT - 2 * 0.23 * SP_RATE,
        sub_account=a,
        region=REGION,
        service_code="MachineLearningSavingsPlans",
        usage_type=None,
        description="Unused Machine Learning Savings Plan commitment",
        resource_id=acct.sp_arn,
        resource_type="Savings Plan",
        billed_factor=0.0,
        effective_factor=1.0,
        pricing_category="Committed",
        commitment=(acct.sp_arn, "Unused"),
    )


def _credits_and_corrections(acct: Account) -> None:
    a = acct.prod
    # A promotional credit and a correction of a September training job, billed in October.
    acct.focus.add(
        hours=np.array([24 * 60 + 23]),
        quantity=-1.0,  # FOCUS: a credit is a negative cost or quantity, never a negative price
        unit_price=25.0,
        sub_account=a,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=None,
        description="AWS Promotional Credit",
        unit=None,
        charge_category="Credit",
    )
    correction_arn = acct.arn(acct.dev, "training-job", f"fraud-gnn-train-033{acct.sfx}")
    acct.focus.add(
        hours=np.array([24 * 61 + 12]),
        quantity=-1.0,  # FOCUS: a correction is a negative cost or quantity, never a negative price
        unit_price=3.5,
        sub_account=acct.dev,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=None,
        description="Correction: spot training overcharge in 2026-09",
        unit=None,
        resource_id=correction_arn,
        resource_type="TrainingJob",
        charge_class="Correction",
    )
