{#-
    What a data test reads (dbt's get_where_subquery, overridden): the tested relation, narrowed by the
    test's `where` config as dbt does, and, on a nightly build of an incremental model, to the rows
    that build recomputed.

    A test of a model incremental by dossier (reads_changed_dossiers: a latest-version table or a
    dossier-keyed intermediate model, macros/dossier_increments.sql) reads, on a build with an update
    window that is not a full refresh, only the rows of the dossiers in
    stg_one_stop_shop__changed_dossiers (and the rows without a code): every other row is one a
    previous build wrote and tested, so the nightly test costs the day, not the history. A test of
    int_dossier_period_status also reads the rows of the periods still running (their end is the
    as-of moment, the table's latest period end) or closed within the month before, which that model
    recomputes whatever dossier changed. Everywhere else (a full refresh, a plain `dbt build` or
    `dbt test`, any other test) the test reads the whole relation.
    Why an override, not a `where:` config per test: dbt renders that config when it parses the
    project (var() and env_var() only: no project macro, no is_incremental(), no flags), so it cannot
    name the rows a build recomputed; dbt's documentation of `where` ("Custom logic") sends such cases
    to get_where_subquery. Without it every nightly test would scan the whole history (the reason it
    was added: bench/notes.md, "Data tests of the night").
-#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scope = incremental_test_scope(model.get('attached_node')) if execute else none -%}
    {%- set scoped = scope and update_window() and not flags.FULL_REFRESH -%}
    {%- if scoped -%}
        {%- set changed = built_relation(changed_dossiers_id()) -%}
        {%- set scoped = changed is not none -%}
    {%- endif -%}
    {%- if not where and not scoped -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where (1 = 1)
        {%- if where %} and ({{ where }}){% endif %}
        {%- if scoped %} and (dossier_code is null
             or dossier_code in (select changed.dossier_code from {{ changed }} as changed)
            {%- if scope == 'dossier_periods' %}
             or period_end >= (select {{ dbt.dateadd('month', -1, 'max(latest.period_end)') }}
                               from {{ relation }} as latest)
            {%- endif %})
        {%- endif %}) dbt_subquery
    {%- endset -%}
    {%- do return(filtered) -%}
{%- endmacro %}


{#- incremental_test_scope(node_id): 'dossiers' for a model incremental by dossier, 'dossier_periods'
    for int_dossier_period_status, none for any other node (see above). -#}
{% macro incremental_test_scope(node_id) -%}
    {%- set node = graph.nodes.get(node_id) if node_id else none -%}
    {%- if node is none or not reads_changed_dossiers(node) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return('dossier_periods' if node.name == 'int_dossier_period_status' else 'dossiers') }}
{%- endmacro %}
