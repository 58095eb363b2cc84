"""The facts listing index also holds region and period.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

``Ledger.facts(indicator=..., region=..., period=...)`` walks the facts of
the indicator in document order (revision 0004) and keeps those of the
region and period. Those two were read from the table, a row at a time: on
a ledger of a million facts a region with few figures of the indicator made
SQLite visit thousands of large rows (the sentence is in each), 20-40 ms
with the file cached and a second without. With the two columns at the end
of the index they are checked in the index itself (3-5 ms). Generic DDL.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ORDER = ["indicator", "doc", "doc_id", "start", "end", "id"]


def upgrade() -> None:
    op.drop_index("ix_facts_indicator_order", table_name="facts")
    op.create_index("ix_facts_indicator_order", "facts", [*_ORDER, "region", "period"])


def downgrade() -> None:
    op.drop_index("ix_facts_indicator_order", table_name="facts")
    op.create_index("ix_facts_indicator_order", "facts", _ORDER)
