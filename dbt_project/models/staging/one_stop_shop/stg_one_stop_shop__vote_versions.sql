-- Every vote version of the accepted one-stop-shop loads (votes), typed, each version once
-- (from its latest load); incremental, one partition of source update days at a time
-- (macro in_update_window).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_update_window('dossier_updated_at') }}") }}
{% call landed_versions('one_stop_shop', 'votes', 'NgayCapNhat', 'dossier_updated_at') %}
{{ clean_code('MaHoSo') }} as dossier_code,
    {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
    cast(MucDoHaiLong as integer) as satisfaction_level_code,
    {{ parse_source_timestamp('NgayDanhGia') }} as voted_at
{% endcall %}
