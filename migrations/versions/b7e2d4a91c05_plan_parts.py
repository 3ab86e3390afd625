"""A plan's parts (板块), its numbering, and whether 送审稿 needs lead leaders

Revision ID: b7e2d4a91c05
Revises: 7b2e9d4f1a60
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2d4a91c05'
down_revision = '7b2e9d4f1a60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_parts_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_parts'))
    )
    with op.batch_alter_table('plan_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_parts_plan_id'), ['plan_id'], unique=False)
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('numbering', sa.Enum('continuous', 'within_parts', name='numbering', native_enum=False, length=20), server_default='continuous', nullable=False))
        batch_op.add_column(sa.Column('requires_lead_leader', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('key_projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_key_projects_part_id'), ['part_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_key_projects_part_id_plan_parts'), 'plan_parts', ['part_id'], ['id'])


def downgrade():
    with op.batch_alter_table('key_projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_key_projects_part_id_plan_parts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_key_projects_part_id'))
        batch_op.drop_column('part_id')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('requires_lead_leader')
        batch_op.drop_column('numbering')
    with op.batch_alter_table('plan_parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_parts_plan_id'))
    op.drop_table('plan_parts')
