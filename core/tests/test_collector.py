"""The cycle collector is paused only while an import runs: a server process that imported a
file, or failed to, goes on collecting cycles (else it would grow until restarted)."""

from __future__ import annotations

import gc

import pytest

from core.tabular import collector
from core.tabular.read import UploadError, read_table


def test_the_collector_is_on_again_after_a_block_and_after_an_error():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it off and leaves it off
    assert gc.isenabled()

    with pytest.raises(UploadError), collector.paused():
        read_table(b"not a sheet", "x.xlsx", max_bytes=1000, max_rows=10)
    assert gc.isenabled()


def test_a_block_that_found_it_off_leaves_it_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_reading_a_sheet_leaves_the_collector_as_it_was():
    table = read_table("名称,面积\n甲,1\n".encode(), "a.csv", max_bytes=1000, max_rows=10)
    assert table.rows == [["名称", "面积"], ["甲", "1"]]
    assert gc.isenabled()
