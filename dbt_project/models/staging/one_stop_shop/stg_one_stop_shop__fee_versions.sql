-- Every fee version of the accepted one-stop-shop loads (fees), typed, each version once
-- (from its latest load); incremental, one partition of source update days at a time
-- (macro in_update_window).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_update_window('dossier_updated_at') }}") }}
{% call landed_versions('one_stop_shop', 'fees', 'NgayCapNhat', 'dossier_updated_at') %}
{{ clean_code('MaHoSo') }} as dossier_code,
    {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
    {{ clean_text('MaPhiLePhi') }} as fee_code,
    {{ clean_text('TenPhiLePhi') }} as fee_name,
    cast(Gia as bigint) as fee_amount_vnd
{% endcall %}
