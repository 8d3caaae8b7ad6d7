"""Bad input at the one-stop-shop connector: each record is refused with an error naming it and the
field, or landed as the source sent it; nothing else is lost.

Extends the bad-value tests of test_one_stop_shop_connector.py (not repeated here). End-to-end
handling of the sandbox's own defects (NFD agency names, stray whitespace) is in
test_pipeline_end_to_end.py; here the connector's part only.
"""

from __future__ import annotations

import codecs
import json
import math
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.file_cursor import FileCursor, why_not_resume
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.one_stop_shop import (
    CHILD_LISTS,
    DATASETS,
    DOSSIER_FIELDS,
    PERSONAL_FIELDS,
    SOURCE,
    RecordError,
    export_line,
    flatten,
    read_dossier_page,
    read_export,
)
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from tests.support.one_stop_shop_payloads import dossier, write_ndjson
from tests.support.workbooks import with_stale_dimension

pseudonymise = Pseudonymiser(SANDBOX_KEY)
PROJECT = Path(__file__).resolve().parents[1]


def land_and_read(tmp_path: Path, payloads: list[dict]) -> dict[str, list[dict]]:
    """flatten -> LandingZone.write_batch -> Parquet file -> rows, for every dataset."""
    landing = LandingZone(tmp_path / "landing")
    out = {}
    for dataset, table in flatten(payloads, pseudonymise).items():
        path = landing.write_batch(SOURCE, dataset, date(2022, 1, 10), "load-1", 0, table)
        out[dataset] = pq.read_table(path).to_pylist()
    return out


def export_pull(landing: LandingZone, path: Path, chunk_size: int, batch_rows: int):
    """What orchestration does with an export file: land_pull over read_export from the line cursor."""

    def fetch(cursor):
        return read_export(path, chunk_size=chunk_size, cursor=cursor)

    return land_pull(
        landing, SOURCE, "export", f"file://{path}", fetch, lambda b: flatten(b, pseudonymise), batch_rows=batch_rows
    )


# -- encodings ---------------------------------------------------------------------------------


def test_a_utf8_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.ndjson"
    lines = [json.dumps(dossier(f"A-{i}"), ensure_ascii=False).encode() for i in range(3)]
    # a BOM at the start of the file, and one mid-file (two exports concatenated with `cat`)
    path.write_bytes(codecs.BOM_UTF8 + lines[0] + b"\n" + lines[1] + b"\n" + codecs.BOM_UTF8 + lines[2] + b"\n")
    records = [r for chunk, _ in read_export(path) for r in chunk]
    assert [r["MaHoSo"] for r in records] == ["A-0", "A-1", "A-2"]
    assert records[0] == dossier("A-0")  # the first key is "MaHoSo", not "\ufeffMaHoSo"


def test_windows_line_endings_and_blank_lines_are_read(tmp_path):
    path = tmp_path / "crlf.ndjson"
    path.write_bytes(
        b"\r\n".join(json.dumps(dossier(f"A-{i}"), ensure_ascii=False).encode() for i in range(3)) + b"\r\n\r\n   \r\n"
    )
    chunks = list(read_export(path, chunk_size=2))
    assert [[r["MaHoSo"] for r in chunk] for chunk, _ in chunks] == [["A-0", "A-1"], ["A-2"]]
    assert export_line(chunks[-1][1]) == 5  # the cursor counts every line consumed, blank ones too


# "Nguyễn Văn Ân" as Windows-1258 (the legacy Vietnamese code page: base letter + combining tone).
CP1258_NAME = b"Nguy\xea\xden V\xe3n \xc2n"


def test_the_legacy_encoding_sample_is_what_it_claims():
    assert unicodedata.normalize("NFC", CP1258_NAME.decode("cp1258")) == "Nguyễn Văn Ân"
    with pytest.raises(UnicodeDecodeError):
        CP1258_NAME.decode("utf-8")


def test_a_line_in_a_legacy_vietnamese_encoding_names_the_file_and_line(tmp_path):
    path = tmp_path / "mixed.ndjson"
    good = [json.dumps(dossier(f"A-{i}"), ensure_ascii=False).encode() for i in range(4)]
    bad = json.dumps(dossier("A-bad", ChuHoSo="@@")).encode().replace(b"@@", CP1258_NAME)
    path.write_bytes(b"\n".join([good[0], good[1], bad, good[2], good[3]]) + b"\n")
    with pytest.raises(RecordError) as caught:
        list(read_export(path))
    message = str(caught.value)
    assert f"{path}: line 3 is not UTF-8" in message and "0xea" in message
    assert "Windows-1258" in message and "TCVN3" in message
    assert not isinstance(caught.value, UnicodeDecodeError)
    # the chunks before the bad line are yielded whole, in order
    chunks = read_export(path, chunk_size=2)
    assert [r["MaHoSo"] for r in next(chunks)[0]] == ["A-0", "A-1"]
    with pytest.raises(RecordError, match="line 3"):
        next(chunks)


def failed_at_line_7(tmp_path: Path):
    """An export of A-00..A-09 whose line 7 is not UTF-8, pulled in batches of 4 until that line:
    (path, landing, the ten good lines, the unfinished pull's state)."""
    path = tmp_path / "export.ndjson"
    lines = [json.dumps(dossier(f"A-{i:02d}"), ensure_ascii=False).encode() for i in range(10)]
    broken = list(lines)
    broken[6] = json.dumps(dossier("A-06", ChuHoSo="@@")).encode().replace(b"@@", CP1258_NAME)
    path.write_bytes(b"\n".join(broken) + b"\n")
    landing = LandingZone(tmp_path / "landing")
    with pytest.raises(RecordError, match=r"line 7 is not UTF-8"):
        export_pull(landing, path, chunk_size=2, batch_rows=4)
    return path, landing, lines, landing.read_state(SOURCE, "export")


def test_a_bad_line_lands_nothing_of_its_batch_and_the_pull_resumes_after_the_fix(tmp_path):
    """The decision: earlier batches stay landed, the batch holding the bad line is not landed,
    and after fixing the line in place the same load resumes from the saved line cursor."""
    path, landing, lines, state = failed_at_line_7(tmp_path)
    assert state["complete"] is False and export_line(state["cursor"]) == 4 and state["parts"] == 1
    first = landing.read_load(SOURCE, "dossiers", state["load_id"]).column("MaHoSo").to_pylist()
    assert first == ["A-00", "A-01", "A-02", "A-03"]  # lines 5-6 were read but not landed: no partial batch
    # The vendor re-encodes the line as UTF-8 (same line count); the next run resumes.
    fixed = json.dumps(dossier("A-06", ChuHoSo=CP1258_NAME.decode("cp1258")), ensure_ascii=False).encode()
    path.write_bytes(b"\n".join(lines[:6] + [fixed] + lines[7:]) + b"\n")
    summary = export_pull(landing, path, chunk_size=2, batch_rows=4)
    assert summary.resumed and summary.load_id == state["load_id"]
    codes = landing.read_load(SOURCE, "dossiers", summary.load_id).column("MaHoSo").to_pylist()
    assert codes == [f"A-{i:02d}" for i in range(10)]  # every record once, none lost
    fixed_row = landing.read_load(SOURCE, "dossiers", summary.load_id).to_pylist()[6]
    assert fixed_row["ChuHoSo"] == pseudonymise("Nguyễn Văn Ân")  # decomposed as cp1258 sends it: same key


