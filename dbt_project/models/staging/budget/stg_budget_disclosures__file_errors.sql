-- Every file a crawl could not land, and why (file, sheet, cell): the crawl's own report, read
-- whatever the gate's verdict (a crawl whose load was rejected still says which files failed).
select
    load_id,
    document_id,
    file_name,
    file_url,
    file_status,
    file_sha256,
    sheet_name,
    cell,
    message,
    checked_at,
    load_date
from {{ source('budget_disclosures', 'file_errors') }}
