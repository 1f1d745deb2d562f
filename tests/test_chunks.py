"""Years grouped into the workflow's yearly jobs."""

import pytest

from hubspoke.dag.chunks import year_chunks


def test_blocks_are_aligned_on_multiples_of_the_block_size():
    # 1992 = 249 * 8, so the default years start a block; 2016-2020 is the partial last one
    assert year_chunks(range(1992, 2021), 8) == {
        "1992-1999": list(range(1992, 2000)),
        "2000-2007": list(range(2000, 2008)),
        "2008-2015": list(range(2008, 2016)),
        "2016-2020": list(range(2016, 2021)),
    }


def test_adding_a_year_changes_only_its_block():
    before = year_chunks(range(2012, 2017), 2)
    after = year_chunks(range(2011, 2018), 2)
    assert list(before) == ["2012-2013", "2014-2015", "2016-2016"]
    assert list(after) == ["2011-2011", "2012-2013", "2014-2015", "2016-2017"]


def test_one_year_a_job_and_unsorted_years():
    assert year_chunks([2001, 1999, 2000], 1) == {
        "1999-1999": [1999],
        "2000-2000": [2000],
        "2001-2001": [2001],
    }


def test_no_block_size_puts_every_year_in_one_block():
    assert year_chunks([2001, 1999, 2000], None) == {"1999-2001": [1999, 2000, 2001]}


def test_block_size_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        year_chunks([2000], 0)
