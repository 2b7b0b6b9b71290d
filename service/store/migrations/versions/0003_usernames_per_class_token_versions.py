"""usernames unique per class; a token version per user instead of a reset time

Two classes may each have a student "ann": the unique constraint moves from `username` to
(`tenant_id`, `username`). `token_version` replaces `tokens_valid_after`, whose whole-second
comparison let a token issued in the second of a reset live on; a store that had reset or
disabled a user starts that user at version 1, so tokens issued before are refused.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 20:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# How SQLite's batch mode names the unnamed constraint of revision 0001, so that it can drop it.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
users = sa.table(
    "users", sa.column("token_version", sa.Integer), sa.column("tokens_valid_after", sa.DateTime)
)


def _old_unique_name() -> str:
    return "users_username_key" if op.get_bind().dialect.name == "postgresql" else "uq_users_username"


def upgrade():
    with op.batch_alter_table("users", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.add_column(sa.Column("token_version", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_constraint(_old_unique_name(), type_="unique")
        batch_op.create_unique_constraint("uq_users_tenant_id_username", ["tenant_id", "username"])
        batch_op.create_index(batch_op.f("ix_users_username"), ["username"], unique=False)
    op.execute(users.update().where(users.c.tokens_valid_after.isnot(None)).values(token_version=1))
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("tokens_valid_after")


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("tokens_valid_after", sa.DateTime(), nullable=True))
    op.execute(users.update().where(users.c.token_version > 0).values(tokens_valid_after=sa.func.now()))
    with op.batch_alter_table("users", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_username"))
        batch_op.drop_constraint("uq_users_tenant_id_username", type_="unique")
        batch_op.create_unique_constraint(_old_unique_name(), ["username"])
        batch_op.drop_column("token_version")
