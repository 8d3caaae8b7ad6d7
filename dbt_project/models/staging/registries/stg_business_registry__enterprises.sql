-- Enterprises (doanh nghiệp): the latest version of each.
with typed as (

    select
        {{ clean_text('MaSoDoanhNghiep') }} as enterprise_code,
        {{ clean_text('TenDoanhNghiep') }} as enterprise_name,
        {{ clean_text('LoaiHinhDoanhNghiep') }} as legal_form_code,
        {{ clean_text('NganhNgheChinh') }} as vsic_code,
        cast(NgayDangKy as date) as registered_on,
        {{ clean_text('KenhDangKy') }} as registration_channel,
        {{ clean_text('MaXaDangKy') }} as registration_unit_code,
        {{ clean_text('MaXaTruSo') }} as head_office_unit_code,
        {{ clean_text('TinhTrang') }} as status_code,
        cast(replace(NgayCapNhat, 'T', ' ') as timestamp) as updated_at,
        {{ landed_batch_columns() }}
    from {{ accepted_loads(source('business_registry', 'enterprises')) }} as src

),

latest as (

    {{ latest_versions('typed', ['enterprise_code'], 'updated_at') }}

)

select
    enterprise_code,
    enterprise_name,
    legal_form_code,
    vsic_code,
    registered_on,
    registration_channel,
    (registration_channel = 'truc_tuyen') as is_registered_online,
    registration_unit_code,
    head_office_unit_code,
    status_code,
    updated_at,
    load_id,
    loaded_at
from latest
