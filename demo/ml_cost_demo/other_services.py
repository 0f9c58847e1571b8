"""The rest of a payer's bill: hourly charges of services that are not SageMaker (EC2 and EBS, RDS,
Lambda, DynamoDB, data transfer, NAT gateways, S3 requests), for the benchmark's all-services
workload (``ml-cost-demo --other-services N``, bench/run.py). None of it is ML spend; the pipeline
must read past it (SageMaker and its related services are about 5% of a real payer's rows).

Usage types follow the AWS billing shape ``<region code>-<usage>`` the rest of the demo uses
(``USE1-BoxUsage:g5.2xlarge``). Sources for the strings below:
- ``BoxUsage:<type>``, ``InstanceUsage:db.<type>``: the CUR data dictionary's sample values of
  ``product/usagetype`` (``EU-BoxUsage:c5d.9xlarge``, ``SAE1-InstanceUsage:db.t2.medium``).
- ``Lambda-GB-Second``, ``Request``: the Savings Plans API's rate units (``Lambda-GB-Second``,
  ``Request``) and ``aws pricing get-attribute-values --service-code AWSLambda --attribute-name
  usageType`` (``<region>-Lambda-GB-Second``).
- ``EBS:VolumeUsage.gp3``, ``NatGateway-Hours``, ``DataTransfer-Out-Bytes``, ``RDS:GP2-Storage``,
  ``TimedStorage-ByteHrs``, ``Requests-Tier1``: AWS usage-type names as public cost tools that
  read real exports list them (the S3 ones in AWS's "Understanding your AWS billing and usage
  reports for Amazon S3"). UNVERIFIED in detail (the DynamoDB and data-transfer names too); the
  pipeline reads none of them: it selects SageMaker and its related services by service code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .account import RC, REGION, Account


@dataclass(frozen=True)
class Template:
    """One kind of hourly series: service, usage type, unit, price, typical quantity, resource."""

    service_code: str
    usage_type: str
    unit: str
    unit_price: float
    quantity: float
    description: str
    resource: str  # resource id pattern: {i} the series number, {account} its account id
    resource_type: str | None
    weight: int  # how many series of each 100 are of this kind


TEMPLATES = (
    Template(
        "AmazonEC2", "BoxUsage:m5.large", "Hours", 0.096, 1.0, "$0.096 per On Demand Linux m5.large Instance Hour", "i-0f{i:015x}", "Instance", 30
    ),
    Template(
        "AmazonEC2", "BoxUsage:c6i.xlarge", "Hours", 0.17, 1.0, "$0.17 per On Demand Linux c6i.xlarge Instance Hour", "i-0c{i:015x}", "Instance", 8
    ),
    Template(
        "AmazonEC2",
        "EBS:VolumeUsage.gp3",
        "GB-Mo",
        0.08,
        200.0 / 730,
        "$0.08 per GB-month of General Purpose (gp3) provisioned storage",
        "vol-0{i:016x}",
        "Volume",
        20,
    ),
    Template("AmazonEC2", "NatGateway-Hours", "Hours", 0.045, 1.0, "$0.045 per NAT Gateway Hour", "nat-0{i:016x}", "NatGateway", 3),
    Template(
        "AmazonRDS",
        "InstanceUsage:db.r6g.large",
        "Hours",
        0.225,
        1.0,
        "$0.225 per RDS db.r6g.large instance hour (or partial hour) running PostgreSQL",
        "arn:aws:rds:" + REGION + ":{account}:db:app-db-{i}",
        "DBInstance",
        7,
    ),
    Template(
        "AmazonRDS",
        "RDS:GP2-Storage",
        "GB-Mo",
        0.115,
        500.0 / 730,
        "$0.115 per GB-month of provisioned GP2 storage running PostgreSQL",
        "arn:aws:rds:" + REGION + ":{account}:db:app-db-{i}",
        "DBInstance",
        4,
    ),
    Template(
        "AWSLambda",
        "Lambda-GB-Second",
        "Lambda-GB-Second",
        0.0000166667,
        9000.0,
        "AWS Lambda - Total Compute - US East (N. Virginia)",
        "arn:aws:lambda:" + REGION + ":{account}:function:api-handler-{i}",
        "Function",
        9,
    ),
    Template(
        "AWSLambda",
        "Request",
        "Requests",
        0.0000002,
        40000.0,
        "AWS Lambda - Total Requests - US East (N. Virginia)",
        "arn:aws:lambda:" + REGION + ":{account}:function:api-handler-{i}",
        "Function",
        6,
    ),
    Template(
        "AmazonDynamoDB",
        "TimedStorage-ByteHrs",
        "GB-Mo",
        0.25,
        20.0 / 730,
        "$0.25 per GB-Month of storage used beyond first 25 free GB-Months",
        "arn:aws:dynamodb:" + REGION + ":{account}:table/sessions-{i}",
        "Table",
        5,
    ),
    Template("AWSDataTransfer", "DataTransfer-Out-Bytes", "GB", 0.09, 3.0, "$0.090 per GB - first 10 TB / month data transfer out", "", None, 7),
    Template(
        "AmazonS3",
        "Requests-Tier1",
        "Requests",
        0.000005,
        2000.0,
        "$0.005 per 1,000 PUT, COPY, POST, or LIST requests",
        "web-assets-{i}-{account}",
        "Bucket",
        1,
    ),
)
CYCLE = [t for t in TEMPLATES for _ in range(t.weight)]  # 100 series: every kind in its proportion
TEAMS = ("web", "payments", "search", "data-eng", "platform")


def add_other_services(acct: Account, series: int) -> None:
    """``series`` hourly series of other services, spread over the copy's two accounts; each has
    its own noise stream, so one more day leaves earlier rows unchanged."""
    for i in range(series):
        t = CYCLE[(i * 37) % len(CYCLE)]  # interleaved: any prefix of the series mixes the kinds
        owner = acct.prod if i % 3 else acct.dev
        rng = acct.noise(f"other/{i}")
        quantity = t.quantity * rng.uniform(0.6, 1.4, acct.hours) if t.unit != "Hours" else 1.0
        acct.focus.add(
            hours=np.arange(acct.hours),
            quantity=quantity,
            unit_price=t.unit_price,
            sub_account=owner,
            region=REGION,
            service_code=t.service_code,
            usage_type=f"{RC}-{t.usage_type}",
            unit=t.unit,
            description=t.description,
            resource_id=t.resource.format(i=i, account=owner[0]) or None,
            resource_type=t.resource_type,
            tags={"team": TEAMS[i % len(TEAMS)], "Environment": "prod" if i % 4 else "staging"},
        )
