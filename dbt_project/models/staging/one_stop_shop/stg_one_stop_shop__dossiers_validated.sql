{#-
    The latest version of each dossier, typed and cleaned, with the row rules applied ONCE:
    quarantine_reason is null for a clean row, else the first rule it fails (in this order):
      invalid_dossier_code        MaHoSo missing or not matching var dossier_code_pattern
      unparseable_reception_date  NgayTiepNhan present but not a yyyyMMddHHmmss date, or missing
                                  on a dossier whose status says it was accepted
      unknown_procedure_code      MaTTHC neither in the procedure catalogue nor in the procedures seed
      unknown_agency_code         DonViXuLy missing or not in the agency catalogue (int_agencies:
                                  the seed agencies and the commune committees of the unit file)
      end_before_reception        NgayKetThucXuLy or NgayTra before NgayTiepNhan
    stg_one_stop_shop__dossiers keeps the clean rows, stg_one_stop_shop__dossiers_quarantine the others.
    Incremental by dossier (macros/dossier_increments.sql); the rules are applied again every night
    to the quarantined rows and to the rows whose procedure left the seed, so a procedure added to
    the seed (an agency added to the catalogue) releases its dossiers. A change of the code pattern or of the statuses seed needs a
    `--full-refresh` of this model.
-#}
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_recomputed_dossiers() }}") }}
with typed as (

    select * from {{ versions_to_recompute(ref('stg_one_stop_shop__dossier_versions')) }} as recomputed

),

ranked as (

    select
        typed.*,
        case
            when typed.dossier_code is null then 1
            else row_number() over (
                partition by typed.dossier_code
                order by typed.updated_at desc nulls last, typed.loaded_at desc, typed.load_id desc, typed.page desc
            )
        end as version_rank
    from typed

),

procedures as (

    select known.procedure_code from {{ known_procedure_codes() }} as known

),

statuses as (

    select status_code, is_accepted from {{ ref('dossier_statuses') }}

),

agencies as (

    select agency_code from {{ ref('int_agencies') }}

)

select
    ranked.dossier_code,
    ranked.dossier_code_raw,
    ranked.procedure_code,
    ranked.field_code,
    ranked.channel_code,
    ranked.is_channel_missing,
    ranked.applicant_name_hash,
    ranked.applicant_id_hash,
    ranked.applicant_type_code,
    ranked.applicant_unit_code,
    ranked.is_applicant_verified,
    ranked.submitted_at,
    ranked.received_at,
    ranked.received_at_raw,
    ranked.appointment_due_at,
    ranked.processing_ended_at,
    ranked.result_returned_at,
    ranked.refused_at,
    ranked.status_code,
    ranked.agency_code,
    ranked.agency_name_source,
    ranked.has_digitised_components,
    ranked.is_vneid_authenticated,
    ranked.online_payment_code,
    ranked.synced_at,
    ranked.updated_at,
    ranked.load_id,
    ranked.loaded_at,
    case
        when
            ranked.dossier_code is null
            or not {{ regex_full_match('ranked.dossier_code', var('dossier_code_pattern')) }}
            then 'invalid_dossier_code'
        when
            ranked.received_at is null
            and (ranked.received_at_raw is not null or coalesce(statuses.is_accepted, true))
            then 'unparseable_reception_date'
        when procedures.procedure_code is null
            then 'unknown_procedure_code'
        when agencies.agency_code is null
            then 'unknown_agency_code'
        when
            ranked.processing_ended_at < ranked.received_at
            or ranked.result_returned_at < ranked.received_at
            then 'end_before_reception'
    end as quarantine_reason
from ranked
left join procedures
    on procedures.procedure_code = ranked.procedure_code
left join statuses
    on statuses.status_code = ranked.status_code
left join agencies
    on agencies.agency_code = ranked.agency_code
where ranked.version_rank = 1
