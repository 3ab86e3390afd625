"""outbox: each message claimed by one worker; messages given up, with their kind and reason

Revision ID: 1bcae7392a3b
Revises: 09e964ebe2a8
Create Date: 2026-12-07 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1bcae7392a3b'
down_revision = '09e964ebe2a8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=50), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failure', sa.Enum('header', 'recipient', 'refused', 'attempts', 'error', name='mailfailure', native_enum=False, length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_failed_at'), ['failed_at'], unique=False)
    # Messages that used up their attempts before: given up (dated when their next attempt would have been).
    op.execute(
        "UPDATE outbox_messages SET failed_at = next_attempt_at, failure = 'attempts' "
        "WHERE sent_at IS NULL AND attempts >= 10"
    )


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_failed_at'))
        batch_op.drop_column('failure')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('kind')
