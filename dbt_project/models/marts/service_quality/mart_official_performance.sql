{#-
    Late-dossier rate of each handling official (cán bộ, công chức, viên chức; pseudonymous key)
    per calendar year, and the T02 flag, judged by the official's OWN steps (docs/program_tracker.md
    T02). A dossier counts for an official in a year when one of the official's own steps
    (int_dossier_handlers: not a wait on the applicant) on it counts in the year; it is late for the
    official when one of those steps is late. The rate is over dossiers, not steps: T02 is worded
    over the official's dossiers (tỷ lệ hồ sơ trễ hạn), and a step count would weigh a dossier by
    how often it came back to the official (each supplement round gives the specialist a step).
      own_steps         a step with its own deadline (step_due_at, NgayKetThucTheoQuyDinh) counts in
                        a year when it started by the year's end and ended in the year or is open at
                        its end; late when it ended after its deadline, or is open at the year's end
                        past it. A counter clerk whose step ended on time is not charged when the
                        dossier is late later. Judged whatever the dossier's due date.
      dossier_fallback  a step without a deadline (older vendor systems send none;
                        int_dossier_official_years.steps_without_deadline) is judged by the dossier
                        rule: a step in the year, the dossier in the year's on-time denominator
                        (int_dossier_period_status, period type year: finished in the year or pending
                        at its end), late when finished late or overdue at the year's end; a dossier
                        whose due date cannot be determined is left out (docs/definitions.md).
    late_rule says per official and year which rule judged its dossiers: own_steps, dossier_fallback
    or mixed (dossiers_by_own_steps, dossiers_by_dossier_rule: a dossier with a step of the official
    without a deadline counts under the dossier rule).
    Hand-over (docs/agencies.md): a dossier pending when its receiving agency ended passes to the
    successor at the start of the day after the agency's last day (handed_over_at); the old
    agency's officials are not charged for time after it: an own step open then ends at the
    hand-over, and under the fallback their dossier is late only when its due date was before the
    hand-over.
    Only received dossiers (accepted, with a reception time: int_dossiers_enriched) count.
    The official is the one int_official_identities resolves the step's account (else name) to:
    namesakes with accounts are two officials; a dossier that names the same official by account
    and by name counts once. An official not judged (not_judged_reason) has no T02 flag.
    Built in the cadre's step (tag workforce): officials are persons of the cadre register.
    At the province's scale (tens of millions of steps) the work is the steps: they meet the years
    by an equality join (step_years), are grouped by numbers standing for officials and handlers
    (identities) rather than by the keys' text, and who named an official in a year (identified)
    is read from the handlers per year, not from every step again (docs/operations.md).
-#}
{{ config(tags=['workforce']) }}
with handovers as (

    -- received dossiers, with the moment of the hand-over to a successor agency (null: none; an
    -- agency that ended with no successor keeps its dossiers: macro holding_agency)
    select
        dossier_code,
        case
            when
                received_agency_valid_to is not null
                and (received_agency_successor_code is not null or agency_code <> received_agency_code)
                then {{ dbt.dateadd('day', 1, 'cast(received_agency_valid_to as timestamp)') }}
        end as handed_over_at
    from {{ ref('int_dossiers_enriched') }}
    where received_at is not null and is_accepted

),

year_status as (

    select
        period_status.dossier_code,
        period_status.period_key,
        period_status.period_year,
        period_status.period_start,
        period_status.period_end,
        (period_status.is_finished_late or period_status.is_overdue_at_end) as is_late,
        period_status.due_at,
        handovers.handed_over_at
    from {{ ref('int_dossier_period_status') }} as period_status
    left join handovers
        on
            handovers.dossier_code = period_status.dossier_code
            and handovers.handed_over_at is not null
    where
        period_status.period_type = 'year'
        and (period_status.is_finished_in_period or period_status.is_pending_at_end)
        and not period_status.is_due_date_unknown

),

years as (

    select period_year, period_start, period_end
    from {{ ref('int_reporting_periods') }}
    where period_type = 'year'

),

first_year as (

    select min(period_year) as period_year
    from years

),

identities as (

    -- the handlers' officials, numbered to group by small keys instead of the keys' text: one
    -- official_number per official_key, one identity_number per handler (a handler without an
    -- official key names no official)
    select
        identified_by,
        handler_key,
        official_key,
        person_code,
        not_judged_reason,
        cast(dense_rank() over (order by official_key) as integer) as official_number,
        row_number() over (order by identified_by, handler_key) as identity_number
    from {{ ref('int_official_identities') }}
    where official_key is not null

),

