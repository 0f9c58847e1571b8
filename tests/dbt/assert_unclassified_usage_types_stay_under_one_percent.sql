-- Warns when SageMaker usage types no seed pattern classifies (cost category other) exceed
-- 1% of a billing period's SageMaker cost, naming the top ones: a new AWS usage type to add
-- to seeds/sagemaker_usage_types.csv with its source.
{{ config(severity='warn', store_failures=true) }}

with

unclassified as (

    select * from {{ ref('rpt_unclassified_usage_types') }}

),

ranked as (

    select
        *,
        row_number() over (partition by billing_period order by effective_cost desc, usage_type asc) as cost_rank
    from unclassified

),

by_period as (

    select
        billing_period,
        sum(share_of_period_cost) as unclassified_share,
        {{ string_agg_distinct("case when cost_rank <= 5 then usage_type end", ', ') }} as top_usage_types
    from ranked
    group by billing_period

),

final as (

    select * from by_period
    where unclassified_share > 0.01

)

select * from final
