{#- register_landing_sources(): make every source read from the landing zone's Parquet reachable as
    <source schema>.<table> (the on-run-start hook of every dbt invocation).

    DuckDB reads the Parquet in place through each source's `external_location`: nothing to do.
    PostgreSQL cannot read Parquet: orchestration copies the landed loads into the landing schemas
    before each build (orchestration/postgres.py). Spark reads the Parquet natively: each source
    becomes a view over its landing folder, whose partition folders (load_date=...) become a column
    and whose files written before a column was added read it as null (spark.sql.parquet.mergeSchema,
    set in profiles.yml), as on DuckDB. The folder is the one of the source's external_location, so
    the list of sources and their locations stays in the sources' yml files. -#}
{% macro register_landing_sources() -%}
    {{ return(adapter.dispatch('register_landing_sources', 'par_warehouse')()) }}
{%- endmacro %}

{% macro default__register_landing_sources() -%}
{%- endmacro %}

{% macro spark__register_landing_sources() -%}
    {%- if execute -%}
    {%- for node in graph.sources.values() -%}
        {%- set folder = landing_folder(node) -%}
        {%- if folder -%}
            {%- do run_query("create schema if not exists " ~ node.schema) -%}
            {%- do run_query("create or replace view " ~ node.schema ~ "." ~ node.name
                             ~ " as select * from parquet.`" ~ folder ~ "`") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}


{#- landing_folder(source_node): the landing folder of a source read from the landing zone, from its
    external_location "read_parquet('<folder>/*/*.parquet', ...)" (one folder per table, partitioned
    by load date); none for any other source. -#}
{% macro landing_folder(source_node) -%}
    {%- set location = (source_node.meta or {}).get('external_location', '') -%}
    {%- set match = modules.re.search("read_parquet\\('([^']+)/\\*/\\*\\.parquet'", location) -%}
    {{- return(match.group(1) | replace('{name}', source_node.name) if match else none) -}}
{%- endmacro %}
