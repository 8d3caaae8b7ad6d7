{#-
    The provincial budget balance per fiscal year and line, the three series side by side:
      estimate        from the approved estimate (dự toán) document in force,
      final accounts  from the approved final accounts (quyết toán) document in force,
      execution       from the latest cumulative execution report of the year (q1 < h1 < q3 by
                      months covered, seed budget_required_disclosures).
    Each series comes from its own document only (the estimate column repeated in a final-accounts
    or execution form is not used), from the latest version of that document, and from one
    document per year and series: the last published among those whose file landed (a listed
    file that is missing or unreadable leaves the previous one in place). Nothing is counted twice. Parents and children stay separate rows: is_leaf marks the lines whose sum
    under a top line gives it back; children_reconcile says whether a parent equals the sum of
    its children within rounding in every series it has.
-#}
with period_lengths as (

    select document_kind, period_code, max(months_covered) as months_covered
    from {{ ref('budget_required_disclosures') }}
    group by document_kind, period_code

),

documents as (

    select
        listed.document_id,
        listed.document_kind,
        listed.fiscal_year,
        listed.period_code,
        row_number() over (
            partition by listed.fiscal_year, listed.document_kind
            order by period_lengths.months_covered desc, listed.published_date desc, listed.document_id desc
        ) as document_rank
    from {{ ref('stg_budget_disclosures__documents') }} as listed
    left join period_lengths
        on listed.document_kind = period_lengths.document_kind
        and listed.period_code = period_lengths.period_code
    where listed.document_kind in ('estimate', 'final_accounts', 'execution')
      and listed.document_id in (select document_id from {{ ref('stg_budget_disclosures__lines') }})

),

series_lines as (

    select
        lines.fiscal_year,
        lines.line_code,
        lines.form_code,
        lines.line_name_vi,
        lines.outline_level,
        lines.parent_line_code,
        lines.is_of_which,
        lines.series,
        lines.value_vnd,
        lines.children_total_vnd,
        lines.rounding_tolerance_vnd,
        lines.document_id,
        documents.period_code
    from {{ ref('stg_budget_disclosures__lines') }} as lines
    inner join documents
        on lines.document_id = documents.document_id
        and documents.document_rank = 1
    where lines.series = documents.document_kind

),

by_line as (

    select
        fiscal_year,
        line_code,
        coalesce(max(case when series = 'estimate' then line_name_vi end), max(line_name_vi)) as line_name_vi,
        max(form_code) as form_code,
        max(outline_level) as outline_level,
        max(parent_line_code) as parent_line_code,
        max(case when is_of_which then 1 else 0 end) = 1 as is_of_which,
        max(case when series = 'estimate' then value_vnd end) as estimate_vnd,
        max(case when series = 'final_accounts' then value_vnd end) as final_accounts_vnd,
        max(case when series = 'execution' then value_vnd end) as execution_vnd,
        max(case when series = 'execution' then period_code end) as execution_period_code,
        max(case when series = 'estimate' then document_id end) as estimate_document_id,
        max(case when series = 'final_accounts' then document_id end) as final_accounts_document_id,
        max(case when series = 'execution' then document_id end) as execution_document_id,
        min(case
                when children_total_vnd is null or value_vnd is null then null
                when abs(value_vnd - children_total_vnd) <= rounding_tolerance_vnd then 1
                else 0
            end) as reconcile_flag
    from series_lines
    group by fiscal_year, line_code

),

catalogue as (

    select line_code, max(line_name_en) as line_name_en, max(case when is_required then 1 else 0 end) = 1 as is_required
    from {{ ref('budget_form_lines') }}
    group by line_code

)

select
    by_line.fiscal_year,
    by_line.line_code,
    by_line.line_name_vi,
    catalogue.line_name_en,
    by_line.outline_level,
    by_line.parent_line_code,
    by_line.is_of_which,
    (not by_line.is_of_which and not exists (
        select 1
        from by_line as children
        where children.fiscal_year = by_line.fiscal_year
          and children.parent_line_code = by_line.line_code
          and not children.is_of_which
    )) as is_leaf,
    coalesce(catalogue.is_required, false) as is_required,
    by_line.estimate_vnd,
    by_line.final_accounts_vnd,
    by_line.execution_vnd,
    by_line.execution_period_code,
    case by_line.reconcile_flag when 1 then true when 0 then false end as children_reconcile,
    by_line.estimate_document_id,
    by_line.final_accounts_document_id,
    by_line.execution_document_id
from by_line
left join catalogue
    on by_line.line_code = catalogue.line_code
