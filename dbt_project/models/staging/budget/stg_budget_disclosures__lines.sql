{#-
    Lines of the latest landed version of each balance document: a corrected file re-published
    under the same name supersedes the earlier version (the version landed last wins), so no
    line is counted twice. Each row is one line in one money column; the column's fiscal year
    and kind (series) are the header's. Files landed before the parser read column years have
    none: they keep the document's year (what that parser assumed), and their lines, matched by
    nobody, are matched by position in the mart.
-#}
with landed as (

    select * from {{ accepted_loads(source('budget_disclosures', 'lines')) }} as src

),

typed as (

    select
        {{ clean_text('document_id') }} as document_id,
        file_sha256,
        {{ clean_text('form_code') }} as form_code,
        cast(fiscal_year as integer) as fiscal_year,
        period as period_code,
        sheet_name,
        cast(sheet_row as integer) as sheet_row,
        cast(sheet_column as integer) as sheet_column,
        {{ clean_text('column_label') }} as column_label,
        cast(coalesce(column_fiscal_year, fiscal_year) as integer) as column_fiscal_year,
        outline_marker,
        line_code,
        {{ clean_text('line_name_vi') }} as line_name_vi,
        line_label_key,
        line_id,
        line_match,
        cast(outline_level as integer) as outline_level,
        parent_line_code,
        is_of_which,
        series,
        cast(value_in_unit as decimal(24, 6)) as value_in_unit,
        unit,
        cast(unit_vnd as bigint) as unit_vnd,
        cast(value_vnd as decimal(22, 2)) as value_vnd,
        cast(children_count as integer) as children_count,
        cast(children_total_vnd as decimal(22, 2)) as children_total_vnd,
        cast(rounding_tolerance_vnd as decimal(22, 2)) as rounding_tolerance_vnd,
        {{ landed_batch_columns() }}
    from landed

)

{{ latest_document_version('typed') }}
