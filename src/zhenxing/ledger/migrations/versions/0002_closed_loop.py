"""Closed loop: corrections of facts, target assignments, verdict overrides and the audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-01

Written by hand like 0001: generic types, explicit names, no backend-specific
SQL. All four tables are append-only (a change adds a row; the newest row of a
key is its current state) and have no foreign keys, on purpose: a correction
is keyed by document id and figure span so that it outlives the fact rows that
re-extraction deletes and recreates, and targets are keyed by the tracking
stage's observation key. Times are fixed-width UTC ISO 8601 text.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from zhenxing.ledger.models import exact_text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fact_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_id", exact_text(64), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("fact_id", exact_text(64), nullable=False),
        sa.Column("action", exact_text(16), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.Column("actor", exact_text(128), nullable=False),
        sa.Column("reason", exact_text(), nullable=False),
        sa.Column("at", exact_text(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fact_corrections"),
    )
    op.create_index("ix_fact_corrections_span", "fact_corrections", ["doc_id", "start", "end"])
    op.create_index("ix_fact_corrections_fact_id", "fact_corrections", ["fact_id"])

    op.create_table(
        "target_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_key", exact_text(255), nullable=False),
        sa.Column("owner", exact_text(), nullable=True),
        sa.Column("due", exact_text(10), nullable=True),
        sa.Column("actor", exact_text(128), nullable=False),
        sa.Column("reason", exact_text(), nullable=True),
        sa.Column("at", exact_text(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_target_assignments"),
    )
    op.create_index("ix_target_assignments_target_key", "target_assignments", ["target_key"])

    op.create_table(
        "verdict_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_key", exact_text(255), nullable=False),
        sa.Column("status", exact_text(16), nullable=True),
        sa.Column("reason", exact_text(), nullable=False),
        sa.Column("actor", exact_text(128), nullable=False),
        sa.Column("at", exact_text(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_verdict_overrides"),
    )
    op.create_index("ix_verdict_overrides_target_key", "verdict_overrides", ["target_key"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", exact_text(32), nullable=False),
        sa.Column("actor", exact_text(128), nullable=False),
        sa.Column("action", exact_text(32), nullable=False),
        sa.Column("entity_type", exact_text(16), nullable=False),
        sa.Column("entity_id", exact_text(255), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", exact_text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_entity_id", "audit_log", ["entity_id"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("verdict_overrides")
    op.drop_table("target_assignments")
    op.drop_table("fact_corrections")
