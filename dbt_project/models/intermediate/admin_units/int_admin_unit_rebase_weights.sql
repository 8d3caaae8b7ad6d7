{#-
    Each unit version -> the current unit(s) its figures belong to today, with the share (weight)
    of its figures that goes to each: a current unit maps to itself (1); a unit that ended maps to
    its successors (the reference file's weights); a successor that itself ended later maps on
    (weights multiply). Two reorganisations deep; a third needs one more step here.
    Levels without successors (the district level, abolished on 2025-07-01) have no row.
-#}
with units as (

    select unit_key, unit_code, valid_from, valid_to, is_current from {{ ref('dim_admin_unit') }}

),

steps as (

    -- one reorganisation: the version that ended the day before -> the version starting that day
    select
        predecessor.unit_key as from_unit_key,
        successor.unit_key as to_unit_key,
        successor.is_current as to_is_current,
        mapping.weight
    from {{ ref('stg_admin_units__successors') }} as mapping
    inner join units as predecessor
        on
            predecessor.unit_code = mapping.predecessor_code
            and predecessor.valid_to = cast({{ dbt.dateadd('day', -1, 'mapping.effective_date') }} as date)
    inner join units as successor
        on
            successor.unit_code = mapping.successor_code
            and successor.valid_from = mapping.effective_date

)

select unit_key, unit_key as current_unit_key, cast(1 as decimal(9, 6)) as weight, 0 as steps
from units
where is_current

union all

select from_unit_key, to_unit_key, weight, 1
from steps
where to_is_current

union all

select
    first_step.from_unit_key, second_step.to_unit_key,
    cast(first_step.weight * second_step.weight as decimal(9, 6)), 2
from steps as first_step
inner join steps as second_step on second_step.from_unit_key = first_step.to_unit_key
where second_step.to_is_current
