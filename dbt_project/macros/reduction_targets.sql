{#- on_track_for_reduction(baseline, current, target, days_elapsed, days_in_span): the reduction from
    `baseline` to `current` is at least `target` (a share of the baseline) times the share of the
    baseline-to-target span elapsed (a straight path to the target date), compared on exact
    products, not rounded rates. Null when the baseline is 0 (nothing to reduce) or the span is empty.
    Used by the T07 and T08 marts: one rule, one place. -#}
{% macro on_track_for_reduction(baseline, current, target, days_elapsed, days_in_span) -%}
    case
        when ({{ baseline }}) > 0 and ({{ days_in_span }}) > 0
            then (({{ baseline }}) - ({{ current }})) * ({{ days_in_span }})
                 >= ({{ target }}) * ({{ baseline }}) * least({{ days_elapsed }}, {{ days_in_span }})
    end
{%- endmacro %}


{#- in_post_on(persons, day): a posting of `persons` (columns started_on, ended_on with the far-future
    date for a running posting, agency_formed_on, agency_ended_on) counts on `day`: it runs on that
    day, and its agency is in force on it. A posting does not count before its agency was formed (a
    migrated record that carries the person's earlier start) nor after the agency ended (a transfer
    the register did not record). The one rule of the workforce marts (mart_workforce per agency,
    mart_workforce_province for T08). -#}
{% macro in_post_on(persons, day) -%}
    (
        {{ persons }}.started_on <= {{ day }}
        and {{ persons }}.ended_on >= {{ day }}
        and ({{ persons }}.agency_formed_on is null or {{ persons }}.agency_formed_on <= {{ day }})
        and ({{ persons }}.agency_ended_on is null or {{ persons }}.agency_ended_on >= {{ day }})
    )
{%- endmacro %}


{#- workforce_postings(): the cadre register's postings with what in_post_on needs. An agency's
    valid_from binds only for an agency formed after the catalogue's first day (the catalogue starts
    on that day; older agencies were in force before it). -#}
{% macro workforce_postings() -%}
    select
        persons.person_code,
        persons.agency_code,
        persons.category_code,
        persons.is_budget_paid,
        persons.started_on,
        coalesce(persons.ended_on, {{ far_future_date() }}) as ended_on,
        case
            when agencies.valid_from > (select min(catalogue.valid_from) from {{ ref('int_agencies') }} as catalogue)
                then agencies.valid_from
        end as agency_formed_on,
        agencies.valid_to as agency_ended_on,
        categories.is_civil_servant
    from {{ ref('stg_cadre__persons') }} as persons
    inner join {{ ref('cadre_categories') }} as categories
        on categories.category_code = persons.category_code
    left join {{ ref('int_agencies') }} as agencies
        on agencies.agency_code = persons.agency_code
{%- endmacro %}


{#- t08_targets_by_year(years): the T08 rows of seed workforce_targets in force for each year of the
    `years` relation (columns year, period_start_date): the row with valid_from <= 1 January of the
    year and (valid_to null or on/after it), one per target_code civil_servants and budget_paid. -#}
{% macro t08_targets_by_year(years) -%}
    select {{ years }}.year, targets.target_code, targets.baseline_date, targets.target_date, targets.reduction_target
    from {{ ref('workforce_targets') }} as targets
    inner join {{ years }}
        on
            targets.valid_from <= {{ years }}.period_start_date
            and (targets.valid_to is null or targets.valid_to >= {{ years }}.period_start_date)
    where targets.target_code in ('civil_servants', 'budget_paid')
{%- endmacro %}


{#- workforce_years(): the reporting years the workforce marts count at: each year's end (the as-of day of
    the running year) as measured_on, with whether the year is complete. -#}
{% macro workforce_years() -%}
    select
        period_year as year,
        period_start_date,
        cast(period_end as date) as measured_on,
        is_complete
    from {{ ref('int_reporting_periods') }}
    where period_type = 'year'
{%- endmacro %}
