-- noqa: disable=LT02
{#-
    A tag or param key of a tracker run as the linking rules compare it: lower case, with
    . - : and space as _ (so TRAINING_JOB_NAME, sagemaker.training_job_name and
    training-job-name compare as training_job_name and sagemaker_training_job_name).
-#}
{% macro tracker_tag_key_text(expr) -%}
    {{ regexp_replace_all('lower(trim(' ~ expr ~ '))', '[-:. ]+', '_') }}
{%- endmacro %}

{#-
    The keys of var tracker_job_name_keys (key -> SageMaker resource type) as a relation
    (normalized_key, resource_type): a run tag or param with one of these keys names a job or
    endpoint by name (docs/trackers.md "Linking rules").
-#}
{% macro tracker_job_name_keys_relation() -%}
    {%- set keys = var('tracker_job_name_keys') -%}
    {%- if not keys -%}
        select
            cast(null as {{ dbt.type_string() }}) as normalized_key,
            cast(null as {{ dbt.type_string() }}) as resource_type
        where 1 = 0
    {%- else -%}
        select
            normalized_key,
            resource_type
        from (
            values
            {%- for key, resource_type in keys.items() | sort %}
                ('{{ modules.re.sub("[-:. ]+", "_", key | trim | lower) }}', '{{ resource_type }}'){{ ',' if not loop.last }}
            {%- endfor %}
        ) as name_keys (normalized_key, resource_type)
    {%- endif -%}
{%- endmacro %}

{#-
    Step 45 of the attribution chain (docs/attribution.md, 4.5): what the experiment tracker run
    that names the resource says (int_tracker_run_keys_resolved), after the resource's own tags
    and before anything inherited from an ancestor: the run describes this job, an ancestor
    only its family. Source metadata_<tracker>_run.
-#}
{% macro attribution_run_candidates(contexts, run_keys) %}
    tracker_run_candidates as (

        select
            contexts.context_id,
            run_keys.attribution_key,
            run_keys.attribution_value,
            run_keys.attribution_source,
            45.0 as precedence
        from {{ contexts }} as contexts
        inner join {{ run_keys }} as run_keys on contexts.subject_key = run_keys.resource_key

    ),

{%- endmacro %}
