"""The procedure catalogue: its connector against the sandbox (snapshots as of a day, the untidy
content the models must cope with) and its GX suite on a landed snapshot, read as the gate reads it."""

from __future__ import annotations

from datetime import date

import pytest

from connectors import procedure_catalogue as catalogue
from connectors.http_session import RetryPolicy, SourceSession
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.records import RecordError
from connectors.sandbox import procedure_catalogue_api as sandbox_api
from connectors.sandbox.one_stop_shop_data import SandboxConfig
from connectors.sandbox.server import SANDBOX_TOKEN
from connectors.seeds import read_seed
from expectations.procedure_catalogue import validate_procedure_catalogue_batch

CLOCK = date(2026, 6, 30)
FAST = RetryPolicy(attempts=2, backoff_seconds=0.01, timeout_seconds=10)


@pytest.fixture(scope="module")
def server():
    server, _ = sandbox_api.start_procedure_catalogue_server(SandboxConfig(end=CLOCK))
    yield server
    server.stop()


def pull(server, landing, as_of, page_size=15):
    client = catalogue.ProcedureCatalogueClient(
        SourceSession(catalogue.SOURCE, server.url, SANDBOX_TOKEN, FAST), page_size=page_size
    )
    summary = land_pull(
        landing,
        catalogue.SOURCE,
        f"snapshot-{as_of:%Y%m%d}",
        server.url,
        lambda cursor: client.pages(as_of, cursor),
        catalogue.flatten,
        land_empty=True,
    )
    return summary.load_id, landing.read_load(catalogue.SOURCE, catalogue.DATASET, summary.load_id)


def by_code(rows):
    return {r["MaTTHC"].strip(): r for r in rows}


def test_a_snapshot_stands_at_its_day_and_is_untidy_like_the_real_catalogue(server, tmp_path):
    landing = LandingZone(tmp_path)
    _, before = pull(server, landing, date(2025, 6, 30))
    _, after = pull(server, landing, date(2027, 1, 1))  # after the clock: the source says its own date
    assert {r[catalogue.SNAPSHOT_FIELD] for r in after.to_pylist()} == {CLOCK}
    before, after = by_code(before.to_pylist()), by_code(after.to_pylist())
    seeded = {r["procedure_code"] for r in read_seed("procedures.csv")}
    assert set(sandbox_api.MISSING) <= seeded and not set(sandbox_api.MISSING) & set(after)  # dossiers' codes missing
    assert sandbox_api.EXTRA["procedure_code"] in after and sandbox_api.EXTRA["procedure_code"] not in seeded
    changed = sandbox_api.CHANGED
    assert (before[changed]["DuDieuKienToanTrinh"], before[changed]["MucDoDVC"]) == (0, None)
    assert (after[changed]["DuDieuKienToanTrinh"], after[changed]["MucDoDVC"]) == (1, "TOAN_TRINH")
    assert after[changed]["NgayCungCapTrucTuyen"] == sandbox_api.CHANGED_OFFERED_ON
    assert {r["CapThucHien"] for r in before.values()} == {"TINH", "HUYEN", "XA"}
    assert "HUYEN" not in {r["CapThucHien"] for r in after.values()}  # no district level after 1 July 2025
    # the statutory limits are the seed's, for every code both have
    limits = {r["procedure_code"]: int(r["statutory_days"]) for r in read_seed("procedures.csv")}
    assert all(r["ThoiHanGiaiQuyet"] == limits[c] for c, r in after.items() if c in limits)


def test_a_bad_value_names_the_record_and_the_field():
    good = {"MaTTHC": "1.004227", "ThoiHanGiaiQuyet": 10}
    with pytest.raises(RecordError, match=r"record 2 \(MaTTHC='1.000656'\).*ThoiHanGiaiQuyet"):
        catalogue.flatten(
            [
                {"as_of": CLOCK, "record": good},
                {"as_of": CLOCK, "record": {**good, "MaTTHC": "1.000656", "ThoiHanGiaiQuyet": "mười"}},
            ]
        )
    with pytest.raises(RecordError, match="record 1 has no MaTTHC"):
        catalogue.flatten([{"as_of": CLOCK, "record": {"TenTTHC": "x"}}])


def test_the_suite_accepts_the_sandbox_snapshot_and_rejects_a_broken_one(server, tmp_path):
    load_id, table = pull(server, LandingZone(tmp_path), CLOCK)
    frame = table.to_pandas()
    assert validate_procedure_catalogue_batch({"procedures": frame}, load_id).success
    broken = frame.copy()
    broken.loc[1, "MaTTHC"] = broken.loc[0, "MaTTHC"]  # a code listed twice
    # labels instead of codes in a fifth of the rows: a shifted export, beyond the 2% tolerance with 95%
    # confidence (expectations/gx_runner.py within_tolerance); two of 40 would not show it
    broken.loc[2:9, "CapThucHien"] = "Tỉnh"
    result = validate_procedure_catalogue_batch({"procedures": broken}, load_id)
    failed = {(r.expectation, r.column) for r in result.failed()}
    assert not result.success
    assert {
        ("expect_column_values_to_be_unique", "MaTTHC"),
        ("expect_column_values_to_be_in_set", "CapThucHien"),
    } <= failed
