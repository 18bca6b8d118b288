"""A title's cast from the loaded IMDb datasets, in billing order."""

from __future__ import annotations

import logging

import sqlalchemy

from wos.imdb import tables
from wos.scraping import specs

logger = logging.getLogger(__name__)

# The principals' categories of people who appear on screen.
CAST_CATEGORIES = ("actor", "actress", "self")


def read_cast(db: sqlalchemy.Engine, title_id: str, *, keep: int) -> list[specs.CastMember]:
    """The first ``keep`` cast members of the title; empty when the tables lack the title."""
    if not sqlalchemy.inspect(db).has_table(tables.imdb_principals.name):
        return []
    principals, people = tables.imdb_principals, tables.imdb_people
    query = (
        sqlalchemy.select(principals.c.person_id, principals.c.characters, people.c.name)
        .select_from(principals.outerjoin(people, people.c.person_id == principals.c.person_id))
        .where(principals.c.title_id == title_id)
        .where(principals.c.category.in_(CAST_CATEGORIES))
        .order_by(principals.c.ordering)
    )
    with db.connect() as connection:
        rows = connection.execute(query).all()

    # A person missing from name.basics has no display name to give their cast folder.
    cast: list[specs.CastMember] = []
    for row in rows:
        if row.name is None:
            logger.warning("%s of %s is not in imdb_people; skipping", row.person_id, title_id)
            continue
        cast.append(
            specs.CastMember(
                name=row.name,
                person_id=row.person_id,
                character=" / ".join(row.characters) if row.characters else None,
                billing_order=len(cast) + 1,
            )
        )
        if len(cast) == keep:
            break
    return cast
