"""Write hand-made one-stop-shop payloads to a landing zone, laid out as the connector lays it.

The layout and column types follow docs/one_stop_shop_landing.md:

    <landing>/one_stop_shop/<dataset>/load_date=YYYY-MM-DD/<load_id>-00000.parquet
    <landing>/_audit/gx_batch_verdicts/load_date=YYYY-MM-DD/<load_id>.parquet
    <landing>/_audit/gx_results/load_date=YYYY-MM-DD/<load_id>.parquet

A dossier is a dict of payload fields (MaHoSo, MaTTHC, NgayTiepNhan as ``yyyyMMddHHmmss``...). Its
child lists may be given inside the dict under their payload names (QuaTrinhXuLy, BoSung, XinLoi,
LePhi, GiayToNop, KetQua, DanhGia, PhanAnhKienNghi): they are flattened into the child datasets with
the dossier's MaHoSo and NgayCapNhat, as the connector does. Child rows may also be passed directly
(``process_steps=[...]`` etc., each row carrying its own MaHoSo and NgayCapNhat).

Every dataset is written, with zero rows if the case has none, so that dbt's sources always find a
file. Missing fields are written as null; unknown fields raise (a typo in a test case is a bug).

Usage in a test::

    from tests.dbt_fixtures.landing_builder import write_landing
    write_landing(tmp_path / "landing", [{"MaHoSo": "...", ...}], verdict="accepted")
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

_STR = pa.string()
_INT = pa.int32()

#: dataset name -> (payload list key or None for the dossier itself, [(field, arrow type)])
DATASETS: dict[str, tuple[str | None, list[tuple[str, pa.DataType]]]] = {
    "dossiers": (
        None,
        [
            ("MaHoSo", _STR),
            ("MaTTHC", _STR),
            ("MaLinhVuc", _STR),
            ("KenhThucHien", _INT),
            ("ChuHoSo", _STR),
            ("SoGiayToChuHoSo", _STR),
            ("LoaiDoiTuong", _INT),
            ("NgayNopHoSo", _STR),
            ("NgayTiepNhan", _STR),
            ("NgayHenTra", _STR),
            ("NgayKetThucXuLy", _STR),
            ("NgayTra", _STR),
            ("NgayTuChoi", _STR),
            ("TrangThaiHoSo", _INT),
            ("DonViXuLy", _STR),
            ("TenDonViXuLy", _STR),
            ("HoSoCoThanhPhanSoHoa", _INT),
            ("TaiKhoanDuocXacThucVoiVNeID", _INT),
            ("DuocThanhToanTrucTuyen", _INT),
            ("NgayDongBo", _STR),
            ("NgayCapNhat", _STR),
            ("MaDonViHanhChinhChuHoSo", _STR),
            ("DuocXacThucCSDLDanCu", _INT),
        ],
    ),
    "process_steps": (
        "QuaTrinhXuLy",
        [
            ("MaHoSo", _STR),
            ("NgayCapNhat", _STR),
            ("ThuTu", _INT),
            ("NguoiXuLy", _STR),
            ("TaiKhoanXuLy", _STR),
            ("ChucDanh", _STR),
            ("ThoiDiemXuLy", _STR),
            ("TrangThai", _INT),
            ("NgayKetThucTheoQuyDinh", _STR),
        ],
    ),
    "supplements": (
        "BoSung",
        [
            ("MaHoSo", _STR),
            ("NgayCapNhat", _STR),
            ("LanBoSung", _INT),
            ("NgayYeuCau", _STR),
            ("CoVanBanYeuCau", _INT),
            ("NgayBoSung", _STR),
            ("NgayHenTraTruoc", _STR),
            ("NgayHenTraMoi", _STR),
        ],
    ),
    "apologies": (
        "XinLoi",
        [
            ("MaHoSo", _STR),
            ("NgayCapNhat", _STR),
            ("LanXinLoi", _INT),
            ("NgayXinLoi", _STR),
            ("NgayHenTraMoi", _STR),
        ],
    ),
    "fees": (
        "LePhi",
        [
            ("MaHoSo", _STR),
            ("NgayCapNhat", _STR),
            ("MaPhiLePhi", _STR),
            ("TenPhiLePhi", _STR),
            ("Gia", pa.int64()),
        ],
    ),
    "documents": (
        "GiayToNop",
        [
            ("MaHoSo", _STR),
            ("NgayCapNhat", _STR),
            ("MaGiayTo", _STR),
            ("TenGiayTo", _STR),
            ("DuocSoHoa", _INT),
            ("DuocTaiSuDung", _INT),
            ("DuocLayTuKhoDMQG", _INT),
        ],
    ),
    "results": (
        "KetQua",
        [
            ("MaHoSo", _STR),
            ("NgayCapNhat", _STR),
            ("MaGiayTo", _STR),
            ("TenGiayTo", _STR),
            ("DuongDanTep", _STR),
        ],
    ),
    "votes": (
        "DanhGia",
        [
            ("MaHoSo", _STR),
            ("NgayCapNhat", _STR),
            ("MucDoHaiLong", _INT),
            ("NgayDanhGia", _STR),
        ],
    ),
    "feedback": (
        "PhanAnhKienNghi",
        [
            ("MaHoSo", _STR),
            ("NgayCapNhat", _STR),
            ("MaPAKN", _STR),
            ("NgayTiepNhanPAKN", _STR),
            ("NgayTraLoiPAKN", _STR),
        ],
    ),
}

_BATCH_FIELDS = [
    ("_load_id", _STR),
    ("_source", _STR),
    ("_loaded_at", pa.timestamp("us", tz="UTC")),
    ("_page", _INT),
]

_VERDICT_SCHEMA = pa.schema(
    [
        ("load_id", _STR),
        ("source_system", _STR),
        ("verdict", _STR),
        ("expectations_evaluated", _INT),
        ("expectations_failed", _INT),
        ("rows_affected", pa.int64()),
        ("checked_at", pa.timestamp("us", tz="UTC")),
        ("updated_at_min", pa.timestamp("us")),
        ("updated_at_max", pa.timestamp("us")),
        ("rows_without_updated_at", pa.int64()),
    ]
)

_RESULT_SCHEMA = pa.schema(
    [
        ("load_id", _STR),
        ("source_system", _STR),
        ("dataset", _STR),
        ("suite_name", _STR),
        ("expectation", _STR),
        ("column_name", _STR),
        ("success", pa.bool_()),
        ("element_count", pa.int64()),
        ("unexpected_count", pa.int64()),
        ("unexpected_percent", pa.float64()),
        ("checked_at", pa.timestamp("us", tz="UTC")),
    ]
)

_CHILD_KEYS = {spec[0] for spec in DATASETS.values() if spec[0]}


def _utc(value: dt.datetime | None) -> dt.datetime:
    value = value or dt.datetime.now(dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _write_table(path: Path, table: pa.Table) -> None:
    """Write to a temporary name, then rename (as the connector does)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".tmp")
    pq.write_table(table, tmp)
    tmp.rename(path)


