-- Status changes (lịch sử trạng thái) of the latest version of each enterprise.
with typed as (

    select
        {{ clean_text('MaSoDoanhNghiep') }} as enterprise_code,
        cast(replace(NgayCapNhat, 'T', ' ') as timestamp) as enterprise_updated_at,
        {{ clean_text('TinhTrang') }} as status_code,
        cast(NgayHieuLuc as date) as effective_on,
        {{ clean_text('MaXaTruSo') }} as head_office_unit_code,
        {{ landed_batch_columns() }}
    from {{ accepted_loads(source('business_registry', 'status_changes')) }} as src

),

versions as (

    select
        typed.*,
        dense_rank() over (
            partition by typed.enterprise_code
            order by typed.enterprise_updated_at desc, typed.loaded_at desc, typed.load_id desc
        ) as version_rank
    from typed

)

select distinct enterprise_code, status_code, effective_on, head_office_unit_code, enterprise_updated_at
from versions
where version_rank = 1
