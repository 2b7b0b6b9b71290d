"""whether a person chose their own password

A password that a teacher or the operator set is known to them: until its person chooses their own,
the account joins no other class. Every person from before chose none (staff made each account).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 07:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("password_chosen", sa.Boolean(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_column("password_chosen")
