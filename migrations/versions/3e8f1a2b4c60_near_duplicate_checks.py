"""Near-duplicate checks: the suggestions waiting to be looked at, drained by one job

Revision ID: 3e8f1a2b4c60
Revises: 0589672df04c
Create Date: 2026-12-07 16:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e8f1a2b4c60'
down_revision = '0589672df04c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'near_duplicate_checks',
        sa.Column('suggestion_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('suggestion_id'),
    )


def downgrade():
    op.drop_table('near_duplicate_checks')
