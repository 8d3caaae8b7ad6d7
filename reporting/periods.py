"""Reporting periods as people write them: `2025-Q4`, `2025-H2`, `2025`, `2025-03`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS = [
    (re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE), "half_year"),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "month"),
    (re.compile(r"^(\d{4})$"), "year"),
]


class PeriodError(ValueError):
    """A period that cannot be reported: malformed, or not in the warehouse."""


@dataclass(frozen=True)
class ReportPeriod:
    period_type: str  # month, quarter, half_year, year (as in the marts)
    period_key: str  # 2025-Q4, 2025-H2, 2025, 2025-03 (as in the marts)

    @property
    def year(self) -> int:
        return int(self.period_key[:4])


def parse_period(text: str) -> ReportPeriod:
    value = text.strip()
    for pattern, period_type in _PATTERNS:
        if pattern.match(value):
            return ReportPeriod(period_type, value.upper())
    raise PeriodError(
        f"'{text}' is not a reporting period: write a quarter 2025-Q4, a half-year 2025-H2, "
        "a year 2025 or a month 2025-03"
    )
