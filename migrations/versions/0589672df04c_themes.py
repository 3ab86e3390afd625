"""Themes: a round's suggestions grouped, kept as the office edits them

Revision ID: 0589672df04c
Revises: 5e1d7a3c9b42
Create Date: 2026-12-07 16:07:30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0589672df04c'
down_revision = '5e1d7a3c9b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('named_by_office', sa.Boolean(), nullable=False),
    sa.Column('kept', sa.Boolean(), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('centroid', sa.JSON(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('public_reply', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_themes_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes'))
    )
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_themes_round_id'), ['round_id'], unique=False)
    op.create_table('theme_members',
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('by_hand', sa.Boolean(), nullable=False),
    sa.Column('closeness', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_theme_members_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_theme_members_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('suggestion_id', name=op.f('pk_theme_members'))
    )
    with op.batch_alter_table('theme_members', schema=None) as batch_op:
        batch_op.create_index('ix_theme_members_theme_closeness', ['theme_id', 'closeness'], unique=False)
    op.create_table('theme_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_theme_runs_job_id_jobs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_theme_runs_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_runs'))
    )
    with op.batch_alter_table('theme_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_runs_round_id'), ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('theme_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_runs_round_id'))
    op.drop_table('theme_runs')
    with op.batch_alter_table('theme_members', schema=None) as batch_op:
        batch_op.drop_index('ix_theme_members_theme_closeness')
    op.drop_table('theme_members')
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_themes_round_id'))
    op.drop_table('themes')
