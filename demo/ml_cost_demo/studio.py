"""Notebook instances and SageMaker Studio (domains, user profiles, spaces, apps) of the demo."""

from __future__ import annotations

import numpy as np
from ml_cost_extract.rows import AppsRow, DomainsRow, NotebookInstancesRow, SpacesRow, UserProfilesRow

from .account import PRICES, RC, REGION, Account


def add_notebooks_and_studio(acct: Account) -> None:
    _notebook_instances(acct)
    domain_id, domain_arn = _studio_domain(acct)
    users = (
        ("alice", "fraud", acct.business_hours(9, 18)),
        ("bob", "recsys", acct.business_hours(7, 24, weekends=True)),
        ("carol", "nlp", acct.business_hours(9, 18)),
        ("dave", None, acct.business_hours(10, 16)),
    )
    for user, team, hours in users:
        _studio_user(acct, domain_id, domain_arn, user, team, hours)


def _notebook_instances(acct: Account) -> None:
    d, s = acct.dev, acct.sfx
    allh = np.arange(acct.hours)
    notebooks: tuple[tuple[str, str, np.ndarray, dict[str, str]], ...] = (
        ("fraud-research-nb" + s, "ml.t3.xlarge", allh, {"ml:team": "fraud"}),  # always on, nights and weekends too
        ("nlp-explore-nb" + s, "ml.t3.medium", acct.business_hours(8, 19), {}),  # untagged
    )
    for name, instance, hours, tags in notebooks:
        notebook_instance(acct, d, name, instance, hours, tags)


def notebook_instance(acct: Account, d: tuple[str, str], name: str, instance: str, hours: np.ndarray, tags: dict[str, str]) -> None:
    """A notebook instance: its instance hours, its ML storage volume and the weekly reads of it."""
    arn = acct.arn(d, "notebook-instance", name)
    acct.charge(
        tags=tags,
        hours=hours,
        quantity=1.0,
        unit_price=PRICES[instance],
        sub_account=d,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=f"{RC}-Notebk:{instance}",
        description=f"${PRICES[instance]} per On Demand Notebook Instance Hour ({instance})",
        resource_id=arn,
        resource_type="NotebookInstance",
    )
    acct.charge(
        tags=tags,
        hours=np.arange(0, acct.hours, 24),
        quantity=20.0 / 30,
        unit_price=0.14,
        sub_account=d,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=f"{RC}-Notebk:VolumeUsage.gp2",
        unit="GB-Months",
        description="$0.14 per GB-month of ML storage",
        resource_id=arn,
        resource_type="NotebookInstance",
        duration_hours=24,
    )
    for snap in acct.snapshots_for(0):
        acct.record(
            "notebook_instances",
            snap,
            d,
            NotebookInstancesRow(
                notebook_instance_name=name,
                notebook_instance_arn=arn,
                notebook_instance_status="InService",
                instance_type=instance,
                creation_time=acct.ts(-24 * 90),
                last_modified_time=acct.ts(-24 * 90),
                role_arn=f"arn:aws:iam::{d[0]}:role/SageMakerNotebookRole",
            ),
        )
        acct.tag(snap, d, arn, tags)


def _studio_domain(acct: Account) -> tuple[str, str]:
    d, s = acct.dev, acct.sfx
    domain_id = "d-demo0001" + s
    domain_arn = acct.arn(d, "domain", domain_id)
    for snap in acct.snapshots_for(0):
        acct.record(
            "domains",
            snap,
            d,
            DomainsRow(
                domain_id=domain_id, domain_name="ml-studio" + s, domain_arn=domain_arn, domain_status="InService", creation_time=acct.ts(-24 * 200)
            ),
        )
        acct.tag(snap, d, domain_arn, {"ml:environment": "development"})
    return domain_id, domain_arn


def _studio_user(acct: Account, domain_id: str, domain_arn: str, user: str, team: str | None, hours: np.ndarray) -> None:
    """A user profile with a JupyterLab app (and, for bob, a shared space), billed per app hour."""
    d = acct.dev
    profile_arn = acct.arn(d, "user-profile", f"{domain_id}/{user}")
    app_arn = acct.arn(d, "app", f"{domain_id}/{user}/jupyterlab/default")
    for snap in acct.snapshots_for(0):
        acct.record(
            "user_profiles",
            snap,
            d,
            UserProfilesRow(
                domain_id=domain_id,
                user_profile_name=user,
                user_profile_arn=profile_arn,
                user_profile_status="InService",
                creation_time=acct.ts(-24 * 100),
            ),
        )
        if team:
            acct.tag(snap, d, profile_arn, {"ml:team": team})
        acct.record(
            "apps",
            snap,
            d,
            AppsRow(
                domain_id=domain_id,
                user_profile_name=user,
                space_name=None,
                app_type="JupyterLab",
                app_name="default",
                app_arn=app_arn,
                app_status="InService",
                instance_type="ml.t3.medium",
                creation_time=acct.ts(-24 * 30),
            ),
        )
    if user == "bob":  # a shared space with a Code Editor app, tagged on the space only
        _shared_space(acct, domain_id, domain_arn, user)
    studio_tags = {"sagemaker:domain-arn": domain_arn, "sagemaker:user-profile-arn": profile_arn}
    acct.charge(
        tags=studio_tags,
        hours=hours,
        quantity=1.0,
        unit_price=PRICES["ml.t3.medium"],
        sub_account=d,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=f"{RC}-Studio:JupyterLab-ml.t3.medium",
        description="$0.05 per Studio JupyterLab Instance Hour (ml.t3.medium)",
        resource_id=app_arn,
        resource_type="App",
    )


def _shared_space(acct: Account, domain_id: str, domain_arn: str, user: str) -> None:
    d = acct.dev
    space_arn = acct.arn(d, "space", f"{domain_id}/recsys-shared")
    space_app = acct.arn(d, "app", f"{domain_id}/recsys-shared/codeeditor/default")
    for snap in acct.snapshots_for(0):
        acct.record(
            "spaces",
            snap,
            d,
            SpacesRow(
                domain_id=domain_id,
                space_name="recsys-shared",
                space_arn=space_arn,
                space_status="InService",
                owner_user_profile_name=user,
                creation_time=acct.ts(-24 * 50),
            ),
        )
        acct.tag(snap, d, space_arn, {"ml:team": "recsys", "ml:environment": "development"})
        acct.record(
            "apps",
            snap,
            d,
            AppsRow(
                domain_id=domain_id,
                user_profile_name=None,
                space_name="recsys-shared",
                app_type="CodeEditor",
                app_name="default",
                app_arn=space_app,
                app_status="InService",
                instance_type="ml.t3.medium",
                creation_time=acct.ts(-24 * 10),
            ),
        )
    acct.charge(
        tags={"sagemaker:domain-arn": domain_arn, "sagemaker:space-arn": space_arn},
        hours=acct.business_hours(9, 18),
        quantity=1.0,
        unit_price=PRICES["ml.t3.medium"],
        sub_account=d,
        region=REGION,
        service_code="AmazonSageMaker",
        usage_type=f"{RC}-Studio:CodeEditor-ml.t3.medium",
        description="$0.05 per Studio Code Editor Instance Hour (ml.t3.medium)",
        resource_id=space_app,
        resource_type="App",
    )
