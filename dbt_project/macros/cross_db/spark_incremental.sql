{#- The incremental models on Spark, without Delta Lake or Iceberg.

    On DuckDB and PostgreSQL an increment deletes rows before appending (pre-hooks
    delete_update_window, delete_recomputed_dossiers, delete_recomputed_dossier_periods: macros/
    update_window.sql, macros/dossier_increments.sql). Spark's built-in Parquet tables take no DELETE,
    but they take partitions, and `insert overwrite` replaces exactly the partitions its rows fall in
    (dynamic partition overwrite). So on the spark target:

    - The version tables (stg_one_stop_shop__*_versions, built by landed_versions) are partitioned by
      the month of their version's update time, `update_month` ('yyyy-MM', 'none' without a parseable
      update time), an extra last column on Spark only. An increment replaces every month its window
      of update days touches, the 'none' month, and every month holding a row of a load that is no
      longer accepted: the pre-hook (delete_update_window) drops those partitions, and the body
      (in_update_window) recomputes them whole from the accepted landed loads, written with
      incremental_strategy insert_overwrite. A whole month recomputed is what a full rebuild would
      write for it, so the table equals a full rebuild's, as on DuckDB. A night costs one or two
      months of versions, not the history.
    - The dossier-keyed tables downstream (the latest-version tables, int_dossier_*) and the list of
      changed dossiers are rebuilt in full from the version tables (should_full_refresh below): their
      unit, the dossier, is too fine for a partition, and a build of them from the version tables is
      a scan, not the landing zone's parse. Partitioning them by the dossiers' reception month is the
      next step (docs/scaling.md). So are the models incremental by period and their list of periods
      (macros/period_increments.sql: its notes are no-ops on Spark, the list holds every period).
    - On a cluster with Delta Lake (PAR_SPARK_FILE_FORMAT=delta) the same partitions are replaced; the
      dossier-keyed tables could then take the DELETE pre-hooks as on DuckDB (not tested here: Delta's
      jars cannot be installed). -#}

{#- spark_version_partitions(): the config of a version table on Spark (called by landed_versions
    while the model is parsed); no-op on the other engines. -#}
{% macro spark_version_partitions() -%}
    {%- if target.type == 'spark' -%}
        {{ config(incremental_strategy='insert_overwrite', partition_by=['update_month']) }}
    {%- endif -%}
{%- endmacro %}


{#- replaces_version_months(): this model is a version table partitioned by update_month (Spark). -#}
{% macro replaces_version_months() -%}
    {%- set partition_by = config.get('partition_by') -%}
    {{ return(target.type == 'spark' and partition_by is not none and 'update_month' in partition_by) }}
{%- endmacro %}


{#- update_month(timestamp): the partition of a version: its update's month, 'none' without one. -#}
{% macro update_month(timestamp) -%}
    coalesce(date_format({{ timestamp }}, 'yyyy-MM'), 'none')
{%- endmacro %}


{#- replaced_update_months(window): the partitions an increment over `window` ([first day, day after
    the last]) recomputes: the window's months, 'none', and the months holding rows of a load no
    longer accepted (read from the table when executing). -#}
{% macro replaced_update_months(window) -%}
    {%- set first = modules.datetime.date.fromisoformat(window[0]) -%}
    {%- set last = modules.datetime.date.fromisoformat(window[1]) - modules.datetime.timedelta(days=1) -%}
    {%- set months = ['none'] -%}
    {%- set first_index = first.year * 12 + first.month - 1 -%}
    {%- for index in range(first_index, last.year * 12 + last.month) -%}
        {%- set month = index % 12 + 1 -%}
        {%- do months.append((index // 12) ~ '-' ~ ('0' if month < 10 else '') ~ month) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- set rejected = run_query(
            'select distinct update_month from ' ~ this ~ ' where load_id not in ' ~ accepted_load_ids()) -%}
        {%- for row in rejected.rows -%}
            {%- if row[0] not in months -%}
                {%- do months.append(row[0]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(months) }}
{%- endmacro %}


{#- in_replaced_update_months(column): the body's filter (a version's update time `column`). -#}
{% macro in_replaced_update_months(column) -%}
    {{ update_month(column) }} in ('{{ replaced_update_months(update_window()) | join("', '") }}')
{%- endmacro %}


{#- drop_replaced_update_months(): the pre-hook: a month left without an accepted row is emptied too. -#}
{% macro drop_replaced_update_months() -%}
    alter table {{ this }} drop if exists
    {%- for month in replaced_update_months(update_window()) %}
        partition (update_month = '{{ month }}'){{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- dbt's should_full_refresh(), with one addition: on Spark, an incremental model that does not replace
    partitions (above) is rebuilt in full, and so is a version table in a build without a window
    (which refreshes every row anyway). -#}
{% macro should_full_refresh() -%}
    {%- set config_full_refresh = config.get('full_refresh') -%}
    {%- if config_full_refresh is none -%}
        {%- set config_full_refresh = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if not config_full_refresh and target.type == 'spark' and config.get('materialized') == 'incremental'
          and not (replaces_version_months() and update_window() is not none) -%}
        {%- set config_full_refresh = true -%}
    {%- endif -%}
    {%- do return(config_full_refresh) -%}
{%- endmacro %}
