with

renamed as (

    {{ focus_charge_rows() }}

)

select * from renamed
