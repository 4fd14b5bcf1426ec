"""The unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from 0-9 and the capital letters without I, O, S, V and Z; the last is a check
character: 31 minus the weighted sum of the first 17 (weights 3^i mod 31) modulo 31.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_VALUE = {c: i for i, c in enumerate(CHARSET)}


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    remainder = 31 - total % 31
    return CHARSET[0 if remainder == 31 else remainder]


def normalise(code: str) -> str:
    """Full-width to half-width, spaces gone, letters upper-case."""
    return "".join(unicodedata.normalize("NFKC", code or "").split()).upper()


def problem(code: str) -> str | None:
    """What is wrong with a code (in Chinese), or None when it is valid."""
    if len(code) != 18:
        return _("A unified social credit code has 18 characters (“%(code)s” has %(count)d)") % {
            "code": code,
            "count": len(code),
        }
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return _(
            "The unified social credit code has characters it may not: %(chars)s "
            "(I, O, S, V and Z are not used)"
        ) % {"chars": "、".join(bad)}
    expected = check_character(code[:17])
    if code[17] != expected:
        return _(
            "The check character of the unified social credit code is wrong "
            "(the last should be %(expected)s): check the code"
        ) % {"expected": expected}
    return None
