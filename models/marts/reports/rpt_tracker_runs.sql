-- Every experiment tracker run, the SageMaker job or endpoint it names (one row per run and
-- linked resource) and what it cost; a run that names none is listed with the reason. What
-- the run says about team, model, experiment and environment is next to what attribution
-- decided for the resource, so a run that lost to the resource's own tags shows.
with

links as (

    select * from {{ ref('int_tracker_runs_linked') }}

),

run_keys as (

    select * from {{ ref('int_tracker_run_keys_collected') }}

),

resources as (

    select * from {{ ref('dim_ml_resources') }}

),

costs as (

    -- the attributed cost per charge day: the same sums as fct_ml_costs, a tenth of its rows
    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

run_values as (

    select
        run_key,
        {% for key in attribution_keys() %}
            max(case when attribution_key = '{{ key.column }}' then attribution_value end) as run_{{ key.column }},
        {% endfor %}
        count(*) as run_key_count
    from run_keys
    group by run_key

),

resource_costs as (

    select
        resource_type,
        resource_name,
        sub_account_id,
        region_id,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from costs
    group by resource_type, resource_name, sub_account_id, region_id

),

final as (

    select
        links.run_link_id,
        links.run_key,
        links.tracker,
        links.tracking_server,
        links.run_id,
        links.run_name,
        links.experiment_id,
        links.experiment_name,
        links.user_id,
        links.status,
        links.start_time,
        links.end_time,
        links.parent_run_id,
        links.is_linked,
        links.link_method,
        links.unlinked_reason,
        links.resource_key,
        links.resource_arn,
        links.resource_type,
        links.resource_name,
        links.account_id,
        links.region,
        {% for key in attribution_keys() %}
            run_values.run_{{ key.column }},
            resources.{{ key.column }} as resource_{{ key.column }},
            resources.{{ key.column }}_source as resource_{{ key.column }}_source,
        {% endfor %}
        coalesce(resource_costs.effective_cost, 0) as resource_effective_cost,
        coalesce(resource_costs.billed_cost, 0) as resource_billed_cost
    from links
    left join run_values on links.run_key = run_values.run_key
    left join resources on links.resource_key = resources.resource_key
    left join resource_costs
        on
            links.resource_type = resource_costs.resource_type
            and links.resource_name = resource_costs.resource_name
            and links.account_id = resource_costs.sub_account_id
            and links.region = resource_costs.region_id

)

select * from final
