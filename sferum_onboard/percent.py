"""Shares as every output shows them: one rounding rule for the terminal, JSON, CSV, HTML, XLSX and the kits.

A share is rounded *down* to a tenth of a percent, so 99.96 % is never shown
as 100 % and 80.05 % is 80 % everywhere (not 80.1 % in one place and 80 % in
another). `rounded` gives the number (JSON, CSV, the XLSX cell), `text` the
Russian way of writing it: «80 %», «66,6 %».
"""

from __future__ import annotations

import math


def rounded(value: float | None) -> float | None:
    """The share rounded down to a tenth: 80.05 → 80.0, 99.96 → 99.9; None stays None."""
    if value is None:
        return None
    # round(…, 6) first: 70.1 is stored as 70.09999…, which must stay 70.1.
    return math.floor(round(value * 10, 6)) / 10


def text(value: float | None) -> str:
    """«80 %», «66,6 %» (a no-break space before the sign); «—» when there is nothing to share."""
    shown = rounded(value)
    if shown is None:
        return "—"
    number = f"{shown:.1f}".removesuffix(".0").replace(".", ",")
    return f"{number}\u00a0%"
