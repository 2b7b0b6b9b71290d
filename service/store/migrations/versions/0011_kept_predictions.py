"""predictions kept in key order for the jobs that come after

A finished submission's predictions, in key order, for the student's next job (the rows it changed)
and for Ladder tests against the score holder, so that no job parses an earlier file again. Existing
submissions keep none: the first job after the upgrade reads its predecessor's file, once.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kept_predictions",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("dtype", sa.String(length=8), nullable=False),
        sa.Column("values", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("submission_id"),
    )
    with op.batch_alter_table("kept_predictions") as batch_op:
        batch_op.create_index("ix_kept_predictions_user_id_challenge_id", ["user_id", "challenge_id"], unique=False)


def downgrade():
    op.drop_table("kept_predictions")
