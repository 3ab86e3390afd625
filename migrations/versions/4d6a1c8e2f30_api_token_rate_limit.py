"""An API token's own rate limit

Revision ID: 4d6a1c8e2f30
Revises: 5d1e7a3c9f42
Create Date: 2026-12-07 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d6a1c8e2f30'
down_revision = '5d1e7a3c9f42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rate_limit', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('rate_limit')
