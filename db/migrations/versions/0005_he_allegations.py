"""allegations: category, told, hold, support, outcome; children and timeline steps

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:28:47.498495

Allegations get what issue 13 records: the category (only an allegation of harm
holds the household), who said it and who has been told, the hold and its
lifting by a manager's decision, the carers' support, and the outcome. Rows
already in the store were all holds (holds.py read every open allegation as
one), so ``on_hold`` defaults to true. The children concerned or placed (with
each placed child's safety decision) and the timeline's due steps get tables.
Each part is skipped when present, like 0002 and 0003: a 0001 regenerated from
today's models (before release) already holds them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate may name sqlmodel types
from alembic import op


revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    if "allegation_children" not in tables:
        _children()
    if "allegation_steps" not in tables:
        _steps()
    if "on_hold" not in {c["name"] for c in inspector.get_columns("allegations")}:
        _allegation_columns()


def _children() -> None:
    op.create_table('allegation_children',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('allegation_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('concerned', sa.Boolean(), nullable=False),
    sa.Column('placed', sa.Boolean(), nullable=False),
    sa.Column('safety', sa.String(length=32), nullable=True),
    sa.Column('safety_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['allegation_id'], ['allegations.id'], name=op.f('fk_allegation_children_allegation_id_allegations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_allegation_children_child_id_children')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allegation_children')),
    sa.UniqueConstraint('allegation_id', 'child_id', name=op.f('uq_allegation_children_allegation_id'))
    )
    with op.batch_alter_table('allegation_children', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allegation_children_child_id'), ['child_id'], unique=False)



def _steps() -> None:
    op.create_table('allegation_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('allegation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('delay_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['allegation_id'], ['allegations.id'], name=op.f('fk_allegation_steps_allegation_id_allegations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_allegation_steps_done_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allegation_steps')),
    sa.UniqueConstraint('allegation_id', 'kind', 'seq', name=op.f('uq_allegation_steps_allegation_id'))
    )
    with op.batch_alter_table('allegation_steps', schema=None) as batch_op:
        batch_op.create_index('ix_allegation_steps_open_due', ['done_at', 'due_on'], unique=False)



def _allegation_columns() -> None:
    with op.batch_alter_table('allegations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=32), server_default='harm', nullable=False))
        batch_op.add_column(sa.Column('said_by', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('told', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('on_hold', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('hold_lifted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('hold_lifted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hold_decision', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('carers_told_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('carers_support', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('outcome_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('outcome_rationale', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('approval_review_needed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('approval_review_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_allegations_hold_lifted_by_id_users'), 'users', ['hold_lifted_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_allegations_closed_by_id_users'), 'users', ['closed_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('allegations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_allegations_closed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_allegations_hold_lifted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('approval_review_on')
        batch_op.drop_column('approval_review_needed')
        batch_op.drop_column('outcome_rationale')
        batch_op.drop_column('outcome_on')
        batch_op.drop_column('carers_support')
        batch_op.drop_column('carers_told_at')
        batch_op.drop_column('hold_decision')
        batch_op.drop_column('hold_lifted_by_id')
        batch_op.drop_column('hold_lifted_at')
        batch_op.drop_column('on_hold')
        batch_op.drop_column('told')
        batch_op.drop_column('said_by')
        batch_op.drop_column('category')

    with op.batch_alter_table('allegation_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_allegation_steps_open_due')

    op.drop_table('allegation_steps')
    with op.batch_alter_table('allegation_children', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allegation_children_child_id'))

    op.drop_table('allegation_children')
