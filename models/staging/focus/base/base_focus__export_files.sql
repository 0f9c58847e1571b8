{{ config(enabled=python_twin_enabled(), materialized='table') }}
-- The SQL twin of base_focus__export_files.py (docs/engines.md "Python models"): the same
-- selection, made by the same Python (ml_cost_exports.catalog) in `ml-cost-export-catalog`
-- before dbt runs, for engines where dbt cannot run Python models.
with

export_files as (

    select * from {{ export_catalog_relation('export_files') }}

),

final as (

    select
        file_path,
        source_file,
        file_format,
        export_format,
        export_name,
        billing_period,
        delivery_key,
        execution_id,
        delivered_at,
        manifest_file,
        is_selected,
        reason,
        warning,
        size_bytes,
        modified_at,
        delivery_signature
    from export_files

)

select * from final
