{#-
    One row per dossier received (accepted: docs/definitions.md, "Received"), in the month of its reception, with the
    applicant's commune-level unit (MaDonViHanhChinhChuHoSo) and whether the applicant, if a
    citizen, was verified against the population database (DuocXacThucCSDLDanCu), and whether it
    came online (is_online_channel) for a procedure eligible for full-online (is_full_online_eligible).

    applicant_unit_key: the version of the applicant's code in force on the submission day.
    unit_key: the version the dossier counts for in its reception month, which is the applicant's
    version when it is still in force on that month's first day; for a dossier submitted before a
    reorganisation and received after it, the version's successor with the largest share
    (int_admin_unit_rebase_weights; then the lowest key), so that it is counted once, in a unit in force.
    Both are null when the code is missing or is no commune-level unit on the submission day
    (a data test warns): such a dossier counts for no unit (the agencies' view of the same
    dossiers, which needs no applicant's unit, is mart_service_per_capita).
-#}
with dossiers as (

    select
        dossier_code,
        applicant_unit_code,
        applicant_type_code,
        is_applicant_verified,
        is_online_channel,
        is_full_online_eligible,
        submitted_at,
        received_at,
        cast({{ dbt.date_trunc('month', 'received_at') }} as date) as month_start
    from {{ ref('int_dossiers_enriched') }}
    where
        received_at is not null
        and is_accepted

),

with_applicant_unit as (

    select
        dossiers.*,
        units.unit_key as applicant_unit_key,
        units.valid_to as applicant_unit_valid_to
    from dossiers
    left join {{ ref('dim_admin_unit') }} as units
        on
            units.unit_code = dossiers.applicant_unit_code
            and units.unit_level = 'commune'
            and {{ in_force_on('units', 'cast(dossiers.submitted_at as date)') }}

),

successors as (

    select
        unit_key,
        current_unit_key,
        row_number() over (partition by unit_key order by weight desc, current_unit_key asc) as successor_rank
    from {{ ref('int_admin_unit_rebase_weights') }}
    where steps > 0

)

select
    applicants.dossier_code,
    applicants.month_start,
    applicants.received_at,
    applicants.submitted_at,
    applicants.applicant_unit_code,
    applicants.applicant_unit_key,
    case
        when
            applicants.applicant_unit_valid_to is null
            or applicants.applicant_unit_valid_to >= applicants.month_start
            then applicants.applicant_unit_key
        else successors.current_unit_key
    end as unit_key,
    (applicants.applicant_type_code = 1) as is_citizen_applicant,
    case when applicants.applicant_type_code = 1 then applicants.is_applicant_verified end as is_applicant_verified,
    applicants.is_online_channel,
    applicants.is_full_online_eligible
from with_applicant_unit as applicants
left join successors
    on
        successors.unit_key = applicants.applicant_unit_key
        and successors.successor_rank = 1
