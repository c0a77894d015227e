"""What the checks found: errors (nothing is loaded), warnings (loaded, but look) and notes (what was
read and how, and what was left out). Each names its sheet and cells as Excel shows them; the same
problem repeated on many rows is one line with its count and cells."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

LEVELS = ("error", "warning", "note")
CELLS_SHOWN = 6


@dataclass
class Issue:
    level: str  # error | warning | note
    sheet: str
    cell: str   # `C7`, a range `C2:C40`, a row `7:7`, or blank for the whole sheet
    message: str
    value: object = None
    cells: list[str] = field(default_factory=list)  # every cell when the problem repeats

    @property
    def count(self) -> int:
        return max(1, len(self.cells))

    @property
    def where(self) -> str:
        cells = self.cells or ([self.cell] if self.cell else [])
        if not cells:
            return self.sheet
        shown = ", ".join(cells[:CELLS_SHOWN])
        more = f" and {len(cells) - CELLS_SHOWN} more" if len(cells) > CELLS_SHOWN else ""
        return f"{self.sheet}!{shown}{more}"

    def __str__(self) -> str:
        times = f" ({self.count} times)" if self.count > 1 else ""
        return f"{self.where}: {self.message}{times}"


def grouped(issues: list[Issue]) -> list[Issue]:
    """The same message on the same sheet, many times, becomes one issue listing its cells (in the order
    first seen)."""
    out: dict[tuple, Issue] = {}
    for i in issues:
        key = (i.level, i.sheet, i.message)
        if key not in out:
            out[key] = Issue(i.level, i.sheet, i.cell, i.message, i.value, [i.cell] if i.cell else [])
        elif i.cell:
            out[key].cells.append(i.cell)
    for i in out.values():
        i.cells = sorted(dict.fromkeys(i.cells), key=_cell_order) if len(i.cells) > 1 else []
    return list(out.values())


_RE_CELL = re.compile(r"^([A-Z]*)(\d*)")


def _cell_order(cell: str) -> tuple[int, int]:
    """Sheet order: by row, then column (`B2` before `A3`)."""
    letters, digits = _RE_CELL.match(cell).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits or 0), col


# Messages that tell the officer what to do differ between the command line and the upload centre.
HINTS = {
    "choose plan": {"cli": "choose the plan when importing (--plan NAME)",
                    "app": "pick a plan in the Plan box above"},
    "their plan": {"cli": "import the file into the plan {they} belong{s} to (--plan NAME)",
                   "app": "pick the plan {they} belong{s} to in the Plan box above"},
    "choose month": {"cli": "choose the month when importing (--as-at YYYY-MM)",
                     "app": "type the month in the As at box above"},
}


def hint(key: str, audience: str, **words) -> str:
    return HINTS[key][audience].format(**words)