def _rows_to_table(rows: list[Mapping], fields: list[tuple[str, pa.DataType]], batch: Mapping) -> pa.Table:
    names = {name for name, _ in fields}
    for row in rows:
        unknown = set(row) - names
        if unknown:
            raise ValueError(f"unknown field(s) {sorted(unknown)} in row {row}")
    schema = pa.schema(fields + _BATCH_FIELDS)
    columns = {name: [row.get(name) for row in rows] for name, _ in fields}
    for name, _ in _BATCH_FIELDS:
        columns[name] = [batch[name]] * len(rows)
    return pa.table(columns, schema=schema)


def write_verdict(
    landing_dir: str | Path,
    load_id: str,
    verdict: str,
    *,
    load_date: str = "2025-04-01",
    checked_at: dt.datetime | None = None,
    source_system: str = "one_stop_shop",
    rows_affected: int = 0,
    run_suffix: str | None = None,
    update_range: Mapping | None = None,
) -> Path:
    """Append one GX verdict row (accepted / rejected) for a load, plus one gx_results row. A one-stop-shop
    load's verdict records its range of update times as the gate does, from its landed files (or
    `update_range` as given)."""
    checked_at = _utc(checked_at)
    if update_range is None and source_system == "one_stop_shop":
        from connectors.landing import LandingZone
        from orchestration.update_ranges import update_time_range

        landing = LandingZone(landing_dir)
        update_range = update_time_range(landing, source_system, tuple(DATASETS), load_id, "NgayCapNhat")
    suffix = run_suffix or uuid.uuid4().hex[:8]
    failed = 0 if verdict == "accepted" else 1
    verdict_path = (
        Path(landing_dir) / "_audit" / "gx_batch_verdicts" / f"load_date={load_date}" / f"{load_id}-{suffix}.parquet"
    )
    _write_table(
        verdict_path,
        pa.Table.from_pylist(
            [
                {
                    "load_id": load_id,
                    "source_system": source_system,
                    "verdict": verdict,
                    "expectations_evaluated": 1,
                    "expectations_failed": failed,
                    "rows_affected": rows_affected,
                    "checked_at": checked_at,
                    **(update_range or {}),
                }
            ],
            schema=_VERDICT_SCHEMA,
        ),
    )
    result_path = Path(landing_dir) / "_audit" / "gx_results" / f"load_date={load_date}" / f"{load_id}-{suffix}.parquet"
    _write_table(
        result_path,
        pa.Table.from_pylist(
            [
                {
                    "load_id": load_id,
                    "source_system": source_system,
                    "dataset": "dossiers",
                    "suite_name": "one_stop_shop.dossiers",
                    "expectation": "expect_column_values_to_not_be_null",
                    "column_name": "MaHoSo",
                    "success": failed == 0,
                    "element_count": 1,
                    "unexpected_count": failed,
                    "unexpected_percent": 100.0 * failed,
                    "checked_at": checked_at,
                }
            ],
            schema=_RESULT_SCHEMA,
        ),
    )
    return verdict_path


