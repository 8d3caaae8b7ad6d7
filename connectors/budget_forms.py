"""The budget forms' reference facts (Circular 343/2016/TT-BTC), read from the warehouse's own dbt seeds:
the lines of each form (seed budget_form_lines: ids, names and the variants portals print, which lines
must be present and which may be negative) and the money columns each kind of document reports (seed
budget_column_kinds). The budget connector matches printed lines to them, the budget gate checks
against them, and the sandbox draws its documents from them, so the three agree."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from connectors.seeds import read_seed


@dataclass(frozen=True)
class BudgetFormLine:
    form_code: str
    line_code: str
    is_required: bool
    can_be_negative: bool
    line_id: str = ""
    line_name_vi: str = ""
    other_labels_vi: tuple[str, ...] = ()

    @property
    def labels_vi(self) -> tuple[str, ...]:
        """Every way the line is printed: its name and the variants seen on portals."""
        return (self.line_name_vi, *self.other_labels_vi)


@lru_cache(maxsize=1)
def budget_form_lines() -> tuple[BudgetFormLine, ...]:
    """The lines of each budget form (Circular 343/2016): ids, names, which must be present, which
    may be negative."""
    return tuple(
        BudgetFormLine(
            r["form_code"],
            r["line_code"],
            r["is_required"] == "true",
            r["can_be_negative"] == "true",
            r["line_id"],
            r["line_name_vi"],
            tuple(v.strip() for v in r["other_labels_vi"].split(";") if v.strip()),
        )
        for r in read_seed("budget_form_lines.csv")
    )


@lru_cache(maxsize=1)
def budget_column_kinds() -> dict[str, tuple[str, ...]]:
    """Per document kind, the kinds of money column reported for it, preferred first."""
    rows = sorted(read_seed("budget_column_kinds.csv"), key=lambda r: (r["document_kind"], int(r["preference"])))
    out: dict[str, tuple[str, ...]] = {}
    for r in rows:
        out[r["document_kind"]] = (*out.get(r["document_kind"], ()), r["column_kind"])
    return out
