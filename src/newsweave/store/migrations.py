"""Named schema migrations, applied once each, in order, and recorded in the database.

A backend keeps one :class:`Migrations` list; each migration is a function registered with the
list's decorator and named by the function.  The backend records applied names in a
``_migrations`` table; :meth:`Migrations.pending` says which are still to run and refuses a
database that records a migration this version does not know (it was written by a newer
newsweave).  Never rename or edit a released migration: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Generic, TypeVar

from newsweave.errors import StoreError

__all__ = ["Migration", "Migrations"]

C = TypeVar("C")  # the backend's connection type


@dataclass(frozen=True, slots=True)
class Migration(Generic[C]):
    name: str
    apply: Callable[[C], None]


class Migrations(Generic[C]):
    """An ordered list of named migrations for one backend."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self._migrations: list[Migration[C]] = []

    def __call__(self, fn: Callable[[C], None]) -> Callable[[C], None]:
        """Register ``fn`` as the next migration, named ``fn.__name__``."""
        if any(m.name == fn.__name__ for m in self._migrations):
            raise ValueError(f"migration {fn.__name__} registered twice")
        self._migrations.append(Migration(fn.__name__, fn))
        return fn

    @property
    def names(self) -> list[str]:
        return [m.name for m in self._migrations]

    def pending(self, applied: Collection[str], *, location: str) -> list[Migration[C]]:
        """The migrations still to apply to a database that has ``applied``, in order."""
        unknown = sorted(set(applied) - set(self.names))
        if unknown:
            raise StoreError(
                f"{location} was written by a newer newsweave (schema migrations "
                f"{', '.join(unknown)} are unknown to this version); upgrade newsweave "
                "to open it"
            )
        return [m for m in self._migrations if m.name not in applied]
