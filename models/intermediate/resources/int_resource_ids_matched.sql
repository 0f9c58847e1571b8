-- Each billed SageMaker resource id matched to the landed metadata: first on
-- lower(ARN) (AWS lower-cases names inside some ARNs and not others), then on
-- resource type + name + region + account. Kept snapshots make finished jobs match.
with

billed as (

    select * from {{ ref('int_resource_ids_parsed') }}

),

resources as (

    select * from {{ ref('int_ml_resources_unioned') }}

),

by_arn as (

    select
        billed.resource_id,
        resources.resource_key as matched_resource_key,
        'arn' as match_method
    from billed
    inner join resources on billed.resource_key = resources.resource_key

),

by_natural_key as (

    select
        billed.resource_id,
        min(resources.resource_key) as matched_resource_key,
        'type_name_region_account' as match_method
    from billed
    inner join resources on billed.natural_key = resources.natural_key
    where billed.resource_id not in (select by_arn.resource_id from by_arn)
    group by billed.resource_id

),

final as (

    select
        billed.resource_id,
        billed.resource_key,
        coalesce(by_arn.matched_resource_key, by_natural_key.matched_resource_key) as matched_resource_key,
        coalesce(by_arn.match_method, by_natural_key.match_method, 'unmatched') as match_method,
        resources.role_arn as resource_role_arn,
        resources.last_seen_snapshot_date
    from billed
    left join by_arn on billed.resource_id = by_arn.resource_id
    left join by_natural_key on billed.resource_id = by_natural_key.resource_id
    left join resources on coalesce(by_arn.matched_resource_key, by_natural_key.matched_resource_key) = resources.resource_key

)

select * from final