def test_an_export_replaced_before_the_resume_is_read_again_whole_never_from_the_old_line(tmp_path, caplog):
    """The vendor replaces the export between a failed pull and its resume: two new records first, the
    bad line fixed. Resumed at the old line number, two records would be lost and two landed twice."""
    path, landing, lines, state = failed_at_line_7(tmp_path)
    assert export_line(state["cursor"]) == 4
    replaced = [json.dumps(dossier(f"N-{i}"), ensure_ascii=False).encode() for i in (1, 2)] + lines
    path.write_bytes(b"\n".join(replaced) + b"\n")
    new_codes = ["N-1", "N-2"] + [f"A-{i:02d}" for i in range(10)]

    # The connector alone: read from the first line again, and said so.
    with caplog.at_level("WARNING"):
        assert [r["MaHoSo"] for c, _ in read_export(path, cursor=state["cursor"]) for r in c] == new_codes
    assert "not resuming after line 4: it is not the file the pull began on" in caplog.text

    # The pull as orchestration runs it: the unfinished load is left, a new one lands the file whole.
    summary = land_pull(
        landing,
        SOURCE,
        "export",
        f"file://{path}",
        lambda cursor: read_export(path, chunk_size=2, cursor=cursor),
        lambda b: flatten(b, pseudonymise),
        batch_rows=4,
        why_not_resume=lambda cursor: why_not_resume(path, cursor),
    )
    assert not summary.resumed and summary.load_id != state["load_id"]
    assert landing.read_load(SOURCE, "dossiers", summary.load_id).column("MaHoSo").to_pylist() == new_codes


def test_a_resumed_export_that_only_grew_or_was_fixed_after_the_landed_lines_resumes(tmp_path):
    path = write_ndjson(tmp_path / "export.ndjson", [dossier(f"A-{i}") for i in range(4)])
    first = next(read_export(path, chunk_size=2))
    with open(path, "a", encoding="utf-8") as f:  # appended after the landed lines
        f.write(json.dumps(dossier("A-4"), ensure_ascii=False) + "\n")
    assert why_not_resume(path, first[1]) is None
    assert [r["MaHoSo"] for c, _ in read_export(path, cursor=first[1]) for r in c] == ["A-2", "A-3", "A-4"]
    path.write_text(path.read_text(encoding="utf-8").replace("A-0", "B-0"), encoding="utf-8")  # a landed line
    assert "not the file the pull began on" in why_not_resume(path, first[1])
    assert "does not say which file" in why_not_resume(path, "2")  # a bare line number, saved before


@pytest.mark.parametrize(
    "line, problem",
    [
        (b"[1, 2, 3]", "line 2 is an array, not a JSON object"),
        (b"null", "line 2 is null, not a JSON object"),
        (
            b'{"NgayCapNhat": "20220110093000", "DonViXuLy": "000.00.01.H34"}',
            "line 2 has no MaHoSo (field MaHoSo is missing or empty) (NgayCapNhat='20220110093000', DonViXuLy=",
        ),
        (b'{"MaHoSo": "  ", "NgayCapNhat": "20220110093000"}', "line 2 has no MaHoSo"),
        (b'{"MaHoSo": {"a": 1}}', "line 2 has a MaHoSo that is an object, not text (field MaHoSo)"),
        (b'{"MaHoSo": "A-1", "Gia": ' + b"9" * 5000 + b"}", "line 2 is not valid JSON (ValueError: Exceeds the limit"),
        (b"[" * 100_000 + b"]" * 100_000, "line 2 is not valid JSON (RecursionError"),
        (b'{"MaHoSo": "A-1\x00"}', "line 2 is not valid JSON (Invalid control character"),  # a stray zero byte
    ],
)
def test_an_export_line_that_is_not_a_dossier_names_the_line_and_field(tmp_path, line, problem):
    path = tmp_path / "bad.ndjson"
    path.write_bytes(json.dumps(dossier("A-1"), ensure_ascii=False).encode() + b"\n" + line + b"\n")
    with pytest.raises(RecordError) as caught:
        list(read_export(path))
    assert str(caught.value).startswith(f"{path}: {problem}")


def test_a_record_without_a_code_from_the_api_names_its_place_and_no_personal_value():
    payloads = [dossier("A-1"), dossier("A-2", MaHoSo=None)]
    with pytest.raises(RecordError) as caught:
        flatten(payloads, pseudonymise)
    message = str(caught.value)
    assert message.startswith("record 2 of the batch (NgayCapNhat='20220110093000', DonViXuLy='000.00.01.H34', ")
    assert "field MaHoSo is missing or empty" in message
    assert "Nguyễn Văn An" not in message and "056123456789" not in message


# -- Unicode composition ------------------------------------------------------------------------


def test_decomposed_names_land_as_sent_and_hash_like_composed_ones(tmp_path):
    nfc, nfd = dossier("A-1"), dossier("A-2")
    for field in ("ChuHoSo", "TenDonViXuLy", "MaTTHC"):
        nfd[field] = unicodedata.normalize("NFD", nfc[field])
    nfd["QuaTrinhXuLy"] = [
        {**s, "NguoiXuLy": unicodedata.normalize("NFD", s["NguoiXuLy"])} for s in nfc["QuaTrinhXuLy"]
    ]
    assert nfd["TenDonViXuLy"] != nfc["TenDonViXuLy"]
    rows = land_and_read(tmp_path, [nfc, nfd])
    a, b = rows["dossiers"]
    # the landing zone records what the source said: the agency name keeps its decomposed form...
    assert a["TenDonViXuLy"] == nfc["TenDonViXuLy"] and b["TenDonViXuLy"] == nfd["TenDonViXuLy"]
    # ...while a person's key does not depend on it
    assert a["ChuHoSo"] == b["ChuHoSo"] == pseudonymise("Nguyễn Văn An")
    steps = rows["process_steps"]
    assert [s["NguoiXuLy"] for s in steps[:2]] == [s["NguoiXuLy"] for s in steps[2:]]


