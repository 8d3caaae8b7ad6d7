{#-
    Employment records of the latest accepted cadre snapshot (one row per person code and start
    date, exact repeats removed), typed and cleaned, with the row rules applied ONCE:
    quarantine_reason is null for a clean row, else the first rule it fails (in this order):
      end_before_start        the posting ends before it starts (an impossible date)
      duplicate_person        the same person (ID number hash) is already recorded under a smaller
                              person code: this code is a second entry of the same person
      two_units_at_once       the posting starts while an earlier posting of the same person is
                              still running (a person active in two units at once)
      unknown_category        PhanLoai not in seed cadre_categories
    stg_cadre__persons keeps the clean rows, stg_cadre__persons_quarantine the others.
-#}
with landed as (

    select *
    from {{ latest_snapshot(source('cadre', 'persons'), source('cadre', 'persons'), 'NgayChotDuLieu') }} as src

),

typed as (

    select
        {{ clean_code('MaCanBo') }} as person_code,
        {{ official_key('person', clean_code('MaCanBo')) }} as official_key,
        {{ clean_text('HoTen') }} as name_key,
        {{ clean_text('TaiKhoanMotCua') }} as account_keys,
        {{ clean_text('SoCCCD') }} as id_number_hash,
        {{ clean_code('MaDonVi') }} as agency_code,
        {{ clean_text('DonViCongTac') }} as unit_name,
        {{ clean_code('PhanLoai') }} as category_code,
        case {{ clean_code('Cap') }}
            when 'TINH' then 'province'
            when 'HUYEN' then 'district'
            when 'XA' then 'commune'
        end as level,
        {{ clean_text('ChucDanh') }} as title,
        (cast(HuongLuongNganSach as integer) = 1) as is_budget_paid,
        case cast(DatChuanChucDanh as integer) when 1 then true when 0 then false end as meets_title_standard,
        cast(NgayDatChuan as date) as standard_met_on,
        cast(NgayBatDau as date) as started_on,
        cast(NgayKetThuc as date) as ended_on,
        case {{ clean_code('ChucVuLanhDao') }}
            when 'TRUONG' then 'head' when 'PHO' then 'deputy'
        end as leadership_position,
        cast(NgayChotDuLieu as date) as snapshot_date,
        {{ landed_batch_columns() }}
    from landed

),

deduplicated as (

    select
        typed.*,
        row_number() over (
            partition by typed.person_code, typed.started_on
            order by typed.loaded_at desc, typed.page desc
        ) as copy_rank
    from typed

),

ranked as (

    select
        deduplicated.*,
        min(deduplicated.person_code) over (partition by deduplicated.id_number_hash) as first_person_code,
        max(coalesce(deduplicated.ended_on, {{ far_future_date() }})) over (
            partition by deduplicated.person_code
            order by deduplicated.started_on
            rows between unbounded preceding and 1 preceding
        ) as earlier_postings_end
    from deduplicated
    where deduplicated.copy_rank = 1

),

categories as (

    select category_code from {{ ref('cadre_categories') }}

)

select
    ranked.person_code,
    ranked.official_key,
    ranked.name_key,
    ranked.account_keys,
    ranked.id_number_hash,
    ranked.agency_code,
    ranked.unit_name,
    ranked.category_code,
    ranked.level,
    ranked.title,
    ranked.is_budget_paid,
    ranked.meets_title_standard,
    ranked.standard_met_on,
    ranked.started_on,
    ranked.ended_on,
    ranked.leadership_position,
    ranked.snapshot_date,
    ranked.load_id,
    ranked.loaded_at,
    case
        when ranked.ended_on < ranked.started_on then 'end_before_start'
        when ranked.id_number_hash is not null and ranked.person_code <> ranked.first_person_code
            then 'duplicate_person'
        when ranked.earlier_postings_end >= ranked.started_on then 'two_units_at_once'
        when categories.category_code is null then 'unknown_category'
    end as quarantine_reason
from ranked
left join categories
    on categories.category_code = ranked.category_code
