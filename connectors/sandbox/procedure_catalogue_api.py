"""The sandbox procedure catalogue's API (format: connectors/procedure_catalogue.py).

`GET /api/v1/catalogue/procedures?as_of=yyyy-MM-dd&page=&page_size=` lists the catalogue as it
stood on `as_of` (at most the sandbox's clock). The content is synthetic, drawn from the hand-kept
seed dbt_project/seeds/procedures.csv (the codes, names, fields and limits the dossiers use) and
untidy like the real catalogue:
- MISSING: codes the dossiers use that the catalogue lacks (the models fall back to the seed);
- EXTRA: a published procedure no dossier uses;
- CHANGED: a procedure that becomes eligible for full-online during the program (1 July 2025) and is
  offered full-online from 15 September 2025;
- PARTLY: eligible procedures still offered only partly online (one of them full-online from 2026);
- NOT_INTEGRATED: an online service integrated with DVCQG only from 1 June 2024;
- district procedures listed at commune level (XA) from 1 July 2025 (the districts abolished);
- a code with a trailing space, a name with doubled spaces, a fee left blank.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from connectors.procedure_catalogue import API_PATH
from connectors.sandbox.one_stop_shop_data import SandboxConfig
from connectors.sandbox.server import SANDBOX_TOKEN, SandboxServer
from connectors.seeds import read_seed

MAX_PAGE_SIZE = 2000
MISSING = ("1.001699", "1.004442")
EXTRA = {
    "procedure_code": "2.001744",
    "field_code": "G05",
    "field_name_vi": "Tài nguyên nước",
    "procedure_level": "province",
    "procedure_name_vi": "Cấp giấy phép khai thác, sử dụng nước mặt",
    "statutory_days": "30",
    "fee_vnd": "0",
    "full_online_eligible": "false",
    "published_on": date(2024, 3, 1),
}
CHANGED = "1.000893"
CHANGED_ELIGIBLE_ON, CHANGED_OFFERED_ON = date(2025, 7, 1), date(2025, 9, 15)
PARTLY = {"1.009800": None, "2.000748": date(2026, 3, 1)}  # eligible, partly online; full-online from
NOT_INTEGRATED, INTEGRATED_ON = "1.003341", date(2024, 6, 1)
COMMUNE_LEVEL_FROM = date(2025, 7, 1)
LEVEL_CODES = {"province": "TINH", "district": "HUYEN", "commune": "XA"}
FIRST_DECISION = date(2021, 11, 20)


def _share(*parts: object) -> float:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _day_between(start: date, end: date, *parts: object) -> date:
    return start + timedelta(days=int(_share(*parts) * (end - start).days))


def catalogue_as_of(config: SandboxConfig, as_of: date) -> list[dict]:
    """The catalogue's records on `as_of` (API field names; dates as ISO text)."""
    rows = [r for r in read_seed("procedures.csv") if r["procedure_code"] not in MISSING] + [EXTRA]
    out = []
    for n, r in enumerate(rows):
        code = r["procedure_code"]
        published = r.get("published_on") or _day_between(FIRST_DECISION, date(2022, 3, 31), config.seed, code)
        if published > as_of:
            continue
        eligible = r["full_online_eligible"] == "true"
        if code == CHANGED:
            eligible = as_of >= CHANGED_ELIGIBLE_ON
        online, since = None, None
        if code == CHANGED and as_of >= CHANGED_OFFERED_ON:
            online, since = "TOAN_TRINH", CHANGED_OFFERED_ON
        elif code in PARTLY:
            full_from = PARTLY[code]
            online, since = (
                ("TOAN_TRINH", full_from) if full_from and as_of >= full_from else ("MOT_PHAN", date(2022, 1, 1))
            )
        elif eligible:
            online, since = (
                "TOAN_TRINH",
                _day_between(date(2022, 3, 1), date(2024, 12, 31), config.seed, code, "online"),
            )
            if since > as_of:
                online, since = "MOT_PHAN", date(2022, 1, 1)
        elif _share(config.seed, code, "partly") < 0.75:
            online, since = "MOT_PHAN", date(2022, 1, 1)
        level = r["procedure_level"]
        if level == "district" and as_of >= COMMUNE_LEVEL_FROM:
            level = "commune"
        fee = int(r["fee_vnd"])
        integrated = online is not None and not (code == NOT_INTEGRATED and as_of < INTEGRATED_ON)
        out.append(
            {
                "MaTTHC": code + (" " if n == 3 else ""),
                "TenTTHC": r["procedure_name_vi"].replace(" ", "  ", 1) if n == 5 else r["procedure_name_vi"],
                "MaLinhVuc": r["field_code"],
                "TenLinhVuc": r["field_name_vi"],
                "CapThucHien": LEVEL_CODES[level],
                "ThoiHanGiaiQuyet": int(r["statutory_days"]),
                "LePhi": None if n == 7 else fee,
                "DuDieuKienToanTrinh": int(eligible),
                "MucDoDVC": online,
                "NgayCungCapTrucTuyen": since.isoformat() if since else None,
                "ThanhToanTrucTuyen": int(online is not None and fee > 0),
                "XacThucVNeID": int(online == "TOAN_TRINH"),
                "TichHopDVCQG": int(integrated),
                "SoQuyetDinhCongBo": f"{1000 + published.timetuple().tm_yday}/QĐ-UBND",
                "NgayQuyetDinhCongBo": published.isoformat(),
            }
        )
    return out


class ProcedureCatalogueApi:
    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig()

    def list_procedures(self, query: dict[str, str]) -> tuple[int, dict]:
        text = query.get("as_of")
        try:
            as_of = min(date.fromisoformat(text), self.config.end) if text else self.config.end
        except ValueError:
            raise ValueError(f"as_of must be yyyy-MM-dd, got {text!r}") from None
        page, page_size = int(query.get("page", 1)), int(query.get("page_size", 500))
        if not 1 <= page_size <= MAX_PAGE_SIZE or page < 1:
            raise ValueError(f"page must be >= 1 and page_size 1..{MAX_PAGE_SIZE}")
        rows = catalogue_as_of(self.config, as_of)
        return 200, {
            "data": rows[(page - 1) * page_size : page * page_size],
            "as_of": as_of.isoformat(),
            "page": page,
            "total_pages": max(1, -(-len(rows) // page_size)),
            "total": len(rows),
        }


def start_procedure_catalogue_server(
    config: SandboxConfig | None = None, token: str = SANDBOX_TOKEN, port: int = 0
) -> tuple[SandboxServer, ProcedureCatalogueApi]:
    api = ProcedureCatalogueApi(config)
    return SandboxServer({API_PATH: api.list_procedures}, token=token, port=port).start(), api
