"""Errors newsweave raises for its users: each says what was wrong, where, and what to do."""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base of every error meant for a user.  The CLI prints these without a traceback."""


class ConfigError(NewsweaveError, ValueError):
    """An option or setting has a value newsweave cannot use."""


class InputError(NewsweaveError):
    """A file or record could not be read.  Names the place: ``path``, ``line`` or ``record``."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        record: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.record = record
        super().__init__(self.where + message)

    @property
    def where(self) -> str:
        parts = []
        if self.path:
            parts.append(self.path + (f":{self.line}" if self.line is not None else ""))
        if self.record:
            parts.append(f"record {self.record}")
        return (", ".join(parts) + ": ") if parts else ""


class StoreError(NewsweaveError):
    """The store cannot be opened, migrated or written."""


class NotFoundError(NewsweaveError, KeyError):
    """An id names nothing in the store."""

    def __str__(self) -> str:  # KeyError quotes its message; users should not see that
        return str(self.args[0]) if self.args else "not found"


class MissingDependencyError(NewsweaveError, ImportError):
    """An optional extra is needed: says which, and the pip command that installs it."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(f"{feature} needs the '{extra}' extra: pip install 'newsweave[{extra}]'")
