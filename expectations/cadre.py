"""Expectation suites of the cadre management system's datasets and of the PAR ranking file
(landing contract: docs/cadre_landing.md; field meanings: connectors/cadre.py).

Written like expectations/one_stop_shop.py: data (`ExpectationDef` lists) run by gx_runner,
tolerances in one table. Within tolerance, staging quarantines the defective rows (duplicate
persons, a person in two units at once, a rating outside the code list, an end before the start);
beyond it the load is rejected and the cadre marts are not built from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from connectors.cadre import (
    ACCOUNT_FIELDS,
    ACCOUNT_SEPARATOR,
    DATASETS,
    EXPORT_LABELS,
    FIELDS,
    MAX_ACCOUNTS,
    RANKING_DATASET,
    RANKING_FIELDS,
    RANKING_SOURCE,
    SNAPSHOT_FIELD,
    SOURCE,
)
from expectations import rules
from expectations.gx_runner import BatchResult, DatasetCheck, ExpectationDef, validate_frames
from expectations.one_stop_shop import KEYED_HASH, RAW_ID_NUMBER_REGEX, RAW_NAME_REGEX, agency_code_regex
from expectations.rules import BATCH_COLUMNS, DAY, Tolerance

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

TOLERANCES: dict[str, Tolerance] = {
    "key_not_null": Tolerance(
        1.0,
        "a row without its key (person code, year, unit code) cannot be de-duplicated "
        "or traced; one such row means a broken extract",
    ),
    "personal_data": Tolerance(1.0, "names, ID numbers and accounts must hold the keyed hash; one raw value is a leak"),
    "snapshot": Tolerance(
        1.0, "every row of a load stands at one date (the export's date): staging reads the latest snapshot whole"
    ),
    "value_domain": Tolerance(
        0.99,
        "categories, levels, ratings, autonomy groups come from short lists the "
        "system enforces; a few slips are quarantined, more than 1% means a new "
        "code list or a shifted column",
    ),
    "duplicates": Tolerance(
        0.99,
        "a person entered twice or one posting repeated: staging keeps one and "
        "quarantines the rest; more than 1% means a broken extract",
    ),
    "ordering": Tolerance(
        0.98,
        "an employment ending before it starts is a typing slip (quarantined); more "
        "than 2% of the ended ones means swapped date columns",
    ),
    "format": Tolerance(0.98, "agency codes are typed in many offices; a few malformed are quarantined"),
    "ranking": Tolerance(
        1.0,
        "the ranking is a decision of the People's Committee with a few dozen rows: "
        "any row outside the rules means a wrong or hand-edited file",
    ),
}

CATEGORIES = sorted(EXPORT_LABELS["PhanLoai"])
LEVELS = sorted(EXPORT_LABELS["Cap"])
LEADERSHIP = sorted(EXPORT_LABELS["ChucVuLanhDao"])
RATINGS = sorted(EXPORT_LABELS["MucXepLoai"])
END_KINDS = sorted(EXPORT_LABELS["HinhThucKetThuc"])
AUTONOMY_GROUPS = [1, 2, 3, 4]  # Decree 60/2021
GRADES = ["Tốt", "Khá", "Trung bình", "Yếu"]  # good, fair, average, weak: as the ranking file writes them
FLAGS = [0, 1]

ACCOUNTS_REGEX = rf"^{KEYED_HASH}(?:{ACCOUNT_SEPARATOR}{KEYED_HASH}){{0,{MAX_ACCOUNTS - 1}}}$"
DATASET_COLUMNS: dict[str, dict[str, str]] = {name: rules.kinds_of(fields) for name, fields in FIELDS.items()}
RANKING_COLUMNS = rules.kinds_of(RANKING_FIELDS)


def _t(name: str) -> Tolerance:
    return TOLERANCES[name]


def _year(col: str) -> ExpectationDef:
    return rules.between(col, _t("value_domain"), minimum=1990, maximum=2100)


def build_suites(province_code: str | None = "H34") -> dict[str, list[ExpectationDef]]:
    agency = agency_code_regex(province_code)
    cols = {name: {**c, SNAPSHOT_FIELD: DAY, **BATCH_COLUMNS} for name, c in DATASET_COLUMNS.items()}

    def common(name: str, keys: list[str]) -> list[ExpectationDef]:
        return (
            rules.structure(cols[name])
            + rules.not_null(keys + ["_load_id"], _t("key_not_null"))
            + rules.not_null([SNAPSHOT_FIELD], _t("snapshot"))
            + [
                rules.rule(
                    "expect_column_unique_value_count_to_be_between",
                    _t("snapshot").why,
                    column=SNAPSHOT_FIELD,
                    max_value=1,
                )
            ]
        )

    persons = common("persons", ["MaCanBo", "NgayBatDau"]) + [
        rules.in_set("PhanLoai", CATEGORIES, _t("value_domain")),
        rules.in_set("Cap", LEVELS, _t("value_domain")),
        rules.in_set("ChucVuLanhDao", LEADERSHIP, _t("value_domain")),
        rules.in_set("HuongLuongNganSach", FLAGS, _t("value_domain")),
        rules.in_set("DatChuanChucDanh", FLAGS, _t("value_domain")),
        rules.regex("MaDonVi", agency, _t("format")),
        rules.not_before("NgayKetThuc", "NgayBatDau", _t("ordering")),
        rules.unique(["MaCanBo", "NgayBatDau"], _t("duplicates")),
        rules.not_matching("HoTen", RAW_NAME_REGEX, _t("personal_data")),
        rules.not_matching("SoCCCD", RAW_ID_NUMBER_REGEX, _t("personal_data")),
        # the one-stop-shop accounts: 1..MAX_ACCOUNTS keyed hashes joined by the separator
        rules.regex(ACCOUNT_FIELDS["persons"], ACCOUNTS_REGEX, _t("personal_data")),
    ]
    appraisals = common("appraisals", ["MaCanBo", "Nam"]) + [
        _year("Nam"),
        rules.in_set("MucXepLoai", RATINGS, _t("value_domain")),
        rules.unique(["MaCanBo", "Nam"], _t("duplicates")),
    ]
    quotas = common("staffing_quotas", ["MaDonVi", "Nam"]) + [
        _year("Nam"),
        rules.regex("MaDonVi", agency, _t("format")),
        rules.between("BienCheCongChuc", _t("value_domain"), minimum=0),
        rules.between("SoNguoiLamViec", _t("value_domain"), minimum=0),
        rules.unique(["MaDonVi", "Nam"], _t("duplicates")),
    ]
    units = common("public_service_units", ["MaDVSN"]) + [
        rules.in_set("NhomTuChu", AUTONOMY_GROUPS, _t("value_domain")),
        rules.in_set("HinhThucKetThuc", END_KINDS, _t("value_domain")),
        rules.not_null(["NgayThanhLap"], _t("key_not_null"))[0],
        rules.not_before("NgayKetThuc", "NgayThanhLap", _t("ordering")),
        rules.rule(
            "expect_column_values_to_be_unique", _t("duplicates").why, column="MaDVSN", mostly=_t("duplicates").mostly
        ),
    ]
    suites = {"persons": persons, "appraisals": appraisals, "staffing_quotas": quotas, "public_service_units": units}
    assert tuple(suites) == DATASETS
    return suites


def build_ranking_suite(province_code: str | None = "H34") -> list[ExpectationDef]:
    tol = _t("ranking")
    return (
        rules.structure({**RANKING_COLUMNS, **BATCH_COLUMNS})
        + rules.not_null(["Nam", "MaDonVi", "TongDiem", "XepLoai", "_load_id"], tol)
        + [
            _year("Nam"),
            rules.regex("MaDonVi", agency_code_regex(province_code), tol),
            rules.between("TongDiem", tol, minimum=0, maximum=100),
            rules.in_set("XepLoai", GRADES, tol),
            rules.unique(["Nam", "MaDonVi"], tol),
        ]
    )


SUITES = build_suites()
RANKING_SUITE = build_ranking_suite()


def _validate(
    source: str,
    suites: Mapping[str, list[ExpectationDef]],
    frames: Mapping[str, pd.DataFrame],
    load_id: str,
    check_load_id: bool,
) -> BatchResult:
    columns = {
        **{name: {**c, SNAPSHOT_FIELD: DAY} for name, c in DATASET_COLUMNS.items()},
        RANKING_DATASET: RANKING_COLUMNS,
    }
    frames = {name: rules.typed_for_gx(frame, columns.get(name, {})) for name, frame in frames.items()}
    unknown = sorted(set(frames) - set(suites))
    if unknown:
        raise ValueError(f"unknown {source} dataset(s): {unknown}; expected some of {tuple(suites)}")
    checks = [
        DatasetCheck(
            name, f"{source}.{name}", frames[name], list(defs) + ([rules.same_load(load_id)] if check_load_id else [])
        )
        for name, defs in suites.items()
        if name in frames
    ]
    return validate_frames(checks, load_id=load_id, source_system=source)


def validate_cadre_batch(
    frames: Mapping[str, pd.DataFrame], load_id: str, *, check_load_id: bool = True
) -> BatchResult:
    """Validate every cadre dataset present in `frames` (keys from `DATASETS`)."""
    return _validate(SOURCE, SUITES, frames, load_id, check_load_id)


def validate_ranking_batch(
    frames: Mapping[str, pd.DataFrame], load_id: str, *, check_load_id: bool = True
) -> BatchResult:
    """Validate the landed PAR ranking (`{"rankings": frame}`)."""
    return _validate(RANKING_SOURCE, {RANKING_DATASET: RANKING_SUITE}, frames, load_id, check_load_id)
