"""A returned proposal's revision: the unit's changes and files, sent only when it resubmits

Revision ID: 7b2e4c9d1a06
Revises: d3fa3dd5619f
Create Date: 2026-12-07 03:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2e4c9d1a06'
down_revision = 'd3fa3dd5619f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.JSON(), nullable=True))
    with op.batch_alter_table('proposal_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Enum('added', 'removed', name='filerevision', native_enum=False, length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('proposal_attachments', schema=None) as batch_op:
        batch_op.drop_column('revision')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('revision')
