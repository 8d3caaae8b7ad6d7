{#-
    The 766 on-time rule (Decision 766/QĐ-TTg indicator 2.1; docs/definitions.md), judged AS OF each
    reporting period's end: one row per (dossier, period) for the dossiers that matter in the
    period, i.e. received in it, finished in it, or pending at its end.

    Dossiers considered: clean dossiers with a reception time (NgayTiepNhan) that were accepted
    (status not 1 "new" / 3 "not accepted", seed dossier_statuses.is_accepted): a dossier refused at
    the counter was never received, so it is neither finished nor pending (docs/definitions.md "Received").
    Candidate periods come from a range join (received by the period end, not ended before the
    period start): never a cross join of all dossiers with all periods.

    As of the period end (period_end, 23:59:59 of its last day):
      supplement_rounds_by_end  supplement rounds requested by then;
      due_at                    the latest NgayHenTraMoi among the rounds settled by then (supplied,
                                or requested when no supply date is known), else NgayHenTra, else
                                the derived due date (int_dossiers_enriched); then moved by the
                                applicant's time (working days, macro supplement_working_days) of
                                every round supplied by then after it that carries no NgayHenTraMoi.
                                Null (unknown) when none of these gives a date or the calendar does
                                not reach (int_dossiers_enriched.due_date_unknown_reason);
      end_at                    the first end event (9, 10, 8, 3, 7) if it happened by then; else,
                                when the dossier is waiting at the period end on its ONLY supplement
                                request (one round requested, not supplied by then), that request's
                                time; else null (not ended).
    Flags:
      is_received_in_period  NgayTiepNhan within the period (docs/definitions.md "Received": accepted);
      is_finished_in_period  end_at within the period;
      is_due_date_unknown    finished in the period or pending at its end, and due_at unknown:
                             neither on time nor late nor overdue (docs/definitions.md), counted apart and kept
                             out of both sides of the on-time rate;
      is_finished_late       finished in the period, due date known, and (end_at > due_at, or more
                             than one supplement round by then); is_finished_on_time = finished,
                             due date known and not late;
      is_pending_at_end      received by the period end, not ended by then;
      is_overdue_at_end      pending, due date known, and (due_at before the period end, or more
                             than one supplement round by then: the 766 rule makes it late).

    Agency (docs/agencies.md): agency_code is the agency that held the dossier at the moment its
    status is judged (the end time when it ended by the period end, else the period end; macro
    holding_agency): a dossier received by an agency that ended is that agency's up to its last day
    and its successor's from the hand-over on. received_agency_code: the agency that received it.

    Incremental (pre-hook delete_recomputed_dossier_periods): a build recomputes the changed dossiers
    (stg_one_stop_shop__changed_dossiers) in every period, and every dossier in each period that is
    new or whose end moved since its rows were built (the running month, quarter, half-year and year
    end at the as-of moment, so they are recomputed every night, and once more when they close).
    The first pre-hook notes the periods it deletes rows from, or fills, in int_recomputed_periods: the
    period-keyed models downstream recompute those periods only (macros/period_increments.sql).
-#}
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook=["{{ note_dossier_period_changes(ref('int_reporting_periods')) }}",
                    "{{ delete_recomputed_dossier_periods(ref('int_reporting_periods')) }}"]) }}
with periods as (

    select period_type, period_key, period_year, period_start, period_end
    from {{ ref('int_reporting_periods') }}

),

dossiers as (

    select
        dossier_code,
        agency_code as current_agency_code,
        received_agency_code,
        received_agency_valid_to,
        received_agency_successor_code,
        procedure_code,
        channel_code,
        is_online_channel,
        is_full_online_eligible,
        is_fee_bearing,
        is_paid_online,
        is_accepted,
        received_at,
        base_due_at,
        end_at as first_end_at,
        end_status_code,
        first_apologized_at
    from {{ ref('int_dossiers_enriched') }}
    where
        received_at is not null
        and is_accepted

),

{%- set candidate_columns %}
        dossiers.*,
        periods.period_type,
        periods.period_key,
        periods.period_year,
        periods.period_start,
        periods.period_end
{%- endset %}
{%- set in_period %}
        on dossiers.received_at <= periods.period_end
       and coalesce(dossiers.first_end_at, {{ far_future_timestamp() }}) >= periods.period_start
{%- endset %}

