"""Themes carry when their centre last changed: each process keeps a round's centres until one changes

Revision ID: 7b2c4d6e8f10
Revises: 3e8f1a2b4c60
Create Date: 2026-12-07 21:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2c4d6e8f10'
down_revision = '3e8f1a2b4c60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('themes') as batch_op:
        batch_op.add_column(sa.Column('centred_at', sa.DateTime(), nullable=True))
    op.execute('UPDATE themes SET centred_at = updated_at')
    with op.batch_alter_table('themes') as batch_op:
        batch_op.alter_column('centred_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('themes') as batch_op:
        batch_op.drop_column('centred_at')
