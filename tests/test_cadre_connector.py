"""The cadre connector against the sandbox cadre system: API snapshot, XLSX export, ranking files,
and the consistency with the one-stop-shop (same officials, same pseudonymous keys)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from connectors import cadre
from connectors.http_session import RetryPolicy, SourceSession, SourceUnavailableError
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.records import RecordError
from connectors.sandbox.cadre_api import records_as_of, start_cadre_server, write_export, write_ranking_files
from connectors.sandbox.cadre_data import CadreConfig
from connectors.sandbox.officials import agency_profiles
from connectors.sandbox.server import SANDBOX_TOKEN

CLOCK = date(2025, 3, 31)
CONFIG = CadreConfig(seed=7, scale=0.3, end=CLOCK, defect_rate=0.0)
FAST = RetryPolicy(attempts=2, backoff_seconds=0.01, timeout_seconds=10)
pseudonymise = Pseudonymiser(SANDBOX_KEY)


@pytest.fixture(scope="module")
def sandbox():
    server, api = start_cadre_server(CONFIG)
    yield server, api
    server.stop()


def api_pull(server, landing, as_of, key="snap", page_size=250):
    client = cadre.CadreClient(SourceSession(cadre.SOURCE, server.url, SANDBOX_TOKEN, FAST), page_size=page_size)
    return land_pull(
        landing,
        cadre.SOURCE,
        key,
        server.url,
        lambda cursor: client.pages(as_of, cursor),
        lambda items: cadre.flatten(items, pseudonymise),
        batch_rows=400,
        land_empty=True,
    )


def landed(landing, summary, dataset):
    return landing.read_load(cadre.SOURCE, dataset, summary.load_id).to_pylist()


def test_the_api_snapshot_lands_every_dataset_standing_at_the_source_date(sandbox, tmp_path):
    server, api = sandbox
    landing = LandingZone(tmp_path)
    summary = api_pull(server, landing, date(2026, 1, 1))  # after the clock: the source says its own date
    truth = records_as_of(api.sandbox, CLOCK)
    for dataset in cadre.DATASETS:
        rows = landed(landing, summary, dataset)
        assert len(rows) == len(truth[dataset]) > 0, dataset
        assert {r[cadre.SNAPSHOT_FIELD] for r in rows} == {CLOCK}
    persons = landed(landing, summary, "persons")
    assert {r["HoTen"] for r in persons} == {pseudonymise(r["HoTen"]) for r in truth["persons"]}
    assert not {r["SoCCCD"] for r in persons} & {r["SoCCCD"] for r in truth["persons"]}
    # an earlier day: what the system knew then (no appraisal decided after it)
    earlier = api_pull(server, landing, date(2023, 6, 30), key="earlier")
    assert {r["Nam"] for r in landed(landing, earlier, "appraisals")} == {2022}


def test_every_official_of_the_one_stop_shop_is_a_person_with_the_same_key(sandbox, tmp_path):
    server, _ = sandbox
    landing = LandingZone(tmp_path)
    keys = {r["HoTen"] for r in landed(landing, api_pull(server, landing, CLOCK), "persons")}
    # the officials of the agencies in force on the snapshot day (a committee formed on 1 July 2025 on
    # Ninh Thuận's territory has its people from that day only)
    officials = {o.name for p in agency_profiles(CONFIG.seed) if p.agency.valid_from <= CLOCK for o in p.officials}
    assert len(officials) > 200
    assert {pseudonymise(name) for name in officials} <= keys


def test_every_official_account_reaches_one_person_and_namesakes_are_two(sandbox, tmp_path):
    server, _ = sandbox
    landing = LandingZone(tmp_path)
    persons = landed(landing, api_pull(server, landing, CLOCK), "persons")
    by_account: dict[str, set[str]] = {}
    for r in persons:
        for account in (r["TaiKhoanMotCua"] or "").split(cadre.ACCOUNT_SEPARATOR):
            if account:
                by_account.setdefault(account, set()).add(r["MaCanBo"])
    officials = [o for p in agency_profiles(CONFIG.seed) if p.agency.valid_from <= CLOCK for o in p.officials]
    assert all(len(by_account[pseudonymise(o.account)]) == 1 for o in officials)
    names = [o.name for o in officials]
    namesakes = {n for n in names if names.count(n) > 1}
    assert namesakes  # the same name, two persons, told apart by their accounts
    for name in namesakes:
        accounts = {pseudonymise(o.account) for o in officials if o.name == name}
        assert len({code for a in accounts for code in by_account[a]}) == len(accounts) >= 2


def test_accounts_are_hashed_one_by_one_however_they_are_listed():
    def accounts(value):
        record = {"MaCanBo": "CB1", "NgayBatDau": "2020-01-01", "TaiKhoanMotCua": value}
        table = cadre.flatten([{"dataset": "persons", "as_of": CLOCK, "record": record}], pseudonymise)["persons"]
        return table.column("TaiKhoanMotCua").to_pylist()[0]

    one, two = pseudonymise("hungnv.h3400"), pseudonymise("hungnv.cu")
    both = ";".join(sorted([one, two]))
    assert accounts("hungnv.h3400") == one
    assert accounts(["hungnv.h3400", "hungnv.cu"]) == accounts("HungNV.H3400; hungnv.cu") == both
    assert accounts("hungnv.h3400,hungnv.cu,") == both
    assert accounts(None) is None and accounts(" ; ") is None


def test_a_pull_interrupted_by_the_source_resumes_without_counting_twice(sandbox, tmp_path):
    server, api = sandbox
    landing = LandingZone(tmp_path)
    server.faults.inject(*([{}] * 3), *([{"status": 503}] * 2))  # three pages served, then down
    try:
        with pytest.raises(SourceUnavailableError):
            api_pull(server, landing, CLOCK, page_size=200)
    finally:
        server.faults.clear()
    summary = api_pull(server, landing, CLOCK, page_size=200)
    assert summary.resumed
    persons = landed(landing, summary, "persons")
    assert len(persons) == len(records_as_of(api.sandbox, CLOCK)["persons"])
    assert len({(r["MaCanBo"], r["NgayBatDau"]) for r in persons}) == len(persons)


def test_the_xlsx_export_lands_what_the_api_lands(sandbox, tmp_path):
    server, api = sandbox
    path = write_export(api.sandbox, tmp_path / "canbo.xlsx")
    landing = LandingZone(tmp_path / "landing")
    from_file = land_pull(
        landing,
        cadre.SOURCE,
        "file",
        f"file://{path}",
        lambda cursor: cadre.read_export(path, chunk_size=300, skip=cursor),
        lambda items: cadre.flatten(items, pseudonymise),
        batch_rows=700,
    )
    from_api = api_pull(server, landing, CLOCK, key="api")
    for dataset in cadre.DATASETS:
        strip = [{k: v for k, v in r.items() if not k.startswith("_")} for r in landed(landing, from_file, dataset)]
        again = [{k: v for k, v in r.items() if not k.startswith("_")} for r in landed(landing, from_api, dataset)]
        assert strip == again, dataset


def test_ranking_files_carry_their_year_and_scores(sandbox, tmp_path):
    _, api = sandbox
    write_ranking_files(api.sandbox, tmp_path)
    [(records, _)] = list(cadre.read_ranking_files(tmp_path))
    by_year = {}
    for r in records:
        by_year.setdefault(r["Nam"], []).append(r)
    assert sorted(by_year) == [2022, 2023, 2024]  # the 2025 ranking is decided in February 2026
    truth = {(r.year, r.agency.code): r for r in api.sandbox.rankings}
    for r in records:
        assert float(r["TongDiem"]) == truth[(r["Nam"], r["MaDonVi"])].score
        assert r["XepLoai"] == truth[(r["Nam"], r["MaDonVi"])].grade


def test_an_api_record_with_a_bad_value_names_dataset_key_and_field():
    items = [
        {
            "dataset": "persons",
            "as_of": CLOCK,
            "record": {"MaCanBo": "CB000009", "HoTen": "Nguyễn Văn An", "NgayBatDau": "2020-02-30"},
        }
    ]
    with pytest.raises(
        RecordError,
        match=r"persons record 1 \(MaCanBo='CB000009', NgayBatDau='2020-02-30'\): "
        r"field NgayBatDau = '2020-02-30' is not a real date",
    ) as caught:
        cadre.flatten(items, pseudonymise)
    assert "Nguyễn" not in str(caught.value)
    with pytest.raises(RecordError, match=r"appraisals record 1 \(Nam=2024\) has no MaCanBo"):
        cadre.flatten([{"dataset": "appraisals", "as_of": CLOCK, "record": {"Nam": 2024}}], pseudonymise)


# -- the 2025 reorganisations in the sandbox: people move, they do not vanish -----------------------
@pytest.fixture(scope="module")
def reorganised():
    """The sandbox register after the reforms (clock 2026-12-31), without defects."""
    from connectors.sandbox.cadre_data import CadreSandbox

    return CadreSandbox(CadreConfig(seed=7, scale=0.3, end=date(2026, 12, 31), defect_rate=0.0))


def civil_servants_in_force(sandbox, day: date) -> int:
    """Civil servants in post on `day` in an agency in force that day (how the workforce mart counts)."""
    return sum(e.category == "CC" and e.active_on(day) and e.agency.active_on(day) for e in sandbox.employments)


@pytest.mark.parametrize(
    "eve", [date(2024, 10, 31), date(2025, 2, 28), date(2025, 6, 30)], ids=["communes", "departments", "two_tier"]
)
def test_a_reorganisation_moves_civil_servants_it_does_not_cut_them(reorganised, eve):
    """The day after each reorganisation the province's civil servants in agencies in force are those of
    the eve less the reform's early leavers (a few percent; plus, on 1 July 2025, the district committees'
    cadres who became commune civil servants and Ninh Thuận's who joined): never half of them gone."""
    before, after = civil_servants_in_force(reorganised, eve), civil_servants_in_force(reorganised, eve + timedelta(1))
    assert 0.9 * before <= after, (eve, before, after)


