"""The words councils write in cells, and what each means to us: no figure, units, yes/no flags,
and the status words that are BRAG ratings."""
from __future__ import annotations

import re

from .format import normalise

# A cell that says "no figure" (suppressed, not available...) rather than a number.
MISSING = {"", "-", "–", "—", "n/a", "na", "n.a.", "..", ".", ":", "x", "c", "not available", "none", "nil return",
           "not applicable", "no data", "tbc", "*"}
UNITS = {"%": "%", "percent": "%", "percentage": "%", "pct": "%", "number": "number", "no": "number",
         "no.": "number", "count": "number", "rate": "number", "days": "days", "day": "days",
         "weeks": "weeks", "average": "number", "num": "number", "#": "number", "ratio": "number"}
UNITS_HELP = "%, number or days"
# Units written as a phrase (`Rate per 10,000`, `Number of children`, `Average days`): what they are.
UNIT_WORDS = (("%", ("%", "percent", "percentage", "proportion", "pct")),
              ("days", ("day", "days")), ("weeks", ("week", "weeks")),
              ("number", ("rate", "per", "number", "no", "count", "average", "avg", "ratio", "score", "total",
                          "cases", "children", "families", "hours", "months", "years", "£", "pounds", "cost", "mean",
                          "median")))


def unit_of(raw) -> str | None:
    """`%`, `number`, `days` or `weeks` for a unit as written (`Rate per 10,000` is a number), or None."""
    t = " ".join(str(raw).split()).lower()
    if t in UNITS:
        return UNITS[t]
    words = set(normalise(t).split()) | ({"%"} if "%" in t else set()) | ({"£"} if "£" in t else set())
    return next((unit for unit, names in UNIT_WORDS if words & set(names)), None)
TRUE_WORDS = {"yes", "y", "true", "1", "illustrative"}

RAG_ORDER = ("Blue", "Green", "Amber", "Red")
UNRATED = "Unrated"
# Status words as councils' trackers write them -> the BRAG rating (Unrated: a word that means "no rating
# yet"). Compared after normalise(), so `In progress - delayed` is `in progress delayed`.
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(("blue", "b", "complete", "completed", "done", "achieved", "closed", "fully met",
                     "complete and embedded", "completed and embedded"), "Blue"),
    **dict.fromkeys(("green", "g", "on track", "on target", "embedded", "on schedule"), "Green"),
    **dict.fromkeys(("amber", "a", "at risk", "some slippage", "partially met", "in progress delayed",
                     "slipping", "minor slippage", "orange", "yellow", "partially achieved"), "Amber"),
    **dict.fromkeys(("red", "r", "off track", "behind", "not met", "delayed", "significant slippage",
                     "not achieved"), "Red"),
    **dict.fromkeys(("not started", "not yet due", "n a", "na", "not yet started", "not rated", "unrated",
                     "not applicable"), UNRATED),
}
COLOURS = ("blue", "green", "amber", "red")


def rag_word(text) -> str | None:
    """The BRAG rating a status word stands for (Unrated for 'Not started'...), or None if unknown.
    A colour followed by words that agree with it or say nothing of a rating (`Green - on track`,
    `Amber: see commentary`) is that colour; a colour with words for another rating is unknown."""
    n = normalise(text)
    if n in STATUS_WORDS:
        return STATUS_WORDS[n]
    first, _, rest = n.partition(" ")
    if first in COLOURS and STATUS_WORDS.get(rest) in (None, first.capitalize()):
        return first.capitalize()
    return None


def flag(value) -> bool:
    return normalise(value) in TRUE_WORDS if value is not None else False


_RE_REF = re.compile(r"^[A-Za-z]{0,6}[\s\-]?\d+(?:[.\-/]\d+)*[A-Za-z]?\.?$")


def looks_like_ref(text: str) -> bool:
    """`1.1`, `2.13`, `FA3`, `A12`, `R3a`, `CIN`: an action or measure reference, not a heading such as
    `Assessments`."""
    t = text.strip()
    return bool(_RE_REF.match(t)) or (len(t) <= 5 and " " not in t)
