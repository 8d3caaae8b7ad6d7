"""API ingestion at volume: the export-backed API keeps the paging contract, the column-at-a-time
flatten gives the checked path's tables, and a pull's memory is bounded by its batch, not its window.

Cost: about 5 s (a small sandbox of ~2,000 dossiers, generated once) plus ~10 s for the one test
that runs the bench's measurement in a child process; the read-ahead tests, under a second.
"""

from __future__ import annotations

import json
import weakref
from datetime import date, datetime

import pytest

from bench.ingestion import measure_api_ingestion
from connectors.http_session import RetryPolicy, SourceResponseError, SourceSession
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.one_stop_shop import (
    SOURCE,
    OneStopShopClient,
    PayloadColumns,
    _flatten_checked,
    flatten,
    plain_tables,
    read_dossier_page,
)
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.records import RecordError
from connectors.sandbox.one_stop_shop_api import start_one_stop_shop_server, write_export
from connectors.sandbox.one_stop_shop_data import OneStopShopSandbox, SandboxConfig
from connectors.sandbox.one_stop_shop_export_api import ExportError, start_export_server
from connectors.sandbox.server import SANDBOX_TOKEN

RETRY = RetryPolicy(attempts=4, backoff_seconds=0.01, timeout_seconds=60)
CLOCK_DAY = date(2022, 2, 15)
SINCE, UNTIL = datetime(2022, 1, 1), datetime(2022, 2, 16)  # ends after the sandbox's clock
BATCH_COLUMNS = ["_load_id", "_source", "_loaded_at", "_page"]
pseudonymise = Pseudonymiser(SANDBOX_KEY)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(generator-backed server, its api, export-backed server, the export's path), same dossiers."""
    generator, api = start_one_stop_shop_server(SandboxConfig(end=CLOCK_DAY, scale=0.5, defect_rate=0.0))
    path = tmp_path_factory.mktemp("export") / "dossiers.ndjson"
    write_export(api.sandbox, path)
    exported, export_api = start_export_server(path)
    yield generator, api, exported, path
    exported.stop()
    export_api.close()
    generator.stop()


def pull(server, landing, since=SINCE, until=UNTIL, page_size=100, batch_rows=300, key="w", read_ahead=1):
    client = OneStopShopClient(SourceSession(SOURCE, server.url, SANDBOX_TOKEN, RETRY), page_size=page_size)
    return land_pull(
        landing,
        SOURCE,
        key,
        server.url,
        lambda cursor: client.pages(since, until, cursor),
        lambda records: flatten(records, pseudonymise),
        batch_rows=batch_rows,
        read_ahead=read_ahead,
    )


def landed(landing, summary, dataset):
    table = landing.read_load(SOURCE, dataset, summary.load_id).drop_columns(BATCH_COLUMNS)
    return table.sort_by([(name, "ascending") for name in table.column_names])


def test_the_export_backed_api_lands_what_the_generator_backed_one_lands(servers, tmp_path):
    generator, api, exported, _ = servers
    from_generator = pull(generator, LandingZone(tmp_path / "g"), read_ahead=0)
    from_export = pull(exported, LandingZone(tmp_path / "e"))
    assert from_export.records == from_generator.records == len(api.sandbox.dossiers) > 1000  # > 10 pages
    for dataset, rows in from_generator.rows.items():
        assert from_export.rows[dataset] == rows
        assert landed(LandingZone(tmp_path / "e"), from_export, dataset).equals(
            landed(LandingZone(tmp_path / "g"), from_generator, dataset)
        ), dataset


def test_a_window_of_the_export_lists_the_dossiers_last_updated_in_it_in_key_order(servers):
    _, _, exported, path = servers
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    expected = sorted((r["NgayCapNhat"], r["MaHoSo"]) for r in lines if "20220110" <= r["NgayCapNhat"] < "20220112")
    session = SourceSession(SOURCE, exported.url, SANDBOX_TOKEN, RETRY)
    pages = list(OneStopShopClient(session, page_size=7).pages(datetime(2022, 1, 10), datetime(2022, 1, 12)))
    assert len(pages) == -(-len(expected) // 7) > 1
    assert [(r["NgayCapNhat"], r["MaHoSo"]) for page, _ in pages for r in page] == expected
    with pytest.raises(SourceResponseError, match="HTTP 400.*page_size"):
        session.get_json("/api/v1/dossiers", {"page_size": 2001})
    with pytest.raises(SourceResponseError, match="HTTP 401"):
        SourceSession(SOURCE, exported.url, "wrong", RETRY).get_json("/api/v1/dossiers", {})
    with pytest.raises(SourceResponseError, match="HTTP 400.*invalid cursor"):
        session.get_json("/api/v1/dossiers", {"cursor": "bm90LWEtdmVyc2lvbnxBLTE="})  # "not-a-version|A-1"


def test_the_export_backed_api_takes_the_fault_plan_and_a_pull_resumes(servers, tmp_path):
    _, api, exported, _ = servers
    landing = LandingZone(tmp_path)
    exported.faults.inject({"status": 429, "retry_after": 0}, {}, {}, {}, {"truncate": True})
    with pytest.raises(SourceResponseError, match="invalid or truncated JSON"):
        pull(exported, landing)
    state = landing.read_state(SOURCE, "w")
    assert state["complete"] is False and state["parts"] == 1  # pages 1-3 landed as part 0, page 4 was cut
    exported.faults.clear()
    summary = pull(exported, landing)
    assert summary.resumed and summary.records == len(api.sandbox.dossiers)
    codes = landing.read_load(SOURCE, "dossiers", summary.load_id).column("MaHoSo").to_pylist()
    assert sorted(codes) == sorted(d.code for d in api.sandbox.dossiers)  # every one, none twice


def test_an_export_line_that_cannot_be_placed_is_named(tmp_path):
    path = tmp_path / "bad.ndjson"
    path.write_text('{"MaHoSo": "A-1", "NgayCapNhat": "20250101080000"}\n\n{"MaHoSo": "A-2"}\n', encoding="utf-8")
    with pytest.raises(ExportError, match=r"bad.ndjson: line 3 .*'A-2'.* no NgayCapNhat"):
        start_export_server(path)


def test_plain_payloads_are_flattened_a_column_at_a_time_with_the_checked_paths_result():
    config = SandboxConfig(end=date(2022, 1, 20), scale=0.3, defect_rate=0.2)  # every defect kind, often
    payloads = [json.loads(json.dumps(d.payload(config.clock))) for d in OneStopShopSandbox(config).dossiers]
    fast = plain_tables(payloads, pseudonymise)
    assert fast is not None, "the sandbox's payloads, defects and all, are plain"
    checked = _flatten_checked(payloads, pseudonymise)
    assert fast.keys() == checked.keys()
    for dataset, table in checked.items():
        assert fast[dataset].equals(table), dataset
    # Not plain: each goes the checked way, and comes out as it did before.
    one = payloads[0]
    for odd in (
        {**one, "TrangThaiHoSo": "10"},
        {**one, "KenhThucHien": 2.0},
        {**one, "KenhThucHien": True},
        {**one, "MaCoQuanMoi": 123},
        {**one, "BoSung": ""},
        {**one, "ChuHoSo": 42},
        {**one, "MaHoSo": 7},
        {**one, "GiayToNop": [{**one["GiayToNop"][0], "DuocSoHoa": None, "Ghi": "x"}]},
    ):
        assert plain_tables([one, odd], pseudonymise) is None
        tables = flatten([one, odd], pseudonymise)
        assert tables["dossiers"].num_rows == 2
    # blank text is missing on both paths
    blank = {**one, "TenDonViXuLy": "", "ChuHoSo": " "}
    row = plain_tables([blank], pseudonymise)["dossiers"].to_pylist()[0]
    assert row["TenDonViXuLy"] is None and row["ChuHoSo"] is None
    assert _flatten_checked([blank], pseudonymise)["dossiers"].to_pylist()[0] == row


def page_body(payloads, ascii=False, **tail) -> bytes:
    return json.dumps({"data": payloads, "next_cursor": "c2", **tail}, ensure_ascii=ascii).encode()


def test_a_page_decoded_straight_into_arrow_gives_the_checked_paths_tables():
    config = SandboxConfig(end=date(2022, 1, 20), scale=0.3, defect_rate=0.2)  # every defect kind, often
    payloads = [json.loads(json.dumps(d.payload(config.clock))) for d in OneStopShopSandbox(config).dossiers]
    page = read_dossier_page(page_body(payloads, total=len(payloads), as_of="20220120235900"))
    assert page is not None, "the sandbox's pages, defects and all, decode straight into Arrow"
    columns, next_cursor = page
    assert next_cursor == "c2" and len(columns) == len(payloads) and list(columns) == payloads
    checked = _flatten_checked(payloads, pseudonymise)
    fast = flatten(columns, pseudonymise)
    for dataset, table in checked.items():
        assert fast[dataset].equals(table) and fast[dataset].schema == table.schema, dataset
    # A value of another JSON type than the contract's: the page is decoded as JSON instead
    # (with no key twice), and flattened the checked way.
    one = payloads[0]
    for odd in (
        {**one, "TrangThaiHoSo": "10"},
        {**one, "KenhThucHien": 2.0},
        {**one, "KenhThucHien": True},
        {**one, "MaCoQuanMoi": 123},
        {**one, "BoSung": ""},
        {**one, "ChuHoSo": 42},
        {**one, "MaHoSo": 7},
        {**one, "GiayToNop": [{"MaGiayTo": "x", "Ghi": "x"}]},
        {**one, "TenDonViXuLy": "\ud800"},
        None,
    ):
        body = page_body([one, odd], ascii=True)
        assert read_dossier_page(body) == (json.loads(body)["data"], "c2"), odd
    assert read_dossier_page(b'{"data": [{"MaHoSo": "A-1"}], "next_cursor": null} {"data": []}') is None  # 2 bodies
    assert read_dossier_page(page_body([one])[:-10]) is None  # half a page
    assert read_dossier_page(page_body([{**one, "TenDonViXuLy": "Ủy @"}]).replace(b"@", b"\xff")) is None  # not UTF-8
    # Decoded, but without a code or with a null child item: the checked path names the record and field.
    for odd, message in (
        ({**one, "MaHoSo": " "}, "record 2 of the batch .* has no MaHoSo"),
        ({**one, "XinLoi": [None]}, f"dossier '{one['MaHoSo']}': item 1 of XinLoi is null"),
    ):
        columns, _ = read_dossier_page(page_body([one, odd]))
        with pytest.raises(RecordError, match=message):
            flatten(columns, pseudonymise)
    # Escapes, astral characters and the integer types' limits: decoded as json decodes them.
    edge = {
        **one,
        "KenhThucHien": -(2**31),
        "TrangThaiHoSo": 2**31 - 1,
        "TenDonViXuLy": 'a\x00b😀\\"\n\t',
        "LePhi": [{"Gia": 2**53 + 1}, {}],
    }  # 2**53 + 1 is not a double: read as an integer
    for ascii in (True, False):
        columns, _ = read_dossier_page(page_body([edge], ascii=ascii))
        fast, checked = flatten(columns, pseudonymise), _flatten_checked([edge], pseudonymise)
        assert all(fast[dataset].equals(table) for dataset, table in checked.items())
        assert fast["fees"].column("Gia").to_pylist() == [9007199254740993, None]
    # Pretty-printed, escaped, with fields the page adds: still straight into Arrow, same values.
    pretty = json.dumps({"links": {"self": "/x"}, "data": [one], "next_cursor": None}, indent=2).encode()
    columns, next_cursor = read_dossier_page(pretty)
    assert next_cursor is None and isinstance(columns, PayloadColumns)
    assert flatten(columns, pseudonymise)["dossiers"].equals(_flatten_checked([one], pseudonymise)["dossiers"])


class Record(dict):  # a dict that can be watched with a weak reference
    pass


def watched_pages(pages=12, size=50, fail_after=None):
    """fetch for land_pull: `pages` pages of `size` records (cursor: pages done), each record watched;
    the source fails after `fail_after` pages. Returns (fetch, fetched page numbers, alive counts)."""
    watched: list[weakref.ref] = []
    fetched: list[int] = []
    alive_when_fetched: list[int] = []

    def fetch(cursor):
        for number in range(int(cursor or 0), pages):
            if number == fail_after:
                raise SourceResponseError("the source failed")
            alive_when_fetched.append(sum(ref() is not None for ref in watched))
            fetched.append(number)
            page = [Record(MaHoSo=f"A-{number}-{i}", NgayCapNhat="20250101080000") for i in range(size)]
            watched.extend(weakref.ref(r) for r in page)
            yield page, str(number + 1)
            del page

    return fetch, fetched, alive_when_fetched


def test_a_pull_keeps_no_page_after_flattening_it_and_lands_a_part_per_batch(tmp_path):
    """Memory is bounded by the batch: a page's records are freed once flattened (only Arrow tables
    wait for the next part), and a part is landed every `batch_rows` records."""

    fetch, _, alive_when_fetched = watched_pages()
    summary = land_pull(
        LandingZone(tmp_path),
        SOURCE,
        "w",
        "test://",
        fetch,
        lambda records: flatten(records, pseudonymise),
        batch_rows=200,
    )
    # 12 pages of 50 = 600 records: a part every 4 pages (200 records), 3 parts
    assert summary.records == 600 and summary.parts == 3
    assert [len(f.read_bytes()) > 0 for f in LandingZone(tmp_path).load_files(SOURCE, "dossiers", summary.load_id)] == [
        True
    ] * 3
    # When page n+1 is fetched, no record of the pages before it is held any more.
    assert max(alive_when_fetched) == 0


def test_reading_ahead_holds_at_most_two_pages_and_lands_the_same_parts(tmp_path):
    fetch, fetched, alive_when_fetched = watched_pages()
    summary = land_pull(
        LandingZone(tmp_path),
        SOURCE,
        "w",
        "test://",
        fetch,
        lambda records: flatten(records, pseudonymise),
        batch_rows=200,
        read_ahead=1,
    )
    # 12 pages of 50 = 600 records, a part every 200 records: 3 parts, as without reading ahead
    assert summary.records == 600 and summary.parts == 3 and fetched == list(range(12))
    codes = LandingZone(tmp_path).read_load(SOURCE, "dossiers", summary.load_id).column("MaHoSo").to_pylist()
    assert codes == [f"A-{n}-{i}" for n in range(12) for i in range(50)]  # in order, each once
    # When a page is fetched, at most the one being landed and the one waiting are held: 2 x 50.
    assert max(alive_when_fetched) <= 100


def test_reading_ahead_the_sources_failure_comes_after_the_pages_before_it_and_the_pull_resumes(tmp_path):
    landing = LandingZone(tmp_path)
    fetch, _, _ = watched_pages(fail_after=5)
    with pytest.raises(SourceResponseError, match="the source failed"):
        land_pull(
            landing,
            SOURCE,
            "w",
            "test://",
            fetch,
            lambda records: flatten(records, pseudonymise),
            batch_rows=100,
            read_ahead=1,
        )
    state = landing.read_state(SOURCE, "w")
    # pages 0-3 landed as 2 parts of 100; page 4 was flattened but not landed: the cursor is after page 3
    assert (state["complete"], state["parts"], state["records"], state["cursor"]) == (False, 2, 200, "4")
    fetch, fetched, _ = watched_pages()
    summary = land_pull(
        landing,
        SOURCE,
        "w",
        "test://",
        fetch,
        lambda records: flatten(records, pseudonymise),
        batch_rows=100,
        read_ahead=1,
    )
    assert summary.resumed and fetched == list(range(4, 12)) and summary.records == 600


def test_reading_ahead_stops_when_a_page_cannot_be_landed(tmp_path):
    import threading

    fetch, fetched, _ = watched_pages()

    def flatten_failing_on_page_3(records):
        if records[0]["MaHoSo"].startswith("A-3-"):
            raise RecordError("dossier 'A-3-0': field X is bad")
        return flatten(records, pseudonymise)

    with pytest.raises(RecordError, match="A-3-0"):
        land_pull(LandingZone(tmp_path), SOURCE, "w", "test://", fetch, flatten_failing_on_page_3, read_ahead=1)
    # page 3 was being landed; at most page 4 waiting and page 5 fetched; the thread is gone
    assert fetched[:4] == [0, 1, 2, 3] and len(fetched) <= 6
    assert not [t for t in threading.enumerate() if t.name == "land_pull-read-ahead"]


def test_a_part_whose_file_cannot_be_written_is_written_again_whole_by_the_next_run(tmp_path):
    """The files of a part written before the one that failed stay, and the next run writes the part
    again under the same names, so nothing lands twice."""
    from connectors.landing import LandingError

    landing = LandingZone(tmp_path)
    blocker = tmp_path / SOURCE / "fees"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the fees folder should be")
    fetch, _, _ = watched_pages(pages=4)
    with pytest.raises(LandingError, match="cannot write .*fees"):
        land_pull(
            landing,
            SOURCE,
            "w",
            "test://",
            fetch,
            lambda records: flatten(records, pseudonymise),
            batch_rows=100,
            read_ahead=1,
        )
    assert landing.read_state(SOURCE, "w")["parts"] == 0
    blocker.unlink()
    fetch, _, _ = watched_pages(pages=4)
    summary = land_pull(
        landing,
        SOURCE,
        "w",
        "test://",
        fetch,
        lambda records: flatten(records, pseudonymise),
        batch_rows=100,
        read_ahead=1,
    )
    assert summary.resumed and summary.parts == 2  # 4 pages of 50, a part per 100 records
    codes = landing.read_load(SOURCE, "dossiers", summary.load_id).column("MaHoSo").to_pylist()
    assert sorted(codes) == sorted(f"A-{n}-{i}" for n in range(4) for i in range(50))  # each once


def test_the_bench_measures_a_pull_through_the_loopback_api(servers, tmp_path):
    _, api, _, path = servers
    result = measure_api_ingestion(path, SINCE, UNTIL, tmp_path)
    assert result["dossiers"] == len(api.sandbox.dossiers)
    assert result["dossiers_per_second"] == pytest.approx(result["dossiers"] / result["seconds"], rel=0.01)
    assert 50 * 2**20 < result["peak_rss_bytes"] < 2**30
    assert result["rows"]["process_steps"] > result["dossiers"]
