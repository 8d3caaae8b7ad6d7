"""The vectorised full-scale generator (connectors/sandbox/scale.py): deterministic, the connector's
landed schema, its export read back by the connector gives the same rows, plausible shares.
Cost: about 15 seconds on an idle 2-core machine (small months of ~1,700 dossiers; the export test
generates the 8 months before its day)."""

from datetime import date, datetime

import pyarrow.compute as pc
import pytest

from connectors import one_stop_shop
from connectors.landing import LandingZone
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.sandbox import scale

CONFIG = scale.ScaleConfig(dossiers_per_year=20_000, seed=7, defect_rate=0.01)
AS_OF = scale.clock(date(2024, 3, 31))


@pytest.fixture(scope="module")
def province():
    return scale.Province(CONFIG)


@pytest.fixture(scope="module")
def march(province):
    return province.month(2024, 3).render(AS_OF)


def test_same_seed_same_dossiers_other_seed_others(province, march):
    again = scale.Province(CONFIG).month(2024, 3).render(AS_OF)
    for dataset, table in march.items():
        assert table.equals(again[dataset]), dataset
    other = scale.Province(scale.ScaleConfig(dossiers_per_year=20_000, seed=8)).month(2024, 3).render(AS_OF)
    assert not other["dossiers"].equals(march["dossiers"])


def test_tables_have_the_connectors_landed_schema(march):
    assert set(march) == set(one_stop_shop.DATASETS)
    assert march["dossiers"].schema.names == list(one_stop_shop.DOSSIER_FIELDS)
    assert [f.type for f in march["dossiers"].schema] == list(one_stop_shop.DOSSIER_FIELDS.values())
    for dataset, fields in one_stop_shop.CHILD_LISTS.values():
        expected = {"MaHoSo": one_stop_shop._STR, "NgayCapNhat": one_stop_shop._STR, **fields}
        landed = scale.landed(march)[dataset]
        assert dict(zip(landed.schema.names, landed.schema.types)) == expected, dataset
    codes = march["dossiers"]["MaHoSo"]
    assert pc.count_distinct(codes).as_py() == len(codes)  # a code names one dossier


def test_export_read_back_by_the_connector_lands_the_same_rows(province, tmp_path):
    """The NDJSON export, read and flattened by the connector (sandbox key), equals the landed tables."""
    path = tmp_path / "day.ndjson"
    since, until = datetime(2024, 3, 4), datetime(2024, 3, 5)
    count = scale.write_export(CONFIG, since, until, path)
    assert count > 20
    records = [r for chunk, _ in one_stop_shop.read_export(path) for r in chunk]
    assert [(r["NgayCapNhat"], r["MaHoSo"]) for r in records] == sorted(
        (r["NgayCapNhat"], r["MaHoSo"]) for r in records
    )
    assert all("20240304000000" <= r["NgayCapNhat"] <= "20240304235959" for r in records)
    flattened = one_stop_shop.flatten(records, Pseudonymiser(SANDBOX_KEY))
    # the same dossiers rendered directly, pseudonymised, in the export's order
    expected_rows = {}
    for year, month in scale.months(date(2023, 8, 17), date(2024, 3, 4)):
        chunk = province.month(year, month)
        tables = scale.landed(
            chunk.render(scale.seconds(until) - 1, chunk.changed_between(scale.seconds(since), scale.seconds(until)))
        )
        for dataset, table in tables.items():
            expected_rows.setdefault(dataset, []).extend(table.to_pylist())
    for dataset, table in flattened.items():
        key = lambda row: tuple(str(v) for v in row.values())  # noqa: E731
        assert sorted(table.to_pylist(), key=key) == sorted(expected_rows[dataset], key=key), dataset


