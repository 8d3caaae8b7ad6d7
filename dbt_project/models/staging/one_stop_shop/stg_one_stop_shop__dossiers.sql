-- The clean latest version of each dossier: the rows of the validated model that pass every row rule.
-- A view: a filter of the validated table, which every reader scans anyway (no copy of a million rows).
{{ config(materialized='view') }}
select
    dossier_code,
    procedure_code,
    field_code,
    channel_code,
    is_channel_missing,
    applicant_name_hash,
    applicant_id_hash,
    applicant_type_code,
    applicant_unit_code,
    is_applicant_verified,
    submitted_at,
    received_at,
    appointment_due_at,
    processing_ended_at,
    result_returned_at,
    refused_at,
    status_code,
    agency_code,
    agency_name_source,
    has_digitised_components,
    is_vneid_authenticated,
    online_payment_code,
    synced_at,
    updated_at,
    load_id,
    loaded_at
from {{ ref('stg_one_stop_shop__dossiers_validated') }}
where quarantine_reason is null