def write_landing(
    landing_dir: str | Path,
    dossiers: Iterable[Mapping],
    *,
    process_steps: Iterable[Mapping] = (),
    supplements: Iterable[Mapping] = (),
    apologies: Iterable[Mapping] = (),
    fees: Iterable[Mapping] = (),
    documents: Iterable[Mapping] = (),
    results: Iterable[Mapping] = (),
    votes: Iterable[Mapping] = (),
    feedback: Iterable[Mapping] = (),
    load_id: str | None = None,
    load_date: str = "2025-04-01",
    loaded_at: dt.datetime | None = None,
    source: str = "test://dbt_fixtures",
    verdict: str | None = "accepted",
    checked_at: dt.datetime | None = None,
    page: int = 0,
) -> str:
    """Land one load of dossier payloads (all nine datasets) and, unless verdict is None, its GX verdict.

    Returns the load id. ``verdict=None`` leaves the load unchecked (the warehouse must not read it).
    """
    load_id = load_id or f"test-{uuid.uuid4().hex[:12]}"
    loaded_at = _utc(loaded_at)
    batch = {"_load_id": load_id, "_source": source, "_loaded_at": loaded_at, "_page": page}
    explicit = {
        "process_steps": list(process_steps),
        "supplements": list(supplements),
        "apologies": list(apologies),
        "fees": list(fees),
        "documents": list(documents),
        "results": list(results),
        "votes": list(votes),
        "feedback": list(feedback),
    }
    rows: dict[str, list[dict]] = {name: [] for name in DATASETS}
    for dossier in dossiers:
        scalar = {k: v for k, v in dossier.items() if k not in _CHILD_KEYS}
        rows["dossiers"].append(scalar)
        for name, (list_key, _) in DATASETS.items():
            if list_key is None:
                continue
            for item in dossier.get(list_key) or []:
                rows[name].append({"MaHoSo": dossier.get("MaHoSo"), "NgayCapNhat": dossier.get("NgayCapNhat"), **item})
    for name, extra in explicit.items():
        rows[name].extend(dict(r) for r in extra)

    for name, (_, fields) in DATASETS.items():
        path = Path(landing_dir) / "one_stop_shop" / name / f"load_date={load_date}" / f"{load_id}-{page:05d}.parquet"
        _write_table(path, _rows_to_table(rows[name], fields, batch))
    write_empty_budget_landing(landing_dir, load_id, load_date)

    if verdict is not None:
        write_verdict(
            landing_dir,
            load_id,
            verdict,
            load_date=load_date,
            checked_at=checked_at or loaded_at + dt.timedelta(minutes=1),
        )
    if not (Path(landing_dir) / "admin_units").exists():
        write_registry_sources(landing_dir, load_date=load_date)  # the other sources dbt reads
    write_other_sources_empty(landing_dir)
    return load_id


