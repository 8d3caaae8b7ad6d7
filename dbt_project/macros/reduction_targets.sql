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


{#- t08_persons_counted(target_code, persons): the distinct persons of `persons` (workforce_postings)
    that count toward the T08 target `target_code`: civil servants (cadre_categories.is_civil_servant)
    for civil_servants, people paid from the state budget for budget_paid. The one rule of which
    person counts toward which T08 target (province and agency baselines). -#}
{% macro t08_persons_counted(target_code, persons) -%}
    count(distinct case
        when
            ({{ target_code }} = 'civil_servants' and {{ persons }}.is_civil_servant)
            or ({{ target_code }} = 'budget_paid' and {{ persons }}.is_budget_paid)
            then {{ persons }}.person_code
    end)
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


{#- scope_changes_by_year(targets, years): the one place of the comparable-scope rule of the workforce
    targets, shared by T07 (mart_public_service_units) and T08 (mart_workforce_province). For each
    (year, target_code) of `targets` (columns year, target_code, baseline_date) the province's scope
    changes (seed province_scope_changes: another province absorbed) that took effect after the
    target's baseline date and on or before the year's measuring day (`years`: year, measured_on),
    with the absorbed provinces' count on that baseline date (absorbed_baseline: null unless every
    change's count is in the seed; is_absorbed_baseline_missing says which). No row without a change.
    A mart takes its columns with comparable_scope_columns(). -#}
{% macro scope_changes_by_year(targets, years) -%}
    select
        {{ targets }}.year,
        {{ targets }}.target_code,
        count(*) as scope_changes,
        case
            when count(changes.absorbed_baseline_value) = count(*) then sum(changes.absorbed_baseline_value)
        end as absorbed_baseline,
        count(changes.absorbed_baseline_value) < count(*) as is_absorbed_baseline_missing,
        min(changes.effective_date) as first_change_on,
        max(changes.absorbed_unit_name_vi) as absorbed_unit_name_vi,
        max(changes.legal_basis) as legal_basis
    from {{ targets }}
    inner join {{ years }}
        on {{ years }}.year = {{ targets }}.year
    inner join {{ ref('province_scope_changes') }} as changes
        on
            changes.target_code = {{ targets }}.target_code
            and changes.baseline_date = {{ targets }}.baseline_date
            and changes.effective_date > {{ targets }}.baseline_date
            and changes.effective_date <= {{ years }}.measured_on
    group by {{ targets }}.year, {{ targets }}.target_code
{%- endmacro %}


{#- comparable_scope_columns(own_baseline, scope): the columns a mart takes from a row `scope` of
    scope_changes_by_year, left-joined (null columns: no change): first_change_on,
    absorbed_unit_name_vi, legal_basis, absorbed_baseline, and
    - comparable_baseline, the baseline on the scope of the measuring day: `own_baseline` while the
      scope is the baseline's; after a change ours plus the absorbed province's count on the same
      baseline date; null when the seed lacks that count (not comparable: never judged);
    - not_comparable_reason: absorbed_baseline_missing then, else null. -#}
{% macro comparable_scope_columns(own_baseline, scope) -%}
    {{ scope }}.first_change_on,
    {{ scope }}.absorbed_unit_name_vi,
    {{ scope }}.legal_basis,
    {{ scope }}.absorbed_baseline,
    case
        when {{ scope }}.scope_changes is null then {{ own_baseline }}
        when not {{ scope }}.is_absorbed_baseline_missing then {{ own_baseline }} + {{ scope }}.absorbed_baseline
    end as comparable_baseline,
    case when {{ scope }}.is_absorbed_baseline_missing then 'absorbed_baseline_missing' end as not_comparable_reason
{%- endmacro %}
