-- Every result document version of the accepted one-stop-shop loads (results), typed, each version once
-- (from its latest load); incremental, one partition of source update days at a time
-- (macro in_update_window).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_update_window('dossier_updated_at') }}") }}
{% call landed_versions('one_stop_shop', 'results', 'NgayCapNhat', 'dossier_updated_at') %}
{{ clean_code('MaHoSo') }} as dossier_code,
    {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
    {{ clean_text('MaGiayTo') }} as document_code,
    {{ clean_text('TenGiayTo') }} as document_name,
    {{ clean_text('DuongDanTep') }} as result_file_url
{% endcall %}
