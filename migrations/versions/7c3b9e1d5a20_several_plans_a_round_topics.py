"""Several plans a round, rounds without solicitation, topics (点题)

Revision ID: 7c3b9e1d5a20
Revises: b7c3e9a1d5f2
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3b9e1d5a20'
down_revision = 'b7c3e9a1d5f2'
branch_labels = None
depends_on = None


def upgrade():
    # A round holds several named plans: the one-plan-a-round constraint goes, an index stays, titles differ.
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('uq_plans_round_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_plans_round_id'), ['round_id'], unique=False)
        batch_op.create_unique_constraint('uq_plans_round_title', ['round_id', 'title'])
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('solicits', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('expected_result', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'withdrawn', name='topicstatus', native_enum=False, length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_topics_category_id_categories')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_topics_round_id_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics'))
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topics_round_id'), ['round_id'], unique=False)
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_proposals_topic_id'), ['topic_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_proposals_topic_id_topics'), 'topics', ['topic_id'], ['id'])


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_topic_id_topics'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_proposals_topic_id'))
        batch_op.drop_column('topic_id')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topics_round_id'))
    op.drop_table('topics')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('solicits')
    # Back to one plan a round: fails while a round holds several, which the office must merge first.
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('uq_plans_round_title', type_='unique')
        batch_op.drop_index(batch_op.f('ix_plans_round_id'))
        batch_op.create_unique_constraint('uq_plans_round_id', ['round_id'])
