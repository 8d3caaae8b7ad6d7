-- Every submitted document version of the accepted one-stop-shop loads (documents), typed, each version once
-- (from its latest load); incremental, one partition of source update days at a time
-- (macro in_update_window).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_update_window('dossier_updated_at') }}") }}
{% call landed_versions('one_stop_shop', 'documents', 'NgayCapNhat', 'dossier_updated_at') %}
{{ clean_code('MaHoSo') }} as dossier_code,
    {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
    {{ clean_text('MaGiayTo') }} as document_code,
    {{ clean_text('TenGiayTo') }} as document_name,
    (cast(DuocSoHoa as integer) = 1) as is_digitised,
    (cast(DuocTaiSuDung as integer) = 1) as is_reused,
    (cast(DuocLayTuKhoDMQG as integer) = 1) as is_from_personal_data_store
{% endcall %}
