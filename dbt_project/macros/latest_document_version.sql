{#-
    latest_document_version(typed_cte): the rows of the latest landed version of each document
    in a dataset parsed from files (budget disclosures). One load holds one version of a
    document; the version landed last (then the greater load id) wins, so a corrected file
    re-published under the same name supersedes the earlier one and nothing is counted twice.
    typed_cte must expose document_id, load_id and loaded_at.
-#}
{% macro latest_document_version(typed_cte) -%}
    select {{ typed_cte }}.*
    from {{ typed_cte }}
    inner join (
        select
            document_id,
            load_id,
            row_number() over (partition by document_id order by max(loaded_at) desc, load_id desc) as version_rank
        from {{ typed_cte }}
        group by document_id, load_id
    ) as versions
        on {{ typed_cte }}.document_id = versions.document_id
        and {{ typed_cte }}.load_id = versions.load_id
    where versions.version_rank = 1
{%- endmacro %}
