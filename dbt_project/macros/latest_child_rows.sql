{#-
    latest_child_rows(typed_cte, row_columns): the rows of a child dataset (process steps,
    supplements, fees...) that belong to the latest version of each dossier present in it.

    typed_cte must expose dossier_code, dossier_updated_at (the version, NgayCapNhat), loaded_at,
    load_id. The latest version is the highest dossier_updated_at, then the latest loaded_at (then
    load_id): all rows of that version in that load are kept, except exact duplicates (same values
    in every column of row_columns, e.g. a page served twice), which are kept once.
    The result has the columns dossier_code, dossier_updated_at, the row_columns, load_id, loaded_at.
-#}
{% macro latest_child_rows(typed_cte, row_columns) -%}
    select distinct
        versioned.dossier_code,
        versioned.dossier_updated_at,
        {%- for column in row_columns %}
        versioned.{{ column }},
        {%- endfor %}
        versioned.load_id,
        versioned.loaded_at
    from (
        select
            typed.*,
            dense_rank() over (
                partition by typed.dossier_code
                order by typed.dossier_updated_at desc nulls last, typed.loaded_at desc, typed.load_id desc
            ) as version_rank
        from {{ typed_cte }} as typed
        where typed.dossier_code is not null
    ) as versioned
    where versioned.version_rank = 1
{%- endmacro %}
