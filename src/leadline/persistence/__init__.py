"""Storage: the only package that imports SQLAlchemy. Rows, repositories, unit of work, migrations."""
