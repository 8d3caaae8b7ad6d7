{#-
    One row per clean dossier (latest version) with what the service-quality rules need.

    Due date (ngày hẹn trả, §6):
      base_due_at = NgayHenTra; when the source has no NgayHenTra, it is derived from the
      procedure's statutory limit N (seed procedures.statutory_days, working days): 17:00
      (var derived_due_hour) of the N-th working day after the reception day (int_working_days:
      the working day whose index is index(reception day) + N; the reception day itself never
      counts, whether received in the morning or at night, on a working day or not; Saturdays,
      Sundays and seed holidays are skipped). Null if the calendar does not reach that far.
      due_at = the latest supplement round's NgayHenTraMoi (highest LanBoSung with a
      NgayHenTraMoi) if any, else base_due_at: the applicant's supplement time is not counted
      because the new appointment replaces the old one.
    End time: int_dossier_end_times (first of statuses 9, 10, 8, 3, 7).
    Agencies (docs/agencies.md): agency_code is the agency the latest version names (DonViXuLy);
    received_agency_code the one that received the dossier (the agency part of its code, Circular
    01/2018 Art. 19, when the catalogue int_agencies knows it; else agency_code), with its last day
    and successor: macro holding_agency gives the agency that held the dossier at any moment.
    Incremental by dossier: a build recomputes the dossiers of stg_one_stop_shop__changed_dossiers.
-#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dossiers() }}") }}
with dossiers as (

    select * from {{ ref('stg_one_stop_shop__dossiers') }}
    where {{ recomputed_dossier('dossier_code') }}

),

procedures as (

    select procedure_code, procedure_name_vi, statutory_days, full_online_eligible, has_result_document
    from {{ ref('procedures') }}

),

statuses as (

    select status_code, is_accepted
    from {{ ref('dossier_statuses') }}

),

channels as (

    select channel_code, is_online
    from {{ ref('submission_channels') }}

),

calendar as (

    select date_day, is_working_day, working_day_index
    from {{ ref('int_working_days') }}

),

supplement_rounds as (

    select
        dossier_code,
        count(*) as supplement_rounds,
        min(requested_at) as first_supplement_requested_at
    from {{ ref('stg_one_stop_shop__supplements') }}
    where {{ recomputed_dossier('dossier_code') }}
    group by dossier_code

),

latest_moved_due as (

    select dossier_code, new_due_at
    from (
        select
            dossier_code,
            new_due_at,
            row_number() over (
                partition by dossier_code
                order by supplement_round desc nulls last, requested_at desc nulls last, new_due_at desc
            ) as round_rank
        from {{ ref('stg_one_stop_shop__supplements') }}
        where new_due_at is not null
          and {{ recomputed_dossier('dossier_code') }}
    ) as moved
    where round_rank = 1

),

fees as (

    select dossier_code, cast(sum(fee_amount_vnd) as bigint) as fee_amount_vnd
    from {{ ref('stg_one_stop_shop__fees') }}
    where {{ recomputed_dossier('dossier_code') }}
    group by dossier_code

),

apologies as (

    select dossier_code, count(*) as apology_count, min(apologized_at) as first_apologized_at
    from {{ ref('stg_one_stop_shop__apologies') }}
    where {{ recomputed_dossier('dossier_code') }}
    group by dossier_code

),

end_times as (

    select dossier_code, end_at, end_status_code, end_source
    from {{ ref('int_dossier_end_times') }}
    where {{ recomputed_dossier('dossier_code') }}

),

derived_due as (

    select
        dossiers.dossier_code,
        {{ add_interval('hour', var('derived_due_hour'), 'cast(due_day.date_day as timestamp)') }} as derived_due_at
    from dossiers
    inner join procedures
        on procedures.procedure_code = dossiers.procedure_code
    inner join calendar as reception_day
        on reception_day.date_day = cast(dossiers.received_at as date)
    inner join calendar as due_day
        on due_day.is_working_day
       and due_day.working_day_index = reception_day.working_day_index + procedures.statutory_days
    where dossiers.appointment_due_at is null

)

select
    dossiers.dossier_code,
    dossiers.procedure_code,
    procedures.procedure_name_vi,
    dossiers.field_code,
    dossiers.agency_code,
    dossiers.agency_name_source,
    coalesce(received_agency.agency_code, dossiers.agency_code) as received_agency_code,
    received_agency.valid_to as received_agency_valid_to,
    received_agency.successor_agency_code as received_agency_successor_code,
    dossiers.status_code,
    coalesce(statuses.is_accepted, false) as is_accepted,
    dossiers.channel_code,
    coalesce(channels.is_online, false) as is_online_channel,
    coalesce(procedures.full_online_eligible, false) as is_full_online_eligible,
    procedures.statutory_days,
    dossiers.applicant_type_code,
    dossiers.applicant_unit_code,
    dossiers.is_applicant_verified,
    dossiers.submitted_at,
    dossiers.received_at,
    dossiers.appointment_due_at,
    derived_due.derived_due_at,
    (dossiers.appointment_due_at is null) as is_due_derived,
    coalesce(dossiers.appointment_due_at, derived_due.derived_due_at) as base_due_at,
    coalesce(latest_moved_due.new_due_at, dossiers.appointment_due_at, derived_due.derived_due_at) as due_at,
    coalesce(supplement_rounds.supplement_rounds, 0) as supplement_rounds,
    supplement_rounds.first_supplement_requested_at,
    end_times.end_at,
    end_times.end_status_code,
    end_times.end_source,
    coalesce(fees.fee_amount_vnd, 0) as fee_amount_vnd,
    (coalesce(fees.fee_amount_vnd, 0) > 0) as is_fee_bearing,
    dossiers.online_payment_code,
    coalesce(dossiers.online_payment_code in (1, 2), false) as is_paid_online,
    coalesce(apologies.apology_count, 0) as apology_count,
    apologies.first_apologized_at,
    dossiers.has_digitised_components,
    dossiers.is_vneid_authenticated,
    dossiers.updated_at
from dossiers
left join procedures
    on procedures.procedure_code = dossiers.procedure_code
left join {{ ref('int_agencies') }} as received_agency
    on received_agency.agency_code = {{ dbt.split_part('dossiers.dossier_code', "'-'", 1) }}
left join statuses
    on statuses.status_code = dossiers.status_code
left join channels
    on channels.channel_code = dossiers.channel_code
left join derived_due
    on derived_due.dossier_code = dossiers.dossier_code
left join supplement_rounds
    on supplement_rounds.dossier_code = dossiers.dossier_code
left join latest_moved_due
    on latest_moved_due.dossier_code = dossiers.dossier_code
left join fees
    on fees.dossier_code = dossiers.dossier_code
left join apologies
    on apologies.dossier_code = dossiers.dossier_code
left join end_times
    on end_times.dossier_code = dossiers.dossier_code
