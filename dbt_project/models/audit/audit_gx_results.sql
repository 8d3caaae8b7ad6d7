-- The GX gate's expectation results, as orchestration wrote them to the landing zone's _audit folder.
select
    load_id,
    source_system,
    dataset,
    suite_name,
    expectation,
    column_name,
    success,
    element_count,
    unexpected_count,
    unexpected_percent,
    checked_at,
    load_date
from {{ source('audit', 'gx_results') }}
