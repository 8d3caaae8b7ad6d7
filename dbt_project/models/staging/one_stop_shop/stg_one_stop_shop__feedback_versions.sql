-- Every feedback item version of the accepted one-stop-shop loads (feedback), typed, each version once
-- (from its latest load); incremental, one partition of source update days at a time
-- (macro in_update_window).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_update_window('dossier_updated_at') }}") }}
{% call landed_versions('one_stop_shop', 'feedback', 'NgayCapNhat', 'dossier_updated_at') %}
{{ clean_code('MaHoSo') }} as dossier_code,
    {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
    {{ clean_text('MaPAKN') }} as feedback_code,
    {{ parse_source_timestamp('NgayTiepNhanPAKN') }} as feedback_received_at,
    {{ parse_source_timestamp('NgayTraLoiPAKN') }} as feedback_answered_at
{% endcall %}
