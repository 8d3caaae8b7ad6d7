"""The budget portal crawler against the sandbox portal: only new or changed files are downloaded,
every original is kept untouched, a missing, half-written or unreadable file is reported by name
(sheet and cell when it has them) and nothing from it lands, while the other files do."""

import hashlib
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connectors.budget import DATASETS, SOURCE, BudgetPortalClient, land_crawl
from connectors.http_session import RetryPolicy, SourceSession, SourceUnavailableError
from connectors.landing import VERDICTS_AUDIT, LandingZone
from connectors.locks import LockTimeoutError
from connectors.sandbox.budget_data import DEFECTS, BudgetPortalData
from connectors.sandbox.budget_portal import BudgetPortal


@pytest.fixture(scope="module")
def portal_data():
    return BudgetPortalData(seed=11, last_year=2024)


@pytest.fixture
def portal(portal_data):
    portal = BudgetPortal(date(2024, 6, 30), data=portal_data)
    server = portal.server().start()
    portal.url = server.url
    portal.faults = server.faults
    yield portal
    server.stop()


def crawl(landing, portal, key, gated=True):
    """A crawl, then (`gated`) the gate's verdict on its load, as a run records it."""
    session = SourceSession(SOURCE, portal.url, None, RetryPolicy(attempts=2, backoff_seconds=0.01, timeout_seconds=5))
    report = land_crawl(landing, BudgetPortalClient(session), "sandbox://budget_disclosures", key)
    if gated:
        landing.write_audit(
            VERDICTS_AUDIT,
            report.load.load_id,
            pa.table({"load_id": [report.load.load_id], "verdict": ["accepted"]}),
            datetime.now(UTC),
        )
    return report


def landed(landing, report, dataset):
    table = landing.read_load(SOURCE, dataset, report.load.load_id)
    return [] if table is None else table.to_pylist()


def test_first_crawl_lands_every_readable_file_and_reports_the_others(tmp_path, portal):
    landing = LandingZone(tmp_path)
    report = crawl(landing, portal, "crawl-1")
    listed = {d.document_id for d in portal.published()}
    broken = {DEFECTS["file_not_found"], DEFECTS["text_in_number_cell"]}
    assert broken <= listed and report.listed == len(listed)
    outcomes = {o.document_id: o for o in report.outcomes}
    assert {d for d, o in outcomes.items() if o.status == "landed"} == listed - broken
    assert outcomes[DEFECTS["file_not_found"]].status == "not_found"
    unreadable = outcomes[DEFECTS["text_in_number_cell"]]
    assert (unreadable.status, unreadable.sheet, unreadable.cell) == ("unparseable", "59-CK-NSNN", "D17")
    assert "59-CK-NSNN_thuc-hien-q3_2023.xlsx, sheet '59-CK-NSNN', cell D17" in unreadable.error
    # nothing from the broken files lands; every listing entry does, with its outcome
    lines = landed(landing, report, "lines")
    assert {r["document_id"] for r in lines} == {d for d in listed - broken if "DVSN" not in d}
    assert {r["document_id"] for r in landed(landing, report, "units")} == {d for d in listed if "DVSN" in d}
    documents = {r["document_id"]: r for r in landed(landing, report, "documents")}
    assert set(documents) == listed and documents[DEFECTS["file_not_found"]]["file_status"] == "not_found"
    # the crawl's own report names the files, sheet and cell
    errors = pq.read_table(next((tmp_path / "_audit" / "budget_file_errors").rglob("*.parquet"))).to_pylist()
    assert {(e["document_id"], e["file_status"], e["cell"]) for e in errors} == {
        (DEFECTS["file_not_found"], "not_found", None),
        (DEFECTS["text_in_number_cell"], "unparseable", "D17"),
    }
    # originals kept byte for byte under their hash
    for doc in portal.published():
        if doc.document_id in listed - {DEFECTS["file_not_found"]}:
            content = doc.version_on(portal.clock).content
            sha = hashlib.sha256(content).hexdigest()
            assert (tmp_path / SOURCE / "files" / f"sha256={sha}" / doc.file_name).read_bytes() == content


def test_a_second_crawl_downloads_only_what_changed(tmp_path, portal):
    landing = LandingZone(tmp_path)
    crawl(landing, portal, "crawl-1")
    portal.files_served.clear()
    again = crawl(landing, portal, "crawl-2")
    # every landed file answered 304; the unreadable one is fetched again (never remembered) and reported again
    assert portal.files_served == ["59-CK-NSNN_thuc-hien-q3_2023.xlsx"]
    assert again.count("unchanged") == again.listed - 2 and again.count("landed") == 0
    assert all(not landed(landing, again, dataset) for dataset in DATASETS)


