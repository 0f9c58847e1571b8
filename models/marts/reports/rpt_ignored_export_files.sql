-- Files of the billing exports that do not count, with the reason: superseded deliveries,
-- stale chunks no manifest lists, hidden and marker files, the export not read when FOCUS
-- and CUR 2.0 are both landed. Nothing is dropped silently.
with

export_files as (

    select * from {{ ref('stg_focus__export_files') }}

),

final as (

    select
        export_format,
        source_file,
        export_name,
        billing_period,
        delivery_key,
        manifest_file,
        reason,
        size_bytes,
        modified_at
    from export_files
    where not is_selected

)

select * from final
