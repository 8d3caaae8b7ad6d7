-- The clean employment records of the latest cadre snapshot (rules: stg_cadre__persons_validated).
select
    person_code,
    official_key,
    name_key,
    account_keys,
    id_number_hash,
    agency_code,
    unit_name,
    category_code,
    level,
    title,
    is_budget_paid,
    meets_title_standard,
    standard_met_on,
    started_on,
    ended_on,
    leadership_position,
    snapshot_date,
    load_id,
    loaded_at
from {{ ref('stg_cadre__persons_validated') }}
where quarantine_reason is null
