"""Search queue: a change that cannot be applied is kept as failed, with why

Revision ID: 5e4a9c1f7b20
Revises: 5c1e0a7d3b42
Create Date: 2026-12-07 00:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e4a9c1f7b20'
down_revision = '5c1e0a7d3b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_queue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('error', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('search_queue', schema=None) as batch_op:
        batch_op.drop_column('error')
        batch_op.drop_column('failed_at')
