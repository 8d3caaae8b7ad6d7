-- Every supplement round version of the accepted one-stop-shop loads (supplements), typed, each version once
-- (from its latest load); incremental, one partition of source update days at a time
-- (macro in_update_window).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_update_window('dossier_updated_at') }}") }}
{% call landed_versions('one_stop_shop', 'supplements', 'NgayCapNhat', 'dossier_updated_at') %}
{{ clean_code('MaHoSo') }} as dossier_code,
    {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
    cast(LanBoSung as integer) as supplement_round,
    {{ parse_source_timestamp('NgayYeuCau') }} as requested_at,
    (cast(CoVanBanYeuCau as integer) = 1) as has_written_request,
    {{ parse_source_timestamp('NgayBoSung') }} as supplied_at,
    {{ parse_source_timestamp('NgayHenTraTruoc') }} as previous_due_at,
    {{ parse_source_timestamp('NgayHenTraMoi') }} as new_due_at
{% endcall %}
