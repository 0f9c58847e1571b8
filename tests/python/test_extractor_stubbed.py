"""The APIs moto lacks (inference components, Studio user profiles, spaces, apps, pipeline
execution steps), with botocore Stubber responses shaped like the real API."""

from __future__ import annotations

from datetime import datetime

import boto3
import pytest
from botocore.stub import Stubber
from ml_cost_extract import sagemaker_api
from ml_cost_extract.aws import Caller
from ml_cost_extract.sagemaker_api import Scope

CREATED = datetime(2026, 11, 20, 9, 30)
ARN = "arn:aws:sagemaker:us-east-1:123456789012"


@pytest.fixture
def sm() -> boto3.client:
    return boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


@pytest.fixture
def scope() -> Scope:
    return Scope(account_id="123456789012", region="us-east-1", partition="aws", start=datetime(2026, 11, 19), end=datetime(2026, 11, 23))


def test_inference_components_with_compute_and_copies(sm, scope) -> None:
    rows: dict = {}
    with Stubber(sm) as stub:
        stub.add_response(
            "list_inference_components",
            {
                "InferenceComponents": [
                    {
                        "InferenceComponentName": "embed-ic",
                        "InferenceComponentArn": f"{ARN}:inference-component/embed-ic",
                        "EndpointName": "shared-ic",
                        "EndpointArn": f"{ARN}:endpoint/shared-ic",
                        "VariantName": "AllTraffic",
                        "CreationTime": CREATED,
                        "LastModifiedTime": CREATED,
                        "InferenceComponentStatus": "InService",
                    }
                ],
                "NextToken": "page-2",
            },
            {"MaxResults": 100},
        )
        stub.add_response(
            "describe_inference_component",
            {
                "InferenceComponentName": "embed-ic",
                "InferenceComponentArn": f"{ARN}:inference-component/embed-ic",
                "EndpointName": "shared-ic",
                "EndpointArn": f"{ARN}:endpoint/shared-ic",
                "VariantName": "AllTraffic",
                "Specification": {
                    "ModelName": "recsys-embed",
                    "ComputeResourceRequirements": {
                        "NumberOfAcceleratorDevicesRequired": 1.0,
                        "NumberOfCpuCoresRequired": 4.0,
                        "MinMemoryRequiredInMb": 16384,
                    },
                },
                "RuntimeConfig": {"DesiredCopyCount": 2, "CurrentCopyCount": 2},
                "CreationTime": CREATED,
                "LastModifiedTime": CREATED,
                "InferenceComponentStatus": "InService",
            },
            {"InferenceComponentName": "embed-ic"},
        )
        stub.add_response(
            "list_tags", {"Tags": [{"Key": "ml:team", "Value": "recsys"}]}, {"ResourceArn": f"{ARN}:inference-component/embed-ic", "MaxResults": 100}
        )
        stub.add_response("list_inference_components", {"InferenceComponents": []}, {"MaxResults": 100, "NextToken": "page-2"})
        sagemaker_api.inference_components(Caller(), sm, scope, rows)
        stub.assert_no_pending_responses()
    (ic,) = rows["inference_components"]
    assert (ic["model_name"], ic["current_copy_count"], ic["accelerators_per_copy"], ic["memory_mb_per_copy"]) == ("recsys-embed", 2, 1.0, 16384)
    assert ic["endpoint_name"] == "shared-ic" and ic["creation_time"] == CREATED
    assert rows["tags"] == [{"resource_arn": f"{ARN}:inference-component/embed-ic", "tag_key": "ml:team", "tag_value": "recsys"}]


