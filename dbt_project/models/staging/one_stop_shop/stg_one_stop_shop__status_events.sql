-- Status events: the process steps (QuaTrinhXuLy) of the latest dossier version present in process_steps.
with landed as (

    select * from {{ accepted_loads(source('one_stop_shop', 'process_steps')) }} as src

),

typed as (

    select
        {{ clean_code('MaHoSo') }} as dossier_code,
        {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
        cast(ThuTu as integer) as step_number,
        {{ clean_text('NguoiXuLy') }} as handling_official_key,
        {{ clean_text('ChucDanh') }} as official_title,
        {{ parse_source_timestamp('ThoiDiemXuLy') }} as step_at,
        cast(TrangThai as integer) as status_code,
        {{ parse_source_timestamp('NgayKetThucTheoQuyDinh') }} as step_due_at,
        {{ landed_batch_columns() }}
    from landed

),

latest as (

    {{ latest_child_rows('typed', ['step_number', 'handling_official_key', 'official_title', 'step_at', 'status_code', 'step_due_at']) }}

)

select
    dossier_code,
    dossier_updated_at,
    step_number,
    handling_official_key,
    official_title,
    step_at,
    status_code,
    step_due_at,
    load_id,
    loaded_at
from latest
