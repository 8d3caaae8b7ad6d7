"""The one-stop-shop's API served from an NDJSON export: pre-rendered dossiers at any volume.

`ExportApi(path)` answers `GET /api/v1/dossiers` with the contract of the generator-backed
`OneStopShopApi` (one_stop_shop_api.py), which the connector expects: the bearer token, the
`updated_since`/`updated_until` window (yyyyMMddHHmmss, local time), `page_size` 1..2000, the opaque
keyset cursor over (NgayCapNhat, MaHoSo), `total` and `as_of`. An export holds one version of each
dossier (as the system showed it when the file was written), so a window lists the dossiers whose
NgayCapNhat falls in it; for a window that ends after the export was written that is exactly what
the generator-backed API lists. Not reproduced: the generator-backed API's own defect of serving a
dossier again at the top of the next page (an export does not say which dossiers carry it).

It is built for volume (`bench/ingestion.py` pulls a month of a large province through it). On
start it indexes the file once: the NgayCapNhat, MaHoSo, byte offset and length of every line, in
numpy arrays (about 60 bytes a dossier plus the code's length), sorted. A page is its lines read
back from the memory-mapped file and joined into the JSON body as they are: nothing is decoded or
encoded per request, and the server's own memory does not grow with the window or the pages
served (the mapped file is the page cache's). The file must not change while it is served.
"""

from __future__ import annotations

import json
import mmap
import re
from array import array
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from connectors.sandbox.one_stop_shop_api import DOSSIERS_PATH, ListingQuery
from connectors.sandbox.one_stop_shop_api import _encode_cursor as encode_cursor
from connectors.sandbox.one_stop_shop_data import DATE_FORMAT
from connectors.sandbox.server import SANDBOX_TOKEN, RawResponse, SandboxServer

_BOM = b"\xef\xbb\xbf"
_CODE = re.compile(rb'"MaHoSo"\s*:\s*"([^"\\]*)"')
_VERSION = re.compile(rb'"NgayCapNhat"\s*:\s*"(\d{14})"')


class ExportError(ValueError):
    """A line of the export that cannot be served: names the file and the line."""


def _line_keys(line: bytes, path: Path, line_no: int) -> tuple[int, bytes]:
    """(NgayCapNhat as yyyyMMddHHmmss digits, MaHoSo as UTF-8) of one export line."""
    # The keys found by a pattern when each occurs once (the line as the generators write it);
    # anything else (escapes, a key repeated in a child list, odd spacing) by decoding the line.
    if line.count(b'"MaHoSo"') == 1 and line.count(b'"NgayCapNhat"') == 1:
        code, version = _CODE.search(line), _VERSION.search(line)
        if code and version:
            return int(version.group(1)), code.group(1)
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        raise ExportError(f"{path}: line {line_no} is not valid JSON") from None
    code = record.get("MaHoSo") if isinstance(record, dict) else None
    version = record.get("NgayCapNhat") if isinstance(record, dict) else None
    if not isinstance(code, str) or not code.strip():
        raise ExportError(f"{path}: line {line_no} has no MaHoSo (field MaHoSo is missing, empty or not text)")
    if not isinstance(version, str) or not re.fullmatch(r"\d{14}", version):
        raise ExportError(f"{path}: line {line_no} (MaHoSo {code!r}) has no NgayCapNhat written yyyyMMddHHmmss")
    return int(version), code.encode()


class ExportApi:
    """The dossier listing of one NDJSON export file (see the module's docstring)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        versions, offsets, lengths, codes = array("q"), array("q"), array("q"), []
        offset = 0
        with open(self.path, "rb") as f:
            for line_no, raw in enumerate(f, start=1):
                start, line = offset, raw.rstrip(b"\r\n")
                offset += len(raw)
                if line.startswith(_BOM):
                    line, start = line[len(_BOM) :], start + len(_BOM)
                if not line.strip():
                    continue
                version, code = _line_keys(line, self.path, line_no)
                versions.append(version)
                codes.append(code)
                offsets.append(start)
                lengths.append(len(line))
        self.versions = np.frombuffer(versions, dtype=np.int64)
        self.codes = np.array(codes, dtype=f"S{max(map(len, codes), default=1)}")
        del codes
        order = np.lexsort((self.codes, self.versions))
        self.versions, self.codes = self.versions[order], self.codes[order]
        self.offsets = np.frombuffer(offsets, dtype=np.int64)[order]
        self.lengths = np.frombuffer(lengths, dtype=np.int64)[order]
        # the export's clock: the latest update it shows
        self.clock = (
            datetime.strptime(str(self.versions[-1]), DATE_FORMAT) if len(self.versions) else datetime(2000, 1, 1)
        )
        with open(self.path, "rb") as f:  # the map keeps the file open
            self._lines = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if len(self.versions) else b""

    def __len__(self) -> int:
        return len(self.versions)

    def close(self) -> None:
        if isinstance(self._lines, mmap.mmap):
            self._lines.close()

    def _position(self, moment: datetime) -> int:
        return int(np.searchsorted(self.versions, int(moment.strftime(DATE_FORMAT)), side="left"))

    def _after(self, version: str, code: str) -> int:
        """The index of the first dossier after (version, code) in (NgayCapNhat, MaHoSo) order."""
        if not (len(version) == 14 and version.isdigit()):
            raise ValueError(f"invalid cursor: version {version!r} is not yyyyMMddHHmmss")
        number = int(version)
        lo = int(np.searchsorted(self.versions, number, side="left"))
        hi = int(np.searchsorted(self.versions, number, side="right"))
        return lo + int(np.searchsorted(self.codes[lo:hi], code.encode(), side="right"))

    def list_dossiers(self, query: dict[str, str]) -> RawResponse:
        listing = ListingQuery.parse(query, self.clock + timedelta(seconds=1))
        first, end = self._position(listing.since), self._position(listing.until)
        start = max(first, self._after(*listing.cursor)) if listing.cursor else first
        stop = min(start + listing.page_size, end)
        lines = [
            self._lines[offset : offset + length]
            for offset, length in zip(self.offsets[start:stop].tolist(), self.lengths[start:stop].tolist())
        ]
        next_cursor = None
        if stop < end and stop > start:
            next_cursor = encode_cursor(str(self.versions[stop - 1]), self.codes[stop - 1].decode())
        tail = {"next_cursor": next_cursor, "total": max(end - first, 0), "as_of": listing.as_of}
        body = b'{"data":[' + b",".join(lines) + b"]," + json.dumps(tail)[1:].encode()
        return RawResponse(200, body, "application/json; charset=utf-8")

    def routes(self) -> dict:
        return {DOSSIERS_PATH: self.list_dossiers}


def start_export_server(path: Path | str, token: str = SANDBOX_TOKEN, port: int = 0) -> tuple[SandboxServer, ExportApi]:
    """The export-backed one-stop-shop API on loopback, started (stop the server, then close the api)."""
    api = ExportApi(path)
    return SandboxServer(api.routes(), token=token, port=port).start(), api
