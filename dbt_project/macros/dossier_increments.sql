{#-
    The latest-version tables of the one-stop-shop (stg_one_stop_shop__dossiers_validated and the
    child lists: __status_events, __supplements, __fees...) are incremental BY DOSSIER, each fed by
    its version table (macro landed_versions): a nightly build recomputes only the dossiers the run
    may have changed and keeps every other dossier's rows, so it costs the day, not the history.

    The pre-hook delete_changed_dossiers(versions, version_column) deletes, in this table, the rows of
    every dossier that
      - has a version in the run's window in the version table (new or landed again: in_update_window),
      - or whose row here is in the window (its version may have been replaced or removed),
      - or whose row here comes from a load that is no longer accepted,
    and every row without a dossier code, and the rows also_where names (a model whose rows depend on
    more than the versions: see stg_one_stop_shop__dossiers_validated). The body then reads versions_to_recompute(versions): the
    version rows of each dossier that has no row here any more (those just deleted, and new ones),
    and the rows without a code. Every dossier whose versions did not change keeps rows that a full
    rebuild would give again, so an incremental build and `--full-refresh` give the same table
    (tests/test_incremental_runs.py). Without the window vars, an incremental build recomputes every
    dossier. All rows of a dossier here share its latest version and load, so a row-level condition
    on those columns deletes the dossier as a whole.
-#}
{% macro delete_changed_dossiers(versions, version_column, also_where=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where dossier_code is null
           or {{ in_update_window(version_column) }}
           or load_id not in {{ accepted_load_ids() }}
           or dossier_code in (
               select changed.dossier_code
               from {{ versions }} as changed
               where {{ in_update_window('changed.' ~ version_column) }}
           )
        {%- if also_where %}
           or {{ also_where }}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}


{#- versions_to_recompute(versions): a subquery (give it an alias: PostgreSQL requires one) of the version rows to rank in this build: all of them
    on a full build, else those of the dossiers without a row in this table (see above). -#}
{% macro versions_to_recompute(versions) -%}
(
    select versions.*
    from {{ versions }} as versions
    {%- if is_incremental() %}
    where versions.dossier_code is null
       or not exists (
           select 1
           from {{ this }} as kept
           where kept.dossier_code = versions.dossier_code
       )
    {%- endif %}
)
{%- endmacro %}
