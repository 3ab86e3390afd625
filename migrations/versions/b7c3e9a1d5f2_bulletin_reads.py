"""Who has read an issued bulletin (a leader's unread bulletin on their to-do list)

Revision ID: b7c3e9a1d5f2
Revises: 52cd1b70bda4
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c3e9a1d5f2'
down_revision = '52cd1b70bda4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'bulletin_reads',
        sa.Column('bulletin_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['bulletin_id'], ['bulletins.id'], name=op.f('fk_bulletin_reads_bulletin_id_bulletins'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_bulletin_reads_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('bulletin_id', 'user_id', name=op.f('pk_bulletin_reads')),
    )
    with op.batch_alter_table('bulletin_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletin_reads_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('bulletin_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletin_reads_user_id'))
    op.drop_table('bulletin_reads')
