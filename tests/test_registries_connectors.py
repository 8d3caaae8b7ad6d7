"""The population and business registry connectors against their sandboxes: paging, revisions,
retries, a source down, half a page, an empty window, bad records, and the GX suites."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest

from connectors import business_registry, population_registry
from connectors.http_session import RetryPolicy, SourceResponseError, SourceSession, SourceUnavailableError
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.records import RecordError
from connectors.sandbox import reference
from connectors.sandbox.one_stop_shop_data import SandboxConfig
from connectors.sandbox.registries_api import start_business_registry_server, start_population_registry_server
from connectors.sandbox.server import SANDBOX_TOKEN
from expectations.registries import validate_registry_batch

FAST_RETRY = RetryPolicy(attempts=4, backoff_seconds=0.01, timeout_seconds=10)
CONFIG = SandboxConfig(end=date(2022, 4, 30), scale=0.3, defect_rate=0.02)
SINCE, UNTIL = datetime(2022, 1, 1), datetime(2022, 5, 1)


@pytest.fixture(scope="module")
def population():
    server, sandbox = start_population_registry_server(CONFIG)
    yield server, sandbox
    server.stop()


@pytest.fixture(scope="module")
def business():
    server, sandbox = start_business_registry_server(CONFIG)
    yield server, sandbox
    server.stop()


@pytest.fixture(autouse=True)
def no_faults(population, business):
    for server, _ in (population, business):
        server.faults.clear()
    yield
    for server, _ in (population, business):
        server.faults.clear()


def pull_population(server, landing, since=SINCE, until=UNTIL, page_size=500, batch_rows=2000, key="w"):
    client = population_registry.PopulationRegistryClient(
        SourceSession(population_registry.SOURCE, server.url, SANDBOX_TOKEN, FAST_RETRY), page_size=page_size
    )
    return land_pull(
        landing,
        population_registry.SOURCE,
        key,
        server.url,
        lambda c: client.pages(since, until, c),
        population_registry.flatten,
        batch_rows=batch_rows,
        land_empty=True,
    )


def pull_business(server, landing, since=SINCE, until=UNTIL, page_size=40, key="w"):
    client = business_registry.BusinessRegistryClient(
        SourceSession(business_registry.SOURCE, server.url, SANDBOX_TOKEN, FAST_RETRY), page_size=page_size
    )
    return land_pull(
        landing,
        business_registry.SOURCE,
        key,
        server.url,
        lambda c: client.pages(since, until, c),
        business_registry.flatten,
        batch_rows=100,
        land_empty=True,
    )


def test_population_pages_cover_every_published_count_once_at_its_latest_version(population, tmp_path):
    server, sandbox = population
    landing = LandingZone(tmp_path)
    summary = pull_population(server, landing)
    table = landing.read_load(population_registry.SOURCE, "residents", summary.load_id).to_pandas()
    published = [c for c in sandbox.cells if any(SINCE <= t < UNTIL for t in c.change_times)]
    # Jan-Mar 2022 are published on Feb 1, Mar 1 and Apr 1: 204 commune-level units x 10 cells x 3 months
    assert len(published) == 204 * 10 * 3 == len(table)
    assert not table.duplicated(["MaDonVi", "ThangBaoCao", "GioiTinh", "NhomTuoi"]).any()
    revised = [c for c in published if len(c.versions) == 2 and c.versions[1][0] < UNTIL]
    assert revised, "the sandbox should revise a few counts"
    cell = revised[0]
    row = table[
        (table.MaDonVi == cell.unit_code)
        & (table.ThangBaoCao == f"{cell.month:%Y-%m}")
        & (table.GioiTinh == cell.sex)
        & (table.NhomTuoi == cell.age_band)
    ]
    assert row.SoNguoi.tolist() == [cell.versions[1][1]]  # the revision, not the first count
    assert validate_registry_batch(population_registry.SOURCE, {"residents": table}, summary.load_id).success


def test_the_population_is_continuous_across_the_reorganisation():
    from connectors.sandbox.population_registry_data import PopulationRegistrySandbox

    sandbox = PopulationRegistrySandbox(SandboxConfig(start=date(2024, 10, 1), end=date(2025, 8, 31)))
    units = reference.admin_units()

    def total(month):
        return sum(c.versions[0][1] for c in sandbox.cells if c.month == month)

    def codes(month):
        return {c.unit_code for c in sandbox.cells if c.month == month}

    def in_force(day):
        return {u.code for u in units if u.level == "commune" and u.active_on(day)}

    # both reorganisations: 2024-11-01 (204 -> 194 units) and 2025-07-01 (194 -> 65)
    for before, after, count in ((date(2024, 10, 1), date(2024, 11, 1), 194), (date(2025, 6, 1), date(2025, 7, 1), 65)):
        assert total(before) > 1_800_000 and abs(total(after) - total(before)) / total(before) < 0.002
        assert codes(after) == in_force(after) and len(codes(after)) == count


def test_business_pages_land_enterprises_and_their_status_changes(business, tmp_path):
    server, sandbox = business
    landing = LandingZone(tmp_path)
    summary = pull_business(server, landing)
    enterprises = landing.read_load(business_registry.SOURCE, "enterprises", summary.load_id).to_pandas()
    changes = landing.read_load(business_registry.SOURCE, "status_changes", summary.load_id).to_pandas()
    expected = [e for e in sandbox.enterprises if any(SINCE <= t < UNTIL for t in e.change_times)]
    assert sorted(enterprises.MaSoDoanhNghiep) == sorted(e.code for e in expected)
    assert enterprises.MaSoDoanhNghiep.str.fullmatch(r"4[25]\d{8}").all()
    assert set(changes.MaSoDoanhNghiep) <= set(enterprises.MaSoDoanhNghiep)
    assert len(changes) == sum(len(e.payload(UNTIL).get("LichSuTrangThai")) for e in expected)
    result = validate_registry_batch(
        business_registry.SOURCE, {"enterprises": enterprises, "status_changes": changes}, summary.load_id
    )
    assert result.success, result.summary()


def test_business_volume_is_that_of_a_province_of_two_million():
    from connectors.sandbox.business_registry_data import BusinessRegistrySandbox

    sandbox = BusinessRegistrySandbox(SandboxConfig(start=date(2023, 1, 1), end=date(2023, 12, 31)))
    per_month = Counter(e.registered_at.month for e in sandbox.enterprises)
    assert 2_200 <= sum(per_month.values()) <= 3_300  # about 215 a month in the two old provinces
    assert per_month[2] < per_month[12]  # fewer around Tết, more in December
    online = sum(e.channel == "truc_tuyen" for e in sandbox.enterprises) / len(sandbox.enterprises)
    assert 0.83 <= online <= 0.91


def test_429_and_5xx_are_retried_and_nothing_is_duplicated(business, tmp_path):
    server, sandbox = business
    server.faults.inject({"status": 429, "retry_after": 0}, {"status": 503}, {"status": 500})
    landing = LandingZone(tmp_path)
    summary = pull_business(server, landing)
    codes = landing.read_load(business_registry.SOURCE, "enterprises", summary.load_id).column("MaSoDoanhNghiep")
    assert len(codes) == len(set(codes.to_pylist())) == summary.records


def test_a_registry_down_fails_naming_it_and_lands_nothing(population, tmp_path):
    server, _ = population
    server.faults.down = True
    with pytest.raises(SourceUnavailableError, match="population_registry is unavailable.*HTTP 503"):
        pull_population(server, LandingZone(tmp_path))
    assert not list(tmp_path.glob("population_registry/**/*.parquet"))


def test_half_a_page_is_rejected_and_the_next_run_resumes_without_duplicates(population, tmp_path):
    server, sandbox = population
    landing = LandingZone(tmp_path)
    client = population_registry.PopulationRegistryClient(
        SourceSession(population_registry.SOURCE, server.url, SANDBOX_TOKEN, FAST_RETRY), page_size=500
    )
    served = []

    def fetch(cursor):
        for page in client.pages(SINCE, UNTIL, cursor):
            served.append(page)
            if len(served) == 5:
                server.faults.inject({"truncate": True})
            yield page

    with pytest.raises(SourceResponseError, match="invalid or truncated JSON"):
        land_pull(
            landing, population_registry.SOURCE, "w", server.url, fetch, population_registry.flatten, batch_rows=1000
        )
    state = landing.read_state(population_registry.SOURCE, "w")
    assert state["complete"] is False and state["parts"] == 2
    summary = pull_population(server, landing, batch_rows=1000)
    assert summary.resumed and summary.load_id == state["load_id"]
    table = landing.read_load(population_registry.SOURCE, "residents", summary.load_id).to_pandas()
    assert len(table) == 6120 and not table.duplicated(["MaDonVi", "ThangBaoCao", "GioiTinh", "NhomTuoi"]).any()


def test_a_window_without_updates_lands_empty_files(population, tmp_path):
    server, _ = population
    landing = LandingZone(tmp_path)
    summary = pull_population(server, landing, since=datetime(2022, 1, 5), until=datetime(2022, 1, 6))
    assert summary.records == 0 and summary.parts == 1
    table = landing.read_load(population_registry.SOURCE, "residents", summary.load_id)
    assert table.num_rows == 0 and "SoNguoi" in table.column_names


def test_a_bad_record_names_the_record_and_the_field():
    good = {
        "MaDonVi": "22327",
        "ThangBaoCao": "2022-01",
        "GioiTinh": 1,
        "NhomTuoi": "0-14",
        "SoNguoi": 10,
        "NgayCapNhat": "2022-02-01T06:00:00",
    }
    with pytest.raises(RecordError, match=r"residents record '22327\|2022-01\|1\|0-14': field SoNguoi = 'mười'"):
        population_registry.flatten([good, {**good, "SoNguoi": "mười"}])
    with pytest.raises(RecordError, match="record 2 of the batch has no MaSoDoanhNghiep"):
        business_registry.flatten([{"MaSoDoanhNghiep": "4200000001"}, {"TenDoanhNghiep": "x"}])
    with pytest.raises(RecordError, match="LichSuTrangThai should be a list"):
        business_registry.flatten([{"MaSoDoanhNghiep": "4200000001", "LichSuTrangThai": "da_giai_the"}])


def test_the_gate_rejects_a_broken_business_batch(business, tmp_path):
    server, _ = business
    landing = LandingZone(tmp_path)
    summary = pull_business(server, landing)
    enterprises = landing.read_load(business_registry.SOURCE, "enterprises", summary.load_id).to_pandas()
    enterprises.loc[0, "MaSoDoanhNghiep"] = "42-123"
    enterprises.loc[1, "KenhDangKy"] = "fax"
    result = validate_registry_batch(business_registry.SOURCE, {"enterprises": enterprises}, summary.load_id)
    assert not result.success
    assert {(r.column, r.unexpected_count) for r in result.failed()} == {("MaSoDoanhNghiep", 1), ("KenhDangKy", 1)}


def test_nothing_is_published_while_the_clock_is_in_the_first_month(tmp_path):
    from connectors.sandbox.population_registry_data import PopulationRegistrySandbox

    assert PopulationRegistrySandbox(SandboxConfig(end=date(2022, 1, 31))).cells == []
    server, _ = start_population_registry_server(SandboxConfig(end=date(2022, 1, 31)))
    try:
        summary = pull_population(server, LandingZone(tmp_path), until=datetime(2022, 2, 1))
    finally:
        server.stop()
    assert summary.records == 0 and summary.rows == {"residents": 0}
