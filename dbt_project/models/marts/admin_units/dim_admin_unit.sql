{#-
    Administrative units (đơn vị hành chính), one row per unit version, from the reference file.
    unit_key = unit_code@valid_from names a version (a code may be reused by a later version, as
    Khánh Hòa's 56 is by the merged province). The parent, district and province keys are the
    versions in force on the day the unit starts; units are at most three levels deep
    (province > district > commune), and since 1 July 2025 two (province > commune).
-#}
with units as (

    select
        units.unit_code || '@' || cast(units.valid_from as {{ dbt.type_string() }}) as unit_key,
        units.*
    from {{ ref('stg_admin_units__units') }} as units

),

with_parent as (

    select
        child.*,
        parent.unit_key as parent_unit_key,
        parent.unit_level as parent_unit_level,
        parent.parent_unit_code as grandparent_unit_code
    from units as child
    left join units as parent
        on
            parent.unit_code = child.parent_unit_code
            and {{ in_force_on('parent', 'child.valid_from') }}

),

with_grandparent as (

    select
        with_parent.*,
        grandparent.unit_key as grandparent_unit_key
    from with_parent
    left join units as grandparent
        on
            grandparent.unit_code = with_parent.grandparent_unit_code
            and {{ in_force_on('grandparent', 'with_parent.valid_from') }}

)

select
    unit_key,
    unit_code,
    gso_code,
    unit_name_vi,
    unit_name_en,
    unit_type,
    unit_level,
    parent_unit_code,
    parent_unit_key,
    case
        when unit_level = 'district' then unit_key
        when parent_unit_level = 'district' then parent_unit_key
    end as district_unit_key,
    case
        when unit_level = 'province' then unit_key
        when parent_unit_level = 'province' then parent_unit_key
        else grandparent_unit_key
    end as province_unit_key,
    valid_from,
    valid_to,
    (valid_to is null) as is_current,
    is_synthetic,
    note,
    load_id
from with_grandparent
