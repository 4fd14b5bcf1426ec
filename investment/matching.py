"""Telling when two enterprise records name one enterprise (docs/conflicts.md).

Names are compared after normalisation: full-width characters to half-width (NFKC), what
stands in brackets dropped (a branch or a place: 华为技术（成都）), the words of legal form
(股份有限公司, 有限责任公司, 有限公司, 股份, 集团, 公司) and every space and punctuation mark
removed, Latin letters lower-cased. Two normalised names match when they are equal, or when
rapidfuzz's Indel similarity reaches the threshold (ZONEPLAN_CONFLICT_SIMILARITY, 0-100).

Never every pair: names are compared only within blocks. Each name falls into the blocks of its
`KEYS_PER_NAME` rarest character pairs (bigrams), rarest over all the names compared, so names
that share most of their characters share a block, and a block of a common pair (成都, 科技) is
never formed. Blocks larger than `MAX_BLOCK` are left out: a pair of characters that many names
share says nothing about any two of them. Names this rule would miss (two short names with no
rare pair in common) are found only when they normalise to the same text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy
from rapidfuzz import fuzz, process

KEYS_PER_NAME = 3
MAX_BLOCK = 400

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")
_LEGAL_FORM = re.compile("股份有限公司|有限责任公司|有限公司|股份|集团|公司")
_NOT_NAME = re.compile(r"[\W_]+", re.UNICODE)


def normalise_name(name: str) -> str:
    """The part of an enterprise's name that says which enterprise it is."""
    text = unicodedata.normalize("NFKC", name or "")
    previous = None
    while previous != text:  # nested brackets, innermost first
        previous, text = text, _BRACKETED.sub("", text)
    text = _LEGAL_FORM.sub("", text)
    return _NOT_NAME.sub("", text).lower()


def similarity(a: str, b: str) -> float:
    """0-100: how alike two normalised names are (rapidfuzz's normalised Indel similarity)."""
    return float(fuzz.ratio(a, b))


def _bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similar_pairs(names: dict[int, str], *, threshold: float) -> Iterable[tuple[int, int, float]]:
    """(id, id, similarity) for the pairs of normalised `names` ({id: name}) that match: equal
    names, then names that share a block and reach `threshold`. Each pair once, smaller id
    first."""
    seen: set[tuple[int, int]] = set()
    by_text: dict[str, list[int]] = defaultdict(list)
    for pk, text in names.items():
        if text:
            by_text[text].append(pk)
    for ids in by_text.values():
        ids.sort()
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                seen.add((a, b))
                yield a, b, 100.0
    # One representative per distinct text: equal names were paired above.
    texts = {ids[0]: text for text, ids in by_text.items()}
    grams = {pk: _bigrams(text) for pk, text in texts.items()}
    frequency = Counter(g for gs in grams.values() for g in gs)
    # Rarest first, ties by the pair itself: the same blocks on every run.
    rank = {g: i for i, g in enumerate(sorted(frequency, key=lambda g: (frequency[g], g)))}
    blocks: dict[str, list[int]] = defaultdict(list)
    for pk, gs in grams.items():
        for gram in sorted(gs, key=rank.__getitem__)[:KEYS_PER_NAME]:
            blocks[gram].append(pk)
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        members.sort()
        for a, b, score in _block_matches(members, texts, threshold):
            for x in by_text[texts[a]]:
                for y in by_text[texts[b]]:
                    pair = (x, y) if x < y else (y, x)
                    if pair not in seen:
                        seen.add(pair)
                        yield pair[0], pair[1], round(score, 2)


SMALL_BLOCK = 12  # a block this small is compared pair by pair; a larger one in one cdist


def _block_matches(members: list[int], texts: dict[int, str], threshold: float):
    """(id, id, score) of the pairs in one block that reach the threshold."""
    if len(members) <= SMALL_BLOCK:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                score = fuzz.ratio(texts[a], texts[b], score_cutoff=threshold)
                if score:
                    yield a, b, float(score)
        return
    block = [texts[pk] for pk in members]
    # The whole block in rapidfuzz's C++ (scores under the threshold are 0).
    scores = process.cdist(block, block, scorer=fuzz.ratio, score_cutoff=threshold)
    for i, j in zip(*numpy.nonzero(scores), strict=True):
        if i < j:
            yield members[int(i)], members[int(j)], float(scores[i, j])


class Groups:
    """Union-find over ids: which records are one enterprise, transitively."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self._parent.setdefault(x, x)
        while parent != x:
            grand = self._parent.setdefault(parent, parent)
            self._parent[x] = grand
            x, parent = parent, grand
        return x

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[int, list[int]]:
        result: dict[int, list[int]] = defaultdict(list)
        for x in self._parent:
            result[self.find(x)].append(x)
        return result
