"""The Parquet output of a run: one table per model type, its schema derived from the model.

Each table holds one model type (:mod:`newsweave.model`), one row per object, one column per
dataclass field, nested as the model nests: a :class:`~newsweave.model.Span` is a struct
``{article_id, start, end}``, a tuple is a list, an enum its value, a datetime its ISO 8601 text
as the article gave it (offset included).  Types that have an ``id`` property but no such field
(reuse links, quotes) get an ``id`` column too.  So the schema follows the model as it grows, and
:func:`to_row`/:func:`from_row` are exact inverses; ``newsweave import`` reads the tables back
into model objects with them.

=============  ==========================  ===================================================
table          one row per                 model type
=============  ==========================  ===================================================
articles       clean article               :class:`~newsweave.model.Article`
sentences      sentence of an article      :class:`~newsweave.model.Sentence`
reuse_links    pair of articles sharing    :class:`~newsweave.model.ReuseLink`
               text
stories        story                       :class:`~newsweave.model.Story`
summaries      story summary               :class:`~newsweave.model.Summary`
quotes         quotation in an article     :class:`~newsweave.model.Quote`
entities       person/organisation/place   :class:`~newsweave.model.Entity`
rejections     input record not used       ``origin``, ``reason``, ``step``
=============  ==========================  ===================================================
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union

import pyarrow as pa

from newsweave.errors import ConfigError
from newsweave.ingest import Rejection
from newsweave.model import (
    Article,
    Entity,
    Quote,
    ReuseLink,
    Sentence,
    Story,
    Summary,
    to_dict,
)

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "Table",
    "arrow_schema",
    "from_row",
    "rejection_row",
    "to_row",
]

T = TypeVar("T")

# Bumped when a column changes meaning or type (adding a model field adds a column: no bump).
SCHEMA_VERSION = 1


@dataclasses.dataclass(frozen=True, slots=True)
class Table:
    """A Parquet table of a run's output: its folder name and the model type of its rows."""

    name: str
    model: type
    description: str


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("articles", Article, "clean articles, deduplicated by id"),
        Table("sentences", Sentence, "sentences of each article, offsets into its text"),
        Table("reuse_links", ReuseLink, "pairs of articles that share text, with passages"),
        Table("stories", Story, "articles about one event"),
        Table("summaries", Summary, "one cited summary per story"),
        Table("quotes", Quote, "who said what, as spans of an article"),
        Table("entities", Entity, "people, organisations and places with their mentions"),
        Table("rejections", Rejection, "input records that did not become articles, and why"),
    )
}
_WITH_ID = (ReuseLink, Quote)  # an ``id`` property worth a column


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
        raise ConfigError(f"cannot map {hint} to a Parquet type")  # pragma: no cover
    return hint, False


def _arrow_type(hint: Any) -> pa.DataType:
    hint, _ = _unwrap_optional(hint)
    if hint is str or (isinstance(hint, type) and issubclass(hint, Enum)):
        return pa.string()
    if hint is bool:
        return pa.bool_()
    if hint is int:
        return pa.int64()
    if hint is float:
        return pa.float64()
    if hint is datetime:
        return pa.string()  # ISO 8601 as written: keeps the outlet's UTC offset
    if dataclasses.is_dataclass(hint):
        return pa.struct(_fields(hint))  # type: ignore[arg-type]
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return pa.list_(_arrow_type(args[0]))
        if len(set(args)) == 1:  # a fixed pair such as (start, end)
            return pa.list_(_arrow_type(args[0]))
    raise ConfigError(f"cannot map {hint} to a Parquet type")  # pragma: no cover


def _fields(cls: type) -> list[pa.Field]:
    hints = _hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        _, optional = _unwrap_optional(hints[f.name])
        out.append(pa.field(f.name, _arrow_type(hints[f.name]), nullable=optional))
    return out


@cache
def arrow_schema(name: str) -> pa.Schema:
    """The Parquet schema of table ``name`` (see :data:`TABLES`)."""
    table = TABLES[name]
    fields = _fields(table.model)
    if table.model in _WITH_ID:
        fields.insert(0, pa.field("id", pa.string(), nullable=False))
    if table.model is Rejection:
        fields.append(pa.field("step", pa.string(), nullable=False))
    if table.model is Entity:  # an entity is written once per story it is mentioned in
        fields.append(pa.field("story_id", pa.string(), nullable=False))
    return pa.schema(fields, metadata={"newsweave.schema_version": str(SCHEMA_VERSION)})


def to_row(obj: Any) -> dict[str, Any]:
    """The Parquet row of a model object (nested dicts and lists, as :func:`to_dict`)."""
    row: dict[str, Any] = to_dict(obj)
    if isinstance(obj, _WITH_ID):
        row = {"id": obj.id, **row}
    return row


def rejection_row(rejection: Rejection, step: str) -> dict[str, Any]:
    return {"origin": rejection.origin, "reason": rejection.reason, "step": step}


def from_row(cls: type[T], row: Mapping[str, Any]) -> T:
    """The model object of a Parquet row (inverse of :func:`to_row`; extra columns ignored)."""
    return typing.cast(T, _value(cls, row))


def _value(hint: Any, value: Any) -> Any:
    hint, _ = _unwrap_optional(hint)
    if value is None:
        return None
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        hints = _hints(hint)
        kwargs = {
            f.name: _value(hints[f.name], value[f.name])
            for f in dataclasses.fields(hint)
            if f.name in value
        }
        return hint(**kwargs)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], v) for v in value)
        return tuple(_value(a, v) for a, v in zip(args, value, strict=True))
    if hint is float:
        return float(value)
    if hint is int:
        return int(value)
    return value
