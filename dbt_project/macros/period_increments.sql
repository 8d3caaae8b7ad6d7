{#-
    The period-keyed models read from int_dossier_period_status (int_766_indicator_counts,
    mart_agency_service_quality, and mart_766_index from the former) are incremental BY PERIOD: a nightly build deletes and recomputes only
    the reporting periods listed in int_recomputed_periods, and keeps every other period's rows. A
    period (its period_key: 2025-03, 2025-Q1, 2025-H1 and 2025 name a period whatever its type) is
    listed when, in this build, a row those models read was deleted from it or inserted into it:
      - a row of int_dossier_period_status: the rows of the recomputed dossiers (a late update to an
        old dossier touches its old, closed periods), every row of a period whose end moved (the
        running month, quarter, half-year and year: every night) or that is gone, every row of a new
        period. A dossier that left a period (it became "not accepted", its reception moved) has its
        row there deleted and none inserted: the period is listed all the same;
      - a satisfaction vote or a feedback item (PAKN) of a recomputed dossier, by the period its time
        falls in, before the build (the old row) and after it (the new one): they are counted by their
        own time, which may lie in a period where the dossier has no status row.
    The rows deleted are noted by the pre-hooks of those tables just before they delete
    (note_dossier_period_changes, note_event_periods), into the list itself; the rows inserted by the
    list's own body, built after them (int_recomputed_periods). One rule, one list: every period-keyed
    model reads it through recomputed_period() and delete_recomputed_periods().
    The list accumulates until a build in which it and every model reading it succeeded (on-run-end
    hook forget_applied_list, macros/dossier_increments.sql), like stg_one_stop_shop__changed_dossiers:
    a build that stops before the marts loses no period. On a first or full build of the list (or
    while it does not exist yet) every period is listed; on a full build of a reader every period is
    rebuilt (is_incremental() is false). So an incremental build gives the same tables as
    `--full-refresh` (tests/test_dossier_increments.py, tests/test_incremental_runs.py).
    On Spark these models are rebuilt in full, as the dossier-keyed tables are
    (macros/cross_db/spark_incremental.sql): the notes are no-ops there.
-#}
{% macro recomputed_periods_id() -%}
    {{ return('model.par_warehouse.int_recomputed_periods') }}
{%- endmacro %}


{#- note_recomputed_periods(period_keys): a statement adding to the list (when it is built) the
    period keys of the query `period_keys` (one column, period_key) that it does not hold yet; none on
    Spark or while the list is not built. -#}
{% macro note_recomputed_periods(period_keys) -%}
    {%- set listed = built_relation(recomputed_periods_id()) -%}
    {%- if listed is not none and target.type != 'spark' -%}
        insert into {{ listed }} (period_key)
        select distinct noted.period_key
        from ({{ period_keys }}) as noted
        where
            noted.period_key is not null
            and noted.period_key not in (select listed.period_key from {{ listed }} as listed)
    {%- endif -%}
{%- endmacro %}


{#- note_dossier_period_changes(periods): the first pre-hook of int_dossier_period_status: the periods
    of the rows its second pre-hook deletes (recomputed_dossier_period_rows) and the periods it has no
    row of (new: the body fills them); on a full build, every period. -#}
{% macro note_dossier_period_changes(periods) -%}
    {%- set changed_periods -%}
        {%- if is_incremental() -%}
            select stored.period_key from {{ this }} as stored
            where {{ recomputed_dossier_period_rows(periods) }}
            union all
            select current_periods.period_key from {{ periods }} as current_periods
            where current_periods.period_key not in (select kept.period_key from {{ this }} as kept)
        {%- else -%}
            select current_periods.period_key from {{ periods }} as current_periods
        {%- endif -%}
    {%- endset -%}
    {{ note_recomputed_periods(changed_periods) }}
{%- endmacro %}


{#- note_event_periods(event_at): the first pre-hook of a latest-version table whose rows a period-keyed
    model counts by their own time `event_at` (stg_one_stop_shop__votes, __feedback): the periods (as
    the previous build defined them) of the rows the next pre-hook deletes (changed_event_periods).
    int_dossiers_enriched is built after these tables (depends_on), so it still holds the dossiers the
    previous build counted. -#}
{% macro note_event_periods(event_at) -%}
    {%- set periods = built_relation('model.par_warehouse.int_reporting_periods') -%}
    {%- if is_incremental() and periods is not none -%}
        {{ note_recomputed_periods(changed_event_periods(
            this, event_at, periods, built_relation('model.par_warehouse.int_dossiers_enriched'))) }}
    {%- endif -%}
{%- endmacro %}


{#- changed_event_periods(events, event_at, periods, counted): `select period_key` of the rows of `events`
    of the recomputed dossiers, in each period of `periods` their `event_at` falls in; only the dossiers
    the marts count (listed in `counted`, int_dossiers_enriched; every dossier when it is none): a
    quarantined dossier is recomputed every night (stg_one_stop_shop__changed_dossiers) but its votes
    and feedback are counted nowhere, and would otherwise list every period of the history. -#}
{% macro changed_event_periods(events, event_at, periods, counted) -%}
    select event_periods.period_key
    from {{ events }} as events
    inner join {{ periods }} as event_periods
        on
            events.{{ event_at }} >= event_periods.period_start
            and events.{{ event_at }} <= event_periods.period_end
    where
        {{ recomputed_dossier('events.dossier_code') }}
        {%- if counted is not none %}
        and events.dossier_code in (select counted.dossier_code from {{ counted }} as counted)
        {%- endif %}
{%- endmacro %}


{#- period_incremental_config(): the config of a model incremental by period (called where it is parsed).
    On PostgreSQL the column types are not compared with the table's (on_schema_change
    append_new_columns; dbt refuses `ignore` with a contract): the temporary relation dbt compares carries
    `text` and unconstrained `numeric` where a contract's table has `varchar` and `decimal(9,6)`, which
    `fail` reads as a change on every build. A change of these models' columns needs a full refresh on
    every engine (docs/operations.md). -#}
{% macro period_incremental_config() -%}
    {%- do config(
        materialized='incremental', incremental_strategy='append', pre_hook='{{ delete_recomputed_periods() }}',
        on_schema_change='append_new_columns' if target.type == 'postgres' else 'fail') -%}
{%- endmacro %}


{#- recomputed_period(column): the body's filter: `column` (a period_key) is listed in this build;
    always true on a full build. -#}
{% macro recomputed_period(column) -%}
    {%- set listed = ref('int_recomputed_periods') -%}
    {%- if is_incremental() -%}
        ({{ column }} in (select listed.period_key from {{ listed }} as listed))
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}


{#- delete_recomputed_periods(): the pre-hook of a period-keyed model: the rows of the listed periods
    and of any period gone from int_reporting_periods. -#}
{% macro delete_recomputed_periods() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where
            {{ recomputed_period('period_key') }}
            or period_key not in (
                select current_periods.period_key from {{ ref('int_reporting_periods') }} as current_periods
            )
    {%- endif -%}
{%- endmacro %}
