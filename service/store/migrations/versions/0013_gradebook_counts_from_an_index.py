"""the gradebook's counts come from an index alone

A challenge's submissions by status also carry the student and the time in their index, so the
gradebook's count and last time per student are read from the index without visiting a row.
Every read the former (challenge_id, status) index served, the new one serves by its prefix.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 11:40:00

"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COVERING = ["challenge_id", "status", "user_id", "created_at"]


def upgrade():
    op.create_index("ix_submissions_challenge_id_status_user_id_created_at", "submissions", COVERING)
    op.drop_index("ix_submissions_challenge_id_status", table_name="submissions")


def downgrade():
    op.create_index("ix_submissions_challenge_id_status", "submissions", ["challenge_id", "status"])
    op.drop_index("ix_submissions_challenge_id_status_user_id_created_at", table_name="submissions")
