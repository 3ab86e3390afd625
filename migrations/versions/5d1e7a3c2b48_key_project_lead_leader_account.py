"""A key project's lead district leader may be a leader's account

Revision ID: 5d1e7a3c2b48
Revises: 8c3f5a2e9b17
Create Date: 2026-12-07 07:05:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5d1e7a3c2b48"
down_revision = "8c3f5a2e9b17"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("key_projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_leader_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_key_projects_lead_leader_id"), ["lead_leader_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_key_projects_lead_leader_id_users"), "users", ["lead_leader_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("key_projects", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_key_projects_lead_leader_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_key_projects_lead_leader_id"))
        batch_op.drop_column("lead_leader_id")
