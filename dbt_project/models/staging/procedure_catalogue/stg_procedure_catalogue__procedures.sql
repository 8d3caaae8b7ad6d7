{#-
    The procedure catalogue, one row per accepted snapshot and procedure (docs/procedure_catalogue_landing.md).

    Every accepted snapshot is kept (a period is judged by the catalogue as it stood then); of two
    loads of the same snapshot date the later landed one stands. A rejected snapshot never reaches
    here: the previous accepted one stays the latest. is_latest_snapshot marks the rows of the latest
    accepted snapshot (what macro latest_snapshot reads), the catalogue as it stands now.
-#}
with landed as (

    select * from {{ accepted_loads(source('procedure_catalogue', 'procedures')) }} as src

),

loads as (

    select
        _load_id as load_id,
        row_number() over (
            partition by max(NgayChotDuLieu) order by max(_loaded_at) desc, _load_id desc
        ) as load_rank,
        max(NgayChotDuLieu) as snapshot_date
    from landed
    group by _load_id

),

typed as (

    select
        cast(landed.NgayChotDuLieu as date) as snapshot_date,
        {# the national code d.dddddd: a local suffix (1.012753.H19) and spaces dropped #}
        substr({{ clean_code('landed.MaTTHC') }}, 1, 8) as procedure_code,
        {{ clean_code('landed.MaTTHC') }} as procedure_code_as_sent,
        {{ clean_text('landed.TenTTHC') }} as procedure_name_vi,
        {{ clean_code('landed.MaLinhVuc') }} as field_code,
        {{ clean_text('landed.TenLinhVuc') }} as field_name_vi,
        case {{ clean_code('landed.CapThucHien') }}
            when 'TINH' then 'province' when 'HUYEN' then 'district' when 'XA' then 'commune'
        end as procedure_level,
        cast(landed.ThoiHanGiaiQuyet as integer) as statutory_days,
        cast(landed.LePhi as decimal(14, 0)) as fee_vnd,
        case landed.DuDieuKienToanTrinh when 1 then true when 0 then false end as is_full_online_eligible,
        case {{ clean_code('landed.MucDoDVC') }}
            when 'TOAN_TRINH' then 'full' when 'MOT_PHAN' then 'partial'
        end as online_level,
        cast(landed.NgayCungCapTrucTuyen as date) as online_since,
        case landed.ThanhToanTrucTuyen when 1 then true when 0 then false end as has_online_payment,
        case landed.XacThucVNeID when 1 then true when 0 then false end as requires_vneid,
        case landed.TichHopDVCQG when 1 then true when 0 then false end as is_integrated_dvcqg,
        {{ clean_text('landed.SoQuyetDinhCongBo') }} as publishing_decision_no,
        cast(landed.NgayQuyetDinhCongBo as date) as published_on,
        landed._load_id as load_id,
        landed._loaded_at as loaded_at,
        row_number() over (
            partition by landed._load_id, substr({{ clean_code('landed.MaTTHC') }}, 1, 8)
            order by landed._page desc
        ) as copy_rank
    from landed
    inner join loads
        on loads.load_id = landed._load_id and loads.load_rank = 1

)

select
    snapshot_date, procedure_code, procedure_code_as_sent, procedure_name_vi, field_code, field_name_vi,
    procedure_level, statutory_days, fee_vnd, is_full_online_eligible, online_level, online_since,
    has_online_payment, requires_vneid, is_integrated_dvcqg, publishing_decision_no, published_on,
    snapshot_date = max(snapshot_date) over () as is_latest_snapshot,
    load_id, loaded_at
from typed
where copy_rank = 1
