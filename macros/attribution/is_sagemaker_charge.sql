{#-
    The one definition of a SageMaker charge row, used by the pipeline and by the
    conservation test: x_ServiceCode where the export has it, else ServiceName or a
    SageMaker ARN. Machine Learning Savings Plans (purchases, unused commitment) count too.
-#}
{% macro is_sagemaker_charge(relation_alias=none) -%}
    {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
    (
        {{ p }}x_service_code in ('AmazonSageMaker', 'MachineLearningSavingsPlans')
        or (
            {{ p }}x_service_code is null
            and (
                lower({{ p }}service_name) like '%sagemaker%'
                or lower({{ p }}service_name) like '%machine learning savings plan%'
                or lower({{ p }}resource_id) like 'arn:aws%:sagemaker:%'
            )
        )
    )
{%- endmacro %}

{#-
    Charge rows of the services around SageMaker whose cost can be part of a model's
    fully-loaded cost (S3, ECR, CloudWatch). int_related_charges_isolated keeps the ones
    the landed metadata links to ML resources.
-#}
{% macro is_related_service_charge(relation_alias=none) -%}
    {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
    (
        {{ p }}x_service_code in ('AmazonS3', 'AmazonECR', 'AmazonCloudWatch')
        or (
            {{ p }}x_service_code is null
            and (
                {{ p }}service_name in ('Amazon Simple Storage Service', 'AmazonCloudWatch')
                or {{ p }}service_name like 'Amazon EC2 Container Registry%'
            )
        )
    )
{%- endmacro %}

{#-
    Which related service a row of is_related_service_charge is: 's3', 'ecr' or 'cloudwatch'
    (null for any other row). The one definition, used by int_related_charges_isolated and by
    int_related_costs_linked's compile-time bound (macro related_costs_first_day).
-#}
{% macro related_service_of(relation_alias=none) -%}
    {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
    case
        when {{ p }}x_service_code = 'AmazonS3' or ({{ p }}x_service_code is null and {{ p }}service_name = 'Amazon Simple Storage Service') then 's3'
        when
            {{ p }}x_service_code = 'AmazonECR'
            or ({{ p }}x_service_code is null and {{ p }}service_name like 'Amazon EC2 Container Registry%')
            then 'ecr'
        when {{ p }}x_service_code = 'AmazonCloudWatch' or ({{ p }}x_service_code is null and {{ p }}service_name = 'AmazonCloudWatch') then 'cloudwatch'
    end
{%- endmacro %}
