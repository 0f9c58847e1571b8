-- What each tracker run says about the attribution keys: its tags, read like resource tags
-- (normalised keys, the exact configured key first), then its parent run's tags for the keys
-- it lacks (a nested run: an HPO sweep's trials under the tagged sweep run), then its
-- experiment for the experiment key (MLflow's Default experiment, id 0, names nothing).
-- Params are hyperparameters and never attribute. One row per run and attribution key.
with

runs as (

    select * from {{ ref('stg_trackers__runs') }}

),

run_tags as (

    select * from {{ ref('stg_trackers__run_tags') }}

),

normalized_tags as (

    select
        tracker,
        tracking_server,
        run_id,
        tag_key,
        tag_value,
        {{ attribution_key_columns(normalize_tag_key('tag_key'), 'tag_key') }}
    from run_tags
    where tag_kind = 'tag' and tag_value is not null and trim(tag_value) != ''

),

ranked_tags as (

    select
        tracker,
        tracking_server,
        run_id,
        attribution_key,
        tag_value as attribution_value,
        'tag ' || tag_key as value_origin,
        row_number() over (
            partition by tracker, tracking_server, run_id, attribution_key
            order by is_canonical_key desc, tag_key asc
        ) as key_rank
    from normalized_tags
    where attribution_key is not null

),

tag_values as (

    select
        tracker,
        tracking_server,
        run_id,
        attribution_key,
        attribution_value,
        value_origin
    from ranked_tags
    where key_rank = 1

),

parent_values as (

    select
        runs.tracker,
        runs.tracking_server,
        runs.run_id,
        parent_tags.attribution_key,
        parent_tags.attribution_value,
        'parent run ' || runs.parent_run_id || ' ' || parent_tags.value_origin as value_origin
    from runs
    inner join tag_values as parent_tags
        on
            runs.tracker = parent_tags.tracker
            and runs.tracking_server = parent_tags.tracking_server
            and runs.parent_run_id = parent_tags.run_id
    left join tag_values as own_tags
        on
            runs.tracker = own_tags.tracker
            and runs.tracking_server = own_tags.tracking_server
            and runs.run_id = own_tags.run_id
            and parent_tags.attribution_key = own_tags.attribution_key
    where own_tags.run_id is null

),

run_tag_values as (

    select
        tracker,
        tracking_server,
        run_id,
        attribution_key,
        attribution_value,
        value_origin
    from tag_values
    union all
    select
        tracker,
        tracking_server,
        run_id,
        attribution_key,
        attribution_value,
        value_origin
    from parent_values

),

experiment_values as (

    select
        runs.tracker,
        runs.tracking_server,
        runs.run_id,
        'experiment' as attribution_key,
        runs.experiment_name as attribution_value,
        'experiment name' as value_origin
    from runs
    left join run_tag_values
        on
            runs.tracker = run_tag_values.tracker
            and runs.tracking_server = run_tag_values.tracking_server
            and runs.run_id = run_tag_values.run_id
            and run_tag_values.attribution_key = 'experiment'
    where
        run_tag_values.run_id is null
        and runs.experiment_name is not null
        and trim(runs.experiment_name) != ''
        and not (runs.tracker = 'mlflow' and runs.experiment_id = '0')
        and {{ 'experiment' in attribution_keys() | map(attribute='column') | list }}

),

final as (

    select
        tracker || '|' || tracking_server || '|' || run_id as run_key,
        tracker,
        tracking_server,
        run_id,
        attribution_key,
        attribution_value,
        value_origin
    from run_tag_values
    union all
    select
        tracker || '|' || tracking_server || '|' || run_id as run_key,
        tracker,
        tracking_server,
        run_id,
        attribution_key,
        attribution_value,
        value_origin
    from experiment_values

)

select * from final
