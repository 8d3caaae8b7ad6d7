-- Result documents (KetQua) of the latest dossier version present in results.
with landed as (

    select * from {{ accepted_loads(source('one_stop_shop', 'results')) }} as src

),

typed as (

    select
        {{ clean_code('MaHoSo') }} as dossier_code,
        {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
        {{ clean_text('MaGiayTo') }} as document_code,
        {{ clean_text('TenGiayTo') }} as document_name,
        {{ clean_text('DuongDanTep') }} as result_file_url,
        {{ landed_batch_columns() }}
    from landed

),

latest as (

    {{ latest_child_rows('typed', ['document_code', 'document_name', 'result_file_url']) }}

)

select
    dossier_code,
    dossier_updated_at,
    document_code,
    document_name,
    result_file_url,
    load_id,
    loaded_at
from latest
