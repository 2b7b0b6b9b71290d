"""An upload's bytes into the store without another copy of the whole file on the way.

Bound as a parameter, a file is copied by SQLite once at the bind and again into the row it
builds: a 25 MB upload held three copies at once. On SQLite a large file's row is written with a
zero-filled blob of its size, which the file then fills in pieces through SQLite's incremental
blob I/O, in the same transaction. PostgreSQL's driver sends the bytes as they are.
"""

from __future__ import annotations

from sqlalchemy import func

from service.extensions import db

PIECE_BYTES = 1 << 20  # files up to a piece are bound as they are: nothing to save


def _streamed(content: bytes) -> bool:
    return db.engine.dialect.name == "sqlite" and len(content) > PIECE_BYTES


def content_to_insert(content: bytes):
    """What a new file row's `content` is given: on SQLite, for a large file, a zero-filled blob of
    its size (`fill_streamed` fills it after the flush); else the bytes themselves."""
    return func.zeroblob(len(content)) if _streamed(content) else content


def fill_streamed(submission_id: int, content: bytes) -> None:
    """Write a flushed file row's bytes in pieces, if `content_to_insert` left it zero-filled."""
    if not _streamed(content):
        return
    sqlite = db.session.connection().connection.dbapi_connection
    pieces = memoryview(content)
    with sqlite.blobopen("submission_files", "content", submission_id) as blob:
        for start in range(0, len(content), PIECE_BYTES):
            blob.write(pieces[start : start + PIECE_BYTES])