def write_registry_sources(
    landing_dir: str | Path,
    *,
    units_dir: Path | None = None,
    residents: Iterable[Mapping] = (),
    enterprises: Iterable[Mapping] = (),
    load_id: str | None = None,
    load_date: str = "2025-04-01",
    loaded_at: dt.datetime | None = None,
    verdict: str = "accepted",
) -> str:
    """Land the administrative-unit reference file (default: the project's) and one load of each
    registry (population counts and enterprise payloads as their APIs send them, default none),
    through the connectors' own flatteners, each with a GX verdict. Returns the load id's stem."""
    from connectors import admin_units, business_registry, population_registry
    from connectors.ingest import _with_batch_columns
    from connectors.sandbox.reference import REFERENCE_DIR

    load_id = load_id or f"test-{uuid.uuid4().hex[:12]}"
    loaded_at = _utc(loaded_at)
    landed = {
        admin_units.SOURCE: admin_units.flatten(next(admin_units.pages(units_dir or REFERENCE_DIR))[0]),
        population_registry.SOURCE: population_registry.flatten([dict(r) for r in residents]),
        business_registry.SOURCE: business_registry.flatten([dict(r) for r in enterprises]),
    }
    for source, tables in landed.items():
        source_load = f"{load_id}-{source}"
        for dataset, table in tables.items():
            path = Path(landing_dir) / source / dataset / f"load_date={load_date}" / f"{source_load}-00000.parquet"
            _write_table(path, _with_batch_columns(table, source_load, "test://dbt_fixtures", loaded_at, 0))
        write_verdict(
            landing_dir,
            source_load,
            verdict,
            load_date=load_date,
            source_system=source,
            checked_at=loaded_at + dt.timedelta(minutes=1),
        )
    return load_id


def _write_source_load(
    landing_dir: str | Path,
    source: str,
    tables: Mapping[str, tuple[list[Mapping], dict]],
    *,
    load_id: str,
    load_date: str,
    loaded_at: dt.datetime | None,
    verdict: str | None,
    checked_at: dt.datetime | None,
    page: int = 0,
) -> str:
    loaded_at = _utc(loaded_at)
    batch = {"_load_id": load_id, "_source": f"test://{source}", "_loaded_at": loaded_at, "_page": page}
    for name, (rows, fields) in tables.items():
        path = Path(landing_dir) / source / name / f"load_date={load_date}" / f"{load_id}-{page:05d}.parquet"
        _write_table(path, _rows_to_table(list(rows), list(fields.items()), batch))
    if verdict is not None:
        write_verdict(
            landing_dir,
            load_id,
            verdict,
            load_date=load_date,
            source_system=source,
            checked_at=checked_at or loaded_at + dt.timedelta(minutes=1),
        )
    return load_id


def write_cadre_landing(
    landing_dir: str | Path,
    *,
    persons: Iterable[Mapping] = (),
    appraisals: Iterable[Mapping] = (),
    staffing_quotas: Iterable[Mapping] = (),
    public_service_units: Iterable[Mapping] = (),
    stood_at: dt.date = dt.date(2025, 12, 31),
    load_id: str | None = None,
    load_date: str = "2026-01-05",
    loaded_at: dt.datetime | None = None,
    verdict: str | None = "accepted",
    checked_at: dt.datetime | None = None,
) -> str:
    """Land one cadre snapshot (all four datasets, docs/cadre_landing.md) standing at `stood_at`.

    Rows use the landed field names (MaCanBo, HoTen, ...); HoTen and SoCCCD are written as given
    (a test passes the pseudonym it wants, e.g. the one-stop-shop fixture's official key).
    """
    from connectors.cadre import FIELDS, SNAPSHOT_FIELD

    given = {
        "persons": persons,
        "appraisals": appraisals,
        "staffing_quotas": staffing_quotas,
        "public_service_units": public_service_units,
    }
    tables = {
        name: ([{**r, SNAPSHOT_FIELD: stood_at} for r in given[name]], {**FIELDS[name], SNAPSHOT_FIELD: pa.date32()})
        for name in FIELDS
    }
    return _write_source_load(
        landing_dir,
        "cadre",
        tables,
        load_id=load_id or f"cadre-{uuid.uuid4().hex[:12]}",
        load_date=load_date,
        loaded_at=loaded_at,
        verdict=verdict,
        checked_at=checked_at,
    )


