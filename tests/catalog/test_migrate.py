"""catalog.migrate: migrations from scratch match the models; reference data is synced."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from catalog import db
from catalog.migrate import migrate
from catalog.models import Base, FormerProvince, Province


def test_migrations_from_scratch_build_exactly_the_models(catalog_url):
    migrate(catalog_url)
    engine = db.get_engine(catalog_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert "alembic_version" in inspect(engine).get_table_names()


def test_migrate_is_idempotent_and_loads_provinces(catalog_url):
    migrate(catalog_url)
    migrate(catalog_url)
    with db.session(catalog_url) as session:
        assert session.scalar(select(func.count()).select_from(Province)) == 34
        merged = session.scalars(select(FormerProvince.name).join(Province).where(Province.name == "Hải Phòng")).all()
    assert merged == ["Hải Dương"]
