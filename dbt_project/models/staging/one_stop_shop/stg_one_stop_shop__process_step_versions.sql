-- Every process step version of the accepted one-stop-shop loads (process_steps), typed, each version once
-- (from its latest load); incremental, one partition of source update days at a time
-- (macro in_update_window).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_update_window('dossier_updated_at') }}") }}
{% call landed_versions('one_stop_shop', 'process_steps', 'NgayCapNhat', 'dossier_updated_at') %}
{{ clean_code('MaHoSo') }} as dossier_code,
    {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
    cast(ThuTu as integer) as step_number,
    {{ clean_text('NguoiXuLy') }} as handling_name_key,
    {{ clean_text('TaiKhoanXuLy') }} as handling_account_key,
    {{ clean_text('ChucDanh') }} as official_title,
    {{ parse_source_timestamp('ThoiDiemXuLy') }} as step_at,
    cast(TrangThai as integer) as status_code,
    {{ parse_source_timestamp('NgayKetThucTheoQuyDinh') }} as step_due_at
{% endcall %}
