{#-
    The dossiers this build recomputes: the codes whose rows the latest-version tables
    (dossier_latest_tables) delete and rebuild in this build, by the same rule (changed_dossier_rows),
    read BEFORE those tables are rebuilt (they are built after this model: versions_to_recompute).
    The dossier-keyed intermediate models delete and rebuild exactly these dossiers
    (recomputed_dossier). Rows accumulate until a build applies them to every model that reads this
    one (on-run-end hook forget_applied_changed_dossiers), so a failed build loses nothing.
    On a first or full build every landed dossier is listed (the readers rebuild everything anyway).
-#}
{{ config(materialized='incremental', incremental_strategy='append') }}
-- depends_on: {{ ref('procedures') }}
-- depends_on: {{ ref('stg_procedure_catalogue__procedures') }}
-- depends_on: {{ ref('int_agencies') }}
{%- set latest_tables = dossier_latest_tables() %}
with changed as (
{% for table, latest in latest_tables.items() %}
        {%- set built = built_relation('model.par_warehouse.' ~ table) %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select versions.dossier_code
        from {{ ref(latest.versions) }} as versions
        where
            {% if built is not none %}{{ in_update_window('versions.' ~ latest.version_column) }}{% else %}(1 = 1)
        {% endif %}
        {%- if built is not none %}

    union all

    select latest_rows.dossier_code
    from {{ built }} as latest_rows
    where {{ changed_dossier_rows(table) }}
    {%- endif %}
    {% endfor %}
)

select distinct changed.dossier_code
from changed
where changed.dossier_code is not null
{%- if is_incremental() %}
  and changed.dossier_code not in (select listed.dossier_code from {{ this }} as listed)
{%- endif %}
