{#-
    accepted_loads(relation): the rows of a landed table whose load passed the GX gate.

    A load is read only if its latest verdict in the audit source gx_batch_verdicts (latest by
    checked_at) is 'accepted'. A rejected load, or a load never checked, never reaches the
    warehouse. On a tie of checked_at the rejection wins ('rejected' sorts after 'accepted').
    Every staging model reads its landed table through this macro:

        select ... from {{ accepted_loads(source('one_stop_shop', 'dossiers')) }} as src
-#}
{% macro accepted_loads(relation) -%}
(
    select landed.*
    from {{ relation }} as landed
    where landed._load_id in {{ accepted_load_ids() }}
)
{%- endmacro %}


{#- accepted_load_ids(window=none): a subquery of the load ids whose latest GX verdict is 'accepted';
    with a window [start, end) of update days, only those that may hold a row of it (load_meets_window). -#}
{% macro accepted_load_ids(window=none) -%}
(
    select ranked_verdicts.load_id
    from (
        select
            verdicts.load_id,
            verdicts.verdict,
            {%- if window %}
            {{ load_meets_window('verdicts', window) }} as meets_window,
            {%- endif %}
            row_number() over (
                partition by verdicts.load_id
                order by verdicts.checked_at desc, verdicts.verdict desc
            ) as verdict_rank
        from {{ source('audit', 'gx_batch_verdicts') }} as verdicts
    ) as ranked_verdicts
    where ranked_verdicts.verdict_rank = 1
      and ranked_verdicts.verdict = 'accepted'
      {%- if window %}
      and ranked_verdicts.meets_window
      {%- endif %}
)
{%- endmacro %}


{#- load_meets_window(verdict, window): whether a load, by the range of source update times its verdict
    records (orchestration/update_ranges.py `update_time_range`), may hold a row of the window
    [start, end) (local days, as macro in_update_window): its range meets the window, or it has rows
    without an update time (in every window), or no range was recorded (a verdict from before ranges
    were recorded, a source without one): read. The range is the source's own clock, whatever the
    load's landing day: a source whose clock runs ahead lands, for one day, rows of the next day's
    window, and the next day's build reads that load. -#}
{% macro load_meets_window(verdict, window) -%}
    {{ return(adapter.dispatch('load_meets_window', 'par_warehouse')(verdict, window)) }}
{%- endmacro %}

{% macro default__load_meets_window(verdict, window) -%}
    ({{ verdict }}.updated_at_min is null
         or coalesce({{ verdict }}.rows_without_updated_at, 1) > 0
         or ({{ verdict }}.updated_at_max >= cast('{{ window[0] }} 00:00:00' as timestamp)
             and {{ verdict }}.updated_at_min < cast('{{ window[1] }} 00:00:00' as timestamp)))
{%- endmacro %}

{#- Spark: every accepted load (not pruned). Whether Spark reads the recorded bounds (Parquet timestamps
    without a time zone) as the same local times as the window is not verified here. -#}
{% macro spark__load_meets_window(verdict, window) -%}
    (1 = 1)
{%- endmacro %}


{#- landed_batch_columns(): the batch columns every landed row carries (docs/one_stop_shop_landing.md),
    renamed for the warehouse; the last item of a staging model's select list. -#}
{% macro landed_batch_columns() -%}
_load_id as load_id,
        _loaded_at as loaded_at,
        _page as page
{%- endmacro %}


{#- latest_accepted_load(relation): the rows of the most recent accepted load only (by _loaded_at).
    For a reference file landed whole at every run: the latest accepted copy is the whole truth,
    earlier copies are history. -#}
{% macro latest_accepted_load(relation) -%}
(
    select accepted.*
    from {{ accepted_loads(relation) }} as accepted
    where accepted._load_id in (
        select newest._load_id
        from {{ accepted_loads(relation) }} as newest
        where newest._loaded_at = (select max(everything._loaded_at) from {{ accepted_loads(relation) }} as everything)
    )
)
{%- endmacro %}
