-- Rightsizing of real-time endpoint variants from their instance utilisation
-- (docs/optimisation.md). One row per endpoint variant that runs on instances, with its peak
-- utilisation over the look-back window and the cheapest change that still fits that peak:
--   idle              no invocation in the window: delete it (rpt_idle_resources lists it too)
--   serverless        a CPU single-model endpoint with sparse traffic whose memory fits a
--                     serverless endpoint, priced per second of compute
--   smaller_instance  the cheapest instance of the same family with room for the peak
--   fewer_instances   as many instances as the peak needs, never below rightsizing_min_instances
--   keep              busy enough, or no cheaper option fits
-- Monthly costs are seed prices (seeds/ml_instance_types.csv) x instances x hours_per_month.
{%- set lookback_days = var('rightsizing_lookback_days') %}
{%- set target = '(' ~ var('rightsizing_target_utilization_pct') ~ ' / 100.0)' %}
{%- set hours_per_month = var('hours_per_month') %}
with

variants as (

    select * from {{ ref('int_endpoint_variants_joined') }}
    where instance_type is not null

),

utilization as (

    select * from {{ ref('int_endpoint_utilization_summarized') }}

),

invocations as (

    -- the variants' own Invocations, hourly, already reduced to the latest extraction
    select * from {{ ref('int_endpoint_invocations_aggregated') }}
    where target_kind = 'variant'

),

instance_types as (

    select * from {{ ref('ml_instance_types') }}

),

serverless_prices as (

    select * from {{ ref('sagemaker_serverless_prices') }}

),

window_end as (

    select max(last_hour) as last_hour
    from utilization

),

variant_invocations as (

    select
        invocations.account_id,
        invocations.region,
        invocations.endpoint_name,
        invocations.variant_name,
        sum(invocations.invocations) as invocations,
        count(distinct case when invocations.invocations > 0 then invocations.period_start end) as busy_hours
    from invocations
    cross join window_end
    where
        invocations.period_start
        > {{ dbt.dateadd('day', '-' ~ lookback_days, 'window_end.last_hour') }}
        and invocations.period_start <= window_end.last_hour
    group by
        invocations.account_id,
        invocations.region,
        invocations.endpoint_name,
        invocations.variant_name

),

measured as (

    select
        variants.account_id || '|' || variants.region || '|' || variants.endpoint_name || '|' || variants.variant_name
            as variant_key,
        variants.account_id,
        variants.region,
        variants.endpoint_name,
        variants.variant_name,
        variants.endpoint_kind,
        variants.instance_type,
        {{ instance_family('variants.instance_type') }} as instance_family,
        variants.current_instance_count as instance_count,
        instance_types.vcpu,
        instance_types.memory_gib,
        instance_types.accelerators,
        instance_types.on_demand_usd_per_hour,
        utilization.days_observed,
        utilization.cpu_peak_pct / (100.0 * instance_types.vcpu) as cpu_peak_share,
        utilization.memory_peak_pct / 100.0 as memory_peak_share,
        case
            when instance_types.accelerators > 0 then utilization.gpu_peak_pct / (100.0 * instance_types.accelerators)
        end as gpu_peak_share,
        case
            when instance_types.accelerators > 0
                then utilization.gpu_memory_peak_pct / (100.0 * instance_types.accelerators)
        end as gpu_memory_peak_share,
        coalesce(variant_invocations.invocations, 0) as invocations,
        1.0 - coalesce(variant_invocations.busy_hours, 0) / ({{ lookback_days }} * 24.0) as idle_hour_share,
        utilization.endpoint_name is not null as has_utilization
    from variants
    left join instance_types on variants.instance_type = instance_types.instance_type
    left join utilization
        on
            variants.account_id = utilization.account_id
            and variants.region = utilization.region
            and variants.endpoint_name = utilization.endpoint_name
            and variants.variant_name = utilization.variant_name
    left join variant_invocations
        on
            variants.account_id = variant_invocations.account_id
            and variants.region = variant_invocations.region
            and variants.endpoint_name = variant_invocations.endpoint_name
            and variants.variant_name = variant_invocations.variant_name

),

