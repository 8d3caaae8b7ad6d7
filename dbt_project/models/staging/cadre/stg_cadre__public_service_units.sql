-- The register of public service units of the latest accepted cadre snapshot, one row per unit.
with landed as (

    select *
    from
        {{ latest_snapshot(source('cadre', 'public_service_units'), source('cadre', 'persons'), 'NgayChotDuLieu') }}
            as src

),

typed as (

    select
        {{ clean_code('MaDVSN') }} as unit_code,
        {{ clean_text('TenDVSN') }} as unit_name_vi,
        {{ clean_code('MaCoQuanChuQuan') }} as owner_agency_code,
        cast(NhomTuChu as integer) as autonomy_group,
        cast(NgayThanhLap as date) as created_on,
        cast(NgayKetThuc as date) as ended_on,
        case {{ clean_code('HinhThucKetThuc') }}
            when 'SAP_NHAP' then 'merged' when 'GIAI_THE' then 'dissolved'
        end as end_kind,
        {{ clean_code('MaDVSNTiepNhan') }} as merged_into_unit_code,
        cast(NgayChotDuLieu as date) as snapshot_date,
        {{ landed_batch_columns() }},
        row_number() over (partition by {{ clean_code('MaDVSN') }} order by _loaded_at desc, _page desc) as copy_rank
    from landed

)

select
    unit_code, unit_name_vi, owner_agency_code, autonomy_group, created_on, ended_on, end_kind,
    merged_into_unit_code, snapshot_date, load_id, loaded_at
from typed
where copy_rank = 1
