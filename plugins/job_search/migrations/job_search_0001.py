"""job search: offers, change feed, imports, saved offers and searches

Revision ID: job_search_0001
Revises:
Create Date: 2026-11-22 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "job_search_0001"
down_revision = None
branch_labels = ("job_search",)
depends_on = "0001_initial"  # user_account comes from the host


def upgrade():
    op.create_table(
        "job_search_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=80), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rome_code", sa.String(length=5), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("company_siret", sa.String(length=14), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("postal_code", sa.String(length=5), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("contract_type", sa.String(length=20), nullable=False),
        sa.Column("contract_months", sa.Integer(), nullable=True),
        sa.Column("working_time", sa.String(length=10), nullable=True),
        sa.Column("experience", sa.String(length=10), nullable=True),
        sa.Column("salary_text", sa.String(length=200), nullable=False),
        sa.Column("salary_min", sa.Float(), nullable=True),
        sa.Column("salary_max", sa.Float(), nullable=True),
        sa.Column("salary_period", sa.String(length=10), nullable=True),
        sa.Column("salary_monthly", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=40), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("completeness", sa.Integer(), nullable=False),
        sa.Column("dedup_title", sa.String(length=200), nullable=False),
        sa.Column("dedup_company", sa.String(length=200), nullable=False),
        sa.Column("canonical_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_reason", sa.String(length=200), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["canonical_id"],
            ["job_search_offer.id"],
            name=op.f("fk_job_search_offer_canonical_id_job_search_offer"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_search_offer")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_job_search_offer_source")),
    )
    op.create_index("ix_job_search_offer_change_seq", "job_search_offer", ["change_seq"])
    op.create_index("ix_job_search_offer_canonical_id", "job_search_offer", ["canonical_id"])
    feed = op.create_table(
        "job_search_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_search_feed")),
    )
    # The change feed's one row, so that imports only ever lock it, never race to insert it.
    op.bulk_insert(feed, [{"id": 1, "seq": 0}])
    op.create_table(
        "job_search_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("rejections", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_search_import")),
    )
    op.create_table(
        "job_search_saved_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_job_search_saved_offer_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["job_search_offer.id"],
            name=op.f("fk_job_search_saved_offer_offer_id_job_search_offer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_search_saved_offer")),
        sa.UniqueConstraint("user_id", "offer_id", name=op.f("uq_job_search_saved_offer_user_id")),
    )
    op.create_index("ix_job_search_saved_offer_user_id", "job_search_saved_offer", ["user_id"])
    op.create_table(
        "job_search_saved_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("alert", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_alert_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_job_search_saved_search_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_search_saved_search")),
    )
    op.create_index("ix_job_search_saved_search_user_id", "job_search_saved_search", ["user_id"])


def downgrade():
    op.drop_table("job_search_saved_search")
    op.drop_table("job_search_saved_offer")
    op.drop_table("job_search_import")
    op.drop_table("job_search_feed")
    op.drop_table("job_search_offer")
