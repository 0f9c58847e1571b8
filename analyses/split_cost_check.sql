-- The split macros on an input table split_input(charge_id, allocation_target, cost, weight):
-- compiled by the property-based tests (tests/python/test_split_properties.py), which
-- run the compiled SQL on random weights and costs.
with

weighted as (

    select
        charge_id,
        allocation_target,
        cost,
        {{ weight_share('weight', 'charge_id') }} as allocation_share,
        row_number() over (partition by charge_id order by allocation_target desc) = 1 as is_remainder_row
    from split_input

),

final as (

    select
        charge_id,
        allocation_target,
        allocation_share,
        {{ split_cost('cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as allocated_cost
    from weighted

)

select * from final
