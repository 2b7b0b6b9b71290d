"""standings: each student's finished count and best public submission per challenge

Leaderboards ranked every finished submission of a class on each request; the standing of
each student is now kept as their jobs finish. Existing stores get theirs from their history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 21:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "standings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("best_public_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["best_public_id"], ["submissions.id"]),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("user_id", "challenge_id"),
    )
    with op.batch_alter_table("standings") as batch_op:
        batch_op.create_index("ix_standings_challenge_id", ["challenge_id"], unique=False)
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.create_index(
            "ix_submissions_challenge_id_final_selected", ["challenge_id", "final_selected"], unique=False
        )
    # Each student's best public score, of equal ones the earliest: the rule the service keeps.
    op.execute(
        """
        INSERT INTO standings (user_id, challenge_id, entries, best_public_id)
        SELECT user_id, challenge_id, entries, CASE WHEN public_score IS NULL THEN NULL ELSE id END
        FROM (
            SELECT id, user_id, challenge_id, public_score,
                   COUNT(*) OVER (PARTITION BY user_id, challenge_id) AS entries,
                   ROW_NUMBER() OVER (
                       PARTITION BY user_id, challenge_id
                       ORDER BY CASE WHEN public_score IS NULL THEN 1 ELSE 0 END, public_score DESC, created_at, id
                   ) AS place
            FROM submissions WHERE status = 'FINISHED'
        ) AS ranked
        WHERE place = 1
        """
    )


def downgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_index("ix_submissions_challenge_id_final_selected")
    op.drop_table("standings")
