"""The byte-level checks the fast paths make before pandas reads a file."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.reading import plain

chunks = st.binary(max_size=0) | st.lists(st.sampled_from([b"\r", b"\n", b"a", b",", b"\r\n"])).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(chunks, st.data(), st.sampled_from([1, 2, 3, 7, 1 << 18]))
def test_a_lone_carriage_return_is_any_cr_not_followed_by_a_newline_inside_the_rows(data, draw, window):
    start = draw.draw(st.integers(0, len(data)))
    end = draw.draw(st.integers(start, len(data)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plain, "_WINDOW", window)  # windows of a few bytes: their edges are crossed
        found = plain._lone_carriage_return(data, start, end)
    assert found == (data.count(b"\r", start, end) != data.count(b"\r\n", start, end))


@settings(max_examples=200, deadline=None)
@given(chunks, st.sampled_from([1, 3, 1 << 18]))
def test_bytes_are_counted_across_windows(data, window):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plain, "_WINDOW", window)
        counts = plain.count_bytes(data, (ord("\n"), ord(","), ord("\r")))
    assert counts == [data.count(b"\n"), data.count(b","), data.count(b"\r")]
