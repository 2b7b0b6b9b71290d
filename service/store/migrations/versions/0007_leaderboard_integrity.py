"""leaderboard integrity: what students are shown, the Ladder, and traces for the integrity report

Each challenge chooses the precision of the scores students see and whether its public
leaderboard is exact or a Ladder; a submission records the Ladder's test against the one that
held the score and how many rows it changed from its student's previous one; finished
submissions keep a compact signature of their predictions. Existing challenges keep exact
leaderboards, shown to 5 decimals; existing submissions have no Ladder test or signature.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 19:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("challenges") as batch_op:
        batch_op.add_column(sa.Column("score_precision", sa.Integer(), server_default="5", nullable=False))
        batch_op.add_column(
            sa.Column("leaderboard_mode", sa.String(length=16), server_default="exact", nullable=False)
        )
        batch_op.add_column(sa.Column("ladder_alpha", sa.Double(), server_default="0.05", nullable=False))
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("ladder_moved", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("ladder_p_value", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("ladder_statistic", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("ladder_compared_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("previous_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("changed_rows", sa.Integer(), nullable=True))
    op.create_table(
        "prediction_signatures",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ranks", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("submission_id"),
    )
    with op.batch_alter_table("prediction_signatures") as batch_op:
        batch_op.create_index("ix_prediction_signatures_challenge_id", ["challenge_id"], unique=False)
    op.create_table(
        "signature_bands",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("submission_id", "band"),
    )
    with op.batch_alter_table("signature_bands") as batch_op:
        batch_op.create_index(
            "ix_signature_bands_challenge_id_band_hash", ["challenge_id", "band", "hash"], unique=False
        )


def downgrade():
    op.drop_table("signature_bands")
    op.drop_table("prediction_signatures")
    with op.batch_alter_table("submissions") as batch_op:
        for column in ("changed_rows", "previous_id", "ladder_compared_id", "ladder_statistic",
                       "ladder_p_value", "ladder_moved"):  # fmt: skip
            batch_op.drop_column(column)
    with op.batch_alter_table("challenges") as batch_op:
        for column in ("ladder_alpha", "leaderboard_mode", "score_precision"):
            batch_op.drop_column(column)
