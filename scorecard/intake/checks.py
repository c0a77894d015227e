"""Checks across sheets, once everything is read: percentages at the right scale."""
from __future__ import annotations

import math

from .. import bands
from .issues import Issue

FRACTION_TOLERANCE = 0.005  # numerator / denominator against a value written as a fraction of 1


def check_percent_scale(reading) -> None:
    """A % measure whose values all lie between 0 and 1 was most likely typed as fractions (0.82 for 82%).
    With evidence (its numerator / denominator give the fraction, or its target or bands lie above 1) the
    values are scaled x100 and a warning says so; with none either way, a warning asks the officer to check.
    Values read from percentage-formatted cells are already at the right scale."""
    parsed = reading.parsed
    candidates = {code for code, m in reading.known.items()
                  if code not in reading.percent_codes and code not in reading.above_one and _is_percent(m)}
    if not candidates:
        return
    by_code: dict[str, list[int]] = {}
    for k, v in enumerate(parsed.values):
        code = v[0]
        if code in candidates:
            if not 0 <= v[3] <= 1:
                candidates.discard(code)
                by_code.pop(code, None)
                if not candidates:
                    return
            else:
                by_code.setdefault(code, []).append(k)
    for code, idx in by_code.items():
        m = reading.known[code]
        vals = [parsed.values[k][3] for k in idx]
        if max(vals) == 0:
            continue
        fractions, evidence = _evidence(m, [parsed.values[k] for k in idx])
        where = f"{code} ({min(vals):g} to {max(vals):g})" if len(vals) > 1 else f"{code} ({vals[0]:g})"
        if fractions is False:
            continue
        if fractions is None:
            parsed.issues.append(Issue("warning", "Workbook", "", (
                f"{where}: every value lies between 0 and 1 for a % measure; if these are fractions (0.82 for "
                "82%), format the cells as percentages or type 82; as they stand they are read as under 1%")))
            continue
        for k in idx:
            v = parsed.values[k]
            parsed.values[k] = v[:3] + (round(v[3] * 100, 10),) + v[4:]
        if m.get("target") is not None and 0 < m["target"] <= 1 and m in parsed.measures:
            m["target"] = round(m["target"] * 100, 10)
            evidence += "; its target is scaled too"
        parsed.issues.append(Issue("warning", "Workbook", "", (
            f"{where}: read as fractions of 1 and loaded x100 ({vals[0]:g} -> {vals[0] * 100:g}%), because "
            f"{evidence}; format the cells as percentages to say so")))


def _is_percent(m: dict) -> bool:
    return m.get("unit") == "%" or (m.get("unit") is None and bool(m.get("percent_hint")))


def _evidence(m: dict, rows: list[tuple]) -> tuple[bool | None, str]:
    """(True, why) when the values are fractions of 1, (False, why) when they are true percentages under 1%,
    (None, "") when nothing says either way."""
    pairs = [(v[3], v[4], v[5]) for v in rows if v[4] is not None and v[5]]
    if pairs and all(abs(num / den - value) <= FRACTION_TOLERANCE for value, num, den in pairs):
        value, num, den = pairs[0]
        return True, f"its numerator / denominator give the same fraction ({num:g} / {den:g} = {num / den:.3g})"
    if pairs and all(abs(100 * num / den - value) <= 0.5 for value, num, den in pairs):
        return False, "its numerator / denominator give the same percentage"
    target = m.get("target")
    if target is not None and target > 1:
        return True, f"its target is {target:g}"
    highest = None
    for f in ("ri_band", "good_band", "outstanding_band"):
        try:
            iv = bands.parse_band(m.get(f))
        except ValueError:
            continue
        if isinstance(iv, bands.Interval):
            for end in (iv.lo, iv.hi):
                if math.isfinite(end) and end > 1:
                    highest = end if highest is None else max(highest, end)
    if highest is not None:
        return True, f"its bands go up to {highest:g}"
    return None, ""
