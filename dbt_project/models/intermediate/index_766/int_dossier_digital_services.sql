{#-
    What the national service index (Decision 766; docs/definitions.md) asks of each clean dossier beyond
    the on-time rule, one row per dossier: DVCQG sync time (NgayDongBo), the electronic result
    (a result document with a file link), digitisation (HoSoCoThanhPhanSoHoa), reuse of digitised
    data and use of the personal data store (any submitted document flagged DuocTaiSuDung /
    DuocLayTuKhoDMQG), VNeID authentication, and the first complaint (PAKN) or dissatisfied vote
    (seed satisfaction_levels.counts_as_satisfied false), for indicator 5.4.
    Incremental by dossier: a build recomputes the dossiers of stg_one_stop_shop__changed_dossiers.
-#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dossiers() }}") }}
with dossiers as (

    select dossier_code, procedure_code, synced_at, has_digitised_components, is_vneid_authenticated
    from {{ ref('stg_one_stop_shop__dossiers') }}
    where {{ recomputed_dossier('dossier_code') }}

),

e_results as (

    select dossier_code
    from {{ ref('stg_one_stop_shop__results') }}
    where
        result_file_url is not null
        and {{ recomputed_dossier('dossier_code') }}
    group by dossier_code

),

documents as (

    select
        dossier_code,
        max(case when is_reused then 1 else 0 end) as reuses_data,
        max(case when is_from_personal_data_store then 1 else 0 end) as uses_personal_data_store
    from {{ ref('stg_one_stop_shop__documents') }}
    where {{ recomputed_dossier('dossier_code') }}
    group by dossier_code

),

complaints as (

    select dossier_code, feedback_received_at as complained_at
    from {{ ref('stg_one_stop_shop__feedback') }}
    where
        feedback_received_at is not null
        and {{ recomputed_dossier('dossier_code') }}

    union all

    select votes.dossier_code, votes.voted_at as complained_at
    from {{ ref('stg_one_stop_shop__votes') }} as votes
    inner join {{ ref('satisfaction_levels') }} as levels
        on levels.level_code = votes.satisfaction_level_code
    where
        not levels.counts_as_satisfied
        and votes.voted_at is not null
        and {{ recomputed_dossier('votes.dossier_code') }}

),

first_complaints as (

    select dossier_code, min(complained_at) as first_complaint_at
    from complaints
    group by dossier_code

)

select
    dossiers.dossier_code,
    dossiers.synced_at,
    coalesce(procedures.has_result_document, false) as has_result_document,
    (e_results.dossier_code is not null) as has_e_result,
    coalesce(dossiers.has_digitised_components, false) as is_digitised,
    coalesce(documents.reuses_data = 1, false) as reuses_data,
    coalesce(documents.uses_personal_data_store = 1, false) as uses_personal_data_store,
    coalesce(dossiers.is_vneid_authenticated, false) as is_vneid_authenticated,
    first_complaints.first_complaint_at
from dossiers
left join {{ ref('int_procedures') }} as procedures
    on procedures.procedure_code = dossiers.procedure_code
left join e_results
    on e_results.dossier_code = dossiers.dossier_code
left join documents
    on documents.dossier_code = dossiers.dossier_code
left join first_complaints
    on first_complaints.dossier_code = dossiers.dossier_code
