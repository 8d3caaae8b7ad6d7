{#-
    The provincial budget balance per fiscal year and line, the three series side by side:
      estimate        from the approved estimate (dự toán) document in force,
      final accounts  from the approved final accounts (quyết toán) document in force,
      execution       from the latest cumulative execution report of the year (q1 < h1 < q3 by
                      months covered, seed budget_required_disclosures).
    Each series comes from one column of one document: the document's column whose fiscal year
    (read from its header) is the document's own and whose kind is one of its document kind's
    (seed budget_column_kinds, preferred first; the leftmost among equals). A prior-year column
    ("Dự toán năm 2023", "Ước thực hiện năm 2023" in a 2024 estimate) and the estimate column
    repeated in a final-accounts or execution form are never read, and no value is the max() of
    several columns: a line cut from one year to the next shows its new value. One document per
    year and series: the last published among those whose file landed with such a column (a listed
    file that is missing or unreadable leaves the previous one in place), its latest version.

    A line is keyed by its id in the line catalogue (seed budget_form_lines), which the connector
    matched by the line's label: the same line in forms with four or five revenue lines is one
    row. A line the catalogue does not know keeps its own label (line_key `unlisted:<label>`, no
    English name; listed in stg_budget_disclosures__unlisted_lines). Files landed before lines
    were matched by label are matched by their position. Parents and children stay separate rows:
    is_leaf marks the lines whose sum under a top line gives it back; children_reconcile says
    whether a parent equals the sum of its children within rounding in every series it has, and
    children_gap_vnd by how much it is off beyond rounding (the largest gap of its series).
-#}
with period_lengths as (

    select document_kind, period_code, max(months_covered) as months_covered
    from {{ ref('budget_required_disclosures') }}
    group by document_kind, period_code

),

listed as (

    select document_id, document_kind, fiscal_year, period_code, published_date
    from {{ ref('stg_budget_disclosures__documents') }}
    where document_kind in ('estimate', 'final_accounts', 'execution')

),

lines as (

    select * from {{ ref('stg_budget_disclosures__lines') }}

),

-- the money column each document reports: its own year, a kind of its document kind
document_columns as (

    select document_id, sheet_column, column_kind
    from (
        select
            lines.document_id,
            lines.sheet_column,
            lines.series as column_kind,
            row_number() over (
                partition by lines.document_id
                order by column_kinds.preference, lines.sheet_column
            ) as column_rank
        from lines
        inner join listed
            on lines.document_id = listed.document_id
        inner join {{ ref('budget_column_kinds') }} as column_kinds
            on
                column_kinds.document_kind = listed.document_kind
                and column_kinds.column_kind = lines.series
        where lines.column_fiscal_year = listed.fiscal_year
    ) as ranked
    where column_rank = 1

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
    from listed
    left join period_lengths
        on
            listed.document_kind = period_lengths.document_kind
            and listed.period_code = period_lengths.period_code
    where listed.document_id in (select document_columns.document_id from document_columns)

),

catalogue as (

    select form_code, line_id, line_code, line_name_en, is_required
    from {{ ref('budget_form_lines') }}

),

reported as (

    select
        documents.fiscal_year,
        documents.document_kind,
        documents.period_code,
        document_columns.column_kind,
        lines.document_id,
        lines.form_code,
        lines.sheet_row,
        lines.line_code as form_line_code,
        lines.parent_line_code as form_parent_line_code,
        lines.line_name_vi,
        lines.outline_level,
        lines.is_of_which,
        lines.value_vnd,
        lines.children_total_vnd,
        lines.rounding_tolerance_vnd,
        coalesce(lines.line_id, by_position.line_id) as line_id,
        coalesce(lines.line_id, by_position.line_id, 'unlisted:' || coalesce(lines.line_label_key, lines.line_code))
            as line_key
    from lines
    inner join documents
        on
            lines.document_id = documents.document_id
            and documents.document_rank = 1
    inner join document_columns
        on
            lines.document_id = document_columns.document_id
            and lines.sheet_column = document_columns.sheet_column
    left join catalogue as by_position
        on
            lines.line_id is null
            and lines.line_label_key is null
            and by_position.form_code = lines.form_code
            and by_position.line_code = lines.line_code

),

-- one row per document and line (a label printed twice in one form: its first row)
keyed as (

    select
        reported.*,
        catalogue.line_code as catalogue_line_code,
        row_number() over (partition by reported.document_id, reported.line_key order by reported.sheet_row)
            as key_rank,
        row_number() over (
            partition by reported.fiscal_year, reported.line_key
            order by
                case reported.document_kind when 'estimate' then 1 when 'final_accounts' then 2 else 3 end,
                reported.sheet_row
        ) as naming_rank
    from reported
    left join catalogue
        on
            catalogue.form_code = reported.form_code
            and catalogue.line_id = reported.line_id

),

with_parent as (

    select
        keyed.*,
        coalesce(keyed.catalogue_line_code, keyed.form_line_code) as reported_line_code,
        parent.line_key as parent_line_key,
        coalesce(parent.catalogue_line_code, parent.form_line_code) as parent_line_code
    from keyed
    left join keyed as parent
        on
            parent.document_id = keyed.document_id
            and parent.form_line_code = keyed.form_parent_line_code
            and parent.key_rank = 1
    where keyed.key_rank = 1

),

by_line as (

    select
        fiscal_year,
        line_key,
        max(case when naming_rank = 1 then line_id end) as line_id,
        max(case when naming_rank = 1 then reported_line_code end) as line_code,
        max(case when naming_rank = 1 then line_name_vi end) as line_name_vi,
        max(case when naming_rank = 1 then form_code end) as form_code,
        max(case when naming_rank = 1 then outline_level end) as outline_level,
        max(case when naming_rank = 1 then parent_line_key end) as parent_line_key,
        max(case when naming_rank = 1 then parent_line_code end) as parent_line_code,
        max(case when naming_rank = 1 and is_of_which then 1 else 0 end) = 1 as is_of_which,
        -- one row per document and line: each is that document's value, not a max of several
        max(case when document_kind = 'estimate' then value_vnd end) as estimate_vnd,
        max(case when document_kind = 'final_accounts' then value_vnd end) as final_accounts_vnd,
        max(case when document_kind = 'execution' then value_vnd end) as execution_vnd,
        max(case when document_kind = 'execution' then period_code end) as execution_period_code,
        max(case when document_kind = 'execution' then column_kind end) as execution_column_kind,
        max(case when document_kind = 'estimate' then document_id end) as estimate_document_id,
        max(case when document_kind = 'final_accounts' then document_id end) as final_accounts_document_id,
        max(case when document_kind = 'execution' then document_id end) as execution_document_id,
        min(case
            when children_total_vnd is null or value_vnd is null then null
            when abs(value_vnd - children_total_vnd) <= rounding_tolerance_vnd then 1
            else 0
        end) as reconcile_flag,
        max(case
            when children_total_vnd is null or value_vnd is null then null
            when abs(value_vnd - children_total_vnd) <= rounding_tolerance_vnd then 0
            else abs(value_vnd - children_total_vnd) - rounding_tolerance_vnd
        end) as children_gap_vnd
    from with_parent
    group by fiscal_year, line_key

)

select
    cast('year' as {{ dbt.type_string() }}) as period_type,
    cast(cast(by_line.fiscal_year as integer) as {{ dbt.type_string() }}) as period_key,
    by_line.fiscal_year,
    by_line.line_key,
    by_line.line_id,
    by_line.line_code,
    by_line.line_name_vi,
    catalogue.line_name_en,
    by_line.outline_level,
    by_line.parent_line_key,
    by_line.parent_line_code,
    by_line.is_of_which,
    (not by_line.is_of_which and not exists (
        select 1
        from by_line as children
        where
            children.fiscal_year = by_line.fiscal_year
            and children.parent_line_key = by_line.line_key
            and not children.is_of_which
    )) as is_leaf,
    coalesce(catalogue.is_required, false) as is_required,
    by_line.estimate_vnd,
    by_line.final_accounts_vnd,
    by_line.execution_vnd,
    by_line.execution_period_code,
    by_line.execution_column_kind,
    case by_line.reconcile_flag when 1 then true when 0 then false end as children_reconcile,
    cast(by_line.children_gap_vnd as decimal(22, 2)) as children_gap_vnd,
    by_line.estimate_document_id,
    by_line.final_accounts_document_id,
    by_line.execution_document_id
from by_line
left join catalogue
    on
        catalogue.form_code = by_line.form_code
        and catalogue.line_id = by_line.line_id
