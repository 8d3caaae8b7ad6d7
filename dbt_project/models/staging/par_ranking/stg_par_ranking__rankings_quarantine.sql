-- Ranking rows whose grade is not in the code list (seed par_ranking_grade_labels) or missing, with the
-- grade as written: no target reads their grade (T01 and T03 count them apart), and the warn test
-- par_ranking_grades_known names them.
select
    case when grade_name_vi is null then 'missing_grade' else 'unknown_grade' end as quarantine_reason,
    ranking_year, agency_code, agency_name_source, grade_name_vi, file_name, load_id, loaded_at
from {{ ref('stg_par_ranking__rankings') }}
where grade_code is null
