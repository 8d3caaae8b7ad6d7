{#-
    The version tables (stg_<source>__<dataset>_versions: every accepted version of every record,
    typed) are incremental, fed one partition at a time. A partition is a range of days of source
    updates in Vietnam local time: window_start and window_end ('YYYY-MM-DD', end exclusive), which
    orchestration passes from the run's partitions as environment variables PAR_WINDOW_START and
    PAR_WINDOW_END (by hand: those, or the vars window_start / window_end). An incremental build deletes the rows whose
    update time falls in the window, then inserts the accepted landed rows of that window, so
    re-running a partition gives the same table. Rows without an update time belong to no partition
    and are refreshed by every incremental build; rows of a load that is no longer accepted (re-checked
    and rejected) are deleted by every incremental build. Without the vars (plain `dbt build`), an
    incremental build refreshes every row; `--full-refresh` rebuilds the table.
    The latest-version tables read from the version tables, and the dossier-keyed intermediate models,
    are incremental by dossier (macros in dossier_increments.sql); the marts are full tables: a
    period's indicators depend on dossiers updated on any day.
    Why a pre-hook delete and `append`, not dbt's `delete+insert` (with incremental_predicates) or
    `microbatch`: the delete here takes every stored row of the window, of a rejected load and without
    a version, whether or not the new batch replaces it; delete+insert deletes only the stored rows
    whose unique_key is in the batch (the predicates only narrow that), microbatch puts a row without
    an event time in no batch and never reaches a rejected load outside its batch, and dbt-spark refuses
    delete+insert. In full: docs/operations.md ("Why these models are append with a pre-hook delete").
-#}
{#- update_window(): [window_start, window_end] of this build, or none without the vars. Read only
    when executing: dbt records the environment variables a model reads while it is parsed, and
    re-parses that model when one changes, i.e. every version table at every run. -#}
{% macro update_window() -%}
    {%- set window_start = var('window_start', env_var('PAR_WINDOW_START', '')) if execute else '' -%}
    {%- set window_end = var('window_end', env_var('PAR_WINDOW_END', '')) if execute else '' -%}
    {{ return([window_start, window_end] if window_start and window_end else none) }}
{%- endmacro %}


{% macro in_update_window(column) -%}
    {%- set window = update_window() -%}
    {%- if is_incremental() and window and replaces_version_months() -%}
        {{ in_replaced_update_months(column) }}
    {%- elif is_incremental() and window -%}
        {%- set window_start, window_end = window -%}
        ({{ column }} is null
         or ({{ column }} >= cast('{{ window_start }} 00:00:00' as timestamp)
             and {{ column }} < cast('{{ window_end }} 00:00:00' as timestamp)))
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}


{#- accepted_loads_of_window(relation): the rows of the accepted loads (macro accepted_loads) that may hold a
    version of this build's window: on an incremental build with a window, only the loads whose recorded
    range of update times meets it (macro load_meets_window), so a night reads that night's loads, not
    the whole history; otherwise every accepted load. -#}
{% macro accepted_loads_of_window(relation) -%}
    {%- set window = update_window() if is_incremental() else none -%}
(
    select landed.*
    from {{ relation }} as landed
    where landed._load_id in {{ accepted_load_ids(window) }}
)
{%- endmacro %}


{#- delete_update_window(column): the pre-hook of a version table; runs in the build's transaction.
    On Spark: the months the increment replaces are dropped (macros/cross_db/spark_incremental.sql). -#}
{% macro delete_update_window(column) -%}
    {%- if is_incremental() and replaces_version_months() -%}
        {{ drop_replaced_update_months() }}
    {%- elif is_incremental() -%}
        delete from {{ this }}
        where {{ in_update_window(column) }}
           or load_id not in {{ accepted_load_ids() }}
    {%- endif -%}
{%- endmacro %}


{#- latest_load_of_each_version(typed_cte, version_column): the rows of typed_cte that come from the
    latest load (latest loaded_at, then load_id) of their version (dossier_code, version_column), so
    a version landed again (a re-run of a partition, a page served twice) is kept once, as last landed.
    Rows without a version (no parseable update time) count as one version, the oldest (see
    version_key), so each version of a dossier, null included, comes from exactly ONE load: what
    latest_child_rows relies on. -#}
{% macro latest_load_of_each_version(typed_cte, version_column) -%}
select landed_version.*
from {{ typed_cte }} as landed_version
where not exists (
    select 1
    from {{ typed_cte }} as newer
    where newer.dossier_code = landed_version.dossier_code
      and {{ version_key('newer.' ~ version_column) }} = {{ version_key('landed_version.' ~ version_column) }}
      and (newer.loaded_at > landed_version.loaded_at
           or (newer.loaded_at = landed_version.loaded_at and newer.load_id > landed_version.load_id))
)
{%- endmacro %}


{#- version_key(column): a version (source update time) as a key that sorts and compares like the
    ranking "newest first, no version last": a missing version is the far past, so it equals
    itself (a plain = on null would not) and loses to every real version. -#}
{% macro version_key(column) -%}
    coalesce({{ column }}, {{ far_past_timestamp() }})
{%- endmacro %}


{#- landed_versions(source_name, table_name, update_field, version_column): the body of a version
    table. The caller block is the typed select list (it must name dossier_code and version_column);
    the landed batch columns are added, only accepted loads are read, only the run's window of
    update_field (the source's `yyyyMMddHHmmss` version), each version from its latest load:

        {% call landed_versions('one_stop_shop', 'votes', 'NgayCapNhat', 'dossier_updated_at') %}
            {{ clean_code('MaHoSo') }} as dossier_code, ...
        {% endcall %}
-#}
{% macro landed_versions(source_name, table_name, update_field, version_column) -%}
{{- spark_version_partitions() }}
with typed as (

    select
        {{ caller() | indent(8) }},
        {{ landed_batch_columns() }}
        {%- if target.type == 'spark' %},
        {{ update_month(parse_source_timestamp(update_field)) }} as update_month
        {%- endif %}
    from {{ accepted_loads_of_window(source(source_name, table_name)) }} as landed
    where {{ in_update_window(parse_source_timestamp(update_field)) }}

)

{{ latest_load_of_each_version('typed', version_column) }}
{%- endmacro %}
