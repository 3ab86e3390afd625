"""Near-duplicate suggestions: MinHash bands and groups of near-copies

Revision ID: 7b2e9d4f1a60
Revises: 4d6a1c8e2f30
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2e9d4f1a60'
down_revision = '4d6a1c8e2f30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'suggestion_bands',
        sa.Column('suggestion_id', sa.Integer(), nullable=False),
        sa.Column('band', sa.SmallInteger(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('suggestion_id', 'band'),
    )
    op.create_index('ix_suggestion_bands_lookup', 'suggestion_bands', ['round_id', 'bucket'], unique=False)
    op.create_table(
        'near_duplicates',
        sa.Column('suggestion_id', sa.Integer(), nullable=False),
        sa.Column('original_id', sa.Integer(), nullable=False),
        sa.Column('similarity', sa.Double(), nullable=False),
        sa.Column('found_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['original_id'], ['suggestions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('suggestion_id'),
    )
    op.create_index(op.f('ix_near_duplicates_original_id'), 'near_duplicates', ['original_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_near_duplicates_original_id'), table_name='near_duplicates')
    op.drop_table('near_duplicates')
    op.drop_index('ix_suggestion_bands_lookup', table_name='suggestion_bands')
    op.drop_table('suggestion_bands')
