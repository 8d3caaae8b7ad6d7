{#-
    Headcount of each agency at each year's end (or at the as-of day for the year still running)
    by category, budget-paid, its quotas, and target T08: civil servants down >= 5% and budget-paid
    people down >= 10% over 2022-2026 against the headcount on the baseline date (seed
    workforce_targets, dated). A person counts in an agency on a day when a clean posting of theirs
    there runs on that day (started_on <= day <= ended_on or still running).
    On track (macro on_track_for_reduction): the reduction reached is at least the target times the share of the baseline-to-target
    span elapsed at the measuring day (a straight path to the target date). A person counts in an
    agency on a day by macro in_post_on (the posting runs and the agency is in force that day). An
    agency's row is not judged (reductions, progress and flags null, not_comparable_reason says why)
    once its scope is no longer its own: see the CTE scope_changed.
-#}
with years as (

    {{ workforce_years() }}

),

persons as (

    {{ workforce_postings() }}

),

headcount as (

    select
        persons.agency_code,
        years.year,
        count(distinct persons.person_code) as headcount_total,
        count(distinct case when persons.category_code = 'CB' then persons.person_code end) as cadres,
        count(distinct case when persons.category_code = 'CC' then persons.person_code end) as civil_servants,
        count(distinct case when persons.category_code = 'VC' then persons.person_code end) as public_employees,
        count(distinct case when persons.category_code = 'HD' then persons.person_code end) as contract_workers,
        count(distinct case when persons.is_budget_paid then persons.person_code end) as budget_paid
    from persons
    inner join years
        on {{ in_post_on('persons', 'years.measured_on') }}
    group by persons.agency_code, years.year

),

quotas as (

    select agency_code, quota_year as year, civil_servant_quota, public_employee_quota
    from {{ ref('stg_cadre__staffing_quotas') }}

),

candidate_agency_years as (

    select agency_code, year from headcount
    union
    select quotas.agency_code, quotas.year from quotas inner join years on years.year = quotas.year

),

-- An agency abolished before the measuring day (a district after 30 June 2025) has no row rather
-- than a row of zeros that would read as a 100% cut (seed agencies, valid_from / valid_to).
agency_years as (

    select candidate_agency_years.agency_code, candidate_agency_years.year
    from candidate_agency_years
    inner join years
        on years.year = candidate_agency_years.year
    left join {{ ref('int_agencies') }} as agencies
        on agencies.agency_code = candidate_agency_years.agency_code
    where
        agencies.agency_code is null
        or (
            agencies.valid_from <= years.measured_on
            and (agencies.valid_to is null or agencies.valid_to >= years.measured_on)
        )

),

targets as (

    {{ t08_targets_by_year('years') }}

),

baselines as (

    select
        persons.agency_code,
        targets.year,
        targets.target_code,
        {{ t08_persons_counted('targets.target_code', 'persons') }} as baseline_count
    from targets
    inner join persons
        on {{ in_post_on('persons', 'targets.baseline_date') }}
    group by persons.agency_code, targets.year, targets.target_code

),

-- An agency's own baseline compares with its headcount only while its scope is its own: not from the
-- day the province absorbed another one (seed province_scope_changes: its people joined the agencies,
-- no per-agency baseline of theirs exists), nor once it took over the staff of an agency that ended
-- after the baseline date (seed agencies / unit file successors). The province's figure
-- (mart_workforce_province) restates its baseline where it can; an agency's is not judged.
scope_changed as (

    select targets.year, min(changes.effective_date) as changed_on
    from targets
    inner join years
        on years.year = targets.year
    inner join {{ ref('province_scope_changes') }} as changes
        on
            changes.effective_date > targets.baseline_date
            and changes.effective_date <= years.measured_on
    where targets.target_code = 'civil_servants'
    group by targets.year

),

took_over as (

    select predecessors.successor_agency_code as agency_code, targets.year, count(*) as agencies_taken_over
    from {{ ref('int_agencies') }} as predecessors
    inner join targets
        on
            targets.target_code = 'civil_servants'
            and predecessors.valid_to >= targets.baseline_date
    inner join years
        on
            years.year = targets.year
            and predecessors.valid_to < years.measured_on
    where predecessors.successor_agency_code is not null
    group by predecessors.successor_agency_code, targets.year

),

measured as (

    select
        agency_years.agency_code,
        agency_years.year,
        years.measured_on,
        years.is_complete,
        coalesce(headcount.headcount_total, 0) as headcount_total,
        coalesce(headcount.cadres, 0) as cadres,
        coalesce(headcount.civil_servants, 0) as civil_servants,
        coalesce(headcount.public_employees, 0) as public_employees,
        coalesce(headcount.contract_workers, 0) as contract_workers,
        coalesce(headcount.budget_paid, 0) as budget_paid,
        quotas.civil_servant_quota,
        quotas.public_employee_quota,
        civil_target.baseline_date,
        civil_target.target_date,
        coalesce(civil_baseline.baseline_count, 0) as baseline_civil_servants,
        coalesce(budget_baseline.baseline_count, 0) as baseline_budget_paid,
        civil_target.reduction_target as civil_servant_reduction_target,
        budget_target.reduction_target as budget_paid_reduction_target,
        {{ interval_count('day', 'civil_target.baseline_date', 'years.measured_on') }} as civil_days_elapsed,
        {{ interval_count('day', 'civil_target.baseline_date', 'civil_target.target_date') }} as civil_days_in_span,
        {{ interval_count('day', 'budget_target.baseline_date', 'years.measured_on') }} as budget_days_elapsed,
        {{ interval_count('day', 'budget_target.baseline_date', 'budget_target.target_date') }} as budget_days_in_span,
        case
            when scope_changed.changed_on is not null then 'province_scope_changed'
            when took_over.agencies_taken_over > 0 then 'took_over_staff'
        end as not_comparable_reason
    from agency_years
    inner join years
        on years.year = agency_years.year
    left join headcount
        on
            headcount.agency_code = agency_years.agency_code
            and headcount.year = agency_years.year
    left join quotas
        on
            quotas.agency_code = agency_years.agency_code
            and quotas.year = agency_years.year
    left join targets as civil_target
        on
            civil_target.year = agency_years.year
            and civil_target.target_code = 'civil_servants'
    left join targets as budget_target
        on
            budget_target.year = agency_years.year
            and budget_target.target_code = 'budget_paid'
    left join baselines as civil_baseline
        on
            civil_baseline.agency_code = agency_years.agency_code
            and civil_baseline.year = agency_years.year
            and civil_baseline.target_code = 'civil_servants'
    left join baselines as budget_baseline
        on
            budget_baseline.agency_code = agency_years.agency_code
            and budget_baseline.year = agency_years.year
            and budget_baseline.target_code = 'budget_paid'
    left join scope_changed
        on scope_changed.year = agency_years.year
    left join took_over
        on
            took_over.agency_code = agency_years.agency_code
            and took_over.year = agency_years.year

),

-- the baselines an agency is judged against: its own while its scope is its own, else none
judged as (

    select
        measured.*,
        case when measured.not_comparable_reason is null then measured.baseline_civil_servants end
            as judged_baseline_civil_servants,
        case when measured.not_comparable_reason is null then measured.baseline_budget_paid end
            as judged_baseline_budget_paid
    from measured

)

select
    cast(measured.agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(agencies.agency_name_vi as {{ dbt.type_string() }}) as agency_name_vi,
    {{ year_columns('measured') }},
    cast(measured.headcount_total as bigint) as headcount_total,
    cast(measured.cadres as bigint) as cadres,
    cast(measured.civil_servants as bigint) as civil_servants,
    cast(measured.public_employees as bigint) as public_employees,
    cast(measured.contract_workers as bigint) as contract_workers,
    cast(measured.budget_paid as bigint) as budget_paid,
    cast(measured.civil_servant_quota as bigint) as civil_servant_quota,
    cast(measured.public_employee_quota as bigint) as public_employee_quota,
    cast(measured.baseline_date as date) as baseline_date,
    cast(measured.baseline_civil_servants as bigint) as baseline_civil_servants,
    cast(measured.baseline_budget_paid as bigint) as baseline_budget_paid,
    cast(measured.civil_servants - measured.baseline_civil_servants as bigint) as civil_servants_change,
    cast(measured.budget_paid - measured.baseline_budget_paid as bigint) as budget_paid_change,
    {{ safe_rate('measured.judged_baseline_civil_servants - measured.civil_servants',
                 'measured.judged_baseline_civil_servants') }}
        as civil_servant_reduction,
    {{ safe_rate('measured.judged_baseline_budget_paid - measured.budget_paid',
                 'measured.judged_baseline_budget_paid') }}
        as budget_paid_reduction,
    cast(measured.civil_servant_reduction_target as decimal(9, 6)) as civil_servant_reduction_target,
    cast(measured.budget_paid_reduction_target as decimal(9, 6)) as budget_paid_reduction_target,
    cast(measured.target_date as date) as target_date,
    {{ safe_rate('measured.judged_baseline_civil_servants - measured.civil_servants',
                 'measured.judged_baseline_civil_servants * measured.civil_servant_reduction_target') }}
        as civil_servant_target_progress,
    {{ safe_rate('measured.judged_baseline_budget_paid - measured.budget_paid',
                 'measured.judged_baseline_budget_paid * measured.budget_paid_reduction_target') }}
        as budget_paid_target_progress,
    {{ on_track_for_reduction('measured.judged_baseline_civil_servants', 'measured.civil_servants',
                              'measured.civil_servant_reduction_target', 'measured.civil_days_elapsed',
                              'measured.civil_days_in_span') }} as is_civil_servant_on_track,
    {{ on_track_for_reduction('measured.judged_baseline_budget_paid', 'measured.budget_paid',
                              'measured.budget_paid_reduction_target', 'measured.budget_days_elapsed',
                              'measured.budget_days_in_span') }} as is_budget_paid_on_track,
    ({{ on_track_for_reduction('measured.judged_baseline_civil_servants', 'measured.civil_servants',
                               'measured.civil_servant_reduction_target', 'measured.civil_days_elapsed',
                               'measured.civil_days_in_span') }})
    and ({{ on_track_for_reduction('measured.judged_baseline_budget_paid', 'measured.budget_paid',
                                   'measured.budget_paid_reduction_target', 'measured.budget_days_elapsed',
                                   'measured.budget_days_in_span') }}) as is_t08_on_track,
    cast(measured.not_comparable_reason is null as boolean) as is_scope_comparable,
    cast(measured.not_comparable_reason as {{ dbt.type_string() }}) as not_comparable_reason
from judged as measured
left join {{ ref('int_agencies') }} as agencies
    on agencies.agency_code = measured.agency_code
