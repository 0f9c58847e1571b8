-- The attribution step from tracker runs (docs/attribution.md, step 4.5): for each SageMaker
-- resource a run names, each key the runs give. When several runs name one resource, the most
-- trusted link wins (int_tracker_runs_linked), then the latest run. One row per resource and
-- attribution key; attribution_source is metadata_<tracker>_run.
with

links as (

    select * from {{ ref('int_tracker_runs_linked') }}

),

run_keys as (

    select * from {{ ref('int_tracker_run_keys_collected') }}

),

resource_run_keys as (

    select
        links.resource_key,
        run_keys.attribution_key,
        run_keys.attribution_value,
        'metadata_' || links.tracker || '_run' as attribution_source,
        links.run_key,
        links.link_method,
        run_keys.value_origin,
        row_number() over (
            partition by links.resource_key, run_keys.attribution_key
            order by links.link_precedence asc, links.start_time desc, links.run_key asc
        ) as run_rank
    from links
    inner join run_keys on links.run_key = run_keys.run_key
    where links.is_linked

),

final as (

    select
        resource_key,
        attribution_key,
        attribution_value,
        attribution_source,
        run_key,
        link_method,
        value_origin
    from resource_run_keys
    where run_rank = 1

)

select * from final
