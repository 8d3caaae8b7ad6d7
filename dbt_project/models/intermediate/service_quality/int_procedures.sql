{#-
    The procedures as the dossiers' models read them: one row per procedure code, from the latest
    accepted snapshot of the procedure catalogue (statutory limit, name, full-online eligibility and
    offer, online payment, VNeID, DVCQG integration); a code the catalogue lacks falls back to the
    hand-kept seed `procedures`, flagged procedure_source = 'seed' (its online flags other than
    eligibility are unknown: null). has_result_document (the procedure issues a result document) is
    not in the catalogue: it comes from the seed for every code, null when the seed lacks the code.
-#}
with catalogue as (

    select *
    from {{ ref('stg_procedure_catalogue__procedures') }}
    where is_latest_snapshot

),

seeded as (

    select
        procedure_code, procedure_name_vi, field_code, field_name_vi, procedure_level, statutory_days,
        fee_vnd, full_online_eligible, has_result_document
    from {{ ref('procedures') }}

)

select
    catalogue.procedure_code,
    catalogue.procedure_name_vi,
    catalogue.field_code,
    catalogue.field_name_vi,
    catalogue.procedure_level,
    catalogue.statutory_days,
    catalogue.fee_vnd,
    catalogue.is_full_online_eligible as full_online_eligible,
    catalogue.online_level,
    catalogue.online_since,
    catalogue.has_online_payment,
    catalogue.requires_vneid,
    catalogue.is_integrated_dvcqg,
    catalogue.published_on,
    seeded.has_result_document,
    'catalogue' as procedure_source,
    catalogue.snapshot_date as catalogue_snapshot_date
from catalogue
left join seeded
    on seeded.procedure_code = catalogue.procedure_code

union all

select
    seeded.procedure_code,
    seeded.procedure_name_vi,
    seeded.field_code,
    seeded.field_name_vi,
    seeded.procedure_level,
    seeded.statutory_days,
    cast(seeded.fee_vnd as decimal(14, 0)) as fee_vnd,
    seeded.full_online_eligible,
    cast(null as {{ dbt.type_string() }}) as online_level,
    cast(null as date) as online_since,
    cast(null as boolean) as has_online_payment,
    cast(null as boolean) as requires_vneid,
    cast(null as boolean) as is_integrated_dvcqg,
    cast(null as date) as published_on,
    seeded.has_result_document,
    'seed' as procedure_source,
    cast(null as date) as catalogue_snapshot_date
from seeded
where seeded.procedure_code not in (select catalogue.procedure_code from catalogue)
