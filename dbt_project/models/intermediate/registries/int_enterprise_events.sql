{#-
    Registrations (thành lập mới) and dissolutions (giải thể) of enterprises, each at the
    commune-level unit of the head office on its date (for a registration: the commune registered;
    for a dissolution: the commune the registry recorded with the change), with that unit's
    district and province. unit_key is null when the code is not a commune-level unit in force on
    that date in the reference file (a data test warns).
-#}
with events as (

    select
        enterprise_code,
        'registration' as event_type,
        registered_on as event_on,
        registration_unit_code as unit_code,
        is_registered_online
    from {{ ref('stg_business_registry__enterprises') }}

    union all

    select
        changes.enterprise_code,
        'dissolution' as event_type,
        changes.effective_on as event_on,
        changes.head_office_unit_code as unit_code,
        cast(null as boolean) as is_registered_online
    from {{ ref('stg_business_registry__status_changes') }} as changes
    inner join {{ ref('enterprise_statuses') }} as statuses
        on statuses.status_code = changes.status_code
    where statuses.is_dissolved

)

select
    events.enterprise_code,
    events.event_type,
    events.event_on,
    cast({{ dbt.date_trunc('month', 'events.event_on') }} as date) as month_start,
    events.unit_code,
    events.is_registered_online,
    units.unit_key,
    units.district_unit_key,
    units.province_unit_key
from events
left join {{ ref('dim_admin_unit') }} as units
    on
        units.unit_code = events.unit_code
        and units.unit_level = 'commune'
        and {{ in_force_on('units', 'events.event_on') }}
