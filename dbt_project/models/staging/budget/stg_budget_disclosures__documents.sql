{#-
    The portal's documents as last listed (latest accepted listing row per document), typed. A
    correction re-published under the same id is the same document (its rows in the lines and
    units models are the latest landed version's).
-#}
with landed as (

    select * from {{ accepted_loads(source('budget_disclosures', 'documents')) }} as src

),

typed as (

    select
        {{ clean_text('document_id') }} as document_id,
        {{ clean_text('form_code') }} as form_code,
        {{ clean_text('document_kind') }} as document_kind,
        cast(fiscal_year as integer) as fiscal_year,
        {{ clean_text('period') }} as period_code,
        {{ clean_text('title') }} as title_vi,
        {{ clean_text('decision_number') }} as decision_number,
        cast(decision_date as date) as decision_date,
        cast(published_date as date) as published_date,
        cast(updated_date as date) as updated_date,
        {{ clean_text('file_url') }} as file_url,
        {{ clean_text('file_name') }} as file_name,
        {{ clean_text('file_status') }} as file_status,
        {{ clean_text('file_sha256') }} as file_sha256,
        {{ clean_text('original_path') }} as original_path,
        {{ clean_text('error_message') }} as error_message,
        {{ landed_batch_columns() }}
    from landed

),

latest as (

    select
        typed.*,
        row_number() over (
            partition by typed.document_id
            order by typed.loaded_at desc, typed.load_id desc, typed.page desc
        ) as listing_rank
    from typed
    where typed.document_id is not null

)

select
    document_id,
    form_code,
    document_kind,
    fiscal_year,
    period_code,
    title_vi,
    decision_number,
    decision_date,
    published_date,
    updated_date,
    file_url,
    file_name,
    file_status,
    (file_status in ('landed', 'unchanged')) as is_file_available,
    file_sha256,
    original_path,
    error_message,
    load_id,
    loaded_at
from latest
where listing_rank = 1
