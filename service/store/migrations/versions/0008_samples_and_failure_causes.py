"""stored sample submissions, and what failed a submission

A challenge's sample submission is made once and served as a file: it was rebuilt from the key at
every download (seconds for a key of a million text Ids). A new challenge stores it as it is made;
an existing one stores it at its first download.

A failed submission records whether the platform failed it (Redis or the store unreachable) or
possibly its file (out of time, grading raised, worker lost): only the latter count towards the
student's next failure being charged. Submissions failed before this revision record neither.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("challenges") as batch_op:
        batch_op.add_column(sa.Column("sample_submission", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("failure", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_column("failure")
    with op.batch_alter_table("challenges") as batch_op:
        batch_op.drop_column("sample_submission")
