{#-
    T13: each disclosure the law requires, per fiscal year of the reporting range, with its
    deadline under Decree 163/2016 Art. 49 (seed budget_required_disclosures, dated):
      decision_date basis  the approved estimate / final accounts, N days after the decision;
      period_end basis     quarterly, half-year and nine-month execution, N days after the period;
      submission_date      the draft estimate the People's Committee submits to the People's Council:
                           N working days after it is sent to the delegates. The portal's listing
                           gives no submission date, so the draft estimate is listed and never judged
                           (status no_submission_date while unpublished).
    counts_for_t13 marks what target T13 counts (the program's words: the estimate, the final
    accounts and the draft estimate to the People's Council); the execution reports are required by
    the decree but not named by the program.
    The publication date is the portal's first publication of the document (a corrected
    re-publication does not move it); with several documents for the same disclosure, the first
    published counts. days_late is 0 when on time; for a disclosure not published by the as-of day
    and past its deadline, the days since the deadline. is_on_time is null while it cannot be
    judged (not published and not yet due, or no decision date to count from).
-#}
with as_of as (

    select cast(max(period_end) as date) as as_of_date
    from {{ ref('int_reporting_periods') }}

),

years as (

    select cast(period_key as integer) as fiscal_year
    from {{ ref('int_reporting_periods') }}
    where period_type = 'year'

),

required as (

    select
        years.fiscal_year,
        rules.document_kind,
        rules.period_code,
        rules.months_covered,
        rules.deadline_basis,
        rules.deadline_days,
        rules.legal_basis,
        rules.counts_for_t13,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 'rules.months_covered',
             date_in_year('years.fiscal_year', '01-01'))) }} as date) as period_end_date
    from years
    inner join {{ ref('budget_required_disclosures') }} as rules
        on
            rules.valid_from <= {{ date_in_year('years.fiscal_year', '01-01') }}
            and (rules.valid_to is null or rules.valid_to >= {{ date_in_year('years.fiscal_year', '01-01') }})

),

published as (

    select
        fiscal_year,
        document_kind,
        period_code,
        document_id,
        title_vi,
        decision_date,
        published_date,
        is_file_available,
        row_number() over (
            partition by fiscal_year, document_kind, period_code
            order by published_date, document_id
        ) as publication_rank
    from {{ ref('stg_budget_disclosures__documents') }}

),

dated as (

    select
        required.*,
        published.document_id,
        published.title_vi,
        published.decision_date,
        published.published_date,
        published.is_file_available,
        case required.deadline_basis
            when
                'decision_date'
                then cast({{ dbt.dateadd('day', 'required.deadline_days', 'published.decision_date') }} as date)
            when
                'period_end'
                then cast({{ dbt.dateadd('day', 'required.deadline_days', 'required.period_end_date') }} as date)
        end as deadline_date,
        as_of.as_of_date
    from required
    cross join as_of
    left join published
        on
            required.fiscal_year = published.fiscal_year
            and required.document_kind = published.document_kind
            and required.period_code = published.period_code
            and published.publication_rank = 1

)

select
    cast('year' as {{ dbt.type_string() }}) as period_type,
    cast(cast(fiscal_year as integer) as {{ dbt.type_string() }}) as period_key,
    fiscal_year,
    document_kind,
    period_code,
    document_id,
    title_vi,
    case when deadline_basis = 'period_end' then period_end_date end as period_end_date,
    decision_date,
    deadline_basis,
    deadline_days,
    deadline_date,
    published_date,
    case
        when published_date is not null and deadline_date is not null
            then greatest({{ interval_count('day', 'deadline_date', 'published_date') }}, 0)
        when published_date is null and deadline_date < as_of_date
            then {{ interval_count('day', 'deadline_date', 'as_of_date') }}
    end as days_late,
    case
        when published_date is not null and deadline_date is not null then published_date <= deadline_date
        when published_date is null and deadline_date < as_of_date then false
    end as is_on_time,
    case
        when published_date is null and deadline_basis = 'submission_date' then 'no_submission_date'
        when published_date is null and deadline_date < as_of_date then 'missing_overdue'
        when published_date is null then 'not_yet_published'
        when deadline_date is null then 'published_no_decision_date'
        when published_date <= deadline_date then 'on_time'
        else 'late'
    end as disclosure_status,
    is_file_available,
    legal_basis,
    cast(counts_for_t13 as boolean) as counts_for_t13,
    as_of_date
from dated
