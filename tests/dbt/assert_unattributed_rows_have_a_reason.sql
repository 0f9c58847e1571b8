-- Every dollar without a team says why.
select
    allocation_id,
    team,
    unattributed_reason
from {{ ref('fct_ml_costs') }}
where team = 'unattributed' and unattributed_reason is null
