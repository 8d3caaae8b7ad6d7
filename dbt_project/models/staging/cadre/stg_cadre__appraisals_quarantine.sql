-- Appraisals set aside (rating outside the code list), with the rating as the system wrote it.
select quarantine_reason, person_code, appraisal_year, rating_code, decided_on, snapshot_date, load_id, loaded_at
from {{ ref('stg_cadre__appraisals_validated') }}
where quarantine_reason is not null