def test_staff_of_an_ended_agency_appear_under_its_successor(reorganised):
    """Planning and Investment (ended 2025-02-28) -> Finance: its civil servants in post on its last day
    are, the next day, in post at Finance under the same person code (but the few who retired early)."""
    from connectors.sandbox import reference

    ended = reference.agency_by_code()["000.00.03.H34"]
    last_day = ended.valid_to
    staff = {e.person_code for e in reorganised.employments if e.agency is ended and e.active_on(last_day)}
    at_successor = {
        e.person_code
        for e in reorganised.employments
        if e.agency.code == ended.successor_code and e.start == last_day + timedelta(1)
    }
    assert staff and len(staff & at_successor) >= 0.85 * len(staff), (len(staff), len(staff & at_successor))
    # nobody is in post in an agency outside its validity (a committee formed on 1 July 2025 has no 2022
    # staff; the catalogue starts on 2022-01-01, earlier days are not judged)
    outside = [
        (e.person_code, e.agency.code, e.start, e.end)
        for e in reorganised.employments
        if (e.end is None or e.end >= date(2022, 1, 1))
        and not all(e.agency.active_on(day) for day in (max(e.start, date(2022, 1, 1)), e.end or date(2026, 12, 31)))
    ]
    assert outside == []


def test_ninh_thuan_staff_join_the_register_on_1_july_2025(reorganised):
    """The merged province's software lists the absorbed province's people from 1 July 2025, with no
    earlier posting here; the committees on its territory have no staff before that day."""
    first_start: dict[str, date] = {}
    for e in reorganised.employments:
        first_start[e.person_code] = min(e.start, first_start.get(e.person_code, e.start))
    joined = {p for p, start in first_start.items() if start == date(2025, 7, 1)}
    in_post = {e.person_code for e in reorganised.employments if e.category == "CC" and e.active_on(date(2025, 7, 1))}
    assert 0.15 * len(in_post) <= len(joined & in_post) <= 0.5 * len(in_post)


