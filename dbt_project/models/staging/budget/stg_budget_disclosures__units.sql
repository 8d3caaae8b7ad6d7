-- Public service units of the latest landed version of each autonomy document (a corrected
-- re-publication supersedes the earlier version; no unit is counted twice).
with landed as (

    select * from {{ accepted_loads(source('budget_disclosures', 'units')) }} as src

),

typed as (

    select
        {{ clean_text('document_id') }} as document_id,
        file_sha256,
        cast(fiscal_year as integer) as fiscal_year,
        sheet_name,
        cast(sheet_row as integer) as sheet_row,
        {{ clean_text('sector_name_vi') }} as sector_name_vi,
        {{ clean_code('unit_code') }} as unit_code,
        {{ clean_text('unit_name_vi') }} as unit_name_vi,
        cast(autonomy_group as integer) as autonomy_group,
        cast(service_revenue_vnd as decimal(22, 2)) as service_revenue_vnd,
        cast(retained_fees_vnd as decimal(22, 2)) as retained_fees_vnd,
        cast(business_surplus_vnd as decimal(22, 2)) as business_surplus_vnd,
        cast(recurrent_spending_vnd as decimal(22, 2)) as recurrent_spending_vnd,
        unit,
        {{ landed_batch_columns() }}
    from landed

)

{{ latest_document_version('typed') }}
