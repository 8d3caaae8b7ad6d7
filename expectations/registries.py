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

EXACT = 1.0
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
        "residents": {"MaDonVi": TEXT, "ThangBaoCao": TEXT, "GioiTinh": INT, "NhomTuoi": TEXT, "SoNguoi": INT,
                      "NgayCapNhat": TEXT},
    },
    "business_registry": {
        "enterprises": {c: TEXT for c in ("MaSoDoanhNghiep", "LoaiHinhDoanhNghiep", "NganhNgheChinh", "NgayDangKy",
                                          "KenhDangKy", "MaXaDangKy", "MaXaTruSo", "TinhTrang", "NgayCapNhat")},
        "status_changes": {c: TEXT for c in ("MaSoDoanhNghiep", "NgayCapNhat", "TinhTrang", "NgayHieuLuc",
                                             "MaXaTruSo")},
    },
}


def _suite(columns: dict[str, str], required: list[str]) -> list:
    return rules.structure({**columns, **rules.BATCH_COLUMNS}) + rules.not_null(
        required + ["_load_id"], EXACT, "a row without its key or required fields cannot be placed")


def build_suites() -> dict[str, dict[str, list]]:
    r = rules
    pop = COLUMNS["population_registry"]
    biz = COLUMNS["business_registry"]
    residents = _suite(pop["residents"], list(pop["residents"]))
    residents += [
        r.matches("ThangBaoCao", MONTH_REGEX, EXACT, "the month is YYYY-MM"),
        r.matches("NgayCapNhat", r.ISO_DATE_TIME_REGEX, EXACT, "versions are YYYY-MM-DDTHH:MM:SS"),
        r.in_set("GioiTinh", SEXES, EXACT, "sex is 1 (male) or 2 (female)"),
        r.in_set("NhomTuoi", AGE_BANDS, EXACT, "the registry's age bands"),
        r.between("SoNguoi", EXACT, "a count of residents of one cell", min_value=0, max_value=1_000_000),
        r.unique(["MaDonVi", "ThangBaoCao", "GioiTinh", "NhomTuoi", "NgayCapNhat"], EXACT,
                 "one count per cell and version"),
    ]
    enterprises = _suite(biz["enterprises"], ["MaSoDoanhNghiep", "NgayDangKy", "LoaiHinhDoanhNghiep", "KenhDangKy",
                                              "MaXaDangKy", "MaXaTruSo", "TinhTrang", "NgayCapNhat"])
    enterprises += [
        r.matches("MaSoDoanhNghiep", ENTERPRISE_CODE_REGEX, EXACT, "the enterprise code is 10 digits"),
        r.matches("NgayDangKy", r.ISO_DATE_REGEX, EXACT, "dates are YYYY-MM-DD"),
        r.matches("NgayCapNhat", r.ISO_DATE_TIME_REGEX, EXACT, "versions are YYYY-MM-DDTHH:MM:SS"),
        r.matches("NganhNgheChinh", VSIC_REGEX, EXACT, "the main industry is a VSIC 2018 code"),
        r.in_set("KenhDangKy", REGISTRATION_CHANNELS, EXACT, "registered online or on paper"),
        r.in_set("TinhTrang", ENTERPRISE_STATUSES, EXACT, "the registry's statuses"),
        r.not_before("NgayCapNhat", "NgayDangKy", EXACT, "a version cannot precede the registration"),
        r.unique(["MaSoDoanhNghiep", "NgayCapNhat"], EXACT, "one row per enterprise version"),
    ]
    status_changes = _suite(biz["status_changes"], list(biz["status_changes"]))
    status_changes += [
        r.matches("NgayHieuLuc", r.ISO_DATE_REGEX, EXACT, "dates are YYYY-MM-DD"),
        r.in_set("TinhTrang", ENTERPRISE_STATUSES, EXACT, "the registry's statuses"),
        r.not_before("NgayCapNhat", "NgayHieuLuc", EXACT, "a change cannot take effect after the version showing it"),
    ]
    return {"population_registry": {"residents": residents},
            "business_registry": {"enterprises": enterprises, "status_changes": status_changes}}


SUITES = build_suites()


def validate_registry_batch(source_system: str, frames: Mapping[str, pd.DataFrame], load_id: str) -> BatchResult:
    """Validate every dataset of `source_system` present in `frames`; every row must belong to `load_id`."""
    suites = SUITES[source_system]
    unknown = sorted(set(frames) - set(suites))
    if unknown:
        raise ValueError(f"unknown {source_system} dataset(s): {unknown}; expected some of {sorted(suites)}")
    load_rule = rules.in_set("_load_id", [load_id], EXACT, "every row belongs to the load being judged")
    checks = [DatasetCheck(name, f"{source_system}.{name}", frames[name], suites[name] + [load_rule])
              for name in suites if name in frames]
    return validate_frames(checks, load_id=load_id, source_system=source_system)
