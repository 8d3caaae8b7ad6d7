-- The GX gate's verdict on each load and check run, with a flag on the verdict in force
-- (the latest by checked_at), the one macro accepted_loads applies.
select
    load_id,
    source_system,
    verdict,
    expectations_evaluated,
    expectations_failed,
    rows_affected,
    checked_at,
    load_date,
    (row_number() over (
        partition by load_id
        order by checked_at desc, verdict desc
    ) = 1) as is_latest_verdict
from {{ source('audit', 'gx_batch_verdicts') }}
