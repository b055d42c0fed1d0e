"""The sign-in backend: Django's, with the user's organisation and unread notification count read in the same query
on every request.

Every page shows the organisation's name and the unread count in the header and every view checks the organisation,
so loading them with the user saves two queries per request. The query is written out once per connection: on
every request the ORM took longer to build it than the database took to answer it. Its values go through the
same converters the ORM applies (`DatabaseOperations.get_db_converters` and each field's own), so the user and the
organisation are what `User.objects.select_related("organisation").get(pk=…)` gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast
from weakref import WeakKeyDictionary

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from kyodo.web.accounts.models import Organisation, User

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True, slots=True)
class _Columns:
    """One model's columns in the query: the attribute names and, per column, the converters and the column."""

    model: type[Model]
    names: tuple[str, ...]
    converters: tuple[tuple[tuple[Converter, ...], Any], ...]

    @classmethod
    def of(cls, model: type[Model], connection: BaseDatabaseWrapper) -> _Columns:
        fields = model._meta.concrete_fields
        columns = [f.get_col(model._meta.db_table) for f in fields]
        return cls(
            model,
            tuple(f.attname for f in fields),
            tuple(
                (tuple(connection.ops.get_db_converters(c) + c.get_db_converters(connection)), c) for c in columns
            ),
        )

    def build(self, values: Sequence[Any], connection: BaseDatabaseWrapper) -> Model:
        converted = []
        for value, (converters, column) in zip(values, self.converters, strict=True):
            for convert in converters:
                value = convert(value, column, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, self.names, converted)


@dataclass(frozen=True, slots=True)
class _Query:
    sql: str
    user: _Columns
    organisation: _Columns

    @classmethod
    def of(cls, connection: BaseDatabaseWrapper) -> _Query:
        from kyodo.web.portal.context import unread_sql

        q = connection.ops.quote_name
        users, organisations = User._meta.db_table, Organisation._meta.db_table
        selected = [f"{q(users)}.{q(f.column)}" for f in User._meta.concrete_fields]
        selected += [f"{q(organisations)}.{q(f.column)}" for f in Organisation._meta.concrete_fields]
        organisation_fk = User._meta.get_field("organisation").column
        sql = (
            f"SELECT {', '.join(selected)}, ({unread_sql(users)}) FROM {q(users)}"
            f" LEFT OUTER JOIN {q(organisations)}"
            f" ON {q(organisations)}.{q(Organisation._meta.pk.column)} = {q(users)}.{q(organisation_fk)}"
            f" WHERE {q(users)}.{q(User._meta.pk.column)} = %s"
        )
        return cls(sql, _Columns.of(User, connection), _Columns.of(Organisation, connection))


_QUERIES: WeakKeyDictionary[BaseDatabaseWrapper, _Query] = WeakKeyDictionary()  # a connection per thread


def read_user(user_id: Any) -> User | None:
    """The user with its organisation (or None) and `unread_at_start`, in one query; None if there is no such
    user."""
    connection = connections[router.db_for_read(User)]
    query = _QUERIES.get(connection)
    if query is None:
        query = _QUERIES[connection] = _Query.of(connection)
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [User._meta.pk.get_db_prep_value(user_id, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(query.user.names)
    user = cast(User, query.user.build(row[:split], connection))
    organisation = row[split : split + len(query.organisation.names)]
    user.organisation = (  # cached on the user: reading it makes no query
        query.organisation.build(organisation, connection) if user.organisation_id is not None else None
    )
    user.unread_at_start = row[-1]  # type: ignore[attr-defined]
    return user


class OrganisationModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = read_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
