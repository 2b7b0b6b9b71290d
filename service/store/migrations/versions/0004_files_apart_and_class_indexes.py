"""uploaded files in a table of their own; indexes for the reads a class makes

Every listing (a class's jobs, a leaderboard, an export) read whole submission rows, the
uploaded bytes included; they now live in `submission_files`, read only by grading and
ROC curves. Single-column indexes that let planners walk the wrong way (a class's page
over every class's rows) give way to one composite index per read.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_INDEXES = {
    "ix_submissions_tenant_id": ["tenant_id"],
    "ix_submissions_user_id": ["user_id"],
    "ix_submissions_challenge_id": ["challenge_id"],
    "ix_submissions_created_at": ["created_at"],
    "ix_submissions_sha256": ["sha256"],
}
NEW_INDEXES = {
    "ix_submissions_tenant_id_created_at": ["tenant_id", "created_at"],
    "ix_submissions_user_id_challenge_id_created_at": ["user_id", "challenge_id", "created_at"],
    "ix_submissions_challenge_id_status": ["challenge_id", "status"],
}


def upgrade():
    op.create_table(
        "submission_files",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"]),
        sa.PrimaryKeyConstraint("submission_id"),
    )
    op.execute("INSERT INTO submission_files (submission_id, content) SELECT id, content FROM submissions")
    with op.batch_alter_table("submissions") as batch_op:
        for name in OLD_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column("content")
        for name, columns in NEW_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("content", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE submissions SET content = "
        "(SELECT content FROM submission_files WHERE submission_files.submission_id = submissions.id)"
    )
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
        for name in NEW_INDEXES:
            batch_op.drop_index(name)
        for name, columns in OLD_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    op.drop_table("submission_files")
