"""The district's name, emblem, organiser and contact, as the office sets them for the public pages

Revision ID: 5d1e7a3c9f42
Revises: a4d7e2c9f1b3
Create Date: 2026-12-07 07:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7a3c9f42'
down_revision = 'a4d7e2c9f1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('district_name', sa.String(length=100), nullable=False),
        sa.Column('organiser', sa.String(length=200), nullable=False),
        sa.Column('contact', sa.String(length=200), nullable=False),
        sa.Column('emblem_key', sa.String(length=64), nullable=True),
        sa.Column('emblem_content_type', sa.String(length=100), nullable=True),
        sa.CheckConstraint('id = 1', name=op.f('ck_site_settings_one_site_settings_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_settings')),
    )


def downgrade():
    op.drop_table('site_settings')
