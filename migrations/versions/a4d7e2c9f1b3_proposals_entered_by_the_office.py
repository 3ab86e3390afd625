"""Proposals the office recorded on a unit's behalf, with the unit's real submission date

Revision ID: a4d7e2c9f1b3
Revises: 5d1e7a3c2b48
Create Date: 2026-12-07 07:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4d7e2c9f1b3'
down_revision = '5d1e7a3c2b48'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_proposals_entered_by_id_users'), 'users', ['entered_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_entered_by_id_users'), type_='foreignkey')
        batch_op.drop_column('entered_by_id')
