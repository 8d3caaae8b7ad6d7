-- Appraisals with a rating of the code list (rules: stg_cadre__appraisals_validated).
select person_code, appraisal_year, rating_code, decided_on, snapshot_date, load_id, loaded_at
from {{ ref('stg_cadre__appraisals_validated') }}
where quarantine_reason is null
