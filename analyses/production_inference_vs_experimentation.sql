-- Production inference against experimentation (training, notebooks, Studio, processing
-- outside production), per billing period. Idle capacity of shared endpoints (model
-- '(idle)') is capacity nobody used: its own spend type, never production inference.
with

costs as (

    select * from {{ ref('fct_ml_costs') }}

),

labelled as (

    select
        billing_period,
        effective_cost,
        case
            when allocation_method = 'idle_capacity' then 'idle capacity'
            when cost_group = 'inference' and environment = 'production' then 'production inference'
            when cost_group = 'inference' then 'non-production inference'
            when cost_group in ('training', 'development', 'processing') and environment != 'production' then 'experimentation'
            when cost_group in ('training', 'processing') then 'production pipelines'
            else 'other'
        end as spend_type
    from costs

),

final as (

    select
        billing_period,
        spend_type,
        sum(effective_cost) as effective_cost,
        sum(effective_cost) / sum(sum(effective_cost)) over (partition by billing_period) as share_of_period
    from labelled
    group by billing_period, spend_type
    order by billing_period asc, effective_cost desc

)

select * from final
