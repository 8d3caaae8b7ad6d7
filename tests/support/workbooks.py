"""Workbooks as other tools leave them."""

from __future__ import annotations

import re
import zipfile


def with_stale_dimension(path, ref: str, sheet_number: int | None = None):
    """Rewrite the `<dimension ref=...>` of the workbook's sheets (or of sheet `sheet_number`, 1-based)
    to `ref`, as a tool that edited the file without updating it leaves it; insert one where the writer
    left it out. Everything else byte for byte."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    wanted = re.compile(rf"xl/worksheets/sheet{sheet_number if sheet_number else '[0-9]+'}\.xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if wanted.fullmatch(info.filename):
                text = data.decode()
                tag = f'<dimension ref="{ref}"/>'
                text, found = re.subn(r"<dimension\b[^>]*/>", tag, text)
                if not found:
                    text = re.sub(r"(</sheetPr>|<sheetPr\b[^>]*/>)", lambda m, tag=tag: m.group(1) + tag, text, count=1)
                assert tag in text
                data = text.encode()
            target.writestr(info, data)
    return path
