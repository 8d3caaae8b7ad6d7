{#- Types declared in yml (contract data_type, seed column_types) are written `varchar`, which DuckDB
    and PostgreSQL read as text of any length; Spark's varchar needs a length and its text type is
    `string`. These overrides translate the declared type on Spark only; SQL in models writes
    {{ dbt.type_string() }}. -#}
{% macro spark_data_type(data_type) -%}
    {{- return('string' if data_type | trim | lower == 'varchar' else data_type) -}}
{%- endmacro %}

{#- dbt's cast(): the contracts' declared columns are checked as cast(null as <data_type>). -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_data_type(type) }})
{%- endmacro %}

{#- Seeds on Spark. dbt-spark's session method binds a seed's values into its SQL text unquoted:
    a name with an apostrophe ("People's Committee") breaks the statement, and an empty cell becomes
    the text 'None' instead of null. Here each value is written as a Spark literal instead, and the
    declared column types are translated (spark_data_type). -#}
{% macro spark_seed_types(model) -%}
    {%- set translated = {} -%}
    {%- for column, data_type in (model['config'].get('column_types') or {}).items() -%}
        {%- do translated.update({column: spark_data_type(data_type)}) -%}
    {%- endfor -%}
    {%- do model['config'].update({'column_types': translated}) -%}
    {{- return(translated) -}}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) -%}
    {%- do spark_seed_types(model) -%}
    {{ return(dbt.spark__create_csv_table(model, agate_table)) }}
{%- endmacro %}

{#- spark_literal(value): a seed cell as a Spark SQL literal (null, number, boolean or quoted text;
    Spark string literals escape with a backslash). -#}
{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is boolean -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ (value | string).replace('\\', '\\\\').replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_types = spark_seed_types(model) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
            ({%- for value in row -%}
                {%- set type = column_types.get(agate_table.column_names[loop.index0],
                                                adapter.convert_type(agate_table, loop.index0)) -%}
                cast({{ spark_literal(value) }} as {{ type }}){{ ', ' if not loop.last }}
            {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}