def test_user_profiles_spaces_and_apps_get_arns_built_from_their_parts(sm, scope) -> None:
    rows: dict = {}
    with Stubber(sm) as stub:
        stub.add_response(
            "list_user_profiles",
            {
                "UserProfiles": [
                    {"DomainId": "d-abc", "UserProfileName": "alice", "Status": "InService", "CreationTime": CREATED},
                ]
            },
            {"MaxResults": 100},
        )
        stub.add_response(
            "list_tags", {"Tags": [{"Key": "ml:team", "Value": "fraud"}]}, {"ResourceArn": f"{ARN}:user-profile/d-abc/alice", "MaxResults": 100}
        )
        stub.add_response(
            "list_spaces",
            {
                "Spaces": [
                    {
                        "DomainId": "d-abc",
                        "SpaceName": "shared",
                        "Status": "InService",
                        "CreationTime": CREATED,
                        "OwnershipSettingsSummary": {"OwnerUserProfileName": "alice"},
                    },
                ]
            },
            {"MaxResults": 100},
        )
        stub.add_response("list_tags", {"Tags": []}, {"ResourceArn": f"{ARN}:space/d-abc/shared", "MaxResults": 100})
        stub.add_response(
            "list_apps",
            {
                "Apps": [
                    {
                        "DomainId": "d-abc",
                        "UserProfileName": "alice",
                        "AppType": "JupyterLab",
                        "AppName": "default",
                        "Status": "InService",
                        "CreationTime": CREATED,
                        "ResourceSpec": {"InstanceType": "ml.t3.medium"},
                    },
                    {
                        "DomainId": "d-abc",
                        "SpaceName": "shared",
                        "AppType": "CodeEditor",
                        "AppName": "default",
                        "Status": "InService",
                        "CreationTime": CREATED,
                        "ResourceSpec": {"InstanceType": "ml.m5.large"},
                    },
                ]
            },
            {"MaxResults": 100},
        )
        for extract in (sagemaker_api.user_profiles, sagemaker_api.spaces, sagemaker_api.apps):
            extract(Caller(), sm, scope, rows)
        stub.assert_no_pending_responses()
    assert rows["user_profiles"][0]["user_profile_arn"] == f"{ARN}:user-profile/d-abc/alice"
    assert rows["spaces"][0]["owner_user_profile_name"] == "alice"
    assert [a["app_arn"] for a in rows["apps"]] == [f"{ARN}:app/d-abc/alice/jupyterlab/default", f"{ARN}:app/d-abc/shared/codeeditor/default"]
    assert [a["instance_type"] for a in rows["apps"]] == ["ml.t3.medium", "ml.m5.large"]


def test_pipeline_execution_steps_link_runs_to_the_jobs_they_launched(sm) -> None:
    rows: dict = {}
    execution = f"{ARN}:pipeline/fraud-features/execution/abc123"
    with Stubber(sm) as stub:
        stub.add_response(
            "list_pipeline_execution_steps", {"PipelineExecutionSteps": [], "NextToken": "t1"}, {"PipelineExecutionArn": execution, "MaxResults": 100}
        )  # an empty page is not the end
        stub.add_response(
            "list_pipeline_execution_steps",
            {
                "PipelineExecutionSteps": [
                    {
                        "StepName": "BuildFeatures",
                        "StepStatus": "Succeeded",
                        "StartTime": CREATED,
                        "EndTime": CREATED,
                        "Metadata": {"ProcessingJob": {"Arn": f"{ARN}:processing-job/fraud-features-001"}},
                    },
                    {
                        "StepName": "Train",
                        "StepStatus": "Succeeded",
                        "StartTime": CREATED,
                        "EndTime": CREATED,
                        "Metadata": {"TrainingJob": {"Arn": f"{ARN}:training-job/fraud-train-001"}},
                    },
                ]
            },
            {"PipelineExecutionArn": execution, "MaxResults": 100, "NextToken": "t1"},
        )
        sagemaker_api.pipeline_execution_steps(Caller(), sm, execution, rows)
        stub.assert_no_pending_responses()
    steps = {s["step_name"]: s for s in rows["pipeline_execution_steps"]}
    assert steps["BuildFeatures"]["job_arn"].endswith("processing-job/fraud-features-001")
    assert steps["BuildFeatures"]["step_type"] == "Processing" and steps["Train"]["step_type"] == "Training"


def test_pagination_stops_on_a_repeated_token_instead_of_looping(sm) -> None:
    with Stubber(sm) as stub:
        stub.add_response("list_domains", {"Domains": [], "NextToken": "same"}, {"MaxResults": 100})
        stub.add_response("list_domains", {"Domains": [], "NextToken": "same"}, {"MaxResults": 100, "NextToken": "same"})
        pages = list(Caller().pages(sm, "list_domains", "Domains", MaxResults=100))
    assert pages == [[], []]


def test_throttling_is_retried_with_backoff_then_succeeds(sm) -> None:
    slept: list[float] = []
    caller = Caller(sleep=slept.append)
    with Stubber(sm) as stub:
        for _ in range(3):
            stub.add_client_error("list_domains", service_error_code="ThrottlingException", service_message="Rate exceeded", http_status_code=400)
        stub.add_response("list_domains", {"Domains": []})
        response = caller.call(sm, "list_domains")
    assert response["Domains"] == []
    assert caller.throttled == 3 and len(slept) == 3
    assert slept[0] < slept[2]  # exponential
    assert caller.counts["sagemaker:ListDomains"] == 4
