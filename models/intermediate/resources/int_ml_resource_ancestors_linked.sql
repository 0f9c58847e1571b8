-- Who a resource inherits attribution from: one row per resource and ancestor,
-- with the relation and its depth (1 = nearest). Tags propagate only at creation
-- time in AWS, so inheritance is how jobs launched by tuning jobs, pipelines or
-- Studio, apps, variants and components find their owner.
with

job_parents as (

    select * from {{ ref('int_ml_job_parents_linked') }}

),

serving_parents as (

    select * from {{ ref('int_ml_serving_parents_linked') }}

),

studio_parents as (

    select * from {{ ref('int_ml_studio_parents_linked') }}

),

unioned as (

    select * from job_parents
    union all
    select * from serving_parents
    union all
    select * from studio_parents

),

final as (

    select
        resource_key,
        ancestor_key,
        relation_type,
        min(inheritance_depth) as inheritance_depth
    from unioned
    where resource_key != ancestor_key
    group by resource_key, ancestor_key, relation_type

)

select * from final
