"""The one-stop-shop connector against the sandbox API: paging, increments, retries, crashes, bad input."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

import pyarrow.parquet as pq
import pytest

from connectors.http_session import RetryPolicy, SourceResponseError, SourceSession, SourceUnavailableError
from connectors.ingest import land_pull
from connectors.landing import LandingError, LandingZone
from connectors.one_stop_shop import SOURCE, OneStopShopClient, RecordError, flatten, read_export
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.sandbox.one_stop_shop_api import start_one_stop_shop_server, write_export
from connectors.sandbox.one_stop_shop_data import DATE_FORMAT, SandboxConfig, fmt
from connectors.sandbox.server import SANDBOX_TOKEN

# A generous timeout: on a loaded machine (two test workers running pipelines) a timed-out request is
# retried, and the retry takes the next injected fault, which scrambles the fault tests.
FAST_RETRY = RetryPolicy(attempts=6, backoff_seconds=0.01, timeout_seconds=60)
SINCE, UNTIL = datetime(2022, 1, 1), datetime(2022, 2, 16)
pseudonymise = Pseudonymiser(SANDBOX_KEY)


@pytest.fixture(scope="module")
def sandbox():
    server, api = start_one_stop_shop_server(SandboxConfig(end=date(2022, 2, 15), scale=0.5, defect_rate=0.0))
    yield server, api
    server.stop()


@pytest.fixture(autouse=True)
def no_faults(sandbox):
    sandbox[0].faults.clear()
    yield
    sandbox[0].faults.clear()


def client(server, page_size=100, retry=FAST_RETRY):
    return OneStopShopClient(SourceSession(SOURCE, server.url, SANDBOX_TOKEN, retry), page_size=page_size)


def pull(server, landing, key="w", since=SINCE, until=UNTIL, page_size=100, batch_rows=150, fetch=None):
    c = client(server, page_size)
    return land_pull(
        landing,
        SOURCE,
        key,
        server.url,
        fetch or (lambda cur: c.pages(since, until, cur)),
        lambda b: flatten(b, pseudonymise),
        batch_rows=batch_rows,
    )


def landed_codes(landing, load_id):
    return landing.read_load(SOURCE, "dossiers", load_id).column("MaHoSo").to_pylist()


def expected_codes(api, since=SINCE, until=UNTIL):
    as_of = until - timedelta(seconds=1)
    return sorted(
        d.code
        for d in api.sandbox.dossiers
        if any(since <= t < until for t in d.change_times) and d.version_at(as_of) is not None
    )


def test_pages_cover_the_window_exactly_once(sandbox, tmp_path):
    server, api = sandbox
    landing = LandingZone(tmp_path)
    summary = pull(server, landing)
    codes = landed_codes(landing, summary.load_id)
    assert len(api.sandbox.dossiers) > 500, "the window should need many pages of 100"
    assert sorted(codes) == expected_codes(api)
    assert summary.records == len(codes) and summary.parts > 1
    assert summary.rows["process_steps"] == landing.read_load(SOURCE, "process_steps", summary.load_id).num_rows


def test_a_dossier_updated_later_comes_again_in_the_later_window(sandbox, tmp_path):
    server, api = sandbox
    landing = LandingZone(tmp_path)
    day1 = pull(server, landing, "d1", datetime(2022, 1, 10), datetime(2022, 1, 11))
    day2 = pull(server, landing, "d2", datetime(2022, 1, 11), datetime(2022, 2, 16))
    first = {r["MaHoSo"]: r for r in landing.read_load(SOURCE, "dossiers", day1.load_id).to_pylist()}
    later = {r["MaHoSo"]: r for r in landing.read_load(SOURCE, "dossiers", day2.load_id).to_pylist()}
    again = set(first) & set(later)
    assert again, "dossiers received on 10 Jan and processed later must come again"
    for code in again:
        assert later[code]["NgayCapNhat"] > first[code]["NgayCapNhat"]
    # The latest version from the increments equals the final state pulled in one go, for every
    # dossier that came again.
    by_code = {dossier.code: dossier for dossier in api.sandbox.dossiers}
    for code in sorted(again):
        final = by_code[code].payload(UNTIL - timedelta(seconds=1))
        assert (later[code]["TrangThaiHoSo"], later[code]["NgayCapNhat"]) == (
            final["TrangThaiHoSo"],
            final["NgayCapNhat"],
        )


def test_every_sandbox_dossier_has_its_own_code(sandbox):
    # The code carries the submission day and a sequence that restarts each submission day. Online
    # dossiers sent on a day off are received on the next working day, beside that day's walk-ins:
    # were the code to carry the reception day, they would collide.
    _, api = sandbox
    codes = [dossier.code for dossier in api.sandbox.dossiers]
    overnight = [d for d in api.sandbox.dossiers if d.received.date() != d.submitted.date()]
    assert overnight, "the sandbox should have dossiers received on a later day than they were submitted"
    assert len(set(codes)) == len(codes)


def test_each_step_carries_its_own_deadline(sandbox):
    """NgayKetThucTheoQuyDinh per step (T02 by the official's own steps): the counter's steps the day of
    reception, processing before the due date, approval and result the due date in force, none for a
    wait on the applicant; older exports and a share of the rest send none."""
    _, api = sandbox
    dated = undated = 0
    for d in api.sandbox.dossiers:
        payload = d.payload(api.sandbox.config.clock)
        steps = payload["QuaTrinhXuLy"]
        if all(s["NgayKetThucTheoQuyDinh"] is None for s in steps):
            undated += not d.name_only
            continue
        assert not d.name_only, d.code  # older exports send no step deadlines
        dated += 1
        end_of_reception = fmt(datetime.combine(d.received.date(), datetime.max.time().replace(microsecond=0)))
        moved = [r["NgayHenTraMoi"] for r in payload["BoSung"] if r["NgayHenTraMoi"]]
        last_due = moved[-1] if moved else payload["NgayHenTra"]
        for s in steps:
            due = s["NgayKetThucTheoQuyDinh"]
            if s["TrangThai"] in (1, 2, 3):
                assert due == end_of_reception, (d.code, s)
            elif s["TrangThai"] in (5, 6):
                assert due is None, (d.code, s)
            elif s["TrangThai"] == 4:
                assert due <= last_due and (d.procedure.statutory_days < 2 or due < last_due), (d.code, s)
            else:
                assert due == last_due, (d.code, s)
    assert dated > 10 * undated > 0  # besides the older exports, a few


def test_429_and_5xx_are_retried_and_nothing_is_duplicated(sandbox, tmp_path):
    server, api = sandbox
    server.faults.inject(
        {"status": 429, "retry_after": 0}, {"status": 503}, {"status": 500}, {"status": 429, "retry_after": "0"}
    )
    before = server.faults.requests_seen
    landing = LandingZone(tmp_path)
    summary = pull(server, landing)
    codes = landed_codes(landing, summary.load_id)
    assert sorted(codes) == expected_codes(api)
    pages = -(-len(codes) // 100)
    assert server.faults.requests_seen - before == pages + 4  # every fault cost exactly one retry


def test_retry_after_is_honoured():
    policy = RetryPolicy(backoff_seconds=0.01)
    assert policy.delay(0, "7") == 7.0
    assert policy.delay(0, None) < 0.1
    assert RetryPolicy(max_backoff_seconds=5).delay(0, "600") == 5


def test_a_source_down_fails_naming_it_and_lands_nothing(sandbox, tmp_path):
    server, _ = sandbox
    server.faults.down = True
    landing = LandingZone(tmp_path)
    with pytest.raises(SourceUnavailableError, match="one_stop_shop is unavailable.*HTTP 503"):
        pull(server, landing)
    assert not list(tmp_path.glob(f"{SOURCE}/**/*.parquet"))


def test_half_a_page_is_rejected_and_the_next_run_resumes_without_duplicates(sandbox, tmp_path):
    server, api = sandbox
    landing = LandingZone(tmp_path)
    c = client(server)
    pages_served = []

    def fetch(cursor):
        for i, page in enumerate(c.pages(SINCE, UNTIL, cursor)):
            pages_served.append(i)
            if len(pages_served) == 3:
                server.faults.inject({"truncate": True})
            yield page

    with pytest.raises(SourceResponseError, match="invalid or truncated JSON"):
        pull(server, landing, fetch=fetch, batch_rows=100)
    state = landing.read_state(SOURCE, "w")
    assert state["complete"] is False and state["parts"] == 3
    summary = pull(server, landing)
    assert summary.resumed and summary.load_id == state["load_id"]
    codes = landed_codes(landing, summary.load_id)
    assert sorted(codes) == expected_codes(api)  # all of them, none twice


def test_a_crash_mid_pull_resumes_after_the_last_landed_page(sandbox, tmp_path):
    server, api = sandbox
    landing = LandingZone(tmp_path)
    c = client(server)

    def crashing(cursor):
        for i, page in enumerate(c.pages(SINCE, UNTIL, cursor)):
            if i == 4:
                raise KeyboardInterrupt("killed")
            yield page

    with pytest.raises(KeyboardInterrupt):
        pull(server, landing, fetch=crashing, batch_rows=100)
    summary = pull(server, landing)
    assert summary.resumed
    assert sorted(landed_codes(landing, summary.load_id)) == expected_codes(api)
    # A completed window pulled again is a new load: nothing is skipped, staging keeps the latest.
    again = pull(server, landing)
    assert not again.resumed and again.load_id != summary.load_id


def test_files_are_atomic_and_carry_their_batch(sandbox, tmp_path):
    server, _ = sandbox
    landing = LandingZone(tmp_path)
    summary = pull(server, landing)
    files = landing.load_files(SOURCE, "dossiers", summary.load_id)
    assert files and not list(tmp_path.rglob("*.tmp"))
    table = pq.read_table(files[0])
    assert set(table.column("_load_id").to_pylist()) == {summary.load_id}
    assert set(table.column("_source").to_pylist()) == {server.url}
    assert files[0].parent.name.startswith("load_date=")


def test_an_unwritable_landing_zone_is_a_clear_error_with_no_partial_file(sandbox, tmp_path):
    server, _ = sandbox
    blocker = tmp_path / "landing"
    blocker.write_text("a file where the landing folder should be")
    with pytest.raises(LandingError, match="cannot write .*PAR_LANDING_DIR"):
        pull(server, LandingZone(blocker))
    assert blocker.read_text().startswith("a file")


def test_personal_data_is_hashed_before_landing(sandbox):
    _, api = sandbox
    payload = api.sandbox.dossiers[0].payload(datetime(2022, 3, 1))
    tables = flatten([payload], pseudonymise)
    row = tables["dossiers"].to_pylist()[0]
    assert row["ChuHoSo"] == pseudonymise(payload["ChuHoSo"]) != payload["ChuHoSo"]
    assert row["SoGiayToChuHoSo"] != payload["SoGiayToChuHoSo"] and len(row["SoGiayToChuHoSo"]) == 32
    steps = tables["process_steps"].to_pylist()
    assert [s["NguoiXuLy"] for s in steps] == [pseudonymise(s["NguoiXuLy"]) for s in payload["QuaTrinhXuLy"]]
    # Spacing and Unicode composition do not change a person's key; another key does.
    assert pseudonymise("Nguyễn  Văn An ") == pseudonymise(unicodedata.normalize("NFD", "Nguyễn Văn An"))
    assert Pseudonymiser("another key")("Nguyễn Văn An") != pseudonymise("Nguyễn Văn An")


def test_bad_values_name_the_record_and_field_and_new_fields_are_kept(sandbox):
    _, api = sandbox
    payload = api.sandbox.dossiers[1].payload(datetime(2022, 3, 1))
    with pytest.raises(RecordError, match=f"dossier '{payload['MaHoSo']}': field TrangThaiHoSo = 'xong'"):
        flatten([{**payload, "TrangThaiHoSo": "xong"}], pseudonymise)
    with pytest.raises(RecordError, match="QuaTrinhXuLy.TrangThai"):
        flatten([{**payload, "QuaTrinhXuLy": [{"TrangThai": "?"}]}], pseudonymise)
    tables = flatten([{**payload, "MaCoQuanMoi": 123}], pseudonymise)
    assert tables["dossiers"].column("MaCoQuanMoi").to_pylist() == ["123"]


def test_the_export_file_gives_the_same_dossiers_as_the_api(sandbox, tmp_path):
    server, api = sandbox
    path = tmp_path / "export.ndjson"
    count = write_export(api.sandbox, path)
    pages = list(read_export(path, chunk_size=250))
    assert sum(len(p) for p, _ in pages) == count == len(api.sandbox.dossiers)
    # resuming from a cursor skips what was consumed
    assert sum(len(p) for p, _ in read_export(path, chunk_size=250, cursor=pages[0][1])) == count - 250
    bad = tmp_path / "bad.ndjson"
    bad.write_text(path.read_text().splitlines()[0] + "\n{not json\n")
    with pytest.raises(RecordError, match="line 2 is not valid JSON"):
        list(read_export(bad))


def test_the_api_refuses_a_wrong_token(sandbox):
    server, _ = sandbox
    with pytest.raises(SourceResponseError, match="HTTP 401"):
        next(OneStopShopClient(SourceSession(SOURCE, server.url, "wrong", FAST_RETRY)).pages(SINCE, UNTIL))


def test_a_slow_response_times_out_and_is_retried(sandbox, tmp_path):
    server, api = sandbox
    server.faults.inject({"delay": 1.5})
    impatient = RetryPolicy(attempts=3, backoff_seconds=0.01, timeout_seconds=0.5)
    c = client(server, page_size=500, retry=impatient)
    landing = LandingZone(tmp_path)
    summary = land_pull(
        landing, SOURCE, "slow", server.url, lambda cur: c.pages(SINCE, UNTIL, cur), lambda b: flatten(b, pseudonymise)
    )
    assert sorted(landed_codes(landing, summary.load_id)) == expected_codes(api)


def test_a_page_served_twice_is_landed_once(sandbox, tmp_path):
    server, api = sandbox
    server.faults.clear()  # nothing left over from another test of this module's server
    server.faults.inject({}, {"replay": True}, {}, {"replay": True}, {"replay": True})
    landing = LandingZone(tmp_path)
    summary = pull(server, landing)
    codes = landed_codes(landing, summary.load_id)
    assert sorted(codes) == expected_codes(api)  # each once
    server.faults.clear()
    server.faults.inject({}, *[{"replay": True}] * 5)
    with pytest.raises(SourceResponseError, match="served 5 times without progress"):
        pull(server, LandingZone(tmp_path / "again"))


def test_a_record_served_again_on_the_next_page_is_landed_as_served(sandbox, tmp_path):
    # The landing zone keeps what the source sent (staging keeps one version per code and update time).
    server, api = sandbox
    server.faults.clear()
    server.faults.inject({}, {"overlap": True}, {}, {"overlap": True})
    summary = pull(server, LandingZone(tmp_path))
    codes = landed_codes(LandingZone(tmp_path), summary.load_id)
    repeated = sorted(code for code in set(codes) if codes.count(code) > 1)
    assert len(repeated) == 2 and len(codes) == len(expected_codes(api)) + 2
    assert sorted(set(codes)) == expected_codes(api)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2022, 1, 1),
        datetime(2025, 12, 31, 23, 59, 59, 999999),
        datetime(2024, 2, 29, 7, 5, 3, 1),
        datetime(2026, 7, 1, 17, 0),
    ],
)
def test_the_sandbox_writes_dates_as_strftime_does(moment):
    """The sandbox's fast date rendering: the text of strftime(DATE_FORMAT), microseconds truncated."""
    assert fmt(moment) == moment.strftime(DATE_FORMAT)
    assert fmt(None) is None
