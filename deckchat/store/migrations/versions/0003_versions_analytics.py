"""versions and analytics: deck versions, replacement jobs, slide views, questions

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("decks") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("replacement", sa.JSON(), nullable=True))
    op.create_table(
        "slide_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deck_id", sa.String(length=32), nullable=False),
        sa.Column("slide", sa.Integer(), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["deck_id"], ["decks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deck_id", "slide"),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deck_id", sa.String(length=32), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("slide", sa.Integer(), nullable=True),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deck_id"], ["decks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_questions_deck_id"), "questions", ["deck_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_questions_deck_id"), table_name="questions")
    op.drop_table("questions")
    op.drop_table("slide_views")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("replacement")
    with op.batch_alter_table("decks") as batch:
        batch.drop_column("version")
