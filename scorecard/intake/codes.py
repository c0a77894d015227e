"""Measure codes for files that give none: made from the measure's name, the same every time the name is
the same, or the plan's own code for a measure of that name."""
from __future__ import annotations

import hashlib
import re

from .format import normalise

_STOP_WORDS = frozenset(("a", "an", "and", "as", "at", "be", "by", "for", "from", "in", "is", "of", "on", "or",
                         "per", "the", "their", "to", "was", "were", "who", "with"))
CODE_WORDS = 24  # characters of words in a code made from a title


def code_from_title(title: str, prefix: str = "") -> str:
    """A measure code made from its name, the same every time the name is the same: the prefix, then the
    name's words (small words such as of / the / in left out) in capitals joined by hyphens, up to 24
    characters; when words had to be left out, 4 characters of a fingerprint of the whole name follow, so two
    names that start alike never share a code. `Assessments in 45 days` -> ASSESSMENTS-45-DAYS; `Re-referrals
    within 12 months` -> RE-REFERRALS-WITHIN-12-7C3B."""
    words = [w for w in re.findall(r"[a-z0-9]+", str(title).lower()) if w not in _STOP_WORDS and (
        len(w) > 1 or w.isdigit())]
    slug = ""
    for w in words:
        longer = f"{slug}-{w}" if slug else w
        if len(longer) > CODE_WORDS:
            break
        slug = longer
    else:
        if slug:
            return (prefix + slug).upper()
    fingerprint = hashlib.sha1(normalise(title).encode()).hexdigest()[:4]
    return (prefix + (f"{slug}-" if slug else "") + fingerprint).upper()


def codes_by_name(known: dict[str, dict]) -> dict[str, str]:
    """The plan's measures by name (case and punctuation ignored), where the name is one measure's only."""
    seen: dict[str, list[str]] = {}
    for code, rec in known.items():
        seen.setdefault(normalise(rec.get("measure")), []).append(code)
    return {n: codes[0] for n, codes in seen.items() if n and len(codes) == 1}
