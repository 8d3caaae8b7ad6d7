-- Every dossier version of the accepted one-stop-shop loads (dossiers), typed, each version once
-- (from its latest load); incremental, one partition of source update days at a time
-- (macro in_update_window).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_update_window('updated_at') }}") }}
{% call landed_versions('one_stop_shop', 'dossiers', 'NgayCapNhat', 'updated_at') %}
{{ clean_code('MaHoSo') }} as dossier_code,
    MaHoSo as dossier_code_raw,
    {{ clean_text('MaTTHC') }} as procedure_code,
    {{ clean_text('MaLinhVuc') }} as field_code,
    coalesce(cast(KenhThucHien as integer), 1) as channel_code,
    (KenhThucHien is null) as is_channel_missing,
    {{ clean_text('ChuHoSo') }} as applicant_name_hash,
    {{ clean_text('SoGiayToChuHoSo') }} as applicant_id_hash,
    cast(LoaiDoiTuong as integer) as applicant_type_code,
    {{ clean_code('MaDonViHanhChinhChuHoSo') }} as applicant_unit_code,
    (cast(DuocXacThucCSDLDanCu as integer) = 1) as is_applicant_verified,
    {{ parse_source_timestamp('NgayNopHoSo') }} as submitted_at,
    {{ parse_source_timestamp('NgayTiepNhan') }} as received_at,
    {{ clean_text('NgayTiepNhan') }} as received_at_raw,
    {{ parse_source_timestamp('NgayHenTra') }} as appointment_due_at,
    {{ parse_source_timestamp('NgayKetThucXuLy') }} as processing_ended_at,
    {{ parse_source_timestamp('NgayTra') }} as result_returned_at,
    {{ parse_source_timestamp('NgayTuChoi') }} as refused_at,
    cast(TrangThaiHoSo as integer) as status_code,
    {{ clean_code('DonViXuLy') }} as agency_code,
    {{ clean_text('TenDonViXuLy') }} as agency_name_source,
    (cast(HoSoCoThanhPhanSoHoa as integer) = 1) as has_digitised_components,
    (cast(TaiKhoanDuocXacThucVoiVNeID as integer) = 1) as is_vneid_authenticated,
    cast(DuocThanhToanTrucTuyen as integer) as online_payment_code,
    {{ parse_source_timestamp('NgayDongBo') }} as synced_at,
    {{ parse_source_timestamp('NgayCapNhat') }} as updated_at
{% endcall %}