def test_staging_normalises_the_agency_name_to_nfc():
    """The composition is normalised in staging (clean_text = trim(NFC)), not at landing."""
    macro = (PROJECT / "dbt_project/macros/clean_text.sql").read_text()
    assert re.search(r"macro clean_text\(expr\)\s*-?%}\s*nullif\(trim\(\{\{\s*nfc_normalize\(expr\)", macro)
    model = (PROJECT / "dbt_project/models/staging/one_stop_shop/stg_one_stop_shop__dossier_versions.sql").read_text()
    assert "{{ clean_text('TenDonViXuLy') }} as agency_name_source" in model


# -- quotes, SQL metacharacters, very long fields -------------------------------------------------


def test_quotes_and_sql_metacharacters_land_intact(tmp_path):
    nasty = "O'Brien\"; drop table x; --"
    more = "Robert'); DELETE FROM dossiers;/* \\ \t% _ ${x} {{ y }} \x00 ' OR '1'='1"
    payload = dossier(
        "A-'1\";--",
        TenDonViXuLy=nasty,
        MaTTHC=more,
        LePhi=[{"MaPhiLePhi": "LP-'", "TenPhiLePhi": more, "Gia": 1}],
        KetQua=[{"MaGiayTo": "KQ", "TenGiayTo": nasty, "DuongDanTep": "https://x/a?b='c'&d=\"e\""}],
        ChuHoSo=nasty,
    )
    rows = land_and_read(tmp_path, [payload])
    row = rows["dossiers"][0]
    assert row["MaHoSo"] == "A-'1\";--" and row["TenDonViXuLy"] == nasty and row["MaTTHC"] == more
    assert row["ChuHoSo"] == pseudonymise(nasty)
    assert rows["fees"] == [
        {"MaHoSo": "A-'1\";--", "NgayCapNhat": "20220110093000", "MaPhiLePhi": "LP-'", "TenPhiLePhi": more, "Gia": 1}
    ]
    assert rows["results"][0]["TenGiayTo"] == nasty and rows["results"][0]["DuongDanTep"] == "https://x/a?b='c'&d=\"e\""


def test_a_field_of_several_megabytes_lands_intact(tmp_path):
    huge = ("Ủy ban nhân dân xã Vĩnh Lương " * 200_000)[:5_000_000]
    assert len(huge.encode()) > 5_000_000
    payloads = [dossier("A-1"), dossier("A-2", TenDonViXuLy=huge), dossier("A-3")]
    rows = land_and_read(tmp_path, payloads)
    assert [r["MaHoSo"] for r in rows["dossiers"]] == ["A-1", "A-2", "A-3"]
    assert rows["dossiers"][1]["TenDonViXuLy"] == huge
    assert len(rows["process_steps"]) == 6
    # and through the export file
    path = write_ndjson(tmp_path / "huge.ndjson", payloads)
    assert [r["TenDonViXuLy"] for c, _ in read_export(path) for r in c] == [p["TenDonViXuLy"] for p in payloads]


def test_an_error_about_a_huge_value_is_short():
    with pytest.raises(RecordError) as caught:
        flatten([dossier("A-1", TrangThaiHoSo="x" * 5_000_000)], pseudonymise)
    assert len(str(caught.value)) < 300 and "5000002 characters" in str(caught.value)


# -- dates the calendar does not have --------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["20250231120000", "31/02/2025", "2025-02-31", "20251399000000", "0", "  ", "hôm qua"]
)
def test_impossible_dates_land_unchanged(tmp_path, value):
    """Staging try-casts them to null and quarantines a bad reception date; the connector keeps them."""
    payload = dossier(
        "A-1",
        NgayTiepNhan=value,
        NgayHenTra=value,
        BoSung=[{"LanBoSung": 1, "NgayYeuCau": value, "CoVanBanYeuCau": 1}],
        DanhGia=[{"MucDoHaiLong": 1, "NgayDanhGia": value}],
    )
    rows = land_and_read(tmp_path, [payload])
    assert rows["dossiers"][0]["NgayTiepNhan"] == value and rows["dossiers"][0]["NgayHenTra"] == value
    assert rows["supplements"][0]["NgayYeuCau"] == value and rows["votes"][0]["NgayDanhGia"] == value


def test_a_date_sent_as_a_number_lands_as_its_text(tmp_path):
    rows = land_and_read(tmp_path, [dossier("A-1", NgayTiepNhan=20220110081500)])
    assert rows["dossiers"][0]["NgayTiepNhan"] == "20220110081500"


# -- values that cannot have the contract's type --------------------------------------------------


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"KenhThucHien": 2.5}, "field KenhThucHien = 2.5 is not an integer"),
        ({"LoaiDoiTuong": "１"}, "field LoaiDoiTuong = '１' is not an integer"),  # full-width digit
        ({"LoaiDoiTuong": "١"}, "field LoaiDoiTuong = '١' is not an integer"),  # Arabic-Indic digit
        ({"TrangThaiHoSo": "1_0"}, "field TrangThaiHoSo = '1_0' is not an integer"),
        ({"TrangThaiHoSo": [4]}, "field TrangThaiHoSo = [4] is not an integer"),
        ({"TrangThaiHoSo": {"ma": 4}}, "field TrangThaiHoSo = {'ma': 4} is not an integer"),
        ({"TrangThaiHoSo": math.nan}, "field TrangThaiHoSo = nan is not an integer"),
        ({"TrangThaiHoSo": math.inf}, "field TrangThaiHoSo = inf is not an integer"),
        ({"TrangThaiHoSo": 2**31}, "field TrangThaiHoSo = 2147483648 is out of range for int32"),
        ({"TrangThaiHoSo": 1e300}, "field TrangThaiHoSo = 1e+300 is out of range for int32"),
        ({"LePhi": [{"Gia": 2**63}]}, "field LePhi.Gia = 9223372036854775808 is out of range for int64"),
        (
            {"DanhGia": [{"MucDoHaiLong": "rất hài lòng"}]},
            "field DanhGia.MucDoHaiLong = 'rất hài lòng' is not an integer",
        ),
        ({"BoSung": {"LanBoSung": 1}}, "field BoSung should be a list, got an object"),
        ({"XinLoi": "none"}, "field XinLoi should be a list, got a string"),
        ({"KetQua": 0}, "field KetQua should be a list, got a number"),
        ({"QuaTrinhXuLy": [{"ThuTu": 1}, "Phạm Văn Dũng"]}, "item 2 of QuaTrinhXuLy is a string, not an object"),
        ({"GiayToNop": [None]}, "item 1 of GiayToNop is null, not an object"),
        ({"KetQua": [{"MaHoSo": "B-9"}]}, "field KetQua.MaHoSo (item 1) = 'B-9' contradicts the dossier's MaHoSo"),
        ({"_source": "x"}, "field _source has the name of a column the landing zone adds"),
        ({"DanhGia": [{"load_date": "x"}]}, "field DanhGia.load_date has the name of a column the landing zone adds"),
        ({"ChuHoSo": "\ud800"}, "field ChuHoSo holds text that is not valid Unicode"),
    ],
)
def test_a_value_that_cannot_be_landed_names_dossier_and_field(fields, message):
    with pytest.raises(RecordError) as caught:
        flatten([dossier("A-1"), dossier("A-2", **fields)], pseudonymise)
    assert str(caught.value).startswith(f"dossier 'A-2': {message}")
    assert "Phạm Văn Dũng" not in str(caught.value)  # a misplaced name is not echoed


