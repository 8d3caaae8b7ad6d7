"""Expectation suites of the raw one-stop-shop datasets (landing contract:
docs/one_stop_shop_landing.md; field meanings: domain.md §2.1).

One suite per landed dataset, written as data (`ExpectationDef` lists) and run by
`expectations.gx_runner`. Row-level rules carry a `mostly` tolerance from `TOLERANCES`: defects
within it pass (staging quarantines those rows and their counts are in the audit rows), beyond
it the suite fails and the load is rejected. Structural rules (a required column, a column's
type) have no tolerance: a missing column fails its expectations, it does not raise.

Counting: GX computes a row-level rule's share over the rows it looks at (nulls are skipped by
format/code rules and by pair rules with `ignore_row_if`), and `mostly` is judged on that share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from connectors.one_stop_shop import OFFICIAL_ACCOUNT_FIELD
from expectations import rules
from expectations.gx_runner import BatchResult, DatasetCheck, ExpectationDef, RowFilter, validate_frames
from expectations.rules import BATCH_COLUMNS, DATE, INT, TEXT, Tolerance

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "SOURCE_SYSTEM",
    "DATASETS",
    "TOLERANCES",
    "SUITES",
    "build_suites",
    "suite_name",
    "validate_one_stop_shop_batch",
    "UnitVersion",
    "commune_versions",
    "with_applicant_unit_check",
    "APPLICANT_UNIT_IN_FORCE",
]

SOURCE_SYSTEM = "one_stop_shop"
DEFAULT_PROVINCE_CODE = "H34"  # Khanh Hoa in the seeds; not verified (domain §2.1): configurable


# --------------------------------------------------------------------------- tolerances


# The one table of tolerances. `mostly` is the share of checked values that must conform.
TOLERANCES: dict[str, Tolerance] = {
    "key_not_null": Tolerance(
        1.0,
        "a row without MaHoSo/NgayCapNhat (or its sequence number) cannot be de-duplicated, "
        "joined to its dossier or traced in quarantine; one such row means a broken extract",
    ),
    "personal_data": Tolerance(
        1.0,
        "personal fields must hold the keyed hash; a single raw name or ID number is a leak "
        "that must not reach staging",
    ),
    "format": Tolerance(
        0.98,
        "codes and date strings are typed by hand or by vendor software in 100+ offices; a few "
        "malformed values per batch are normal and quarantined, more than 2% means the source "
        "changed its format",
    ),
    "ordering": Tolerance(
        0.98,
        "back-dated or corrected entries make some date pairs run backwards; staging quarantines "
        "them, but more than 2% means swapped or mis-parsed dates",
    ),
    "duplicates": Tolerance(
        0.98,
        "paged pulls may repeat a record across pages (staging keeps one); GX flags every copy, "
        "so 2% of rows is about 1% of records repeated",
    ),
    "value_domain": Tolerance(
        0.99,
        "codes come from short lists the source system itself enforces (status, channel, "
        "applicant type, flags, satisfaction level) and amounts/sequence numbers have hard "
        "bounds; more than 1% outside means a new code list or a shifted column",
    ),
    "required_not_null": Tolerance(
        0.98,
        "fields every dossier version carries (procedure, status, agency, ...); a few gaps are "
        "data-entry slips, more mean the field stopped being sent",
    ),
    "applicant_unit": Tolerance(
        0.98,
        "the applicant's unit is picked or typed at the counter; a code not in force on the "
        "submission day (a typo, a unit already merged) keeps its dossier in the province's "
        "figures but in no unit's, more than 2% means the source uses another code list",
    ),
    "lifecycle_date_not_null": Tolerance(
        0.90,
        "reception and due dates are legitimately null while a dossier is new (status 1) or when "
        "it was not accepted (status 3): those dossiers are not checked; an accepted dossier may "
        "still leave its due date to the procedure's statutory limit, so a few gaps are normal, "
        "but more than 10% of accepted dossiers means the dates stopped being sent",
    ),
}


# --------------------------------------------------------------------------- formats and codes

# yyyyMMddHHmmss, Vietnam local time; a stricter form of ^\d{14}$ (month, day, hour, minute,
# second in range) so that ddMMyyyy... or swapped fields are caught too.
DATE_TIME_REGEX = r"^\d{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d$"
# Procedure code (MaTTHC), e.g. 1.004227.
PROCEDURE_CODE_REGEX = r"^\d\.\d{6}$"
# Personal fields after pseudonymisation: a hash never contains whitespace (raw names do) and
# is never a bare 9/12-digit number (ID card / citizen ID numbers are).
RAW_NAME_REGEX = r"\s"
RAW_ID_NUMBER_REGEX = r"^(?:\d{9}|\d{12})$"
# An official's account after pseudonymisation: the keyed hash's hex digest (a raw account such as
# "hungnv.h3400" has no whitespace, so only the hash's own form tells it was hashed).
KEYED_HASH = r"[0-9a-f]{32}"
ACCOUNT_HASH_REGEX = rf"^{KEYED_HASH}$"

DOSSIER_STATUSES = list(range(1, 11))  # seed dossier_statuses: 1 new .. 10 result returned
NOT_ACCEPTED_STATUSES = [1, 3]  # new, not accepted: no reception and no due date yet (domain §6)
CHANNELS = [1, 2, 3]  # seed submission_channels; null counts as in person (not checked here)
APPLICANT_TYPES = [1, 2, 3, 4]  # citizen, enterprise, state agency, other
CITIZENS = RowFilter("LoaiDoiTuong", (1,))  # the population-registry check is a citizen's
ONLINE_PAYMENT = [0, 1, 2]  # 0 not online, 1 via DVCQG, 2 via the provincial portal; null = 0
FLAGS = [0, 1]
SATISFACTION_LEVELS = [1, 2, 3]  # seed satisfaction_levels (local systems may use up to 5)


def _province_pattern(province_code: str | None) -> str:
    """`H34` -> literal; None -> any province suffix `H` + 2 digits."""
    if province_code is None:
        return r"H\d{2}"
    if not re.fullmatch(r"H\d{2}", province_code):
        raise ValueError(f"province_code must look like 'H34', got {province_code!r}")
    return re.escape(province_code)


def agency_code_regex(province_code: str | None = DEFAULT_PROVINCE_CODE) -> str:
    """QCVN 102:2016 agency code, e.g. 000.00.01.H34."""
    return rf"^\d{{3}}\.\d{{2}}\.\d{{2}}\.{_province_pattern(province_code)}$"


def dossier_code_regex(province_code: str | None = DEFAULT_PROVINCE_CODE) -> str:
    """`<agency code>-<YYMMDD>-<NNNN>` (Circular 01/2018 Art. 19), e.g. 000.00.01.H34-240105-0012."""
    agency = agency_code_regex(province_code)[1:-1]
    return rf"^{agency}-\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-\d{{4}}$"


# --------------------------------------------------------------------------- column contracts

_CHILD_KEYS: dict[str, str] = {"MaHoSo": TEXT, "NgayCapNhat": DATE}

DATASET_COLUMNS: dict[str, dict[str, str]] = {
    "dossiers": {
        "MaHoSo": TEXT,
        "MaTTHC": TEXT,
        "MaLinhVuc": TEXT,
        "KenhThucHien": INT,
        "ChuHoSo": TEXT,
        "SoGiayToChuHoSo": TEXT,
        "LoaiDoiTuong": INT,
        "NgayNopHoSo": DATE,
        "NgayTiepNhan": DATE,
        "NgayHenTra": DATE,
        "NgayKetThucXuLy": DATE,
        "NgayTra": DATE,
        "NgayTuChoi": DATE,
        "TrangThaiHoSo": INT,
        "DonViXuLy": TEXT,
        "TenDonViXuLy": TEXT,
        "HoSoCoThanhPhanSoHoa": INT,
        "TaiKhoanDuocXacThucVoiVNeID": INT,
        "DuocThanhToanTrucTuyen": INT,
        "NgayDongBo": DATE,
        "NgayCapNhat": DATE,
        "MaDonViHanhChinhChuHoSo": TEXT,
        "DuocXacThucCSDLDanCu": INT,
    },
    "process_steps": {
        **_CHILD_KEYS,
        "ThuTu": INT,
        "NguoiXuLy": TEXT,
        OFFICIAL_ACCOUNT_FIELD: TEXT,
        "ChucDanh": TEXT,
        "ThoiDiemXuLy": DATE,
        "TrangThai": INT,
        "NgayKetThucTheoQuyDinh": DATE,
    },
    "supplements": {
        **_CHILD_KEYS,
        "LanBoSung": INT,
        "NgayYeuCau": DATE,
        "CoVanBanYeuCau": INT,
        "NgayBoSung": DATE,
        "NgayHenTraTruoc": DATE,
        "NgayHenTraMoi": DATE,
    },
    "apologies": {**_CHILD_KEYS, "LanXinLoi": INT, "NgayXinLoi": DATE, "NgayHenTraMoi": DATE},
    "fees": {**_CHILD_KEYS, "MaPhiLePhi": TEXT, "TenPhiLePhi": TEXT, "Gia": INT},
    "documents": {
        **_CHILD_KEYS,
        "MaGiayTo": TEXT,
        "TenGiayTo": TEXT,
        "DuocSoHoa": INT,
        "DuocTaiSuDung": INT,
        "DuocLayTuKhoDMQG": INT,
    },
    "results": {**_CHILD_KEYS, "MaGiayTo": TEXT, "TenGiayTo": TEXT, "DuongDanTep": TEXT},
    "votes": {**_CHILD_KEYS, "MucDoHaiLong": INT, "NgayDanhGia": DATE},
    "feedback": {**_CHILD_KEYS, "MaPAKN": TEXT, "NgayTiepNhanPAKN": DATE, "NgayTraLoiPAKN": DATE},
}
DATASETS: tuple[str, ...] = tuple(DATASET_COLUMNS)

# --------------------------------------------------------------------------- rule builders


_e = rules.rule
_structure = rules.structure


def _not_null(cols: list[str], tol: str) -> list[ExpectationDef]:
    return rules.not_null(cols, TOLERANCES[tol])


def _regex(col: str, regex: str, tol: str = "format") -> ExpectationDef:
    return rules.regex(col, regex, TOLERANCES[tol])


def _dates(columns: Mapping[str, str]) -> list[ExpectationDef]:
    return [_regex(c, DATE_TIME_REGEX) for c, kind in columns.items() if kind == DATE]


def _in_set(col: str, values: list[int]) -> ExpectationDef:
    return rules.in_set(col, values, TOLERANCES["value_domain"])


def _at_least(col: str, minimum: int) -> ExpectationDef:
    return rules.between(col, TOLERANCES["value_domain"], minimum=minimum)


def _not_before(later: str, earlier: str) -> ExpectationDef:
    """`earlier <= later`; yyyyMMddHHmmss strings compare like the instants; nulls ignored."""
    return rules.not_before(later, earlier, TOLERANCES["ordering"])


def _unique(cols: list[str]) -> ExpectationDef:
    return rules.unique(cols, TOLERANCES["duplicates"])


def _not_matching(col: str, regex: str) -> ExpectationDef:
    return rules.not_matching(col, regex, TOLERANCES["personal_data"])


# --------------------------------------------------------------------------- suites


def build_suites(province_code: str | None = DEFAULT_PROVINCE_CODE) -> dict[str, list[ExpectationDef]]:
    """One expectation list per dataset. `province_code` 'Hxx', or None for any `H\\d{2}`."""
    dossier_code = dossier_code_regex(province_code)
    cols = {name: {**c, **BATCH_COLUMNS} for name, c in DATASET_COLUMNS.items()}

    def child(name: str, seq: str | None = None) -> list[ExpectationDef]:
        keys = ["MaHoSo", "NgayCapNhat"] + ([seq] if seq else [])
        defs = _structure(cols[name])
        defs += _not_null(keys + ["_load_id"], "key_not_null")
        defs.append(_regex("MaHoSo", dossier_code))
        defs += _dates(DATASET_COLUMNS[name])
        if seq:
            defs.append(_at_least(seq, 1))
            defs.append(_unique(keys))
        return defs

    d = cols["dossiers"]
    dossiers = _structure(d)
    dossiers += _not_null(["MaHoSo", "NgayCapNhat", "_load_id"], "key_not_null")
    dossiers += _not_null(["MaTTHC", "NgayNopHoSo", "TrangThaiHoSo", "DonViXuLy", "LoaiDoiTuong"], "required_not_null")
    accepted = RowFilter("TrangThaiHoSo", tuple(NOT_ACCEPTED_STATUSES), keep=False)
    dossiers += rules.not_null(["NgayTiepNhan", "NgayHenTra"], TOLERANCES["lifecycle_date_not_null"], accepted)
    dossiers += [
        _regex("MaHoSo", dossier_code),
        _regex("MaTTHC", PROCEDURE_CODE_REGEX),
        _regex("DonViXuLy", agency_code_regex(province_code)),
    ]
    dossiers += _dates(DATASET_COLUMNS["dossiers"])
    dossiers += [
        _in_set("TrangThaiHoSo", DOSSIER_STATUSES),
        _in_set("KenhThucHien", CHANNELS),
        _in_set("LoaiDoiTuong", APPLICANT_TYPES),
        _in_set("DuocThanhToanTrucTuyen", ONLINE_PAYMENT),
        _in_set("HoSoCoThanhPhanSoHoa", FLAGS),
        _in_set("TaiKhoanDuocXacThucVoiVNeID", FLAGS),
        rules.in_set("DuocXacThucCSDLDanCu", FLAGS, TOLERANCES["value_domain"], applies_to=CITIZENS),
        _not_before("NgayHenTra", "NgayTiepNhan"),
        _not_before("NgayKetThucXuLy", "NgayTiepNhan"),
        _unique(["MaHoSo", "NgayCapNhat"]),
        _not_matching("ChuHoSo", RAW_NAME_REGEX),
        _not_matching("SoGiayToChuHoSo", RAW_ID_NUMBER_REGEX),
    ]

    process_steps = child("process_steps", "ThuTu")
    process_steps += [
        _in_set("TrangThai", DOSSIER_STATUSES),
        _not_matching("NguoiXuLy", RAW_NAME_REGEX),
        _regex(OFFICIAL_ACCOUNT_FIELD, ACCOUNT_HASH_REGEX, "personal_data"),
    ]

    supplements = child("supplements", "LanBoSung")
    supplements += [
        _in_set("CoVanBanYeuCau", FLAGS),
        _not_before("NgayBoSung", "NgayYeuCau"),
        _not_before("NgayHenTraMoi", "NgayHenTraTruoc"),
    ]

    apologies = child("apologies", "LanXinLoi")
    apologies += [_not_before("NgayHenTraMoi", "NgayXinLoi")]

    fees = child("fees")
    fees += _not_null(["Gia"], "required_not_null")
    fees += [_at_least("Gia", 0)]

    documents = child("documents")
    documents += [_in_set(c, FLAGS) for c in ("DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG")]

    results = child("results")

    votes = child("votes")
    votes += _not_null(["MucDoHaiLong"], "required_not_null")
    votes += [_in_set("MucDoHaiLong", SATISFACTION_LEVELS)]

    feedback = child("feedback")
    feedback += _not_null(["MaPAKN"], "required_not_null")
    feedback += [_not_before("NgayTraLoiPAKN", "NgayTiepNhanPAKN")]

    suites = {
        "dossiers": dossiers,
        "process_steps": process_steps,
        "supplements": supplements,
        "apologies": apologies,
        "fees": fees,
        "documents": documents,
        "results": results,
        "votes": votes,
        "feedback": feedback,
    }
    assert tuple(suites) == DATASETS
    return suites


SUITES: dict[str, list[ExpectationDef]] = build_suites()

# --------------------------------------------------------------------------- applicant's unit

APPLICANT_UNIT_IN_FORCE = "applicant_unit_in_force"  # derived column, added before validation


@dataclass(frozen=True)
class UnitVersion:
    """One version of a commune-level unit in the administrative-unit reference file."""

    code: str
    valid_from: date
    valid_to: date | None


def commune_versions(units: Iterable[Mapping[str, str | None]]) -> tuple[UnitVersion, ...]:
    """The commune-level versions among the reference file's `units` rows (connectors/admin_units.py);
    rows whose dates do not parse are left out (the admin-units gate rejects that file)."""
    versions = []
    for row in units:
        if row.get("unit_level") != "commune" or not row.get("unit_code"):
            continue
        try:
            valid_from = date.fromisoformat(str(row["valid_from"]))
            valid_to = date.fromisoformat(str(row["valid_to"])) if row.get("valid_to") else None
        except ValueError:
            continue
        versions.append(UnitVersion(str(row["unit_code"]), valid_from, valid_to))
    return tuple(versions)


def _submission_day(text: object) -> date | None:
    if not isinstance(text, str) or not re.fullmatch(DATE_TIME_REGEX, text.strip()):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def with_applicant_unit_check(dossiers: pd.DataFrame, units: Iterable[UnitVersion]) -> pd.DataFrame:
    """`dossiers` plus `applicant_unit_in_force`: True when MaDonViHanhChinhChuHoSo is a commune-level
    unit in force on the submission day (NgayNopHoSo), False when it is not, null when the dossier has
    no unit code or no readable submission day (other rules judge those)."""
    import pandas as pd

    by_code: dict[str, list[UnitVersion]] = {}
    for u in units:
        by_code.setdefault(u.code, []).append(u)
    codes = dossiers["MaDonViHanhChinhChuHoSo"] if "MaDonViHanhChinhChuHoSo" in dossiers else [None] * len(dossiers)
    days = dossiers["NgayNopHoSo"] if "NgayNopHoSo" in dossiers else [None] * len(dossiers)
    flags: list[bool | None] = []
    for code, text in zip(codes, days):
        day = _submission_day(text)
        if not isinstance(code, str) or not code.strip() or day is None:
            flags.append(None)
            continue
        flags.append(
            any(
                v.valid_from <= day and (v.valid_to is None or day <= v.valid_to) for v in by_code.get(code.strip(), ())
            )
        )
    out = dossiers.copy()
    out[APPLICANT_UNIT_IN_FORCE] = pd.Series(flags, index=out.index, dtype="object")
    return out


def applicant_unit_rule() -> ExpectationDef:
    return rules.in_set(APPLICANT_UNIT_IN_FORCE, [True], TOLERANCES["applicant_unit"])


def suite_name(dataset: str) -> str:
    return f"{SOURCE_SYSTEM}.{dataset}"


def validate_one_stop_shop_batch(
    frames: Mapping[str, pd.DataFrame],
    load_id: str,
    *,
    source_system: str = SOURCE_SYSTEM,
    province_code: str | None = DEFAULT_PROVINCE_CODE,
    check_load_id: bool = True,
    sample_size: int = 5,
    units: Iterable[UnitVersion] | None = None,
) -> BatchResult:
    """Validate every dataset present in `frames` (keys from `DATASETS`) and aggregate.

    Absent datasets are skipped (a load without, say, feedback rows is normal); an unknown key
    raises ValueError. With `check_load_id` every row's `_load_id` must equal `load_id`
    (strict: the verdict is recorded per load, so rows of another load must not be judged
    under this one). With `units` (the commune-level versions of the administrative-unit
    reference, `commune_versions`), each dossier's applicant unit must be in force on its
    submission day; the gate always passes them.
    """
    unknown = sorted(set(frames) - set(DATASETS))
    if unknown:
        raise ValueError(f"unknown one-stop-shop dataset(s): {unknown}; expected some of {DATASETS}")
    suites = SUITES if province_code == DEFAULT_PROVINCE_CODE else build_suites(province_code)
    checks = []
    for name in DATASETS:
        if name not in frames:
            continue
        defs, frame = list(suites[name]), frames[name]
        if check_load_id:
            defs.append(rules.same_load(load_id))
        if name == "dossiers" and units is not None:
            frame = with_applicant_unit_check(frame, units)
            defs.append(applicant_unit_rule())
        checks.append(DatasetCheck(name, suite_name(name), frame, defs))
    return validate_frames(checks, load_id=load_id, source_system=source_system, sample_size=sample_size)
