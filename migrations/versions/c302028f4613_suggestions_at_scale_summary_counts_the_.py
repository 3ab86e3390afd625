"""Suggestions at scale: summary counts, the list's indexes

Revision ID: c302028f4613
Revises: b7e2d4a91c05
Create Date: 2026-12-07 12:48:09.836216

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c302028f4613'
down_revision = 'b7e2d4a91c05'
branch_labels = None
depends_on = None

REFERRED_UNANSWERED = "status = 'referred' AND unit_answered_at IS NULL"


def upgrade():
    op.create_table('suggestion_counts',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('received', 'accepted', 'rejected', 'duplicate', 'referred', 'adopted', 'not_adopted', name='suggestionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('channel', sa.Enum('web', 'mobile', 'wechat', 'hotline', 'forum', 'letter', 'batch_import', name='channel', native_enum=False, length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('reject_reason', sa.String(length=20), nullable=False),
    sa.Column('reply_held', sa.Boolean(), nullable=False),
    sa.Column('reply_published', sa.Boolean(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_suggestion_counts_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'status', 'channel', 'category_id', 'reject_reason', 'reply_held', 'reply_published', 'is_public', 'slot', name=op.f('pk_suggestion_counts'))
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestions_round_id'))
        batch_op.create_index('ix_suggestions_round_category_created', ['round_id', 'category_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_suggestions_round_channel_created', ['round_id', 'channel', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_suggestions_round_created', ['round_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_suggestions_round_public_seconds', ['round_id', 'is_public', 'second_count', 'id'], unique=False)
        batch_op.create_index('ix_suggestions_referred_unanswered', ['round_id', 'id'], unique=False, postgresql_where=sa.text(REFERRED_UNANSWERED), sqlite_where=sa.text(REFERRED_UNANSWERED))
        batch_op.create_index('ix_suggestions_round_status_created', ['round_id', 'status', 'created_at', 'id'], unique=False)
    # The suggestions already there, counted once (slot 0); every change from now on adds to the counts.
    op.execute(
        """
        INSERT INTO suggestion_counts
            (round_id, status, channel, category_id, reject_reason, reply_held, reply_published, is_public, slot, count)
        SELECT round_id, status, channel, COALESCE(category_id, 0), COALESCE(reject_reason, ''),
               reply <> '' AND reply_published_at IS NULL, reply_published_at IS NOT NULL, is_public, 0, count(*)
        FROM suggestions
        GROUP BY round_id, status, channel, COALESCE(category_id, 0), COALESCE(reject_reason, ''),
                 reply <> '' AND reply_published_at IS NULL, reply_published_at IS NOT NULL, is_public
        """
    )



def downgrade():
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestions_round_status_created')
        batch_op.drop_index('ix_suggestions_round_public_seconds')
        batch_op.drop_index('ix_suggestions_referred_unanswered')
        batch_op.drop_index('ix_suggestions_round_created')
        batch_op.drop_index('ix_suggestions_round_channel_created')
        batch_op.drop_index('ix_suggestions_round_category_created')
        batch_op.create_index(batch_op.f('ix_suggestions_round_id'), ['round_id'], unique=False)

    op.drop_table('suggestion_counts')
