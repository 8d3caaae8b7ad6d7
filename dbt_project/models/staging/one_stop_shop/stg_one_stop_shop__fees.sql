-- Fees and charges (LePhi) of the latest dossier version present in fees. Amounts in VND, integers.
with landed as (

    select * from {{ accepted_loads(source('one_stop_shop', 'fees')) }} as src

),

typed as (

    select
        {{ clean_code('MaHoSo') }} as dossier_code,
        {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
        {{ clean_text('MaPhiLePhi') }} as fee_code,
        {{ clean_text('TenPhiLePhi') }} as fee_name,
        cast(Gia as bigint) as fee_amount_vnd,
        {{ landed_batch_columns() }}
    from landed

),

latest as (

    {{ latest_child_rows('typed', ['fee_code', 'fee_name', 'fee_amount_vnd']) }}

)

select
    dossier_code,
    dossier_updated_at,
    fee_code,
    fee_name,
    fee_amount_vnd,
    load_id,
    loaded_at
from latest
