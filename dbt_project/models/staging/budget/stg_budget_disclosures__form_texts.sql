-- The notes, sources, place-and-date line and signatures under the table of the latest landed
-- version of each form (a corrected re-publication supersedes the earlier version's text).
with landed as (

    select * from {{ accepted_loads(source('budget_disclosures', 'form_texts')) }} as src

),

typed as (

    select
        {{ clean_text('document_id') }} as document_id,
        file_sha256,
        {{ clean_text('form_code') }} as form_code,
        cast(fiscal_year as integer) as fiscal_year,
        sheet_name,
        cast(sheet_row as integer) as sheet_row,
        cast(sheet_column as integer) as sheet_column,
        {{ clean_text('text_vi') }} as text_vi,
        text_kind,
        {{ landed_batch_columns() }}
    from landed

)

{{ latest_document_version('typed') }}