def test_files_of_a_load_the_gate_never_checked_are_landed_again(tmp_path, portal):
    """A run killed between its crawl and its gate left a load the warehouse never reads: the next crawl
    does not take its files as known (no 304 for ever), it lands them again."""
    landing = LandingZone(tmp_path)
    lost = crawl(landing, portal, "crawl-1", gated=False)
    portal.files_served.clear()
    again = crawl(landing, portal, "crawl-2")
    assert again.count("landed") == lost.count("landed") > 0
    assert {r["document_id"] for r in landed(landing, again, "lines")} == {
        r["document_id"] for r in landed(landing, lost, "lines")
    }
    portal.files_served.clear()  # once checked, the files are known
    assert crawl(landing, portal, "crawl-3").count("landed") == 0
    assert portal.files_served == ["59-CK-NSNN_thuc-hien-q3_2023.xlsx"]


def test_a_second_crawl_waits_for_the_first_and_gives_up_naming_it(tmp_path, portal):
    """The crawl state is read and written back under a lock: a crawl that cannot take it in time stops,
    naming who holds it, before reading anything (a state read by two crawls at once loses files)."""
    landing = LandingZone(tmp_path, lock_wait_seconds=0.3)
    with landing.state_lock(SOURCE, "files"):
        with pytest.raises(LockTimeoutError, match=rf"landing state {SOURCE}/files is in use by process \d+"):
            crawl(landing, portal, "crawl-1", gated=False)
    assert portal.files_served == [] and not (tmp_path / SOURCE / "documents").exists()
    assert crawl(landing, portal, "crawl-1").count("landed") > 0


def test_a_correction_published_under_the_same_name_is_downloaded_alone(tmp_path, portal):
    corrected = DEFECTS["republished_with_corrections"]
    doc = next(d for d in portal.data.documents if d.document_id == corrected)
    first_version, second_version = doc.versions
    landing = LandingZone(tmp_path)
    portal.clock = second_version.available_on - date.resolution
    before = crawl(landing, portal, "crawl-1")
    portal.clock = second_version.available_on
    portal.files_served.clear()
    after = crawl(landing, portal, "crawl-2")
    assert sorted(portal.files_served) == sorted([doc.file_name, "59-CK-NSNN_thuc-hien-q3_2023.xlsx"])
    assert [o.document_id for o in after.outcomes if o.status == "landed"] == [corrected]

    def recurrent(report):
        (row,) = [
            r
            for r in landed(landing, report, "lines")
            if r["document_id"] == corrected
            and r["line_code"] == "B.I.2"
            and r["column_fiscal_year"] == 2024
            and r["series"] == "estimate"
        ]
        return row["value_vnd"]

    # the sandbox's correction adds 12.400 triệu đồng to recurrent spending (B.I.2)
    assert recurrent(after) - recurrent(before) == 12_400 * 1_000_000
    for version in (first_version, second_version):
        assert (tmp_path / SOURCE / "files" / f"sha256={hashlib.sha256(version.content).hexdigest()}").is_dir()


def test_a_half_written_download_is_reported_and_fetched_again_next_time(tmp_path, portal):
    landing = LandingZone(tmp_path)
    portal.faults.inject({}, {"truncate": True})  # the listing whole, the first file cut in half
    first = crawl(landing, portal, "crawl-1")
    cut = first.outcomes[0]
    assert cut.status == "unparseable" and "not a readable XLSX workbook" in cut.error
    assert cut.document_id not in {r["document_id"] for r in landed(landing, first, "lines")}
    assert first.count("landed") == first.listed - 3
    portal.files_served.clear()
    second = crawl(landing, portal, "crawl-2")
    assert [o.document_id for o in second.outcomes if o.status == "landed"] == [cut.document_id]
    assert {r["document_id"] for r in landed(landing, second, "lines")} == {cut.document_id}


def test_a_portal_that_is_down_fails_the_crawl_and_lands_nothing(tmp_path, portal):
    landing = LandingZone(tmp_path)
    portal.faults.down = True
    with pytest.raises(SourceUnavailableError, match="budget_disclosures is unavailable"):
        crawl(landing, portal, "crawl-1")
    assert not list(tmp_path.rglob("*.parquet"))
    portal.faults.clear()
    assert crawl(landing, portal, "crawl-1").count("landed") > 0


