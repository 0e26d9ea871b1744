"""course price and enrollment price_paid

Revision ID: c57a2e9b0f18
Revises: 9e41f7a6c3d0
Create Date: 2024-02-20 09:41:07.112468

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c57a2e9b0f18"
down_revision: Union[str, None] = "9e41f7a6c3d0"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN on SQLite (no table rebuild): a constant default keeps NOT NULL legal.
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("price", sa.Numeric(precision=10, scale=2), server_default="0", nullable=False))

    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("price_paid", sa.Numeric(precision=10, scale=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_column("price_paid")

    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("price")
