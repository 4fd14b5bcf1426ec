"""The cyclic garbage collector paused while an import builds its rows.

An import of 100,000 rows allocates millions of lists, dicts, Decimals and strings, none of
them in reference cycles. Each time the collector's counters fill, it walks every container
object alive again, and the full walks grow with the import: at 100,000 rows they cost about a
second of the seven the import took (benchmarks/run.py import, docs/spreadsheets.md "Speed").
Reference counting still frees every object as before; only the search for cycles waits for
the end of the block.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Within the block, no cycle collection. Nested blocks and threads that overlap leave it
    as the outermost found it: only a block that found the collector on turns it on again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
