"""Connector for the population registry (CSDL quốc gia về dân cư): residents per unit and month.

The API lists aggregate counts, never a person: `GET /api/v1/residents` with the registry's
paging (updated_since / updated_until in ISO 8601 local time, keyset cursor). One record per
commune-level unit (MaDonVi, the code of the administrative-unit reference file), month
(ThangBaoCao YYYY-MM), sex (GioiTinh 1 male, 2 female) and age band (NhomTuoi); a revised count
comes again with a later NgayCapNhat. Landing contract: docs/registries_landing.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pyarrow as pa

from connectors.http_session import SourceSession
from connectors.ingest import Page
from connectors.paging import ISO_FORMAT, cursor_pages
from connectors.records import BIGINT, INT, STR, flatten_records

SOURCE = "population_registry"
RESIDENTS_PATH = "/api/v1/residents"
FIELDS: dict[str, pa.DataType] = {
    "MaDonVi": STR,
    "ThangBaoCao": STR,
    "GioiTinh": INT,
    "NhomTuoi": STR,
    "SoNguoi": BIGINT,
    "NgayCapNhat": STR,
}
DATASETS = ("residents",)


def flatten(records: list[dict]) -> dict[str, pa.Table]:
    """A page of counts -> the landed `residents` table; RecordError names the record and field."""
    return flatten_records(
        records, dataset="residents", key=("MaDonVi", "ThangBaoCao", "GioiTinh", "NhomTuoi"), fields=FIELDS
    )


class PopulationRegistryClient:
    def __init__(self, session: SourceSession, page_size: int = 5000):
        self.session = session
        self.page_size = page_size

    def pages(self, since: datetime, until: datetime, cursor: str | None = None) -> Iterator[Page]:
        params = {
            "updated_since": since.strftime(ISO_FORMAT),
            "updated_until": until.strftime(ISO_FORMAT),
            "page_size": self.page_size,
        }
        return cursor_pages(self.session, RESIDENTS_PATH, params, cursor)
