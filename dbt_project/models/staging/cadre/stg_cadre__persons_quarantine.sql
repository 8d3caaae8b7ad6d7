-- Employment records set aside by a row rule (rules: stg_cadre__persons_validated), with the reason.
select
    quarantine_reason,
    person_code,
    agency_code,
    category_code,
    started_on,
    ended_on,
    snapshot_date,
    load_id,
    loaded_at
from {{ ref('stg_cadre__persons_validated') }}
where quarantine_reason is not null
