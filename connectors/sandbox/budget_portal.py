"""The sandbox disclosure portal over HTTP: the listing as JSON and the files with ETag / Last-Modified.

    GET /api/v1/disclosures   {"documents": [listing entries published by the portal's clock]}
    GET /files/<file name>    the XLSX; 304 to If-None-Match / If-Modified-Since when unchanged;
                              404 for a listed file that is missing (a defect of the sandbox)

A public portal: no token. The clock (`portal.clock`) decides what is published; a test moves it
to see a new document or a corrected version appear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

from connectors.sandbox.budget_data import BudgetPortalData
from connectors.sandbox.server import RawResponse, SandboxServer

LISTING_PATH = "/api/v1/disclosures"
FILES_PREFIX = "/files/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BudgetPortal:
    def __init__(self, clock: date, seed: int = 20220101, data: BudgetPortalData | None = None):
        self.clock = clock
        self.data = data or BudgetPortalData(seed=seed, last_year=clock.year)
        self.files_served: list[str] = []  # names of the files sent in full (200), in order

    def published(self) -> list:
        return [d for d in self.data.documents if d.published_date <= self.clock]

    def listing(self, query: dict[str, str]) -> tuple[int, dict]:
        docs = sorted(self.published(), key=lambda d: (d.published_date, d.document_id))
        return 200, {"generated_on": self.clock.isoformat(), "documents": [d.listing_entry(self.clock) for d in docs]}

    def file(self, path: str, query: dict[str, str], headers: Mapping[str, str]) -> RawResponse:
        name = path[len(FILES_PREFIX) :]
        doc = next((d for d in self.published() if d.file_name == name), None)
        version = doc.version_on(self.clock) if doc else None
        if doc is None or version is None or doc.missing_file:
            return RawResponse(404, b"Not Found", "text/plain")
        etag = f'"{hashlib.sha256(version.content).hexdigest()[:32]}"'
        # the version's day, 08:00 in Vietnam
        modified = datetime.combine(version.available_on, time(8, 0)).replace(tzinfo=timezone(timedelta(hours=7)))
        validators = {"ETag": etag, "Last-Modified": format_datetime(modified.astimezone(UTC), usegmt=True)}
        if headers.get("If-None-Match") == etag or (
            not headers.get("If-None-Match") and _not_modified_since(headers.get("If-Modified-Since"), modified)
        ):
            return RawResponse(304, b"", XLSX, validators)
        self.files_served.append(name)
        return RawResponse(
            200, version.content, XLSX, {**validators, "Content-Disposition": f'attachment; filename="{name}"'}
        )

    def server(self, port: int = 0) -> SandboxServer:
        return SandboxServer(
            {LISTING_PATH: self.listing}, token=None, port=port, prefix_routes={FILES_PREFIX: self.file}
        )


def _not_modified_since(header: str | None, modified: datetime) -> bool:
    if not header:
        return False
    try:
        return modified <= parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False


def start_budget_portal(clock: date, seed: int = 20220101) -> tuple[SandboxServer, BudgetPortal]:
    portal = BudgetPortal(clock, seed)
    return portal.server().start(), portal
