"""The ranking kept: standings and experts' biases, recomputed when a review or a conflict changes

Revision ID: 5e1d7a3c9b42
Revises: 7c3b9e1d5a20
Create Date: 2026-12-07 16:30:00.000000

"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa

# Pure arithmetic with no models or database: what the services compute the standings with.
from review.scoring import standings


# revision identifiers, used by Alembic.
revision = '5e1d7a3c9b42'
down_revision = '7c3b9e1d5a20'
branch_labels = None
depends_on = None

SUBMITTED_REVIEWS = """
    SELECT p.round_id, a.proposal_id, a.expert_id, r.total, c.id IS NOT NULL, r.recommendation
    FROM reviews r
    JOIN assignments a ON a.id = r.assignment_id
    JOIN proposals p ON p.id = a.proposal_id
    LEFT JOIN conflicts c ON c.expert_id = a.expert_id AND c.proposal_id = a.proposal_id AND c.status <> 'dismissed'
    WHERE r.status = 'submitted'
"""


def upgrade():
    standings_table = op.create_table('standings',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('mean', sa.Double(), nullable=True),
    sa.Column('median', sa.Double(), nullable=True),
    sa.Column('stdev', sa.Double(), nullable=True),
    sa.Column('spread', sa.Double(), nullable=True),
    sa.Column('trimmed', sa.Double(), nullable=True),
    sa.Column('calibrated', sa.Double(), nullable=True),
    sa.Column('excluded', sa.Integer(), nullable=False),
    sa.Column('recommendations', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_standings_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_standings_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_standings'))
    )
    with op.batch_alter_table('standings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standings_round_id'), ['round_id'], unique=False)
    biases_table = op.create_table('expert_biases',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('bias', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_expert_biases_expert_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_expert_biases_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'expert_id', name=op.f('pk_expert_biases'))
    )
    # The rounds reviewed before: their standings computed once; every change from now on recomputes its round's.
    by_round = defaultdict(list)
    for round_id, *review in op.get_bind().execute(sa.text(SUBMITTED_REVIEWS)):
        by_round[round_id].append(review)
    for round_id, reviews in by_round.items():
        aggregates, biases = standings(reviews)
        op.bulk_insert(standings_table, [values | {'proposal_id': p, 'round_id': round_id} for p, values in aggregates.items()])
        op.bulk_insert(biases_table, [{'round_id': round_id, 'expert_id': e, 'bias': b} for e, b in biases.items()])


def downgrade():
    op.drop_table('expert_biases')
    with op.batch_alter_table('standings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standings_round_id'))
    op.drop_table('standings')
