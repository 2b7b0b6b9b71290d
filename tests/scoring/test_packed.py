"""Exact lookups of texts over a file's bytes: the same answers as a dictionary, whatever the texts."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.packed import MAX_BYTES, PackedTexts

texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00,\n\r"), max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=40, unique=True), st.lists(texts, max_size=40))
def test_every_lookup_equals_a_dictionary_lookup(known, asked):
    packed = PackedTexts(known)
    data = b"".join(text.encode() for text in asked)
    ends = np.cumsum([len(text.encode()) for text in asked], dtype=np.int64)
    starts = ends - np.array([len(text.encode()) for text in asked], dtype=np.int64)
    rows = packed.rows_of(np.frombuffer(data or b"\0", dtype=np.uint8), starts, ends)
    number = {text: i for i, text in enumerate(known)}
    if rows is None:  # only for a text longer than any known one could be, or nothing asked
        assert not asked or max(len(t.encode()) for t in asked) > packed.width
        return
    assert rows.tolist() == [number.get(text, -1) for text in asked]


def test_a_text_that_is_a_prefix_of_another_is_not_taken_for_it():
    packed = PackedTexts(["id-1", "id-10", "id-100"])
    data = np.frombuffer(b"id-10id-1id-1000", dtype=np.uint8)
    rows = packed.rows_of(data, np.array([0, 5, 9]), np.array([5, 9, 16]))
    assert rows is not None and rows.tolist() == [1, 0, -1]


def test_texts_too_long_to_pack_leave_the_lookup_to_the_general_path():
    packed = PackedTexts(["x" * (MAX_BYTES + 1)])
    assert not packed.usable
    assert packed.rows_of(np.frombuffer(b"abc", dtype=np.uint8), np.array([0]), np.array([3])) is None
