-- The ten most expensive endpoints and training jobs, with their attribution and sources.
with

resources as (

    select * from {{ ref('dim_ml_resources') }}

),

ranked as (

    select
        resource_type,
        resource_name,
        team,
        team_source,
        model,
        model_source,
        experiment,
        environment,
        effective_cost,
        row_number() over (partition by resource_type order by effective_cost desc) as cost_rank
    from resources
    where resource_type in ('endpoint', 'training-job')

),

final as (

    select * from ranked
    where cost_rank <= 10
    order by resource_type asc, cost_rank asc

)

select * from final
