"""The sandbox cadre system's API, its XLSX export and the yearly PAR ranking files.

`GET /api/v1/cadre/<dataset>?as_of=yyyy-MM-dd&page=&page_size=` lists a dataset as the system knew
it on `as_of` (at most its clock), in pages; every response says the date it stands at (`as_of`).
The formats (field names, sheets, Vietnamese column names and labels) are the connector's
(connectors/cadre.py): this module only renders the generated records in them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from connectors.cadre import (
    API_PATH,
    DATASETS,
    EXPORT_DATE_LABEL,
    EXPORT_LABELS,
    EXPORT_SHEETS,
    EXPORT_TITLE,
    RANKING_HEADERS,
    RANKING_SHEET,
    RANKING_TITLE,
)
from connectors.sandbox.cadre_data import LEVEL_CODES, CadreConfig, CadreSandbox
from connectors.sandbox.server import SANDBOX_TOKEN, SandboxServer
from connectors.spreadsheet import format_vn_date, format_vn_number, write_workbook

MAX_PAGE_SIZE = 5000


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _known(day: date | None, as_of: date) -> date | None:
    return day if day and day <= as_of else None


def records_as_of(sandbox: CadreSandbox, as_of: date) -> dict[str, list[dict]]:
    """Every dataset as the system showed it on `as_of` (API codes; dates as date objects)."""
    persons = [
        {
            "MaCanBo": e.person_code,
            "HoTen": e.name,
            "SoCCCD": e.id_number,
            "MaDonVi": e.agency.code,
            "DonViCongTac": e.unit,
            "PhanLoai": e.category,
            "Cap": LEVEL_CODES[e.level],
            "ChucDanh": e.title,
            "HuongLuongNganSach": int(e.budget_paid),
            "DatChuanChucDanh": (
                int(_known(e.standard_met_on, as_of) is not None)
                if e.level == "commune" and e.category in ("CB", "CC")
                else None
            ),
            "NgayDatChuan": _known(e.standard_met_on, as_of),
            "NgayBatDau": e.start,
            "NgayKetThuc": e.end_as_recorded if _known(e.end, as_of) else None,
            "ChucVuLanhDao": e.leadership,
            "TaiKhoanMotCua": list(e.accounts) or None,
        }
        for e in sandbox.employments
        if e.start <= as_of
    ]
    appraisals = [
        {"MaCanBo": a.person_code, "Nam": a.year, "MucXepLoai": a.rating, "NgayQuyetDinh": a.decided_on}
        for a in sandbox.appraisals
        if a.decided_on <= as_of
    ]
    quotas = [
        {
            "MaDonVi": q.agency_code,
            "Nam": q.year,
            "BienCheCongChuc": q.civil_servants,
            "SoNguoiLamViec": q.public_employees,
        }
        for q in sandbox.quotas
        if date(q.year, 1, 1) <= as_of
    ]
    units = []
    for u in sandbox.units:
        if u.created > as_of:
            continue
        ended = _known(u.ended, as_of)
        units.append(
            {
                "MaDVSN": u.code,
                "TenDVSN": u.name_vi,
                "MaCoQuanChuQuan": u.agency_code,
                "NhomTuChu": u.autonomy_group,
                "NgayThanhLap": u.created,
                "NgayKetThuc": ended,
                "HinhThucKetThuc": u.end_kind if ended else None,
                "MaDVSNTiepNhan": u.merged_into if ended else None,
            }
        )
    return {"persons": persons, "appraisals": appraisals, "staffing_quotas": quotas, "public_service_units": units}


class CadreApi:
    def __init__(self, sandbox: CadreSandbox):
        self.sandbox = sandbox
        self._cache: dict[date, dict[str, list[dict]]] = {}

    def _as_of(self, query: dict[str, str]) -> date:
        clock = self.sandbox.config.end
        text = query.get("as_of")
        if not text:
            return clock
        try:
            return min(date.fromisoformat(text), clock)
        except ValueError:
            raise ValueError(f"as_of must be yyyy-MM-dd, got {text!r}") from None

    def handler(self, dataset: str):
        def list_dataset(query: dict[str, str]) -> tuple[int, dict]:
            as_of = self._as_of(query)
            page, page_size = int(query.get("page", 1)), int(query.get("page_size", 500))
            if not 1 <= page_size <= MAX_PAGE_SIZE or page < 1:
                raise ValueError(f"page must be >= 1 and page_size 1..{MAX_PAGE_SIZE}")
            if as_of not in self._cache:
                self._cache = {as_of: records_as_of(self.sandbox, as_of)}
            rows = self._cache[as_of][dataset]
            data = [
                {k: _iso(v) if isinstance(v, date) else v for k, v in r.items()}
                for r in rows[(page - 1) * page_size : page * page_size]
            ]
            return 200, {
                "data": data,
                "as_of": as_of.isoformat(),
                "page": page,
                "total_pages": max(1, -(-len(rows) // page_size)),
                "total": len(rows),
            }

        return list_dataset

    def routes(self) -> dict:
        return {API_PATH.format(dataset=d): self.handler(d) for d in DATASETS}


def _export_value(field: str, value: object) -> object:
    if isinstance(value, list):  # the export writes several accounts in one cell, separated by "; "
        return "; ".join(value)
    if isinstance(value, date):
        return format_vn_date(value)
    labels = EXPORT_LABELS.get(field)
    if labels is not None and value is not None:
        return labels.get(value, value)  # a code outside the list is written as it is
    return value


def write_export(sandbox: CadreSandbox, path: Path, as_of: date | None = None) -> Path:
    """The system's XLSX export: one sheet per dataset under title rows, Vietnamese headers and labels."""
    as_of = as_of or sandbox.config.end
    records = records_as_of(sandbox, as_of)
    sheets = {}
    for dataset, (sheet, headers) in EXPORT_SHEETS.items():
        titles = [[EXPORT_TITLE], [f"DỮ LIỆU {sheet.upper()}"], [f"{EXPORT_DATE_LABEL} {format_vn_date(as_of)}"], []]
        rows = [[_export_value(f, r.get(f)) for f in headers] for r in records[dataset]]
        sheets[sheet] = (titles, list(headers.values()), rows)
    return write_workbook(path, sheets)


def write_ranking_files(sandbox: CadreSandbox, directory: Path) -> list[Path]:
    """One XLSX per published year, as the Department of Home Affairs sends it (scores as 92,35)."""
    directory = Path(directory)
    paths = []
    for year in sorted({r.year for r in sandbox.rankings}):
        ranked = sorted((r for r in sandbox.rankings if r.year == year), key=lambda r: -r.score)
        decided = ranked[0].decided_on
        titles = [
            ["ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"],
            [RANKING_TITLE.format(year=year)],
            [f"(Kèm theo Quyết định của UBND tỉnh ngày {format_vn_date(decided)})"],
            [],
        ]
        rows = [
            [n, r.agency.code, r.agency.name_vi, format_vn_number(r.score, 2), r.grade]
            for n, r in enumerate(ranked, start=1)
        ]
        paths.append(
            write_workbook(
                directory / f"xep_hang_cchc_{year}.xlsx",
                {RANKING_SHEET: (titles, ["STT", *RANKING_HEADERS.values()], rows)},
            )
        )
    return paths


def start_cadre_server(
    config: CadreConfig | None = None, token: str = SANDBOX_TOKEN, port: int = 0
) -> tuple[SandboxServer, CadreApi]:
    api = CadreApi(CadreSandbox(config))
    return SandboxServer(api.routes(), token=token, port=port).start(), api
