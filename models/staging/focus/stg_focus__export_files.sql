-- Every file of the billing exports (<landing>/focus/, <landing>/cur2/) with whether it counts
-- and why (the AWS Data Exports manifests decide; see base_focus__export_files).
with

export_files as (

    select * from {{ ref('base_focus__export_files') }}

),

final as (

    select
        export_format,
        source_file,
        file_format,
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
        modified_at
    from export_files

)

select * from final