peaks as (

    select
        *,
        greatest(
            coalesce(cpu_peak_share, 0),
            coalesce(memory_peak_share, 0),
            coalesce(gpu_peak_share, 0),
            coalesce(gpu_memory_peak_share, 0)
        ) as peak_share,
        on_demand_usd_per_hour * instance_count * {{ hours_per_month }} as current_monthly_cost
    from measured

),

sized as (

    select
        *,
        has_utilization
        and days_observed >= {{ lookback_days }}
        and peak_share <= {{ var('rightsizing_max_utilization_pct') }} / 100.0 as is_under_thresholds,
        greatest(
            {{ var('rightsizing_min_instances') }}, cast(ceil(instance_count * peak_share / {{ target }}) as integer)
        ) as instances_needed
    from peaks

),

idle_options as (

    select
        variant_key,
        'idle' as recommendation,
        cast(null as {{ dbt.type_string() }}) as recommended_instance_type,
        0 as recommended_instance_count,
        cast(null as {{ dbt.type_float() }}) as recommended_serverless_memory_mb,
        0.0 as recommended_monthly_cost,
        'no invocation in ' || '{{ lookback_days }}' || ' days: delete it, or scale it to zero' as reason
    from sized
    where has_utilization and invocations = 0

),

smaller_instance_options as (

    select
        sized.variant_key,
        'smaller_instance' as recommendation,
        candidates.instance_type as recommended_instance_type,
        sized.instance_count as recommended_instance_count,
        cast(null as {{ dbt.type_float() }}) as recommended_serverless_memory_mb,
        candidates.on_demand_usd_per_hour * sized.instance_count * {{ hours_per_month }} as recommended_monthly_cost,
        'peak under ' || '{{ var("rightsizing_max_utilization_pct") }}'
        || '% of capacity for ' || '{{ lookback_days }}' || ' days; '
        || candidates.instance_type || ' runs that peak under ' || '{{ var("rightsizing_target_utilization_pct") }}' || '%'
            as reason
    from sized
    inner join instance_types as candidates
        on
            sized.instance_family = {{ instance_family('candidates.instance_type') }}
            and sized.on_demand_usd_per_hour > candidates.on_demand_usd_per_hour
    where
        sized.is_under_thresholds
        and candidates.vcpu * {{ target }} >= sized.cpu_peak_share * sized.vcpu
        and candidates.memory_gib * {{ target }} >= sized.memory_peak_share * sized.memory_gib
        and (
            sized.accelerators = 0
            or candidates.accelerators * {{ target }}
            >= greatest(coalesce(sized.gpu_peak_share, 0), coalesce(sized.gpu_memory_peak_share, 0)) * sized.accelerators
        )
        and (sized.accelerators = 0 or candidates.accelerators >= 1)

),

fewer_instance_options as (

    select
        variant_key,
        'fewer_instances' as recommendation,
        instance_type as recommended_instance_type,
        instances_needed as recommended_instance_count,
        cast(null as {{ dbt.type_float() }}) as recommended_serverless_memory_mb,
        on_demand_usd_per_hour * {{ hours_per_month }} * instances_needed as recommended_monthly_cost,
        'the peak fits on fewer instances (at least ' || '{{ var("rightsizing_min_instances") }}'
        || ' for Availability Zone redundancy)' as reason
    from sized
    where
        is_under_thresholds
        and instances_needed < instance_count

),