@pytest.mark.parametrize(
    "value, landed", [(" 4 ", 4), ("+4", 4), ("-1", -1), (4.0, 4), (True, 1), ("", None), ("   ", None), (None, None)]
)
def test_integers_sent_as_text_or_floats_are_normalised(value, landed):
    row = flatten([dossier("A-1", TrangThaiHoSo=value)], pseudonymise)["dossiers"].to_pylist()[0]
    assert row["TrangThaiHoSo"] == landed


def test_list_fields_sent_as_null_or_empty_text_are_empty(tmp_path):
    rows = land_and_read(tmp_path, [dossier("A-1", QuaTrinhXuLy=None, LePhi="", GiayToNop=[])])
    assert rows["process_steps"] == rows["fees"] == rows["documents"] == []
    assert len(rows["dossiers"]) == 1


def test_an_item_repeating_its_dossiers_keys_is_accepted(tmp_path):
    rows = land_and_read(
        tmp_path, [dossier("A-1", KetQua=[{"MaHoSo": "A-1", "NgayCapNhat": "20220110093000", "MaGiayTo": "KQ"}])]
    )
    assert rows["results"] == [
        {"MaHoSo": "A-1", "NgayCapNhat": "20220110093000", "MaGiayTo": "KQ", "TenGiayTo": None, "DuongDanTep": None}
    ]


def test_text_fields_sent_as_other_json_types_land_as_json_text(tmp_path):
    rows = land_and_read(
        tmp_path, [dossier("A-1", MaTTHC=1.5, MaLinhVuc=True, TenDonViXuLy={"ten": "Sở"}, MaCoQuanMoi=["x", 1])]
    )
    row = rows["dossiers"][0]
    assert (row["MaTTHC"], row["MaLinhVuc"], row["TenDonViXuLy"], row["MaCoQuanMoi"]) == (
        "1.5",
        "true",
        '{"ten": "Sở"}',
        '["x", 1]',
    )


# -- properties ------------------------------------------------------------------------------------

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def json_like(floats):
    scalars = st.none() | st.booleans() | st.integers() | floats | st.text(max_size=12)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
        max_leaves=6,
    )


json_values = json_like(st.floats())  # NaN and infinities too: Python's json reads them
json_finite = json_like(st.floats(allow_nan=False))
# mostly values of the right type, sometimes anything at all
int_values = st.integers(-3, 12) | st.sampled_from(["1", " 2 ", "x", "", "2.0"]) | json_values
text_values = (
    st.text(max_size=20)
    | st.sampled_from(
        ["Nguyễn Văn An", unicodedata.normalize("NFD", "Nguyễn Văn An"), "056123456789", "20220231120000"]
    )
    | json_values
)


def field_value(dtype):
    return int_values if str(dtype).startswith("int") else text_values


@st.composite
def items(draw, fields):
    names = draw(st.lists(st.sampled_from(sorted(fields)), unique=True))
    item = {name: draw(field_value(fields[name])) for name in names}
    if draw(st.booleans()):
        item[draw(st.text(min_size=1, max_size=6))] = draw(json_values)
    return item


@st.composite
def payloads(draw):
    names = draw(st.lists(st.sampled_from(sorted(DOSSIER_FIELDS)), unique=True))
    payload = {name: draw(field_value(DOSSIER_FIELDS[name])) for name in names}
    payload["MaHoSo"] = draw(st.text(max_size=10) | st.integers() | json_values)
    for list_name, (_, fields) in CHILD_LISTS.items():
        if draw(st.integers(0, 3)):
            payload[list_name] = draw(
                st.lists(items(fields), max_size=3) | st.lists(json_values, max_size=2) | json_values
            )
    return payload


@BOUNDED
@given(st.lists(payloads(), max_size=4))
def test_flatten_raises_only_record_errors_and_keeps_every_row(batch):
    try:
        tables = flatten(batch, pseudonymise)
    except RecordError:
        return
    assert set(tables) == set(DATASETS)
    assert tables["dossiers"].num_rows == len(batch)
    for list_name, (dataset, _) in CHILD_LISTS.items():
        assert tables[dataset].num_rows == sum(len(p.get(list_name) or []) for p in batch), dataset
    raw = {
        "dossiers": [(p.get(f), f) for p in batch for f in PERSONAL_FIELDS["dossiers"]],
        # every personal field of each step, in the landed columns' order (the name and the account)
        "process_steps": [
            (i.get(f), f) for p in batch for i in p.get("QuaTrinhXuLy") or [] for f in PERSONAL_FIELDS["process_steps"]
        ],
    }
    for dataset, pairs in raw.items():
        rows = tables[dataset].to_pylist()
        landed = [r[f] for r in rows for f in PERSONAL_FIELDS[dataset]]
        for (value, _), hashed in zip(pairs, landed):
            if value is None or value == "" or (isinstance(value, str) and not value.strip()):
                assert hashed is None
            else:
                assert hashed != value and hashed != str(value) and re.fullmatch(r"[0-9a-f]{32}", hashed)


# Any letters, marks, digits and symbols except two whose case folding is not a plain case change:
# dotless ı (Unicode's default folding is not Turkic-aware: I -> i) and the combining iota subscript
# U+0345 (folds to a base letter ι, which moves it among the marks). Neither occurs in Vietnamese.
# Format characters (Cf: soft hyphen, zero-width, BOM) are dropped by the canonical form, so a word of
# them alone is no word (tests/test_pseudonymisation.py covers them inside names).
WORD = st.text(
    st.characters(exclude_categories=("Z", "Cc", "Cs", "Cf"), exclude_characters="\u0131\u0345"), min_size=1, max_size=8
)
_VOWELS, _TONES = "aăâeêioôơuưy", ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
VIETNAMESE_LETTERS = sorted(
    {unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES} | set("bcdđghklmnpqrstvx")
)
VIETNAMESE_LETTERS += [c.upper() for c in VIETNAMESE_LETTERS]
VIETNAMESE_NAME = st.lists(st.text(st.sampled_from(VIETNAMESE_LETTERS), min_size=1, max_size=7), min_size=1, max_size=4)
NAME = VIETNAMESE_NAME | st.lists(WORD, min_size=1, max_size=4)
WHITESPACE = st.text(st.sampled_from(" \t\n\r\u00a0\u3000\u2003\u200a"), min_size=1, max_size=3)
KEY = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), min_size=1, max_size=40)


