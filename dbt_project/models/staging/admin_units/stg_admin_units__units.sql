-- Administrative unit versions of the latest accepted reference file, typed.
select
    {{ clean_text('unit_code') }} as unit_code,
    {{ clean_text('gso_code') }} as gso_code,
    {{ clean_text('unit_name_vi') }} as unit_name_vi,
    {{ clean_text('unit_name_en') }} as unit_name_en,
    {{ clean_text('unit_type') }} as unit_type,
    {{ clean_text('unit_level') }} as unit_level,
    {{ clean_text('parent_unit_code') }} as parent_unit_code,
    cast(valid_from as date) as valid_from,
    cast(valid_to as date) as valid_to,
    (lower(is_synthetic) = 'true') as is_synthetic,
    {{ clean_text('note') }} as note,
    cast(source_line as integer) as source_line,
    {{ landed_batch_columns() }}
from {{ latest_accepted_load(source('admin_units', 'units')) }} as src
