"""cv builder: CVs, photos, share links

Revision ID: cv_builder_0001
Revises:
Create Date: 2026-11-23 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "cv_builder_0001"
down_revision = None
branch_labels = ("cv_builder",)
depends_on = "0001_initial"  # user_account comes from the host


def upgrade():
    op.create_table(
        "cv_builder_cv",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("template", sa.String(length=20), nullable=False),
        sa.Column("paper", sa.String(length=10), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_cv_builder_cv_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cv_builder_cv")),
    )
    with op.batch_alter_table("cv_builder_cv", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cv_builder_cv_user_id"), ["user_id"], unique=False)

    op.create_table(
        "cv_builder_photo",
        sa.Column("cv_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("mimetype", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cv_id"],
            ["cv_builder_cv.id"],
            name=op.f("fk_cv_builder_photo_cv_id_cv_builder_cv"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cv_id", name=op.f("pk_cv_builder_photo")),
    )

    op.create_table(
        "cv_builder_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cv_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("view_count", sa.Integer(), nullable=False),
        sa.Column("last_viewed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cv_id"],
            ["cv_builder_cv.id"],
            name=op.f("fk_cv_builder_share_cv_id_cv_builder_cv"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cv_builder_share")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_cv_builder_share_token_hash")),
    )
    with op.batch_alter_table("cv_builder_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cv_builder_share_cv_id"), ["cv_id"], unique=False)


def downgrade():
    with op.batch_alter_table("cv_builder_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cv_builder_share_cv_id"))
    op.drop_table("cv_builder_share")
    op.drop_table("cv_builder_photo")
    with op.batch_alter_table("cv_builder_cv", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cv_builder_cv_user_id"))
    op.drop_table("cv_builder_cv")