@BOUNDED
@given(NAME, st.lists(WHITESPACE, min_size=5, max_size=5), KEY)
def test_pseudonymiser_is_deterministic_and_blind_to_spacing_composition_and_case(words, gaps, key):
    p = Pseudonymiser(key)
    name = " ".join(words)
    spaced = gaps[0] + "".join(w + gaps[i % 4 + 1] for i, w in enumerate(words))
    hashed = p(name)
    assert re.fullmatch(r"[0-9a-f]{32}", hashed)
    assert hashed == p(name) == Pseudonymiser(key)(name)  # deterministic, also across instances
    assert p(spaced) == hashed
    assert p(unicodedata.normalize("NFC", name)) == p(unicodedata.normalize("NFD", name)) == hashed
    assert p(unicodedata.normalize("NFD", spaced).upper()) == hashed
    assert p(name.casefold()) == p(name.upper()) == p(name.lower()) == p(name.title()) == hashed


@BOUNDED
@given(VIETNAMESE_NAME, KEY)
def test_vietnamese_names_keep_the_keys_they_had(words, key):
    """Of the canonical form (pseudonymise.py), only the tone placement changes a key of Vietnamese
    text: a name whose tones sit where the convention puts them keeps its key."""
    import hashlib
    import hmac

    from connectors.pseudonymise import place_tone

    name = " ".join(words)
    before = " ".join(unicodedata.normalize("NFC", name).split()).casefold()
    placed = " ".join(place_tone(word) for word in before.split(" "))
    assert Pseudonymiser(key)(name) == hmac.new(key.encode(), placed.encode(), hashlib.sha256).hexdigest()[:32]


@BOUNDED
@given(st.text(alphabet=st.characters(max_codepoint=127)), KEY)
def test_ascii_text_is_keyed_as_the_general_normalisation_keys_it(text, key):
    """pseudonymise.py takes a shorter way for ASCII text (ID numbers); it must give the same keys."""
    import hashlib
    import hmac

    from connectors.pseudonymise import canonical_text

    general = canonical_text(text)
    expected = hmac.new(key.encode(), general.encode(), hashlib.sha256).hexdigest()[:32] if general else None
    assert Pseudonymiser(key)(text) == expected


def test_a_known_pseudonym_is_pinned():
    """Changing the hashing would change every landed key: it must be deliberate."""
    assert Pseudonymiser(SANDBOX_KEY)("Nguyễn Văn An") == "5a1b2d9f982768af1f6453dff54da2d2"
    assert Pseudonymiser(SANDBOX_KEY)(None) is None and Pseudonymiser(SANDBOX_KEY)(" \t ") is None


@BOUNDED
@given(NAME, KEY, KEY)
def test_different_keys_give_different_pseudonyms(words, key, other):
    """Keys come from environment variables, which cannot hold NUL (HMAC pads short keys with NUL)."""
    name = " ".join(words)
    if key != other:
        assert Pseudonymiser(key)(name) != Pseudonymiser(other)(name)


@BOUNDED
@given(
    st.lists(
        st.dictionaries(st.text(max_size=8), json_finite, max_size=4).map(
            lambda d: {
                **d,
                "MaHoSo": d.get("MaHoSo") if isinstance(d.get("MaHoSo"), str) and d["MaHoSo"].strip() else "X",
            }
        ),
        max_size=6,
    ),
    st.integers(1, 4),
)
def test_read_export_round_trips_any_json_objects(tmp_path_factory, records, chunk_size):
    path = tmp_path_factory.mktemp("rt") / "export.ndjson"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    chunks = list(read_export(path, chunk_size=chunk_size))
    assert [r for chunk, _ in chunks for r in chunk] == records
    assert all(len(chunk) <= chunk_size for chunk, _ in chunks)
    if records:
        assert export_line(chunks[-1][1]) == len(records)


# -- the cadre system's XLSX export and the PAR ranking files (connectors/cadre.py) -----------------

from connectors import cadre  # noqa: E402
from connectors.sandbox.cadre_api import write_export as write_cadre_export  # noqa: E402
from connectors.sandbox.cadre_api import write_ranking_files  # noqa: E402
from connectors.sandbox.cadre_data import CadreConfig, CadreSandbox  # noqa: E402
from connectors.spreadsheet import SpreadsheetError  # noqa: E402

SMALL_CADRE = CadreConfig(seed=3, scale=0.05, end=date(2024, 3, 31), defect_rate=0.0)


@pytest.fixture(scope="module")
def small_cadre():
    return CadreSandbox(SMALL_CADRE)


