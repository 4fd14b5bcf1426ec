"""The outlier check: a value far from the unit's own history is flagged for follow-up (not
refused: an outlier may be true). Robust to one bad month: median and median absolute
deviation (MAD), not mean and standard deviation."""

from __future__ import annotations

from decimal import Decimal
from statistics import median

MIN_HISTORY = 3  # fewer earlier approved values: no judgement
THRESHOLD = Decimal("3.5")  # in robust z-scores (Iglewicz and Hoaglin's usual cut-off)
FLAT_CHANGE = Decimal("0.5")  # when history never varied: a change of more than 50%


def is_outlier(value: Decimal, history: list[Decimal]) -> bool:
    """Whether `value` lies far from `history` (the unit's earlier approved values)."""
    if len(history) < MIN_HISTORY:
        return False
    centre = median(history)
    mad = median(abs(h - centre) for h in history)
    if mad == 0:
        if centre == 0:
            return value != 0
        return abs(value - centre) / abs(centre) > FLAT_CHANGE
    robust_z = Decimal("0.6745") * abs(value - centre) / mad
    return robust_z > THRESHOLD
