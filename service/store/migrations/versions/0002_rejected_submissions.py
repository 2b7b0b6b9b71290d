"""rejected submissions: invalid files leave 'failed', which now means a platform failure only

Before this revision an invalid file was stored as FAILED with its problems listed, and a
platform failure as FAILED with no problems. No column changes: the status column is a
16-character string.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 20:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

submissions = sa.table("submissions", sa.column("status", sa.String(16)), sa.column("problems", sa.JSON))
# A JSON column may hold SQL NULL or the JSON text 'null'; neither lists a problem.
has_problems = submissions.c.problems.isnot(None) & (sa.cast(submissions.c.problems, sa.Text) != "null")


def upgrade():
    op.execute(
        submissions.update()
        .where(submissions.c.status == "FAILED", has_problems)
        .values(status="REJECTED")
    )


def downgrade():
    op.execute(submissions.update().where(submissions.c.status == "REJECTED").values(status="FAILED"))
