{#-
    latest_child_rows(typed_cte, row_columns): the rows of a child dataset (process steps,
    supplements, fees...) that belong to the latest version of each dossier present in it.

    typed_cte must expose dossier_code, dossier_updated_at (the version, NgayCapNhat), loaded_at,
    load_id, and come from a version table (macro landed_versions): there each version of a dossier
    (a missing version counting as one, the oldest: macro version_key) comes from ONE load only, its
    latest. So the latest version, highest dossier_updated_at then latest load, is simply the
    highest version_key of the dossier: one group by and one join, not a window over every row.
    All rows of that version are kept, except exact duplicates (same values in every column of
    row_columns, e.g. a page served twice), which are kept once.
    The result has the columns dossier_code, dossier_updated_at, the row_columns, load_id, loaded_at.
-#}
{% macro latest_child_rows(typed_cte, row_columns) -%}
    select distinct
        child.dossier_code,
        child.dossier_updated_at,
        {%- for column in row_columns %}
        child.{{ column }},
        {%- endfor %}
        child.load_id,
        child.loaded_at
    from {{ typed_cte }} as child
    inner join (
        select
            versions.dossier_code,
            max({{ version_key('versions.dossier_updated_at') }}) as latest_version_key
        from {{ typed_cte }} as versions
        where versions.dossier_code is not null
        group by versions.dossier_code
    ) as latest
        on latest.dossier_code = child.dossier_code
       and latest.latest_version_key = {{ version_key('child.dossier_updated_at') }}
{%- endmacro %}