own_steps as (

    -- the steps with a deadline of their own, their end capped at the hand-over for the old
    -- agency's officials, with the official
    select
        identities.official_number,
        identities.identity_number,
        steps.dossier_code,
        steps.step_at,
        steps.step_due_at,
        -- the first year of int_reporting_periods the step may count in (step_years)
        case
            when extract(year from steps.step_at) > first_year.period_year
                then cast(extract(year from steps.step_at) as integer)
            else first_year.period_year
        end as from_year,
        case
            when
                handovers.handed_over_at is not null
                and steps.step_at < handovers.handed_over_at
                and (steps.step_ended_at is null or steps.step_ended_at > handovers.handed_over_at)
                then handovers.handed_over_at
            else steps.step_ended_at
        end as ended_at
    from {{ ref('int_dossier_handlers') }} as steps
    inner join handovers
        on handovers.dossier_code = steps.dossier_code
    inner join identities
        on
            identities.identified_by
            = case when steps.handling_account_key is not null then 'account' else 'name' end
            and identities.handler_key = coalesce(steps.handling_account_key, steps.handling_name_key)
    cross join first_year
    where steps.is_own_step and steps.step_due_at is not null

),

spans as (

    select 0 as spans_years
    union all
    select 1 as spans_years

),

step_years as (

    -- the years a step may count in, joined to a step by the year it started in (from_year; the
    -- first year for a step started before it) and whether it ended in a later year or is open
    -- (spans_years): a year of int_reporting_periods lies within its calendar year, so a step that
    -- ended in its from_year can only count in that year, another one (few) in that year or a
    -- later one. An equality join: comparing each step with each year costs far more.
    select
        start_years.period_year as from_year,
        spans.spans_years,
        years.period_year,
        years.period_start,
        years.period_end
    from years as start_years
    cross join spans
    inner join years
        on
            years.period_year = start_years.period_year
            or (spans.spans_years = 1 and years.period_year > start_years.period_year)

),

