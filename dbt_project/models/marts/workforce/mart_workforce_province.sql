{#-
    Target T08 for the province: civil servants (công chức) and people paid from the state budget in
    post at each year's end (or the as-of day of the running year) against those in post on the
    baseline date (seed workforce_targets), on a comparable scope. A person counts by macro
    in_post_on, as in mart_workforce.

    Scope: the cadre software reports the province it serves. Staff moved between the province's own
    agencies (merged departments, the district level abolished, communes merged) stay in the count:
    the baseline needs no change for them. When the province absorbed another one (seed
    province_scope_changes: Ninh Thuận on 2025-07-01), the merged province's software reports the
    absorbed province's people from that day, so from that day the baseline is restated for the
    merged scope: our own baseline plus the absorbed province's count on the same baseline date,
    taken from the seed. Where the seed has no such count, the figures of that day on are not
    comparable with the baseline: the comparable baseline, the change and the flags are null and
    not_comparable_reason says why; never a "met" or "not met" from a scope that changed. The
    restatement is macro scope_changes_by_year with comparable_scope_columns, the one place of the
    rule, which T07 (mart_public_service_units) shares.
-#}
with years as (

    {{ workforce_years() }}

),

persons as (

    {{ workforce_postings() }}

),

targets as (

    {{ t08_targets_by_year('years') }}

),

in_post as (

    select
        years.year,
        {{ t08_persons_counted("'civil_servants'", 'persons') }} as civil_servants,
        {{ t08_persons_counted("'budget_paid'", 'persons') }} as budget_paid
    from years
    inner join persons
        on {{ in_post_on('persons', 'years.measured_on') }}
    group by years.year

),

baselines as (

    select
        targets.year,
        targets.target_code,
        {{ t08_persons_counted('targets.target_code', 'persons') }} as baseline_count
    from targets
    inner join persons
        on {{ in_post_on('persons', 'targets.baseline_date') }}
    group by targets.year, targets.target_code

),

-- the scope changes in force on the measuring day, after the baseline date, with the absorbed
-- province's count on that baseline date (the rule shared with T07: macro scope_changes_by_year)
absorbed as (

    {{ scope_changes_by_year('targets', 'years') }}

),

measures as (

    select
        targets.year,
        targets.target_code,
        targets.baseline_date,
        targets.target_date,
        targets.reduction_target,
        coalesce(baselines.baseline_count, 0) as own_baseline,
        {{ comparable_scope_columns('coalesce(baselines.baseline_count, 0)', 'absorbed') }}
    from targets
    left join baselines
        on
            baselines.year = targets.year
            and baselines.target_code = targets.target_code
    left join absorbed
        on
            absorbed.year = targets.year
            and absorbed.target_code = targets.target_code

),

measured as (

    select
        years.year,
        years.measured_on,
        years.is_complete,
        coalesce(in_post.civil_servants, 0) as civil_servants,
        coalesce(in_post.budget_paid, 0) as budget_paid,
        civil.baseline_date,
        civil.target_date,
        civil.own_baseline as baseline_civil_servants,
        budget.own_baseline as baseline_budget_paid,
        civil.absorbed_baseline as absorbed_baseline_civil_servants,
        budget.absorbed_baseline as absorbed_baseline_budget_paid,
        civil.comparable_baseline as comparable_baseline_civil_servants,
        budget.comparable_baseline as comparable_baseline_budget_paid,
        civil.reduction_target as civil_servant_reduction_target,
        budget.reduction_target as budget_paid_reduction_target,
        coalesce(civil.first_change_on, budget.first_change_on) as scope_changed_on,
        coalesce(civil.absorbed_unit_name_vi, budget.absorbed_unit_name_vi) as absorbed_unit_name_vi,
        coalesce(civil.legal_basis, budget.legal_basis) as scope_legal_basis,
        civil.not_comparable_reason as civil_servants_not_comparable_reason,
        budget.not_comparable_reason as budget_paid_not_comparable_reason,
        {{ interval_count('day', 'civil.baseline_date', 'years.measured_on') }} as civil_days_elapsed,
        {{ interval_count('day', 'civil.baseline_date', 'civil.target_date') }} as civil_days_in_span,
        {{ interval_count('day', 'budget.baseline_date', 'years.measured_on') }} as budget_days_elapsed,
        {{ interval_count('day', 'budget.baseline_date', 'budget.target_date') }} as budget_days_in_span
    from years
    inner join measures as civil
        on
            civil.year = years.year
            and civil.target_code = 'civil_servants'
    left join measures as budget
        on
            budget.year = years.year
            and budget.target_code = 'budget_paid'
    left join in_post
        on in_post.year = years.year

)

select
    {{ year_columns() }},
    cast(civil_servants as bigint) as civil_servants,
    cast(budget_paid as bigint) as budget_paid,
    cast(baseline_date as date) as baseline_date,
    cast(baseline_civil_servants as bigint) as baseline_civil_servants,
    cast(baseline_budget_paid as bigint) as baseline_budget_paid,
    cast(scope_changed_on as date) as scope_changed_on,
    cast(absorbed_unit_name_vi as {{ dbt.type_string() }}) as absorbed_unit_name_vi,
    cast(scope_legal_basis as {{ dbt.type_string() }}) as scope_legal_basis,
    cast(absorbed_baseline_civil_servants as bigint) as absorbed_baseline_civil_servants,
    cast(absorbed_baseline_budget_paid as bigint) as absorbed_baseline_budget_paid,
    cast(comparable_baseline_civil_servants as bigint) as comparable_baseline_civil_servants,
    cast(comparable_baseline_budget_paid as bigint) as comparable_baseline_budget_paid,
    cast(civil_servants_not_comparable_reason is null as boolean) as is_civil_servants_comparable,
    cast(budget_paid_not_comparable_reason is null as boolean) as is_budget_paid_comparable,
    cast(civil_servants_not_comparable_reason as {{ dbt.type_string() }}) as civil_servants_not_comparable_reason,
    cast(budget_paid_not_comparable_reason as {{ dbt.type_string() }}) as budget_paid_not_comparable_reason,
    {{ safe_rate('civil_servants - comparable_baseline_civil_servants', 'comparable_baseline_civil_servants') }}
        as civil_servants_change_rate,
    {{ safe_rate('budget_paid - comparable_baseline_budget_paid', 'comparable_baseline_budget_paid') }}
        as budget_paid_change_rate,
    cast(civil_servant_reduction_target as decimal(9, 6)) as civil_servant_reduction_target,
    cast(budget_paid_reduction_target as decimal(9, 6)) as budget_paid_reduction_target,
    cast(target_date as date) as target_date,
    {{ on_track_for_reduction('comparable_baseline_civil_servants', 'civil_servants',
                              'civil_servant_reduction_target', 'civil_days_elapsed', 'civil_days_in_span') }}
        as is_civil_servant_on_track,
    {{ on_track_for_reduction('comparable_baseline_budget_paid', 'budget_paid',
                              'budget_paid_reduction_target', 'budget_days_elapsed', 'budget_days_in_span') }}
        as is_budget_paid_on_track
from measured
