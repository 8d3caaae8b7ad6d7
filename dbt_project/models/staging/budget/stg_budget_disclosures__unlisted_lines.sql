{#-
    The audit's list of form lines the line catalogue (seed budget_form_lines) does not know: kept
    in the warehouse under their own label (the mart keys them `unlisted:<label>`, without an
    English name), never renamed after the line at their position. One row per line of the
    latest version of each document; a line here either needs its label added to the seed
    (other_labels_vi) or is a line of the province's own. Files landed before lines were matched
    by label (line_label_key null) are not listed.
-#}
select
    document_id,
    file_sha256,
    form_code,
    fiscal_year,
    sheet_name,
    min(sheet_row) as sheet_row,
    line_code,
    line_name_vi,
    line_label_key,
    parent_line_code,
    load_id
from {{ ref('stg_budget_disclosures__lines') }}
where
    line_id is null
    and line_label_key is not null
group by
    document_id, file_sha256, form_code, fiscal_year, sheet_name, line_code, line_name_vi, line_label_key,
    parent_line_code, load_id