def write_ranking_landing(
    landing_dir: str | Path,
    rankings: Iterable[Mapping] = (),
    *,
    load_id: str | None = None,
    load_date: str = "2026-02-20",
    loaded_at: dt.datetime | None = None,
    verdict: str | None = "accepted",
    checked_at: dt.datetime | None = None,
) -> str:
    """Land one load of the PAR ranking files (rows: Nam, MaDonVi, TenDonVi, TongDiem, XepLoai, TenTep)."""
    from connectors.cadre import RANKING_DATASET, RANKING_FIELDS, RANKING_SOURCE

    return _write_source_load(
        landing_dir,
        RANKING_SOURCE,
        {RANKING_DATASET: (list(rankings), RANKING_FIELDS)},
        load_id=load_id or f"ranking-{uuid.uuid4().hex[:12]}",
        load_date=load_date,
        loaded_at=loaded_at,
        verdict=verdict,
        checked_at=checked_at,
    )


def write_empty_budget_landing(landing_dir: str | Path, load_id: str, load_date: str = "2025-04-01") -> None:
    """The budget disclosure datasets and the crawl's file-error report with zero rows, in the
    connector's schemas, so that the warehouse's budget sources find their files."""
    from connectors.budget import FILE_ERRORS_SCHEMA, SCHEMAS

    for name, schema in SCHEMAS.items():
        path = Path(landing_dir) / "budget_disclosures" / name / f"load_date={load_date}" / f"{load_id}-00000.parquet"
        _write_table(path, pa.Table.from_pylist([], pa.schema(list(schema) + _BATCH_FIELDS)))
    _write_table(
        Path(landing_dir) / "_audit" / "budget_file_errors" / f"load_date={load_date}" / f"{load_id}.parquet",
        pa.Table.from_pylist([], FILE_ERRORS_SCHEMA),
    )


def write_other_sources_empty(landing_dir: str | Path) -> None:
    """An empty load of every other source the warehouse reads, so its dbt source finds a file
    (as the pipeline does: the external indices asset lands an empty load when it has no file), and of
    every source of the registry pulled through an API (orchestration/registry.py) not landed yet: its
    connector's flattener on no record gives its datasets' typed empty tables, so a source added through
    the registry needs nothing here (docs/adding_a_source.md)."""
    from connectors import external_indices
    from connectors.ingest import _with_batch_columns
    from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
    from orchestration.registry import SOURCES, load

    path = (
        Path(landing_dir)
        / external_indices.SOURCE
        / external_indices.DATASET
        / "load_date=2025-04-01"
        / "empty-00000.parquet"
    )
    if not path.exists():
        _write_table(
            path,
            pa.Table.from_pylist(
                [],
                schema=pa.schema(
                    list(zip(external_indices.SCHEMA.names, external_indices.SCHEMA.types)) + _BATCH_FIELDS
                ),
            ),
        )
    for entry in SOURCES:
        if entry.api is None or (Path(landing_dir) / entry.name).exists():
            continue
        flatten = load(entry.api.flatten)
        tables = flatten([], Pseudonymiser(SANDBOX_KEY)) if entry.api.personal else flatten([])
        for dataset, table in tables.items():
            _write_table(
                Path(landing_dir) / entry.name / dataset / "load_date=2025-04-01" / "empty-00000.parquet",
                _with_batch_columns(table, "empty", "test://dbt_fixtures", _utc(None), 0),
            )
