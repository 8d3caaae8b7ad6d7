-- Dossiers whose latest version fails a row rule (rules: stg_one_stop_shop__dossiers_validated),
-- kept with the raw code and reception string and the reason, for investigation and counting.
-- A view: a filter of the validated table.
{{ config(materialized='view') }}
select
    quarantine_reason,
    dossier_code,
    dossier_code_raw,
    procedure_code,
    received_at_raw,
    received_at,
    processing_ended_at,
    result_returned_at,
    status_code,
    agency_code,
    updated_at,
    load_id,
    loaded_at
from {{ ref('stg_one_stop_shop__dossiers_validated') }}
where quarantine_reason is not null
