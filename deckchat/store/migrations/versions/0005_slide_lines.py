"""slide lines: where each line of a slide's text is drawn, for citation regions

Slides stored before this keep NULL: their decks show no regions until they are ingested again
(docs/ingestion.md says how). Measuring them here would mean rendering every deck inside a migration.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("slides") as batch:
        batch.add_column(sa.Column("lines", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("slides") as batch:
        batch.drop_column("lines")
