-- Every apology version of the accepted one-stop-shop loads (apologies), typed, each version once
-- (from its latest load); incremental, one partition of source update days at a time
-- (macro in_update_window).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_update_window('dossier_updated_at') }}") }}
{% call landed_versions('one_stop_shop', 'apologies', 'NgayCapNhat', 'dossier_updated_at') %}
{{ clean_code('MaHoSo') }} as dossier_code,
    {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
    cast(LanXinLoi as integer) as apology_round,
    {{ parse_source_timestamp('NgayXinLoi') }} as apologized_at,
    {{ parse_source_timestamp('NgayHenTraMoi') }} as new_due_at
{% endcall %}
