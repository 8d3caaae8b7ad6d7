"""Expectation suites of the population and business registries (connectors/population_registry.py,
connectors/business_registry.py; landing contract docs/registries_landing.md).

Both registries are national systems that validate their own records, so every rule is exact
(`mostly` 1.0): a row that breaks one means the source changed its format or the extract broke,
and the whole load is rejected rather than half-read. Code lists mirror the seeds named beside
them (the warehouse's dbt tests hold the seeds and the staged rows to the same lists).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from expectations import rules
from expectations.gx_runner import BatchResult, DatasetCheck, validate_frames

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

TEXT, INT = rules.TEXT, rules.INT
MONTH_REGEX = r"^\d{4}-(?:0[1-9]|1[0-2])$"
ENTERPRISE_CODE_REGEX = r"^\d{10}$"  # the enterprise code is its 10-digit tax code
VSIC_REGEX = r"^\d{4,5}$"  # a VSIC 2018 class (4 digits) or sub-class (5)
SEXES = [1, 2]
AGE_BANDS = ["0-14", "15-24", "25-39", "40-59", "60+"]  # seed population_age_bands
ENTERPRISE_STATUSES = ["dang_hoat_dong", "tam_ngung_kinh_doanh", "da_giai_the"]  # seed enterprise_statuses
REGISTRATION_CHANNELS = ["truc_tuyen", "giay"]  # online, paper

COLUMNS: dict[str, dict[str, dict[str, str]]] = {
    "population_registry": {
        "residents": {
            "MaDonVi": TEXT,
            "ThangBaoCao": TEXT,
            "GioiTinh": INT,
            "NhomTuoi": TEXT,
            "SoNguoi": INT,
            "NgayCapNhat": TEXT,
        },
    },
    "business_registry": {
        "enterprises": {
            c: TEXT
            for c in (
                "MaSoDoanhNghiep",
                "LoaiHinhDoanhNghiep",
                "NganhNgheChinh",
                "NgayDangKy",
                "KenhDangKy",
                "MaXaDangKy",
                "MaXaTruSo",
                "TinhTrang",
                "NgayCapNhat",
            )
        },
        "status_changes": {
            c: TEXT for c in ("MaSoDoanhNghiep", "NgayCapNhat", "TinhTrang", "NgayHieuLuc", "MaXaTruSo")
        },
    },
}


def _suite(columns: dict[str, str], required: list[str]) -> list:
    return rules.structure({**columns, **rules.BATCH_COLUMNS}) + rules.not_null(
        required + ["_load_id"], rules.exact("a row without its key or required fields cannot be placed")
    )


def build_suites() -> dict[str, dict[str, list]]:
    r = rules
    pop = COLUMNS["population_registry"]
    biz = COLUMNS["business_registry"]
    residents = _suite(pop["residents"], list(pop["residents"]))
    residents += [
        r.regex("ThangBaoCao", MONTH_REGEX, rules.exact("the month is YYYY-MM")),
        r.regex("NgayCapNhat", r.ISO_DATE_TIME_REGEX, rules.exact("versions are YYYY-MM-DDTHH:MM:SS")),
        r.in_set("GioiTinh", SEXES, rules.exact("sex is 1 (male) or 2 (female)")),
        r.in_set("NhomTuoi", AGE_BANDS, rules.exact("the registry's age bands")),
        r.between("SoNguoi", rules.exact("a count of residents of one cell"), minimum=0, maximum=1_000_000),
        r.unique(
            ["MaDonVi", "ThangBaoCao", "GioiTinh", "NhomTuoi", "NgayCapNhat"],
            rules.exact("one count per cell and version"),
        ),
    ]
    enterprises = _suite(
        biz["enterprises"],
        [
            "MaSoDoanhNghiep",
            "NgayDangKy",
            "LoaiHinhDoanhNghiep",
            "KenhDangKy",
            "MaXaDangKy",
            "MaXaTruSo",
            "TinhTrang",
            "NgayCapNhat",
        ],
    )
    enterprises += [
        r.regex("MaSoDoanhNghiep", ENTERPRISE_CODE_REGEX, rules.exact("the enterprise code is 10 digits")),
        r.regex("NgayDangKy", r.ISO_DATE_REGEX, rules.exact("dates are YYYY-MM-DD")),
        r.regex("NgayCapNhat", r.ISO_DATE_TIME_REGEX, rules.exact("versions are YYYY-MM-DDTHH:MM:SS")),
        r.regex("NganhNgheChinh", VSIC_REGEX, rules.exact("the main industry is a VSIC 2018 code")),
        r.in_set("KenhDangKy", REGISTRATION_CHANNELS, rules.exact("registered online or on paper")),
        r.in_set("TinhTrang", ENTERPRISE_STATUSES, rules.exact("the registry's statuses")),
        r.not_before("NgayCapNhat", "NgayDangKy", rules.exact("a version cannot precede the registration")),
        r.unique(["MaSoDoanhNghiep", "NgayCapNhat"], rules.exact("one row per enterprise version")),
    ]
    status_changes = _suite(biz["status_changes"], list(biz["status_changes"]))
    status_changes += [
        r.regex("NgayHieuLuc", r.ISO_DATE_REGEX, rules.exact("dates are YYYY-MM-DD")),
        r.in_set("TinhTrang", ENTERPRISE_STATUSES, rules.exact("the registry's statuses")),
        r.not_before(
            "NgayCapNhat", "NgayHieuLuc", rules.exact("a change cannot take effect after the version showing it")
        ),
    ]
    return {
        "population_registry": {"residents": residents},
        "business_registry": {"enterprises": enterprises, "status_changes": status_changes},
    }


SUITES = build_suites()


def validate_registry_batch(source_system: str, frames: Mapping[str, pd.DataFrame], load_id: str) -> BatchResult:
    """Validate every dataset of `source_system` present in `frames`; every row must belong to `load_id`."""
    suites = SUITES[source_system]
    unknown = sorted(set(frames) - set(suites))
    if unknown:
        raise ValueError(f"unknown {source_system} dataset(s): {unknown}; expected some of {sorted(suites)}")
    load_rule = rules.same_load(load_id)
    checks = [
        DatasetCheck(name, f"{source_system}.{name}", frames[name], suites[name] + [load_rule])
        for name in suites
        if name in frames
    ]
    return validate_frames(checks, load_id=load_id, source_system=source_system)
