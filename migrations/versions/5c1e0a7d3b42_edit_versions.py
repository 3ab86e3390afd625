"""Edit versions: rounds, proposals, plans and key projects count their saves

Revision ID: 5c1e0a7d3b42
Revises: 1bcae7392a3b
Create Date: 2026-12-06 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0a7d3b42'
down_revision = '1bcae7392a3b'
branch_labels = None
depends_on = None

VERSIONED = ['rounds', 'proposals', 'plans', 'key_projects']


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('lock_version')