def test_a_listing_entry_that_cannot_be_read_is_reported_and_the_others_are_crawled(tmp_path, portal):
    listing = portal.listing

    def with_a_broken_entry(query):
        status, payload = listing(query)
        payload["documents"].insert(
            0,
            {
                "id": "CK-BROKEN",
                "kind": "estimate",
                "period": "year",
                "fiscal_year": 2024,
                "file_url": "/files/x.xlsx",
                "published_date": "05/01/2024",
            },
        )
        return status, payload

    server = portal.server()
    server.routes["/api/v1/disclosures"] = with_a_broken_entry
    with server:
        portal.url = server.url
        report = crawl(LandingZone(tmp_path), portal, "crawl-1")
    assert report.listing_errors == [
        "listing entry 'CK-BROKEN': published_date = '05/01/2024' is not a date yyyy-mm-dd"
    ]
    assert report.listed == len(portal.published()) and report.count("landed") == report.listed - 2
    errors = pq.read_table(next((tmp_path / "_audit" / "budget_file_errors").rglob("*.parquet"))).to_pylist()
    assert ("listing_error", report.listing_errors[0]) in {(e["file_status"], e["message"]) for e in errors}


# -- listing entries that point elsewhere or name files oddly (untrusted input) -----------------------

from dataclasses import replace  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from connectors.budget import ListedDocument, RefusedLink, stored_file_name  # noqa: E402

LONG_VIETNAMESE_NAME = (
    "Biểu mẫu số 46 công khai dự toán ngân sách tỉnh Khánh Hòa năm 2024 đã được Hội đồng "
    "nhân dân tỉnh quyết định tại kỳ họp thứ mười bảy ban hành kèm theo Nghị quyết số 12-HĐ"
)
assert len(LONG_VIETNAMESE_NAME.encode()) == 229


def crawl_with_entries(tmp_path, portal, extra_entries, allowed_hosts=()):
    """A crawl of the portal whose listing also carries `extra_entries(portal's documents)` first."""
    listing = portal.listing

    def with_extra_entries(query):
        status, payload = listing(query)
        payload["documents"][:0] = extra_entries(payload["documents"])
        return status, payload

    server = portal.server()
    server.routes["/api/v1/disclosures"] = with_extra_entries
    with server:
        portal.url = server.url
        retry = RetryPolicy(attempts=2, backoff_seconds=0.01, timeout_seconds=5)
        session = SourceSession(SOURCE, portal.url, None, retry)
        landing = LandingZone(tmp_path)
        return landing, land_crawl(
            landing, BudgetPortalClient(session, allowed_hosts=allowed_hosts), "sandbox://budget_disclosures", "crawl-1"
        )


def _entry(documents, document_id, **fields):
    readable = next(
        d
        for d in documents
        if d["id"].startswith("CK-")
        and "DVSN" not in d["id"]
        and d["file_name"] != "59-CK-NSNN_thuc-hien-q3_2023.xlsx"
        and d["id"] != DEFECTS["file_not_found"]
    )
    return {**readable, "id": document_id, **fields}


def test_entries_linking_to_another_host_are_refused_and_the_others_land(tmp_path, portal, portal_data):
    other = BudgetPortal(portal.clock, data=portal_data)  # a second server: a host the portal does not control
    with other.server() as elsewhere:
        port = urlsplit(elsewhere.url).port

        def entries(documents):
            name = _entry(documents, "x")["file_name"]
            return [
                _entry(documents, "CK-ABSOLUTE", file_url=f"http://localhost:{port}/files/{name}"),
                _entry(documents, "CK-AT", file_url=f"@localhost:{port}/files/{name}"),
                _entry(documents, "CK-SCHEME-RELATIVE", file_url=f"//localhost:{port}/files/{name}"),
                _entry(documents, "CK-FILE", file_url="file:///etc/passwd"),
            ]

        landing, report = crawl_with_entries(tmp_path, portal, entries)
        assert other.files_served == [], "nothing may be downloaded from a host the portal does not control"
        outcomes = {o.document_id: o for o in report.outcomes}
        for refused in ("CK-ABSOLUTE", "CK-SCHEME-RELATIVE", "CK-FILE"):
            assert outcomes[refused].status == "refused", refused
        assert "PAR_BUDGET_ALLOWED_HOSTS" in outcomes["CK-SCHEME-RELATIVE"].error
        assert "is not an http(s) link" in outcomes["CK-FILE"].error
        assert f"host localhost:{port} is not the portal's" in outcomes["CK-ABSOLUTE"].error
        # '@host' is a path on the portal (a browser reads it so), which does not have it
        assert outcomes["CK-AT"].status == "not_found"
        assert report.count("landed") == report.listed - 4 - 2  # the sandbox's two broken files
        errors = pq.read_table(next((tmp_path / "_audit" / "budget_file_errors").rglob("*.parquet"))).to_pylist()
        assert {
            e["document_id"]: e["file_status"]
            for e in errors
            if e["document_id"].startswith("CK-A") or e["document_id"] in ("CK-SCHEME-RELATIVE", "CK-FILE")
        } == {"CK-ABSOLUTE": "refused", "CK-AT": "not_found", "CK-SCHEME-RELATIVE": "refused", "CK-FILE": "refused"}
        documents = {r["document_id"]: r for r in landed(landing, report, "documents")}
        assert documents["CK-ABSOLUTE"]["file_status"] == "refused"

        # a host the province configures (a file server of its own) is fetched
        other.files_served.clear()
        _, allowed = crawl_with_entries(
            tmp_path / "allowed", portal, lambda d: entries(d)[:1], allowed_hosts=(f"localhost:{port}",)
        )
        assert [o.status for o in allowed.outcomes if o.document_id == "CK-ABSOLUTE"] == ["landed"]
        assert len(other.files_served) == 1


