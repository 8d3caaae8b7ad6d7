-- Old unit -> successor unit(s) at a reorganisation, of the latest accepted reference file, typed.
select
    cast(effective_date as date) as effective_date,
    {{ clean_text('predecessor_code') }} as predecessor_code,
    {{ clean_text('successor_code') }} as successor_code,
    cast(weight as decimal(9, 6)) as weight,
    {{ clean_text('weight_basis') }} as weight_basis,
    cast(source_line as integer) as source_line,
    {{ landed_batch_columns() }}
from {{ latest_accepted_load(source('admin_units', 'successors')) }} as src
