"""challenges a teacher owns: answer keys and students' files in the store, late uploads

A challenge's key was a file on the grading machine; teachers now upload their own, kept in
`answer_keys` by content hash, with the files students download in `challenge_files`. A
challenge may be closed, has a description and names the prediction column a submission
carries; an upload after the deadline is marked late. Existing challenges keep the practice
key and stay open; existing submissions are not late.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "answer_keys",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "challenge_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("challenge_id", "name"),
    )
    with op.batch_alter_table("challenges") as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answer_key_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("prediction_column", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("closed", sa.Boolean(), server_default="0", nullable=False))
        batch_op.create_foreign_key(
            "fk_challenges_answer_key_sha256_answer_keys", "answer_keys", ["answer_key_sha256"], ["sha256"]
        )
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("late", sa.Boolean(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_column("late")
    with op.batch_alter_table("challenges") as batch_op:
        batch_op.drop_constraint("fk_challenges_answer_key_sha256_answer_keys", type_="foreignkey")
        batch_op.drop_column("closed")
        batch_op.drop_column("prediction_column")
        batch_op.drop_column("answer_key_sha256")
        batch_op.drop_column("description")
    op.drop_table("challenge_files")
    op.drop_table("answer_keys")
