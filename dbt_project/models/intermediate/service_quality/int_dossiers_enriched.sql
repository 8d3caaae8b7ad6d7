{#-
    One row per clean dossier (latest version) with what the service-quality rules need.

    Due date (ngày hẹn trả, docs/definitions.md "Due date"), resolved in this order:
      base_due_at = NgayHenTra; when the source has no NgayHenTra, it is derived from the
      procedure's statutory limit N (seed procedures.statutory_days, working days): 17:00
      (var derived_due_hour) of the N-th working day after the reception day (int_working_days:
      the working day whose index is index(reception day) + N; the reception day itself never
      counts, whether received in the morning or at night, on a working day or not; Saturdays,
      Sundays and the seed's days off are skipped, make-up Saturdays count).
      due_at = the latest supplement round's NgayHenTraMoi (highest LanBoSung with one) if any,
      else base_due_at; then moved by the applicant's supplement time of every supplied round
      after that one that carries no NgayHenTraMoi: the working days in (request day, supply day]
      (macro supplement_working_days), the hour kept. So the applicant's time is never counted,
      whether the source moved the appointment itself or not.
      Unknown (due_at null, due_date_unknown_reason set) when it cannot be determined:
        no_statutory_limit   no NgayHenTra and the procedure has no statutory limit in the catalogue;
        no_reception_time    no NgayHenTra and no NgayTiepNhan to count from;
        outside_calendar     a day the computation needs (reception, supplement, due day) is outside
                             int_working_days (vars calendar_start / calendar_end): extend the calendar.
      Such a dossier is neither on time nor late (int_dossier_period_status), listed in
      int_dossiers_due_date_unknown.
    End time: int_dossier_end_times (first of statuses 9, 10, 8, 3, 7).
    Agencies (docs/agencies.md): agency_code is the agency the latest version names (DonViXuLy);
    received_agency_code the one that received the dossier (the agency part of its code, Circular
    01/2018 Art. 19, when the catalogue int_agencies knows it; else agency_code), with its last day
    and successor: macro holding_agency gives the agency that held the dossier at any moment.
    Incremental by dossier: a build recomputes the dossiers of stg_one_stop_shop__changed_dossiers.
-#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dossiers() }}") }}
-- Built after the votes and feedback, whose pre-hooks read the dossiers this table held (note_event_periods,
-- macros/period_increments.sql):
-- depends_on: {{ ref('stg_one_stop_shop__votes') }}
-- depends_on: {{ ref('stg_one_stop_shop__feedback') }}
with dossiers as (

    select * from {{ ref('stg_one_stop_shop__dossiers') }}
    where {{ recomputed_dossier('dossier_code') }}

),

procedures as (

    select procedure_code, procedure_name_vi, statutory_days, full_online_eligible, has_result_document
    from {{ ref('int_procedures') }}

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

rounds as (

    select dossier_code, supplement_round, requested_at, supplied_at, new_due_at
    from {{ ref('stg_one_stop_shop__supplements') }}
    where {{ recomputed_dossier('dossier_code') }}

),

supplement_rounds as (

    select
        dossier_code,
        count(*) as supplement_rounds,
        min(requested_at) as first_supplement_requested_at
    from rounds
    group by dossier_code

),

latest_moved_due as (

    select dossier_code, supplement_round, new_due_at
    from (
        select
            dossier_code,
            supplement_round,
            new_due_at,
            row_number() over (
                partition by dossier_code
                order by supplement_round desc nulls last, requested_at desc nulls last, new_due_at desc
            ) as round_rank
        from rounds
        where new_due_at is not null
    ) as moved
    where round_rank = 1

),

{# supplied rounds after the latest moved appointment that carry no NgayHenTraMoi: their
    applicant's time moves the due date -#}
unmoved_supplement_time as (

    select
        rounds.dossier_code,
        sum({{ supplement_working_days() }}) as supplement_working_days,
        sum(case when {{ supplement_working_days() }} is null then 1 else 0 end)
            as rounds_outside_calendar
    from rounds
    left join latest_moved_due
        on latest_moved_due.dossier_code = rounds.dossier_code
    {{ supplement_day_joins('rounds') }}
    where
        rounds.new_due_at is null
        and rounds.requested_at is not null
        and rounds.supplied_at is not null
        and (latest_moved_due.dossier_code is null or rounds.supplement_round > latest_moved_due.supplement_round)
    group by rounds.dossier_code

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
        {{ dbt.dateadd('hour', var('derived_due_hour'), 'cast(due_day.date_day as timestamp)') }} as derived_due_at
    from dossiers
    inner join procedures
        on procedures.procedure_code = dossiers.procedure_code
    inner join calendar as reception_day
        on reception_day.date_day = cast(dossiers.received_at as date)
    inner join calendar as due_day
        on
            due_day.is_working_day
            and due_day.working_day_index = reception_day.working_day_index + procedures.statutory_days
    where dossiers.appointment_due_at is null

),

anchored as (

    select
        dossiers.dossier_code,
        coalesce(latest_moved_due.new_due_at, dossiers.appointment_due_at, derived_due.derived_due_at) as anchor_due_at,
        unmoved_supplement_time.supplement_working_days,
        coalesce(unmoved_supplement_time.rounds_outside_calendar, 0) as rounds_outside_calendar,
        case
            when latest_moved_due.new_due_at is not null or dossiers.appointment_due_at is not null then null
            when dossiers.received_at is null then 'no_reception_time'
            when procedures.statutory_days is null then 'no_statutory_limit'
            when derived_due.derived_due_at is null then 'outside_calendar'
        end as base_unknown_reason
    from dossiers
    left join procedures
        on procedures.procedure_code = dossiers.procedure_code
    left join derived_due
        on derived_due.dossier_code = dossiers.dossier_code
    left join latest_moved_due
        on latest_moved_due.dossier_code = dossiers.dossier_code
    left join unmoved_supplement_time
        on unmoved_supplement_time.dossier_code = dossiers.dossier_code

),

shifted_due as (

    select
        anchored.dossier_code,
        {{ moved_due('anchored.anchor_due_at') }} as shifted_due_at
    from anchored
    {{ moved_due_joins('anchored.anchor_due_at', 'anchored.supplement_working_days') }}
    where
        anchored.supplement_working_days > 0
        and anchored.rounds_outside_calendar = 0

),

due_dates as (

    select
        anchored.dossier_code,
        case
            when anchored.base_unknown_reason is not null or anchored.rounds_outside_calendar > 0 then null
            when coalesce(anchored.supplement_working_days, 0) = 0 then anchored.anchor_due_at
            else shifted_due.shifted_due_at
        end as due_at,
        case
            when anchored.base_unknown_reason is not null then anchored.base_unknown_reason
            when anchored.rounds_outside_calendar > 0 then 'outside_calendar'
            when coalesce(anchored.supplement_working_days, 0) > 0 and shifted_due.shifted_due_at is null
                then 'outside_calendar'
        end as due_date_unknown_reason
    from anchored
    left join shifted_due
        on shifted_due.dossier_code = anchored.dossier_code

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
    due_dates.due_at,
    due_dates.due_date_unknown_reason,
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
left join due_dates
    on due_dates.dossier_code = dossiers.dossier_code
left join fees
    on fees.dossier_code = dossiers.dossier_code
left join apologies
    on apologies.dossier_code = dossiers.dossier_code
left join end_times
    on end_times.dossier_code = dossiers.dossier_code
