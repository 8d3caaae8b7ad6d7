-- The handling agencies (đơn vị xử lý hồ sơ) for analysts: one row per agency with its names, level,
-- parent, district, administrative unit and validity (int_agencies, docs/agencies.md).
select
    cast(agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(agency_name_vi as {{ dbt.type_string() }}) as agency_name_vi,
    cast(agency_name_en as {{ dbt.type_string() }}) as agency_name_en,
    cast(agency_level as {{ dbt.type_string() }}) as agency_level,
    cast(parent_agency_code as {{ dbt.type_string() }}) as parent_agency_code,
    cast(district_name_vi as {{ dbt.type_string() }}) as district_name_vi,
    cast(unit_code as {{ dbt.type_string() }}) as unit_code,
    cast(valid_from as date) as valid_from,
    cast(valid_to as date) as valid_to,
    valid_to is null as is_in_force,
    cast(successor_agency_code as {{ dbt.type_string() }}) as successor_agency_code,
    is_synthetic,
    cast(confidence as {{ dbt.type_string() }}) as confidence
from {{ ref('int_agencies') }}
