"""Reading a submission's rows: one CSV format, one definition, and shortcuts proved equal to it.

The definition is the reference reader: `rows.RowReader` reads each record as Python's csv
module splits it and each cell as `float()`/`int()` read it, and `strict.parse_strict` checks a
whole file's rows against the key. Every other reader is an optimisation of it, kept only
because it is faster, and a property test checks it against the reference
(tests/scoring/reading/): a pandas path accepts no file the reference refuses and reads alike
what it accepts; the scan finds the same problems, in the same words, and counts them alike.

- `numbers.py`: whole-number Ids and numbers, with a pandas fast path for valid files, and
  `scan.py` (with the modules it names), the vectorised check of any other file, which finds
  and counts every problem the reference would find;
- `text_cells.py`: text Ids or class labels, with a pandas fast path for valid files;
- `plain.py`: what both pandas paths check first, so that pandas reads the rows as the
  reference does.

A rule of the format is changed in the reference first; the property tests then say which
shortcut must follow.
"""