handled_by as (

    -- one row per judged step (own steps: started by the year's end and ended in the year or open
    -- at its end) or per handler, dossier and year (fallback: the year's first step by the handler,
    -- on or after the year's start, so "by the year's end" is "a step in the year"), with the
    -- official the handler is
    select
        own_steps.official_number,
        own_steps.identity_number,
        own_steps.dossier_code,
        step_years.period_year,
        step_years.period_start,
        step_years.period_end,
        case
            when
                coalesce(
                    own_steps.ended_at <= step_years.period_end and own_steps.ended_at > own_steps.step_due_at,
                    false
                )
                or (
                    (own_steps.ended_at is null or own_steps.ended_at > step_years.period_end)
                    and own_steps.step_due_at < step_years.period_end
                )
                then 1
            else 0
        end as is_late,
        0 as by_dossier_rule
    from own_steps
    inner join step_years
        on
            step_years.from_year = own_steps.from_year
            and step_years.spans_years = case
                when own_steps.ended_at is null or extract(year from own_steps.ended_at) > own_steps.from_year then 1
                else 0
            end
            and own_steps.step_at <= step_years.period_end
            and (own_steps.ended_at is null or own_steps.ended_at >= step_years.period_start)

    union all

    select
        identities.official_number,
        identities.identity_number,
        year_status.dossier_code,
        year_status.period_year,
        year_status.period_start,
        year_status.period_end,
        -- the old agency's officials (their steps before the hand-over) are charged only when the
        -- dossier was due before it
        case
            when
                year_status.is_late
                and (
                    year_status.handed_over_at is null
                    or year_status.handed_over_at > year_status.period_end
                    or official_years.first_step_at >= year_status.handed_over_at
                    or year_status.due_at < year_status.handed_over_at
                )
                then 1
            else 0
        end as is_late,
        1 as by_dossier_rule
    from {{ ref('int_dossier_official_years') }} as official_years
    inner join identities
        on
            identities.identified_by = official_years.identified_by
            and identities.handler_key = official_years.handler_key
    inner join year_status
        on
            year_status.dossier_code = official_years.dossier_code
            and year_status.period_year = official_years.step_year
            and official_years.first_step_at <= year_status.period_end
    where official_years.steps_without_deadline > 0

),

handled as (

    -- one row per official, dossier and year (an official's account and name may name one dossier)
    select
        official_number,
        dossier_code,
        period_year,
        period_start,
        period_end,
        max(is_late) as is_late,
        max(by_dossier_rule) as by_dossier_rule
    from handled_by
    group by official_number, dossier_code, period_year, period_start, period_end

),

handler_years as (

    select distinct identity_number, period_year
    from handled_by

),

identified as (

    -- the handlers an official was named by in the year
    select
        identities.official_number,
        handler_years.period_year,
        max(identities.official_key) as official_key,
        max(identities.person_code) as person_code,
        max(case when identities.identified_by = 'account' then 1 else 0 end) as by_account,
        max(case when identities.identified_by = 'name' then 1 else 0 end) as by_name,
        max(identities.not_judged_reason) as not_judged_reason
    from handler_years
    inner join identities
        on identities.identity_number = handler_years.identity_number
    group by identities.official_number, handler_years.period_year

),

counts as (

    select
        official_number,
        period_year,
        period_start,
        period_end,
        count(*) as dossiers_handled,
        sum(is_late) as dossiers_late,
        sum(by_dossier_rule) as dossiers_by_dossier_rule
    from handled
    group by official_number, period_year, period_start, period_end

),

postings as (

    -- the agency and title of the person's posting running at the year's end (else the last one
    -- started in the year): where a flagged official works, counted per agency and title in the report
    select
        identified.official_number,
        identified.period_year,
        persons.agency_code,
        persons.title,
        row_number() over (
            partition by identified.official_number, identified.period_year
            order by persons.started_on desc, persons.agency_code asc, persons.title asc
        ) as posting_rank
    from identified
    inner join counts
        on
            counts.official_number = identified.official_number
            and counts.period_year = identified.period_year
    inner join {{ ref('stg_cadre__persons') }} as persons
        on
            persons.person_code = identified.person_code
            and persons.started_on <= cast(counts.period_end as date)

),

thresholds as (

    select valid_from, valid_to, threshold_value
    from {{ ref('service_quality_thresholds') }}
    where threshold_code = 'official_late_rate_max'

)

select
    cast(identified.official_key as {{ dbt.type_string() }}) as official_key,
    cast('year' as {{ dbt.type_string() }}) as period_type,
    cast(cast(counts.period_year as integer) as {{ dbt.type_string() }}) as period_key,
    cast(counts.period_year as integer) as year,
    cast(identified.person_code as {{ dbt.type_string() }}) as person_code,
    cast(postings.agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(postings.title as {{ dbt.type_string() }}) as title,
    cast(case
        when identified.by_account = 1 and identified.by_name = 1 then 'account_and_name'
        when identified.by_account = 1 then 'account'
        else 'name'
    end as {{ dbt.type_string() }}) as identified_by,
    cast(identified.not_judged_reason as {{ dbt.type_string() }}) as not_judged_reason,
    cast(counts.period_start as timestamp) as period_start,
    cast(counts.period_end as timestamp) as period_end,
    cast(counts.dossiers_handled as bigint) as dossiers_handled,
    cast(counts.dossiers_late as bigint) as dossiers_late,
    cast(case
        when counts.dossiers_by_dossier_rule = 0 then 'own_steps'
        when counts.dossiers_by_dossier_rule = counts.dossiers_handled then 'dossier_fallback'
        else 'mixed'
    end as {{ dbt.type_string() }}) as late_rule,
    cast(counts.dossiers_handled - counts.dossiers_by_dossier_rule as bigint) as dossiers_by_own_steps,
    cast(counts.dossiers_by_dossier_rule as bigint) as dossiers_by_dossier_rule,
    {{ safe_rate('counts.dossiers_late', 'counts.dossiers_handled') }} as late_rate,
    cast(thresholds.threshold_value as decimal(9, 6)) as late_rate_threshold,
    case
        when counts.dossiers_handled = 0 or identified.not_judged_reason is not null then null
        else counts.dossiers_late >= thresholds.threshold_value * counts.dossiers_handled
    end as cannot_be_rated_good
from counts
inner join identified
    on
        identified.official_number = counts.official_number
        and identified.period_year = counts.period_year
left join postings
    on
        postings.official_number = counts.official_number
        and postings.period_year = counts.period_year
        and postings.posting_rank = 1
left join thresholds
    on
        thresholds.valid_from <= cast(counts.period_start as date)
        and (thresholds.valid_to is null or thresholds.valid_to >= cast(counts.period_start as date))