def test_ninh_thuan_units_join_the_register_on_1_july_2025(reorganised):
    """The merged register lists Ninh Thuận's public service units from 1 July 2025 (their record here
    starts then; the count per owner is synthetic), as it lists its people: the departments' and the
    schools of the communes on its territory. The register stays one: codes unique, a merged unit
    names a unit in force on its end day, an ended unit says how it ended."""
    from connectors.sandbox import reference

    reform = date(2025, 7, 1)
    by_code = {u.code: u for u in reorganised.units}
    assert len(by_code) == len(reorganised.units)
    joined = [u for u in reorganised.units if u.created == reform]
    ours = [u for u in reorganised.units if u.in_force_on(reform - timedelta(1))]
    assert 0.3 * len(ours) <= len(joined) <= len(ours), (len(joined), len(ours))
    territory = {a.code for a in reference.agencies() if a.valid_from == reform and a.absorbed_share > 0}
    assert any(u.agency_code in territory and u.name_vi.startswith("Trường THCS") for u in joined)
    for u in reorganised.units:
        assert (u.ended is None) == (u.end_kind is None), u
        assert (u.end_kind == "SAP_NHAP") == (u.merged_into is not None), u
        if u.merged_into:
            assert by_code[u.merged_into].in_force_on(u.ended), u
