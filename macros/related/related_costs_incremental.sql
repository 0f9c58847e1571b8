-- noqa: disable=LT02
{#-
    int_related_costs_linked is incremental by charge day for its S3 and CloudWatch rows and by
    billing period for its ECR rows (docs/performance.md "Incremental runs"):
      - an S3 row's split depends on the landed bucket references only, and a CloudWatch row's on
        the attributed usage of its own day, so both are rebuilt when their day's version
        (charge_day_version) changes;
      - an ECR row's split depends on which models had cost in the whole billing period, so the
        ECR rows of a period are rebuilt when the period's version (billing_period_version,
        which changes with any of its days) changes: one more day rebuilds the open month's
        ECR rows and that day's other rows, nothing else.
    Spark rebuilds whole billing periods (insert_overwrite), as for the other incremental models:
    a period with any changed day version is dropped and rebuilt, ECR and the rest.
-#}

{#- Pre-hook of int_related_costs_linked: delete the rows of changed days, and the ECR rows of changed periods. -#}
{% macro delete_stale_related_costs() -%}
    {{ return(adapter.dispatch('delete_stale_related_costs', 'ml_cost')()) }}
{%- endmacro %}

{% macro default__delete_stale_related_costs() -%}
    {%- if is_incremental() -%}
        {%- set charge_days = ref('stg_focus__charge_days') -%}
        delete from {{ this }}
        where
            charge_day_version not in (select charge_days.charge_day_version from {{ charge_days }} as charge_days)
            or (
                related_service = 'ecr'
                and billing_period_version not in (select charge_days.billing_period_version from {{ charge_days }} as charge_days)
            )
            {%- if var('reprocess_from', none) %}
                or charge_day_version in (
                    select charge_days.charge_day_version
                    from {{ charge_days }} as charge_days
                    where charge_days.charge_date >= cast('{{ var("reprocess_from") }}' as date)
                )
                or (
                    related_service = 'ecr'
                    and billing_period in (
                        select charge_days.billing_period
                        from {{ charge_days }} as charge_days
                        where charge_days.charge_date >= cast('{{ var("reprocess_from") }}' as date)
                    )
                )
            {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- Spark: drop the partitions (billing periods) with any changed day version. -#}
{% macro spark__delete_stale_related_costs() -%}
    {{ spark__delete_stale_charge_days('day') }}
{%- endmacro %}

{#-
    Filter on int_related_charges_isolated: the related rows this model does not hold yet (their
    day's version is not held, or they are ECR rows of a period whose ECR rows are not current).
-#}
{% macro related_costs_to_process(relation_alias=none) -%}
    {{ return(adapter.dispatch('related_costs_to_process', 'ml_cost')(relation_alias)) }}
{%- endmacro %}

{% macro default__related_costs_to_process(relation_alias) -%}
    {#- referenced on every run, so dbt knows the dependency when it parses the model -#}
    {%- set charge_days = ref('stg_focus__charge_days') -%}
    {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
    {%- if not is_incremental() -%}
        true
    {%- else -%}
        (
            {{ p }}charge_day_version not in (select distinct built.charge_day_version from {{ this }} as built)
            or ({{ p }}related_service = 'ecr' and {{ p }}billing_period in ({{ related_ecr_periods_to_process() }}))
        )
    {%- endif -%}
{%- endmacro %}

{#- Subquery: the billing periods whose ECR rows this model does not hold at the period's current version. -#}
{% macro related_ecr_periods_to_process() -%}
    select charge_days.billing_period
    from {{ ref('stg_focus__charge_days') }} as charge_days
    where
        charge_days.billing_period_version not in (
            select distinct built.billing_period_version
            from {{ this }} as built
            where built.related_service = 'ecr'
        )
{%- endmacro %}

{#-
    DuckDB: the exact condition, and before it a constant lower bound on charge_date
    (related_costs_first_day), which the scan of int_charges_scoped under the related rows takes
    as a table filter: its row groups of earlier days are skipped, where the exact condition
    (subqueries on this model) is a join over every related row of every period. With nothing to
    process, a condition that is false.
-#}
{% macro duckdb__related_costs_to_process(relation_alias) -%}
    {#- referenced on every run, so dbt knows the dependency of the bound's query when it parses the model -#}
    {%- set charges = ref('int_charges_scoped') -%}
    {%- set exact = default__related_costs_to_process(relation_alias) -%}
    {%- if not is_incremental() -%}
        {{ exact }}
    {%- else -%}
        {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
        {%- set first_day = related_costs_first_day() -%}
        {%- if first_day is none -%}
            1 = 0
        {%- else -%}
            ({{ p }}charge_date >= cast('{{ first_day }}' as date) and {{ exact }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#-
    The first charge day int_related_costs_linked has to process (none: nothing to process), read
    when the model compiles, from the columns of int_charges_scoped a scan reads cheaply: the
    related rows of the days whose version the model does not hold, of the periods whose ECR rows
    are not current (ECR rows only, related_service_of), and with var reprocess_from the periods
    from then on (the pre-hook, which runs later, deletes them). Every row the exact condition
    selects is among these, so the bound never drops one; an ECR row of a repository no model
    references only makes the bound earlier than it needs to be.
-#}
{% macro related_costs_first_day() -%}
    {%- set charge_days = ref('stg_focus__charge_days') -%}
    {%- set query -%}
        select cast(min(charges.charge_date) as varchar)
        from {{ ref('int_charges_scoped') }} as charges
        where
            charges.is_related_service
            and (
                charges.charge_day_version in (
                    select charge_days.charge_day_version
                    from {{ charge_days }} as charge_days
                    where charge_days.charge_day_version not in (select distinct built.charge_day_version from {{ this }} as built)
                )
                or ({{ related_service_of('charges') }} = 'ecr' and charges.billing_period in ({{ related_ecr_periods_to_process() }}))
                {%- if var('reprocess_from', none) %}
                    or charges.billing_period in (
                        select charge_days.billing_period
                        from {{ charge_days }} as charge_days
                        where charge_days.charge_date >= cast('{{ var("reprocess_from") }}' as date)
                    )
                {%- endif %}
            )
    {%- endset -%}
    {{ return(query_values(query)[0]) }}
{%- endmacro %}

{#- Spark: the whole billing periods with any changed day version, as literals. -#}
{% macro spark__related_costs_to_process(relation_alias) -%}
    {{ spark__charge_days_to_process('day', relation_alias) }}
{%- endmacro %}