def _edit_cell(path: Path, sheet: str, header: str, data_row: int, value) -> str:
    """Set the cell of column `header` in the `data_row`-th row under the header; return its reference."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    workbook = load_workbook(path)
    worksheet = workbook[sheet]
    for row in worksheet.iter_rows(min_row=1, max_row=10):
        names = [c.value for c in row]
        if header in names:
            column = names.index(header) + 1
            row_number = row[0].row + data_row
            worksheet.cell(row_number, column).value = value
            workbook.save(path)
            return f"{get_column_letter(column)}{row_number}"
    raise AssertionError(f"no header {header} in {sheet}")


def _drop_export_date(path: Path) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for worksheet in workbook.worksheets:
        worksheet["A3"] = "Xuất ngày 01/01/2024"  # the title row that said "Ngày xuất dữ liệu: dd/MM/yyyy"
    workbook.save(path)


def _cadre_export_pull(landing: LandingZone, path: Path):
    return land_pull(
        landing,
        cadre.SOURCE,
        "export",
        f"file://{path}",
        lambda cursor: cadre.read_export(path, chunk_size=50, skip=cursor),
        lambda items: cadre.flatten(items, pseudonymise),
        batch_rows=100,
    )


def _landed_files(landing: LandingZone, source: str) -> list[Path]:
    return sorted((landing.root / source).rglob("*.parquet"))


@pytest.mark.parametrize(
    "sheet, header, value, problem",
    [
        ("CanBo", "Ngày bắt đầu công tác", "31/02/2024", "'31/02/2024' is not a real date"),
        ("CanBo", "Ngày kết thúc công tác", "2024-13-01", "'2024-13-01' is not a date written dd/MM/yyyy"),
        ("CanBo", "Phân loại", "Công nhân", "'Công nhân' is not one of Cán bộ, Công chức"),
        ("DanhGia", "Năm đánh giá", "hai nghìn", "'hai nghìn' is not a number written as 1.234.567,5"),
        ("BienChe", "Biên chế công chức được giao", "12,5", "'12,5' is not a whole number"),
    ],
)
def test_a_malformed_cadre_export_names_sheet_row_and_column_and_lands_nothing(
    small_cadre, tmp_path, sheet, header, value, problem
):
    path = write_cadre_export(small_cadre, tmp_path / "canbo.xlsx")
    cell = _edit_cell(path, sheet, header, 3, value)
    landing = LandingZone(tmp_path / "landing")
    with pytest.raises(SpreadsheetError) as caught:
        _cadre_export_pull(landing, path)
    column, row = re.match(r"([A-Z]+)(\d+)", cell).groups()
    assert str(caught.value).startswith(f"canbo.xlsx, sheet '{sheet}', cell {cell} (row {row}, column {column}): ")
    assert problem in str(caught.value)
    assert _landed_files(landing, cadre.SOURCE) == [], "nothing of a malformed file may land"


def test_a_fixed_cadre_export_lands_whole_under_the_same_load(small_cadre, tmp_path):
    path = write_cadre_export(small_cadre, tmp_path / "canbo.xlsx")
    good = path.read_bytes()
    _edit_cell(path, "DonViSuNghiep", "Ngày thành lập", 2, "00/01/2000")
    landing = LandingZone(tmp_path / "landing")
    with pytest.raises(SpreadsheetError, match="sheet 'DonViSuNghiep'"):
        _cadre_export_pull(landing, path)
    path.write_bytes(good)
    summary = _cadre_export_pull(landing, path)
    assert summary.resumed and summary.rows["persons"] == len(small_cadre.employments)


def test_a_cadre_export_replaced_before_the_resume_is_landed_whole_in_a_new_load(small_cadre, tmp_path, caplog):
    path = write_cadre_export(small_cadre, tmp_path / "canbo.xlsx")
    landing = LandingZone(tmp_path / "landing")
    calls = []

    def crashing(items):  # the pull dies after its first part
        calls.append(1)
        if len(calls) == 3:
            raise OSError("killed")
        return cadre.flatten(items, pseudonymise)

    def pull(flatten_items):
        return land_pull(
            landing,
            cadre.SOURCE,
            "export",
            f"file://{path}",
            lambda cursor: cadre.read_export(path, chunk_size=50, skip=cursor),
            flatten_items,
            batch_rows=100,
            why_not_resume=lambda cursor: why_not_resume(path, cursor),
        )

    with pytest.raises(OSError, match="killed"):
        pull(crashing)
    unfinished = landing.read_state(cadre.SOURCE, "export")
    assert unfinished["parts"] == 1 and not unfinished["complete"]
    _edit_cell(path, "CanBo", "Chức danh", 1, "Chuyên viên chính")  # the vendor's new export
    with caplog.at_level("WARNING"):
        _, cursor = next(cadre.read_export(path, chunk_size=50, skip=unfinished["cursor"]))
    assert FileCursor.decode(cursor).at == "persons:50"  # read from the start
    assert "persons:100: it is not the file the pull began on" in caplog.text
    summary = pull(lambda items: cadre.flatten(items, pseudonymise))
    assert not summary.resumed and summary.load_id != unfinished["load_id"]
    assert summary.rows["persons"] == len(small_cadre.employments)


@pytest.mark.parametrize(
    "edit, problem",
    [
        (
            lambda p: _edit_cell(p, "CanBo", "Phân loại", 0, "Loại cán bộ"),
            "sheet 'CanBo', cell A",
        ),  # the nearest row named, then: no header row
        (lambda p: _drop_export_date(p), "canbo.xlsx: no 'Ngày xuất dữ liệu: dd/MM/yyyy' in the title rows"),
    ],
)
def test_a_cadre_export_without_its_columns_or_date_is_refused(small_cadre, tmp_path, edit, problem):
    path = write_cadre_export(small_cadre, tmp_path / "canbo.xlsx")
    edit(path)
    with pytest.raises(SpreadsheetError, match=re.escape(problem)):
        cadre.read_export_sheets(path)


def test_a_malformed_ranking_file_names_its_cell_and_no_file_lands(small_cadre, tmp_path):
    small = CadreSandbox(CadreConfig(seed=3, scale=0.05, end=date(2025, 3, 31), defect_rate=0.0))
    files = write_ranking_files(small, tmp_path / "ranking")
    assert len(files) == 3
    cell = _edit_cell(files[1], cadre.RANKING_SHEET, "Tổng điểm", 2, "chín mươi")
    landing = LandingZone(tmp_path / "landing")
    with pytest.raises(SpreadsheetError) as caught:
        land_pull(
            landing,
            cadre.RANKING_SOURCE,
            "files",
            "file://ranking",
            lambda cursor: cadre.read_ranking_files(tmp_path / "ranking"),
            cadre.flatten_rankings,
        )
    assert str(caught.value).startswith(f"{files[1].name}, sheet 'XepHang', cell {cell}")
    assert _landed_files(landing, cadre.RANKING_SOURCE) == []


# -- budget disclosures: malformed spreadsheets and listing entries ---------------------------------

import io  # noqa: E402
import unicodedata as _ud  # noqa: E402
import zipfile  # noqa: E402

from connectors.budget import ListedDocument, ListingError, parse_document_file, parse_listing_entry  # noqa: E402
from connectors.spreadsheet import write_laid_out_workbook  # noqa: E402

ESTIMATE = ListedDocument(
    "CK-X", "46/CK-NSNN", "estimate", 2024, "year", None, None, None, date(2024, 1, 5), None, "/files/x.xlsx", "x.xlsx"
)
HEAD = [["CÂN ĐỐI NGÂN SÁCH"], [None, None, "Đơn vị: Triệu đồng"], ["STT", "Nội dung", "Dự toán năm 2024"]]


def _zip_without_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<html><body>503 Service Unavailable</body></html>",
        _zip_without_a_workbook(),
        b"PK\x03\x04" + b"\x00" * 40,  # the first bytes of a zip, then nothing: a download cut short
    ],
    ids=["empty", "html-error-page", "zip-without-workbook", "truncated-zip"],
)
def test_a_file_that_is_not_a_workbook_is_refused_by_name(tmp_path, content):
    path = tmp_path / "46-CK-NSNN_du-toan_2024.xlsx"
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError, match=r"^46-CK-NSNN_du-toan_2024.xlsx: not a readable XLSX workbook"):
        parse_document_file(path, ESTIMATE)


@pytest.mark.parametrize(
    "rows, message",
    [
        ([], r"no header row with the expected columns"),
        (HEAD + [["A", "TỔNG THU", "999.999.999.999.999"]], r"cell C4 .*out of range"),
        (HEAD + [["A", "TỔNG THU", "#REF!"]], r"cell C4 .*'#REF!' is not a number"),
        (HEAD + [["A", "TỔNG THU", "1,234.5"]], r"cell C4 .*'1,234.5' is not a number written as 1.234.567,5"),
        (HEAD + [["A", "TỔNG THU", True]], r"cell C4 .*'True' is not a number"),
        (HEAD, r"row 3: no line under the header"),
    ],
    ids=["empty-sheet", "beyond-decimal-22-2", "formula-error", "english-number", "boolean", "no-lines"],
)
def test_a_malformed_form_names_the_cell(tmp_path, rows, message):
    path = write_laid_out_workbook(tmp_path / "x.xlsx", {"46": (rows, [])})
    with pytest.raises(SpreadsheetError, match=message):
        parse_document_file(path, ESTIMATE)


def test_odd_but_readable_forms_land(tmp_path):
    """Decomposed (NFD) headers, non-breaking spaces in numbers, an error in the ratio column, a
    marker typed as a number and with a trailing dot."""
    rows = [
        ["CÂN ĐỐI"],
        [None, None, _ud.normalize("NFD", "Đơn vị: Triệu đồng")],
        [_ud.normalize("NFD", "STT"), _ud.normalize("NFD", "Nội dung"), "Dự toán năm 2024", "So sánh (%)"],
        ["A.", "TỔNG THU", "1\u00a0234,5", "#DIV/0!"],
        [1, "Thu", "1\u00a0234,5", None],
    ]
    lines = parse_document_file(write_laid_out_workbook(tmp_path / "x.xlsx", {"46": (rows, [])}), ESTIMATE)["lines"]
    assert [(r["line_code"], r["value_vnd"]) for r in lines] == [("A", 1_234_500_000), ("A.1", 1_234_500_000)]


@given(st.text(alphabet="0123456789.,-() abcđ%\u00a0", min_size=1, max_size=12))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_in_a_number_cell_is_parsed_or_refused_naming_the_cell(tmp_path, text):
    path = write_laid_out_workbook(tmp_path / "x.xlsx", {"46": (HEAD + [["A", "TỔNG THU", text]], [])})
    try:
        (line,) = parse_document_file(path, ESTIMATE)["lines"]
    except SpreadsheetError as exc:
        assert exc.sheet == "46" and (exc.row, exc.column) in {(4, 3), (3, None)}, str(exc)
    else:
        assert line["value_vnd"] is None or abs(line["value_vnd"]) < 10**20


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"kind": "estimate"}, r"listing entry without an id"),
        ({"id": "X", "kind": "budget", "period": "year", "fiscal_year": 2024}, r"'X': kind 'budget' is not one of"),
        ({"id": "X", "kind": "estimate", "period": "q2", "fiscal_year": 2024}, r"'X': period 'q2' is not one of"),
        (
            {"id": "X", "kind": "estimate", "period": "year", "fiscal_year": "năm 2024"},
            r"'X': fiscal_year .* is not a year",
        ),
        (
            {
                "id": "X",
                "kind": "estimate",
                "period": "year",
                "fiscal_year": 2024,
                "file_url": "/f",
                "published_date": "09/01/2024",
            },
            r"'X': published_date = '09/01/2024' is not a date yyyy-mm-dd",
        ),
        ({"id": "X", "kind": "estimate", "period": "year", "fiscal_year": 2024}, r"'X': file_url is missing"),
        ("CK-2024", r"is not an object"),
    ],
)
def test_a_listing_entry_that_cannot_be_used_is_refused_by_id_and_field(entry, message):
    with pytest.raises(ListingError, match=message):
        parse_listing_entry(entry)


# -- the export's version dates, emptiness, duplicate keys, UTF-16 ---------------------------------


def export_window(tmp_path: Path, payloads: list[dict], since: datetime, until: datetime, **settings) -> list[str]:
    """The codes the orchestration's export fetcher yields for the window [since, until)."""
    from orchestration.sources import OneStopShopSource
    from tests.support.pipeline import settings_for

    path = write_ndjson(tmp_path / "export.ndjson", payloads)
    source = OneStopShopSource(settings_for(tmp_path, one_stop_shop_export=path, pseudonymisation_key="k", **settings))
    return [r["MaHoSo"] for records, _ in source.fetcher(since, until)(None) for r in records]


