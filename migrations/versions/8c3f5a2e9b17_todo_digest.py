"""The mail of what waits: each user's choice and what the last one listed

Revision ID: 8c3f5a2e9b17
Revises: 7b2e4c9d1a06
Create Date: 2026-12-07 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c3f5a2e9b17'
down_revision = '7b2e4c9d1a06'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('todo_digest', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('todo_digest_sent', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('todo_digest_sent')
        batch_op.drop_column('todo_digest')
