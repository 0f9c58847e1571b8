-- noqa: disable=LT02
{#-
    Var savings_plan_unused_chargeback (docs/optimisation.md): the unused commitment of a
    Savings Plan in a charge period is split over the attribution keys of the usage the same
    plan covered in that period, in proportion to the covered usage's effective cost (what each
    used of the commitment). Each part is an allocation row with allocation_method
    savings_plan_chargeback and key sources savings_plan_chargeback; the parts sum back to the
    unused row (split_cost's remainder row), so conservation holds. A period in which the plan
    covered nothing keeps its unused row as it was (unattributed, with its reason).
    Renders CTEs ending with chargeback_applied: the rows of `attributed` with those unused
    rows replaced by their parts, in the column order of `attributed` (allocation_columns, the
    columns of the allocation rows, then the attribution keys' columns and context_id).
-#}
{% macro savings_plan_chargeback_ctes(attributed, allocation_columns) -%}
    {%- set keys = attribution_keys() -%}
    {%- set allocated = allocation_columns -%}
    {%- set overrides = {
        'allocation_target': "'savings_plan_chargeback:' || covered_weights.keys_id",
        'allocation_method': "'savings_plan_chargeback'",
        'allocation_share': weight_share('covered_weights.covered_cost', 'unused.allocation_id'),
        'is_remainder_row': 'row_number() over (partition by unused.allocation_id order by covered_weights.keys_id desc) = 1',
    } -%}
    {%- set key_columns = [] -%}
    {%- for key in keys -%}
        {%- do key_columns.extend([key.column, key.column ~ '_source', key.column ~ '_in_billing', key.column ~ '_on_resource']) -%}
    {%- endfor -%}
    {%- set all_columns = allocated + key_columns + ['context_id'] -%}

covered_weights as (

    select
        commitment_discount_id,
        charge_period_start,
        {{ keys | map(attribute='column') | join(" || '|' || ") }} as keys_id,
        {%- for key in keys %}
            {{ key.column }},
        {%- endfor %}
        sum(effective_cost) as covered_cost
    from {{ attributed }}
    where commitment_discount_status = 'Used'
    group by
        {%- for key in keys %}
            {{ key.column }},
        {%- endfor %}
        commitment_discount_id,
        charge_period_start

),

chargeback_weighted as (

    select
        {%- for column in all_columns %}
            {%- if column in overrides %}
                {{ overrides[column] }} as {{ column }},
            {%- elif column.endswith('_source') and column[:-7] in keys | map(attribute='column') | list %}
                'savings_plan_chargeback' as {{ column }},
            {%- elif column in keys | map(attribute='column') | list %}
                covered_weights.{{ column }},
            {%- elif column.endswith('_in_billing') or column.endswith('_on_resource') %}
                false as {{ column }},
            {%- else %}
                unused.{{ column }},
            {%- endif %}
        {%- endfor %}
        unused.allocation_id as source_allocation_id
    from {{ attributed }} as unused
    inner join covered_weights
        on
            unused.commitment_discount_id = covered_weights.commitment_discount_id
            and unused.charge_period_start = covered_weights.charge_period_start
    where unused.cost_category = 'savings_plan_unused'

),

charged_back as (

    select
        {%- for column in all_columns %}
            {%- if column in ['effective_cost', 'billed_cost', 'list_cost'] %}
                {{ split_cost(column, 'allocation_share', 'source_allocation_id', 'is_remainder_row') }}
            {%- elif column == 'allocation_id' %}
                {{ md5_hex("charge_id || '#' || allocation_target") }}
            {%- else %}
                {{ column }}
            {%- endif %} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from chargeback_weighted

),

charged_back_ids as (

    select distinct source_allocation_id as allocation_id
    from chargeback_weighted

),

chargeback_applied as (

    select
        {%- for column in all_columns %}
            kept.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ attributed }} as kept
    left join charged_back_ids on kept.allocation_id = charged_back_ids.allocation_id
    where charged_back_ids.allocation_id is null
    union all
    select
        {%- for column in all_columns %}
            {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from charged_back

),
{%- endmacro %}
