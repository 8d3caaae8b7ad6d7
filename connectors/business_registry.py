"""Connector for the business registry (đăng ký doanh nghiệp): enterprises and their status changes.

`GET /api/v1/enterprises` with the registry's paging (updated_since / updated_until in ISO 8601
local time, keyset cursor) lists each enterprise that changed, as it stood at the end of the
window: MaSoDoanhNghiep (10-digit enterprise code = tax code), NgayDangKy (registration date),
LoaiHinhDoanhNghiep (legal form), NganhNgheChinh (main VSIC industry), KenhDangKy (truc_tuyen
online / giay paper), MaXaDangKy (head-office commune when registered), MaXaTruSo (head-office
commune now), TinhTrang (status now) and LichSuTrangThai (status changes, each with the head
office's commune on that day). No personal data: a legal representative is never requested.
Landing contract: docs/registries_landing.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pyarrow as pa

from connectors.http_session import SourceSession
from connectors.ingest import Page
from connectors.paging import ISO_FORMAT, cursor_pages
from connectors.records import STR, flatten_records

SOURCE = "business_registry"
ENTERPRISES_PATH = "/api/v1/enterprises"
ENTERPRISE_FIELDS: dict[str, pa.DataType] = {
    f: STR
    for f in (
        "MaSoDoanhNghiep",
        "TenDoanhNghiep",
        "LoaiHinhDoanhNghiep",
        "NganhNgheChinh",
        "NgayDangKy",
        "KenhDangKy",
        "MaXaDangKy",
        "MaXaTruSo",
        "TinhTrang",
        "NgayCapNhat",
    )
}
STATUS_FIELDS: dict[str, pa.DataType] = {"TinhTrang": STR, "NgayHieuLuc": STR, "MaXaTruSo": STR}
CHILD_LISTS = {"LichSuTrangThai": ("status_changes", STATUS_FIELDS)}
PARENT_KEYS = ("MaSoDoanhNghiep", "NgayCapNhat")
DATASETS = ("enterprises", "status_changes")


def flatten(records: list[dict]) -> dict[str, pa.Table]:
    return flatten_records(
        records,
        dataset="enterprises",
        key=("MaSoDoanhNghiep",),
        fields=ENTERPRISE_FIELDS,
        child_lists=CHILD_LISTS,
        parent_keys=PARENT_KEYS,
    )


class BusinessRegistryClient:
    def __init__(self, session: SourceSession, page_size: int = 1000):
        self.session = session
        self.page_size = page_size

    def pages(self, since: datetime, until: datetime, cursor: str | None = None) -> Iterator[Page]:
        params = {
            "updated_since": since.strftime(ISO_FORMAT),
            "updated_until": until.strftime(ISO_FORMAT),
            "page_size": self.page_size,
        }
        return cursor_pages(self.session, ENTERPRISES_PATH, params, cursor)