def test_odd_file_names_are_stored_under_a_safe_bounded_name(tmp_path, portal):
    def entries(documents):
        return [
            _entry(documents, "CK-DOTDOT", file_name=".."),
            _entry(documents, "CK-LONG", file_name=LONG_VIETNAMESE_NAME + ".xlsx"),
            _entry(documents, "CK-SLASHES", file_name="../../_state/budget_disclosures/files.json"),
        ]

    landing, report = crawl_with_entries(tmp_path, portal, entries)
    outcomes = {o.document_id: o for o in report.outcomes}
    assert [outcomes[d].status for d in ("CK-DOTDOT", "CK-LONG", "CK-SLASHES")] == ["landed"] * 3
    assert report.count("landed") == report.listed - 2
    files = tmp_path / SOURCE / "files"
    for document_id in ("CK-DOTDOT", "CK-LONG", "CK-SLASHES"):
        original = tmp_path / outcomes[document_id].original_path
        assert original.is_file() and original.parent.parent == files
    assert not (tmp_path / "_state" / SOURCE / "files.json").read_text().startswith("PK")


@pytest.mark.parametrize(
    "name",
    [
        "..",
        ".",
        "",
        ".xlsx",
        "a/b\\c.xlsx",
        "x\x00y.xlsx",
        LONG_VIETNAMESE_NAME + ".xlsx",
        "đ" * 300,
        "a" * 300 + ".xlsx",
        "tên tệp.xlsx",
    ],
)
def test_stored_file_names_are_safe_and_bounded(name):
    stored = stored_file_name(name)
    assert stored and not stored.startswith(".") and "/" not in stored and "\\" not in stored and "\x00" not in stored
    assert len(stored.encode()) <= 120  # room for the temporary name's 38 more bytes within 255
    assert stored_file_name(name) == stored


def test_stored_file_names_keep_safe_names_and_tell_long_ones_apart():
    assert stored_file_name("59-CK-NSNN_thuc-hien-q3_2023.xlsx") == "59-CK-NSNN_thuc-hien-q3_2023.xlsx"
    assert stored_file_name("Dự_toán_2024.xlsx") == "Dự_toán_2024.xlsx"
    assert stored_file_name(LONG_VIETNAMESE_NAME + " 1.xlsx") != stored_file_name(LONG_VIETNAMESE_NAME + " 2.xlsx")
    assert stored_file_name(LONG_VIETNAMESE_NAME + ".xlsx").endswith(".xlsx")


def test_allowed_hosts_come_from_the_settings(monkeypatch, tmp_path):
    from orchestration.settings import load_settings
    from orchestration.sources import BudgetPortalSource

    monkeypatch.setenv("PAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PAR_BUDGET_PORTAL_URL", "https://stc.khanhhoa.example.gov.vn")
    monkeypatch.setenv("PAR_BUDGET_ALLOWED_HOSTS", " files.khanhhoa.example.gov.vn, cdn.example.gov.vn:8443 ,")
    client = BudgetPortalSource(load_settings()).client()
    assert client.allowed_hosts == {"files.khanhhoa.example.gov.vn", "cdn.example.gov.vn:8443"}
    doc = ListedDocument(
        "CK-1",
        "46/CK-NSNN",
        "estimate",
        2024,
        "year",
        None,
        None,
        None,
        date(2024, 1, 5),
        None,
        "https://files.khanhhoa.example.gov.vn/2024/du-toan.xlsx",
        "du-toan.xlsx",
    )
    assert client.path_of(doc) == doc.file_url
    assert client.path_of(replace(doc, file_url="/files/du-toan.xlsx")) == "/files/du-toan.xlsx"
    with pytest.raises(RefusedLink, match="host cdn.example.gov.vn is not the portal's"):
        client.path_of(replace(doc, file_url="https://cdn.example.gov.vn/x.xlsx"))
    on_default_port = "https://stc.khanhhoa.example.gov.vn:443/f.xlsx"  # the portal, port written out
    assert client.path_of(replace(doc, file_url=on_default_port)) == on_default_port
    with pytest.raises(RefusedLink) as caught:
        client.path_of(replace(doc, file_url="https://user:pa55@elsewhere.example/x.xlsx"))
    assert "pa55" not in str(caught.value) and "elsewhere.example is not the portal's" in str(caught.value)