serverless_fits as (

    select
        sized.variant_key,
        sized.invocations,
        min(serverless_prices.memory_size_mb) as memory_size_mb
    from sized
    inner join serverless_prices
        on serverless_prices.memory_size_mb * {{ target }} >= sized.memory_peak_share * sized.memory_gib * 1024
    where
        sized.has_utilization
        and sized.accelerators = 0
        and sized.endpoint_kind = 'single_model'
        and sized.invocations > 0
        and sized.days_observed >= {{ lookback_days }}
        and sized.idle_hour_share >= {{ var('serverless_min_idle_hour_share') }}
    group by
        sized.variant_key,
        sized.invocations

),

serverless_options as (

    select
        serverless_fits.variant_key,
        'serverless' as recommendation,
        cast(null as {{ dbt.type_string() }}) as recommended_instance_type,
        0 as recommended_instance_count,
        serverless_fits.memory_size_mb as recommended_serverless_memory_mb,
        serverless_fits.invocations * {{ hours_per_month }} / ({{ lookback_days }} * 24.0)
        * {{ var('serverless_seconds_per_invocation') }} * serverless_prices.usd_per_second as recommended_monthly_cost,
        'sparse traffic (no invocation in a share of at least ' || '{{ var("serverless_min_idle_hour_share") }}'
        || ' of hours), no GPU, peak memory fits ' || cast(cast(serverless_fits.memory_size_mb as integer) as {{ dbt.type_string() }})
        || ' MB serverless at ' || '{{ var("serverless_seconds_per_invocation") }}' || ' s an invocation' as reason
    from serverless_fits
    inner join serverless_prices on serverless_fits.memory_size_mb = serverless_prices.memory_size_mb

),

options as (

    select * from idle_options
    union all
    select * from smaller_instance_options
    union all
    select * from fewer_instance_options
    union all
    select * from serverless_options

),

ranked_options as (

    select
        options.*,
        sized.current_monthly_cost - options.recommended_monthly_cost as monthly_saving,
        row_number() over (
            partition by options.variant_key
            order by
                case when options.recommendation = 'idle' then 0 else 1 end asc,
                sized.current_monthly_cost - options.recommended_monthly_cost desc,
                options.recommendation asc,
                options.recommended_instance_type asc
        ) as option_rank
    from options
    inner join sized on options.variant_key = sized.variant_key
    where
        options.recommendation = 'idle'
        or sized.current_monthly_cost - options.recommended_monthly_cost > 0

),

best_options as (

    select * from ranked_options
    where option_rank = 1

),

final as (

    select
        sized.account_id,
        sized.region,
        sized.endpoint_name,
        sized.variant_name,
        sized.endpoint_kind,
        sized.instance_type,
        sized.instance_count,
        sized.days_observed,
        100 * sized.cpu_peak_share as cpu_peak_pct,
        100 * sized.memory_peak_share as memory_peak_pct,
        100 * sized.gpu_peak_share as gpu_peak_pct,
        100 * sized.gpu_memory_peak_share as gpu_memory_peak_pct,
        sized.invocations,
        sized.idle_hour_share,
        coalesce(
            best_options.recommendation,
            case
                when not sized.has_utilization then 'no_utilization_data'
                when sized.on_demand_usd_per_hour is null then 'no_price'
                else 'keep'
            end
        ) as recommendation,
        best_options.recommended_instance_type,
        best_options.recommended_instance_count,
        best_options.recommended_serverless_memory_mb,
        sized.current_monthly_cost,
        best_options.recommended_monthly_cost,
        coalesce(best_options.monthly_saving, 0) as monthly_saving,
        coalesce(
            best_options.reason,
            case
                when not sized.has_utilization then 'no instance metrics landed for this variant'
                when sized.on_demand_usd_per_hour is null then 'no price for ' || sized.instance_type || ' in seeds/ml_instance_types.csv'
                when sized.days_observed < {{ lookback_days }} then 'fewer than ' || '{{ lookback_days }}' || ' days of metrics'
                else 'busy enough, or no cheaper option fits the peak'
            end
        ) as reason
    from sized
    left join best_options on sized.variant_key = best_options.variant_key

)

select * from final
