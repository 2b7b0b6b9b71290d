"""people with memberships of several classes, and invite links

An account becomes a person (`people`: name and password) and each `users` row a membership of that
person in one class, with its role; every submission, standing and quota still points at the
membership. Each existing user becomes a person of their own with the same id, name and password, so
two users of the same name in two classes stay two people who sign in naming their class, and every
token keeps its version. A class gains an invite link (off until the teacher makes one) and the list
of names that may claim it; a membership may be removed, its submissions kept.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 06:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_people_username", "people", ["username"])
    op.execute(
        "INSERT INTO people (id, username, password_hash, created_at) "
        "SELECT id, username, password_hash, created_at FROM users"
    )
    if op.get_bind().dialect.name == "postgresql":  # ids were copied: the sequence starts after them
        op.execute("SELECT setval(pg_get_serial_sequence('people', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM people")
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET person_id = id")
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key("fk_users_person_id_people", "people", ["person_id"], ["id"])
        batch_op.create_index("ix_users_person_id", ["person_id"])
        batch_op.create_unique_constraint("uq_users_tenant_id_person_id", ["tenant_id", "person_id"])
        batch_op.drop_column("password_hash")

    with op.batch_alter_table("tenants") as batch_op:
        batch_op.add_column(sa.Column("join_code", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("join_expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("join_listed_only", sa.Boolean(), server_default="0", nullable=False))
        batch_op.create_unique_constraint("uq_tenants_join_code", ["join_code"])
    op.create_table(
        "invited_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "name"),
    )


def downgrade():
    op.drop_table("invited_names")
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.drop_constraint("uq_tenants_join_code", type_="unique")
        batch_op.drop_column("join_listed_only")
        batch_op.drop_column("join_expires_at")
        batch_op.drop_column("join_code")
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
    op.execute("UPDATE users SET password_hash = (SELECT password_hash FROM people WHERE people.id = users.person_id)")
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
        batch_op.drop_constraint("uq_users_tenant_id_person_id", type_="unique")
        batch_op.drop_index("ix_users_person_id")
        batch_op.drop_constraint("fk_users_person_id_people", type_="foreignkey")
        batch_op.drop_column("removed_at")
        batch_op.drop_column("person_id")
    op.drop_index("ix_people_username", table_name="people")
    op.drop_table("people")
