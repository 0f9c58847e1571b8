{#-
    The instance utilisation metrics of SageMaker endpoints and the column stem each takes in
    int_endpoint_utilization_pivoted and int_endpoint_utilization_summarized: pairs of
    (CloudWatch metric name, column stem). The names are the ones the extractor reads
    (extract/ml_cost_extract/cloudwatch_api.py UTILIZATION_METRICS, from "Amazon SageMaker AI
    metrics in Amazon CloudWatch").
-#}
{% macro utilization_metrics() -%}
    {{ return([
        ('CPUUtilization', 'cpu'),
        ('MemoryUtilization', 'memory'),
        ('GPUUtilization', 'gpu'),
        ('GPUMemoryUtilization', 'gpu_memory'),
        ('DiskUtilization', 'disk'),
    ]) }}
{%- endmacro %}