candidates as (

    select {{ candidate_columns }}
    from dossiers
    inner join periods {{ in_period }}
    where {{ recomputed_dossier('dossiers.dossier_code') }}
    {%- if is_incremental() %}

    union all

    select {{ candidate_columns }}
    from dossiers
    inner join periods {{ in_period }}
    where not {{ recomputed_dossier('dossiers.dossier_code') }}
      and periods.period_key not in (select kept.period_key from {{ this }} as kept)
    {%- endif %}

),

supplements as (

    select dossier_code, supplement_round, requested_at, supplied_at, new_due_at
    from {{ ref('stg_one_stop_shop__supplements') }}
    where requested_at is not null

),

supplements_by_end as (

    select
        candidates.dossier_code,
        candidates.period_type,
        candidates.period_key,
        count(*) as supplement_rounds_by_end,
        min(supplements.requested_at) as first_requested_at,
        sum(case
            when
                supplements.supplied_at is null
                or supplements.supplied_at > candidates.period_end then 1
            else 0
        end) as open_requests_at_end
    from candidates
    inner join supplements
        on
            supplements.dossier_code = candidates.dossier_code
            and supplements.requested_at <= candidates.period_end
    group by candidates.dossier_code, candidates.period_type, candidates.period_key

),

moved_due_by_end as (

    select dossier_code, period_type, period_key, supplement_round, new_due_at
    from (
        select
            candidates.dossier_code,
            candidates.period_type,
            candidates.period_key,
            supplements.supplement_round,
            supplements.new_due_at,
            row_number() over (
                partition by candidates.dossier_code, candidates.period_type, candidates.period_key
                order by supplements.supplement_round desc nulls last, supplements.requested_at desc
            ) as round_rank
        from candidates
        inner join supplements
            on
                supplements.dossier_code = candidates.dossier_code
                and supplements.new_due_at is not null
                and coalesce(supplements.supplied_at, supplements.requested_at) <= candidates.period_end
    ) as moved
    where round_rank = 1

),

calendar as (

    select date_day, is_working_day, working_day_index
    from {{ ref('int_working_days') }}

),