# The window is 10 January 2022, local time (UTC+7); each version is written the way a vendor might.
VERSIONS_IN_THE_WINDOW = {
    "DVCQG": "20220110093000",
    "ISO with offset": "2022-01-10T09:30:00+07:00",
    "ISO in UTC": "2022-01-10T16:59:59Z",  # 23:59:59 local
    "ISO without offset": "2022-01-10T00:00:00",
    "ISO with a space and fraction": "2022-01-10 09:30:00.123",
    "leading space": " 20220110093000",
    "trailing newline": "20220110093000\n",
    "a number": 20220110093000,
    "dd/MM/yyyy HH:mm:ss": "10/01/2022 09:30:00",
    "dd/MM/yyyy HH:mm": "10/01/2022 09:30",
    "dd/MM/yyyy": "10/01/2022",
}
VERSIONS_OUTSIDE = {
    "DVCQG": "20220111000000",
    "ISO with offset": "2022-01-11T00:00:00+07:00",
    "ISO in UTC": "2022-01-09T16:59:59Z",  # 23:59:59 local on the 9th
    "dd/MM/yyyy": "11/01/2022",
    "leading space": " 20220109235959",
}
# Not a date in any format: landed, so that the gate rejects the load loudly, never dropped.
VERSIONS_UNREADABLE = {"text": "hôm qua", "month 13": "20221310093000", "empty": "", "missing": None}


def test_an_export_version_in_another_format_is_placed_in_its_window_never_dropped(tmp_path):
    payloads = [dossier(f"IN {k}", NgayCapNhat=v) for k, v in VERSIONS_IN_THE_WINDOW.items()]
    payloads += [dossier(f"OUT {k}", NgayCapNhat=v) for k, v in VERSIONS_OUTSIDE.items()]
    payloads += [dossier(f"UNREADABLE {k}", NgayCapNhat=v) for k, v in VERSIONS_UNREADABLE.items()]
    payloads[-1].pop("NgayCapNhat")
    codes = export_window(tmp_path, payloads, datetime(2022, 1, 10), datetime(2022, 1, 11))
    assert sorted(codes) == sorted(
        [f"IN {k}" for k in VERSIONS_IN_THE_WINDOW] + [f"UNREADABLE {k}" for k in VERSIONS_UNREADABLE]
    )


