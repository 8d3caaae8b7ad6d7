{{ config(severity='warn') }}
{#- Every grade of the PAR ranking is one of the known grades (seed par_ranking_grade_labels). A row
    listed here has no grade code: T01 and T03 count it as "grade unknown" in their detail instead
    of judging it; add its spelling to the seed (or correct the file) and rebuild. -#}
select ranking_year, agency_code, grade_name_vi, quarantine_reason
from {{ ref('stg_par_ranking__rankings_quarantine') }}