def test_land_history_writes_the_landing_layout(tmp_path):
    zone = LandingZone(tmp_path)
    loads = scale.land_history(CONFIG, date(2024, 2, 20), date(2024, 3, 10), zone, part_rows=500)
    # one load per month of receptions, landed after the month (the last one, the day after the end)
    assert [load.load_date for load in loads] == [date(2024, 3, 1), date(2024, 3, 11)]
    first = zone.read_load("one_stop_shop", "dossiers", loads[0].load_id)
    assert first.num_rows == loads[0].dossiers and loads[0].parts == -(-loads[0].dossiers // 500)
    assert first.schema.names[-4:] == ["_load_id", "_source", "_loaded_at", "_page"]
    received = pc.min(first["NgayTiepNhan"]).as_py()
    assert received >= "20240220"  # nothing received before the history's start
    later = zone.read_load("one_stop_shop", "dossiers", loads[1].load_id)
    assert pc.max(later["NgayCapNhat"]).as_py() <= "20240310235959"  # shown as of the history's end


def test_shares_are_plausible(march):
    """The sandbox's drift for 2024: about 45% online among full-online-eligible procedures (less
    overall), 8.5% of accepted dossiers with a supplement round, 38% of processed ones voted,
    a few percent late."""
    d = march["dossiers"]
    n = d.num_rows
    online = pc.sum(pc.equal(d["KenhThucHien"], 2)).as_py() / n
    assert 0.2 < online < 0.45
    with_supplement = len(set(march["supplements"]["MaHoSo"].to_pylist())) / n
    assert 0.05 < with_supplement < 0.12
    processed = pc.sum(pc.is_valid(d["NgayTra"])).as_py()
    assert 0.3 < march["votes"].num_rows / processed < 0.46
    late = pc.sum(pc.greater(d["NgayKetThucXuLy"], d["NgayHenTra"])).as_py()
    finished = pc.sum(pc.is_valid(d["NgayKetThucXuLy"])).as_py()
    assert 0.005 < late / finished < 0.12
    assert 0 < march["apologies"].num_rows <= late + march["supplements"].num_rows


def test_a_dossier_open_when_its_agency_ends_is_shown_under_the_successor(province):
    """docs/agencies.md: June 2025's district dossiers still open on 1 July are shown from then on
    under the district's successor (DonViXuLy), with that moment as their version; the code stays."""
    june = province.month(2025, 6)
    before, after = june.render(scale.clock(date(2025, 6, 30))), june.render(scale.seconds(datetime(2025, 7, 1)))
    successor = {a.code: a.successor_code for a in province.agencies}
    shown_before = dict(zip(before["dossiers"]["MaHoSo"].to_pylist(), before["dossiers"]["DonViXuLy"].to_pylist()))
    rows = after["dossiers"].to_pylist()
    handed = [r for r in rows if r["DonViXuLy"].upper() != r["MaHoSo"].split("-")[0]]
    assert handed and len(handed) < len(rows)
    for r in handed:
        received_by = r["MaHoSo"].split("-")[0]
        assert r["DonViXuLy"].upper() == successor[received_by] and r["NgayCapNhat"] == "20250701000000"
        assert shown_before[r["MaHoSo"]].upper() == received_by


def test_each_step_carries_its_own_deadline(march):
    """NgayKetThucTheoQuyDinh per step: the counter's step the day of reception, processing before the
    due date, the result the due date; none for a supplement request; some dossiers send none."""
    dossiers = {r["MaHoSo"]: r for r in march["dossiers"].select(["MaHoSo", "NgayTiepNhan", "NgayHenTra"]).to_pylist()}
    supplemented = set(march["supplements"]["MaHoSo"].to_pylist())
    steps = march["process_steps"].select(["MaHoSo", "TrangThai", "NgayKetThucTheoQuyDinh"]).to_pylist()
    by_status = {}
    for s in steps:
        d = dossiers[s["MaHoSo"]]
        due = s["NgayKetThucTheoQuyDinh"]
        by_status.setdefault(s["TrangThai"], []).append(due)
        if due is None or d["NgayHenTra"] is None or s["MaHoSo"] in supplemented:
            continue
        if s["TrangThai"] == 2:
            assert due == d["NgayTiepNhan"][:8] + "235959", s
        elif s["TrangThai"] == 4:
            assert due <= d["NgayHenTra"], s
        elif s["TrangThai"] in (9, 10):
            assert due == d["NgayHenTra"], s
    assert all(due is None for due in by_status.get(5, []))
    processing = [due for due in by_status[4] if due is not None]
    assert 0 < by_status[4].count(None) < len(processing) / 5
