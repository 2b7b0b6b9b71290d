"""How Python's csv module reads each quote of a window: which open or close a quoted field.

The csv module (excel dialect, not strict) opens a quoted field only with a quote at a field's
start; inside, a doubled quote is a quote, and after the closing quote any character joins the
field (quotes there are literal). `quote_states` finds every quote's role at once, with no loop
over the quotes.

Glossary of the arrays:

    x       the window's bytes (uint8)
    m       len(x)
    q       positions in x of its quotes, in order
    gap     per quote: what lies between it and the quote before (_EMPTY, _DELIMITER, _OTHER)
    state   per quote: the state right after it (_A, _B, _C)
    segment positions in q where a segment starts: a quote that a delimiter precedes
    offset  per quote: its place in its segment (0 for the quote that starts it)
    inside  per byte of x: within a quoted field
    syntax  positions of the quotes that delimit fields (they are not part of any cell)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chars import COMMA, CR, NL

_ENDS_FIELD = np.zeros(256, dtype=bool)  # what precedes a quote that opens a field
_ENDS_FIELD[[COMMA, NL, CR]] = True

# csv states at a window's start or end.
START_RECORD, START_FIELD, IN_FIELD, IN_QUOTED, QUOTE_IN_QUOTED, EAT_CRNL = range(6)
# States right after a quote: A in a quoted field, B a quote seen in one, C a literal quote.
_A, _B, _C = 0, 1, 2
# What lies between a quote and the one before: nothing, a field or record end, or other bytes.
_EMPTY, _DELIMITER, _OTHER = 0, 1, 2
_AFTER = np.array([[_B, _B, _B], [_A, _A, _C], [_C, _A, _C]], dtype=np.int8)  # [state, gap]


@dataclass
class Quotes:
    syntax: np.ndarray  # positions of the quotes that delimit fields (not part of any cell)
    inside: np.ndarray  # bool per byte: inside a quoted field
    end_state: int


def quote_states(x: np.ndarray, q: np.ndarray, start_state: int, byte_before: int | None) -> Quotes:
    """How csv reads each quote at positions q of window x, starting in `start_state`.

    After a quote the reader is in A (quoted field), B (quote inside a quoted field) or C
    (unquoted field, the quote is a literal). A maps to B whatever follows; B maps to A after a
    doubled quote or a delimiter, to C after other bytes; C maps to A only after a delimiter.
    Splitting the quotes where a delimiter precedes them, each segment alternates A and B until
    it turns C, so a segment maps its start state (A or B) to the next one's by a function of
    two values; composing those by prefix sums gives every state without a loop over quotes.
    """
    m, count = len(x), len(q)
    if start_state in (START_RECORD, START_FIELD) and count % 2 == 0:  # the usual: "..." fields
        opening, closing = q[0::2], q[1::2]
        before, after = x[np.maximum(opening - 1, 0)], x[np.minimum(closing + 1, m - 1)]
        if (
            ((opening == 0) | _ENDS_FIELD[before]).all()
            and (before != CR).all()
            and ((closing == m - 1) | _ENDS_FIELD[after]).all()
        ):
            flags = np.zeros(count + 1, dtype=bool)
            flags[1::2] = True
            inside = np.repeat(flags, np.diff(np.concatenate(([0], q, [m]))))
            end_state = QUOTE_IN_QUOTED if closing[-1] == m - 1 else state_after_byte(int(x[-1]))
            return Quotes(q, inside, end_state)
    gap = np.empty(count, dtype=np.int8)
    if count > 1:
        before = x[q[1:] - 1]
        gap[1:] = np.where(q[1:] - 1 == q[:-1], _EMPTY, np.where(_ENDS_FIELD[before], _DELIMITER, _OTHER))
    # The state before the first quote, as a state after a virtual quote, and its gap.
    if start_state == IN_QUOTED:
        virtual, first_gap = _A, _EMPTY
    elif q[0] > 0:
        virtual, first_gap = _C, (_DELIMITER if _ENDS_FIELD[x[q[0] - 1]] else _OTHER)
    elif start_state == QUOTE_IN_QUOTED:
        virtual, first_gap = _B, _EMPTY
    elif start_state == IN_FIELD:
        virtual, first_gap = _C, _EMPTY
    else:  # at a field's start (after a carriage return csv fails, which the caller reports)
        virtual, first_gap = _C, (_DELIMITER if byte_before is None or _ENDS_FIELD[byte_before] else _OTHER)
    gap[0] = first_gap
    starts_segment = gap == _DELIMITER
    starts_segment[0] = True
    segment = np.flatnonzero(starts_segment)
    segment_of = np.cumsum(starts_segment) - 1
    offset = np.arange(count) - segment[segment_of]
    last = np.diff(np.append(segment, count)) - 1  # offset of each segment's last quote
    other, odd = gap == _OTHER, (offset & 1).astype(bool)
    never = count + 1
    # First offset where the state turns C, for a segment starting in A (even) or in B (odd).
    turn_a = np.minimum.reduceat(np.where(other & ~odd & (offset > 0), offset, never), segment)
    turn_b = np.minimum.reduceat(np.where(other & odd, offset, never), segment)
    end_a = np.where(turn_a <= last, _C, np.where(last & 1, _B, _A))
    end_b = np.where(turn_b <= last, _C, np.where(last & 1, _A, _B))
    next_a = np.where(end_a == _A, _B, _A).astype(np.int8)  # the delimiter-led quote after the segment
    next_b = np.where(end_b == _A, _B, _A).astype(np.int8)
    start = np.empty(len(segment), dtype=np.int8)
    start[0] = _AFTER[virtual, first_gap]
    if len(segment) > 1:
        second = _A if start[0] == _C else (next_a[0] if start[0] == _A else next_b[0])
        start[1] = second
        if len(segment) > 2:  # each later start is f(previous start), f constant or a xor
            to_a, to_b = next_a[1:-1], next_b[1:-1]
            constant = to_a == to_b
            flips = np.bitwise_xor.accumulate(np.where(constant, 0, to_a).astype(np.int8))
            last_constant = np.maximum.accumulate(np.where(constant, np.arange(len(to_a)), -1))
            known = last_constant >= 0
            at = np.maximum(last_constant, 0)
            base = np.where(known, to_a[at], second)
            start[2:] = base ^ flips ^ np.where(known, flips[at], 0)
    own_start = start[segment_of]
    turn = np.where(start == _A, turn_a, np.where(start == _B, turn_b, 0))[segment_of]
    state = np.where(offset >= turn, _C, np.where((own_start == _A) == ~odd, _A, _B)).astype(np.int8)
    literal = (state == _C) | ((state == _A) & (gap == _EMPTY))
    flags = np.empty(count + 1, dtype=bool)
    flags[0] = start_state == IN_QUOTED
    flags[1:] = state == _A
    inside = np.repeat(flags, np.diff(np.concatenate(([0], q, [m]))))
    if state[-1] == _A:
        end_state = IN_QUOTED
    elif q[-1] == m - 1:
        end_state = QUOTE_IN_QUOTED if state[-1] == _B else IN_FIELD
    else:
        end_state = state_after_byte(int(x[-1]))
    return Quotes(q[~literal], inside, end_state)


def state_after_byte(byte: int) -> int:
    """The state after an unquoted byte (outside quoted fields)."""
    return {COMMA: START_FIELD, NL: START_RECORD, CR: EAT_CRNL}.get(byte, IN_FIELD)