def test_an_export_written_entirely_in_iso_8601_lands_whole(tmp_path):
    payloads = [dossier(f"A-{i}", NgayCapNhat=f"2022-01-10T{i:02d}:30:00+07:00") for i in range(24)]
    assert len(export_window(tmp_path, payloads, datetime(2022, 1, 10), datetime(2022, 1, 11))) == 24


def test_an_empty_export_is_reported_and_refused_in_production(tmp_path, caplog):
    from orchestration.sources import OneStopShopSource
    from tests.support.pipeline import settings_for

    path = tmp_path / "empty.ndjson"
    for content in (b"", b"\n  \r\n"):
        path.write_bytes(content)
        with caplog.at_level("WARNING"):
            assert [r for records, _ in read_export(path) for r in records] == []
        assert f"{path} holds no record" in caplog.text
        caplog.clear()
        settings = settings_for(tmp_path, one_stop_shop_export=path, pseudonymisation_key="k", environment="production")
        with pytest.raises(RecordError, match=f"{path} holds no record.*PAR_ENV=production"):
            list(OneStopShopSource(settings).fetcher(datetime(2022, 1, 10), datetime(2022, 1, 11))(None))


def test_a_record_with_a_duplicate_key_is_refused_naming_it_and_the_key(tmp_path):
    path = tmp_path / "dup.ndjson"
    good = json.dumps(dossier("A-1"), ensure_ascii=False)
    twice = good[:-1] + ', "TrangThaiHoSo": 10}'  # TrangThaiHoSo 4, then 10: which one is true?
    nested = good.replace('"ThuTu": 1,', '"ThuTu": 1, "ThuTu": 3,')
    for line, key in ((twice, "TrangThaiHoSo"), (nested, "QuaTrinhXuLy.ThuTu")):
        path.write_text(good + "\n" + line.replace("A-1", "A-2") + "\n", encoding="utf-8")
        with pytest.raises(RecordError) as caught:
            list(read_export(path))
        assert str(caught.value).startswith(f"{path}: line 2 (MaHoSo 'A-2') has the key {key} twice")


def test_an_api_page_with_a_duplicate_key_is_refused_naming_the_record_and_the_key():
    good = json.dumps(dossier("A-1"), ensure_ascii=False)
    twice = good.replace("A-1", "A-2")[:-1] + ', "TrangThaiHoSo": 10}'
    with pytest.raises(RecordError, match=r"^record 2 of the page \(MaHoSo 'A-2'\) has the key TrangThaiHoSo twice"):
        read_dossier_page(f'{{"data": [{good}, {twice}], "next_cursor": null}}'.encode())
    records, cursor = read_dossier_page(f'{{"data": [{good.replace("4,", "4.0,", 1)}], "next_cursor": "c"}}'.encode())
    assert [r["MaHoSo"] for r in records] == ["A-1"] and cursor == "c"  # not plain, but no key twice


@pytest.mark.parametrize(
    "codec, name",
    [
        ("utf-16-le", "UTF-16 little-endian"),
        ("utf-16-be", "UTF-16 big-endian"),
        ("utf-16", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-32-be", "UTF-32"),
    ],
)
def test_a_utf16_export_names_its_encoding_not_a_legacy_one(tmp_path, codec, name):
    path = tmp_path / "utf16.ndjson"
    path.write_bytes("".join(json.dumps(dossier(f"A-{i}"), ensure_ascii=False) + "\n" for i in range(2)).encode(codec))
    with pytest.raises(RecordError) as caught:
        list(read_export(path))
    message = str(caught.value)
    assert message.startswith(f"{path}: line 1 ") and name in message and "UTF-8" in message
    assert "TCVN3" not in message and "Windows-1258" not in message


# -- a stale <dimension> tag in any XLSX source (connectors/spreadsheet.py: sheet_rows) -----------------


@pytest.mark.parametrize("ref", ["A1", "A1:C5"], ids=["A1", "too-small"])
def test_a_budget_form_with_a_stale_dimension_tag_is_read_whole(tmp_path, ref):
    lines = [["A", "TỔNG THU"]] + [[n, f"Khoản thu {n}"] for n in range(1, 11)]
    rows = HEAD + [line + [f"{100 * n:,}".replace(",", ".")] for n, line in enumerate(lines, start=1)]
    path = with_stale_dimension(write_laid_out_workbook(tmp_path / "x.xlsx", {"46": (rows, [])}), ref)
    parsed = parse_document_file(path, ESTIMATE)["lines"]
    assert [r["line_code"] for r in parsed] == ["A"] + [f"A.{n}" for n in range(1, 11)]
    assert parsed[-1]["value_vnd"] == 1_100 * 1_000_000


def test_a_cadre_export_with_a_stale_dimension_tag_is_read_whole(small_cadre, tmp_path):
    path = write_cadre_export(small_cadre, tmp_path / "canbo.xlsx")
    _, whole = cadre.read_export_sheets(path)
    with_stale_dimension(path, "A1:K20", sheet_number=1)  # CanBo, the persons
    _, read = cadre.read_export_sheets(path)
    assert len(read["persons"]) == len(whole["persons"]) == len(small_cadre.employments) > 20
    assert read == whole


def test_a_truncated_warehouse_is_called_damaged_with_how_to_rebuild_it(tmp_path, monkeypatch, capsys):
    """A warehouse file cut short (a full disk, a restore cut short) gave DuckDB's bare "Could not read enough
    bytes"; the report and a run now say the warehouse is damaged and how to rebuild it from the landing
    zone, and a run stops before it lands or builds anything."""
    import duckdb
    from dagster import DagsterInstance

    from orchestration.cli import main, run_pipeline
    from orchestration.warehouse_file import WarehouseDamagedError
    from tests.support.pipeline import settings_for

    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create table marts.t as select range as i from range(100000)")
    with warehouse.open("r+b") as file:
        file.truncate(warehouse.stat().st_size // 2)
    monkeypatch.setenv("PAR_DATA_DIR", str(tmp_path))
    for name in ("PAR_LANDING_DIR", "PAR_WAREHOUSE_PATH", "PAR_SNAPSHOT_DIR", "PAR_WAREHOUSE_TARGET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["report", "--period", "2022-Q1"]) == 1
    said = capsys.readouterr().err
    assert f"The warehouse {warehouse} is damaged" in said and "rebuild it from the landing zone" in said
    assert "docs/operations.md" in said and "Could not read enough bytes" in said
    with DagsterInstance.ephemeral() as instance, pytest.raises(WarehouseDamagedError, match="is damaged"):
        run_pipeline(date(2022, 1, 1), date(2022, 1, 2), settings_for(tmp_path), instance=instance)
    assert not (tmp_path / "landing").exists()
