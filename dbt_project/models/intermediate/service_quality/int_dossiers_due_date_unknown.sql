-- Dossiers whose due date (ngày hẹn trả) cannot be determined, with the reason
-- (int_dossiers_enriched.due_date_unknown_reason): no NgayHenTra and no statutory limit or no
-- reception time, or a day the computation needs outside the working-day calendar. They are
-- counted apart (due_date_unknown) in the service-quality marts and kept out of the on-time rate;
-- listed here for investigation, like the staging quarantine. A view: a filter of that table.
{{ config(materialized='view') }}
select
    due_date_unknown_reason,
    dossier_code,
    agency_code,
    procedure_code,
    statutory_days,
    received_at,
    appointment_due_at,
    supplement_rounds,
    end_at,
    is_accepted,
    updated_at
from {{ ref('int_dossiers_enriched') }}
where due_date_unknown_reason is not null
