-- Staffing quotas per agency and year of the latest accepted cadre snapshot.
with landed as (

    select *
    from {{ latest_snapshot(source('cadre', 'staffing_quotas'), source('cadre', 'persons'), 'NgayChotDuLieu') }} as src

),

typed as (

    select
        {{ clean_code('MaDonVi') }} as agency_code,
        cast(Nam as integer) as quota_year,
        cast(BienCheCongChuc as integer) as civil_servant_quota,
        cast(SoNguoiLamViec as integer) as public_employee_quota,
        cast(NgayChotDuLieu as date) as snapshot_date,
        {{ landed_batch_columns() }},
        row_number()
            over (partition by {{ clean_code('MaDonVi') }}, Nam order by _loaded_at desc, _page desc)
            as copy_rank
    from landed

)

select agency_code, quota_year, civil_servant_quota, public_employee_quota, snapshot_date, load_id, loaded_at
from typed
where copy_rank = 1