{# each supplied round without a new appointment: the applicant's time in working days -#}
unmoved_rounds as (

    select
        supplements.dossier_code,
        supplements.supplement_round,
        supplements.supplied_at,
        {{ supplement_working_days() }} as supplement_working_days
    from supplements
    {{ supplement_day_joins('supplements') }}
    where
        supplements.new_due_at is null
        and supplements.supplied_at is not null

),

{# as of the period end: the applicant's time of the rounds supplied by then after the latest
    moved appointment, and the due date moved by it (only where it is not 0) -#}
unmoved_time_by_end as (

    select
        candidates.dossier_code,
        candidates.period_type,
        candidates.period_key,
        coalesce(moved_due_by_end.new_due_at, candidates.base_due_at) as anchor_due_at,
        sum(unmoved_rounds.supplement_working_days) as supplement_working_days,
        sum(case when unmoved_rounds.supplement_working_days is null then 1 else 0 end) as rounds_outside_calendar
    from candidates
    inner join unmoved_rounds
        on
            unmoved_rounds.dossier_code = candidates.dossier_code
            and unmoved_rounds.supplied_at <= candidates.period_end
    left join moved_due_by_end
        on
            moved_due_by_end.dossier_code = candidates.dossier_code
            and moved_due_by_end.period_type = candidates.period_type
            and moved_due_by_end.period_key = candidates.period_key
    where
        moved_due_by_end.dossier_code is null
        or unmoved_rounds.supplement_round > moved_due_by_end.supplement_round
    group by
        candidates.dossier_code, candidates.period_type, candidates.period_key,
        coalesce(moved_due_by_end.new_due_at, candidates.base_due_at)

),

shifted_due_by_end as (

    select
        unmoved_time_by_end.dossier_code,
        unmoved_time_by_end.period_type,
        unmoved_time_by_end.period_key,
        case
            when unmoved_time_by_end.rounds_outside_calendar > 0 then null
            when unmoved_time_by_end.supplement_working_days = 0 then unmoved_time_by_end.anchor_due_at
            else {{ moved_due('unmoved_time_by_end.anchor_due_at') }}
        end as due_at
    from unmoved_time_by_end
    {{ moved_due_joins('unmoved_time_by_end.anchor_due_at', 'unmoved_time_by_end.supplement_working_days') }}

),

as_of_end as (

    select
        candidates.*,
        coalesce(supplements_by_end.supplement_rounds_by_end, 0) as supplement_rounds_by_end,
        case
            when shifted_due_by_end.dossier_code is not null then shifted_due_by_end.due_at
            else coalesce(moved_due_by_end.new_due_at, candidates.base_due_at)
        end as due_at,
        case
            when candidates.first_end_at <= candidates.period_end
                then candidates.first_end_at
            when
                supplements_by_end.supplement_rounds_by_end = 1
                and supplements_by_end.open_requests_at_end = 1
                then supplements_by_end.first_requested_at
        end as end_at,
        case
            when candidates.first_end_at <= candidates.period_end
                then 'end_status'
            when
                supplements_by_end.supplement_rounds_by_end = 1
                and supplements_by_end.open_requests_at_end = 1
                then 'waiting_on_only_supplement'
        end as end_kind
    from candidates
    left join supplements_by_end
        on
            supplements_by_end.dossier_code = candidates.dossier_code
            and supplements_by_end.period_type = candidates.period_type
            and supplements_by_end.period_key = candidates.period_key
    left join moved_due_by_end
        on
            moved_due_by_end.dossier_code = candidates.dossier_code
            and moved_due_by_end.period_type = candidates.period_type
            and moved_due_by_end.period_key = candidates.period_key
    left join shifted_due_by_end
        on
            shifted_due_by_end.dossier_code = candidates.dossier_code
            and shifted_due_by_end.period_type = candidates.period_type
            and shifted_due_by_end.period_key = candidates.period_key

),

flagged as (

    select
        as_of_end.*,
        (as_of_end.received_at >= as_of_end.period_start) as is_received_in_period,
        coalesce(
            as_of_end.end_at >= as_of_end.period_start
            and as_of_end.end_at <= as_of_end.period_end, false
        ) as is_finished_in_period,
        coalesce(
            as_of_end.supplement_rounds_by_end > 1
            or as_of_end.end_at > as_of_end.due_at, false
        ) as is_judged_late,
        (as_of_end.end_at is null) as is_pending_at_end,
        (as_of_end.due_at is null) as is_due_unknown,
        coalesce(
            as_of_end.supplement_rounds_by_end > 1
            or as_of_end.due_at < as_of_end.period_end, false
        ) as is_past_due_at_end,
        (as_of_end.first_apologized_at <= as_of_end.period_end) as has_apology_by_end
    from as_of_end

)

select
    dossier_code,
    period_type,
    period_key,
    period_year,
    period_start,
    period_end,
    {{ holding_agency('received_agency_code', 'received_agency_valid_to', 'received_agency_successor_code',
                      'current_agency_code', 'coalesce(end_at, period_end)') }} as agency_code,
    received_agency_code,
    procedure_code,
    channel_code,
    is_online_channel,
    is_full_online_eligible,
    is_fee_bearing,
    is_paid_online,
    received_at,
    due_at,
    end_at,
    end_kind,
    case when end_kind = 'end_status' then end_status_code end as end_status_code,
    supplement_rounds_by_end,
    is_received_in_period,
    is_finished_in_period,
    ((is_finished_in_period or is_pending_at_end) and is_due_unknown) as is_due_date_unknown,
    (is_finished_in_period and not is_due_unknown and not is_judged_late) as is_finished_on_time,
    (is_finished_in_period and not is_due_unknown and is_judged_late) as is_finished_late,
    is_pending_at_end,
    (is_pending_at_end and not is_due_unknown and is_past_due_at_end) as is_overdue_at_end,
    coalesce(has_apology_by_end, false) as has_apology_by_end
from flagged
where
    is_received_in_period
    or is_finished_in_period
    or is_pending_at_end
