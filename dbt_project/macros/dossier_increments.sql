{#-
    The latest-version tables of the one-stop-shop (stg_one_stop_shop__dossiers_validated and the
    child lists: __status_events, __supplements, __fees...) are incremental BY DOSSIER, each fed by
    its version table (macro landed_versions): a nightly build recomputes only the dossiers the run
    may have changed and keeps every other dossier's rows, so it costs the day, not the history.

    Which dossiers: stg_one_stop_shop__changed_dossiers, built before these tables, lists every
    dossier that, in any of them (dossier_latest_tables, rule changed_dossier_rows),
      - has a version in the run's window in the version table (new or landed again: in_update_window),
      - or whose row is in the window (its version may have been replaced or removed),
      - or whose row comes from a load that is no longer accepted,
      - or whose row is re-checked (a model whose rows depend on more than the versions: see
        stg_one_stop_shop__dossiers_validated),
    plus the dossiers of earlier builds that did not reach every model reading the list.
    Each table's pre-hook delete_recomputed_dossiers() deletes the rows of the listed dossiers and
    every row without a dossier code; the body reads versions_to_recompute(versions): the version
    rows of the same dossiers, and the rows without a code. Both are a join with the (small) list,
    not a scan of the window over the whole table. A dossier listed because of another table is
    recomputed from this table's versions to the same rows. Every other dossier keeps rows that a
    full rebuild would give again, so an incremental build and `--full-refresh` give the same table
    (tests/test_dossier_increments.py, tests/test_incremental_runs.py). Without the window vars, an
    incremental build recomputes every dossier.
    Not dbt's delete+insert with unique_key dossier_code: it would delete only the dossiers that have
    rows in the new batch, so a child row gone from a dossier's latest version (a removed fee), or a
    dossier whose load was rejected, would keep its old rows (docs/operations.md).
-#}
{#- dossier_latest_tables(): the latest-version tables, each with its version table and version
    column; rechecks_quarantine: the table applies row rules, so its quarantined rows and the rows
    whose procedure left the known codes (known_procedure_codes) are recomputed every night. The one list of those tables, which
    stg_one_stop_shop__changed_dossiers reads. -#}
{% macro dossier_latest_tables() -%}
    {%- set tables = {
        'stg_one_stop_shop__dossiers_validated': {
            'versions': 'stg_one_stop_shop__dossier_versions', 'version_column': 'updated_at',
            'rechecks_quarantine': true}} -%}
    {#- each child list: its latest-version table <- its version table, versioned by the dossier's update -#}
    {%- set child_lists = {'status_events': 'process_step', 'supplements': 'supplement', 'fees': 'fee',
                           'apologies': 'apology', 'votes': 'vote', 'feedback': 'feedback',
                           'documents': 'document', 'results': 'result'} -%}
    {%- for latest, version in child_lists.items() -%}
        {%- do tables.update({'stg_one_stop_shop__' ~ latest: {
            'versions': 'stg_one_stop_shop__' ~ version ~ '_versions', 'version_column': 'dossier_updated_at'}}) -%}
    {%- endfor -%}
    {{ return(tables) }}
{%- endmacro %}


{#- changed_dossier_rows(table): the condition (on the unqualified columns of `table`, one of
    dossier_latest_tables) that picks the rows whose dossier a build recomputes; see above. -#}
{% macro changed_dossier_rows(table) -%}
    {%- set latest = dossier_latest_tables()[table] -%}
    (dossier_code is null
       or {{ in_update_window(latest.version_column) }}
       or load_id not in {{ accepted_load_ids() }}
       or dossier_code in (
           select changed.dossier_code
           from {{ ref(latest.versions) }} as changed
           where {{ in_update_window('changed.' ~ latest.version_column) }}
       )
    {%- if latest.rechecks_quarantine %}
       or quarantine_reason is not null
       or procedure_code not in {{ known_procedure_codes() }}
       or agency_code not in (select catalogue.agency_code from {{ ref('int_agencies') }} as catalogue)
    {%- endif %})
{%- endmacro %}


{#- versions_to_recompute(versions): a subquery (give it an alias: PostgreSQL requires one) of the version
    rows to rank in this build: all of them on a full build, else those of the recomputed dossiers
    (see above). -#}
{% macro versions_to_recompute(versions) -%}
(
    select versions.*
    from {{ versions }} as versions
    where {{ recomputed_dossier('versions.dossier_code') }}
)
{%- endmacro %}


{#-
    The dossier-keyed models downstream (int_dossier_end_times, int_dossiers_enriched,
    int_dossier_handlers, int_dossier_digital_services, int_dossier_period_status) are incremental by
    dossier too: the pre-hook delete_recomputed_dossiers() deletes the rows of every dossier in
    stg_one_stop_shop__changed_dossiers (and the rows without a code), and the body reads the inputs
    of those dossiers only (recomputed_dossier(column)). On a full build both are no-ops.
-#}
{% macro recomputed_dossier(column) -%}
    {%- set changed = ref('stg_one_stop_shop__changed_dossiers') -%}
    {%- if is_incremental() -%}
        ({{ column }} is null or {{ column }} in (select changed.dossier_code from {{ changed }} as changed))
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}


{% macro delete_recomputed_dossiers() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ recomputed_dossier('dossier_code') }}
    {%- endif -%}
{%- endmacro %}


{#- delete_recomputed_dossier_periods(periods): the pre-hook of int_dossier_period_status: the rows of
    the recomputed dossiers, and every row of a period that is gone from `periods` or whose end moved
    (period_key names a period whatever its type: 2025-03, 2025-Q1, 2025-H1, 2025). The body then
    recomputes the periods left without a row. The periods it deletes from are noted first
    (note_dossier_period_changes, macros/period_increments.sql). -#}
{% macro delete_recomputed_dossier_periods(periods) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ recomputed_dossier_period_rows(periods) }}
    {%- endif -%}
{%- endmacro %}


{#- recomputed_dossier_period_rows(periods): the condition (on the unqualified columns of
    int_dossier_period_status) of the rows its pre-hook deletes; see above. -#}
{% macro recomputed_dossier_period_rows(periods) -%}
    ({{ recomputed_dossier('dossier_code') }}
       or period_key not in (select current_periods.period_key from {{ periods }} as current_periods)
       or period_key in (
           select stored.period_key
           from (select distinct period_key, period_end from {{ this }}) as stored
           inner join {{ periods }} as current_periods
               on current_periods.period_key = stored.period_key
           where current_periods.period_end <> stored.period_end
       ))
{%- endmacro %}


{#- CHANGED_DOSSIERS_ID: the list's node; built_relation(unique_id): that node's relation in the
    warehouse, or none while it is not built (only when executing); reads_changed_dossiers(node):
    the node is a model incremental by dossier, i.e. it reads the list (a latest-version table
    through versions_to_recompute, an intermediate model through recomputed_dossier). -#}
{% macro changed_dossiers_id() -%}
    {{ return('model.par_warehouse.stg_one_stop_shop__changed_dossiers') }}
{%- endmacro %}


{% macro built_relation(unique_id) -%}
    {%- set node = graph.nodes.get(unique_id) if execute else none -%}
    {%- if node is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}


{% macro reads_changed_dossiers(node) -%}
    {{ return(node.resource_type == 'model' and changed_dossiers_id() in node.depends_on.nodes) }}
{%- endmacro %}


{#- forget_applied_changed_dossiers(results): the on-run-end hook. stg_one_stop_shop__changed_dossiers
    accumulates the dossiers of every build until a build in which it and every model that reads it
    succeeded; then it is emptied. A build that fails half-way (or selects only some of those models)
    leaves them, so the next build recomputes them too: no change is lost between two nights.
    forget_applied_list(list_id, results): the same for any such list (the periods of
    int_recomputed_periods too, macros/period_increments.sql). -#}
{% macro forget_applied_changed_dossiers(results) -%}
    {{ forget_applied_list(changed_dossiers_id(), results) }}
{%- endmacro %}


{% macro forget_applied_list(list_id, results) -%}
    {%- if execute -%}
        {%- set needed = [list_id] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and list_id in node.depends_on.nodes -%}
                {%- do needed.append(node.unique_id) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set succeeded = [] -%}
        {%- for result in results -%}
            {%- if result.node.unique_id in needed and result.status == 'success' -%}
                {%- do succeeded.append(result.node.unique_id) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if succeeded | length == needed | length -%}
            {%- set relation = built_relation(list_id) -%}
            {%- if relation is not none -%}
                {#- truncate, not delete: Spark's Parquet tables take no DELETE -#}
                truncate table {{ relation }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- known_procedure_codes(): a subquery of the procedure codes a dossier may carry: those of any accepted
    snapshot of the procedure catalogue, and those of the hand-kept seed `procedures` (the fallback for
    codes the catalogue lacks; docs/procedure_catalogue_landing.md). -#}
{% macro known_procedure_codes() -%}
(
    select seeded.procedure_code from {{ ref('procedures') }} as seeded
    union
    select catalogue.procedure_code from {{ ref('stg_procedure_catalogue__procedures') }} as catalogue
)
{%- endmacro %}
