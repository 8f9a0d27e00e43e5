"""The web application: thin FastAPI routes that call a view function and render HTML or JSON.

Every page has a JSON twin from the same view function (``/stories.json``, ``/story/{id}.json``,
``/article/{id}.json``, ``/search.json?q=``, ``/articles.json``), documented in ``/openapi.json``
and on the ``/api`` page.  Pages are server-rendered and complete without JavaScript; the one
script only makes citation markers open their evidence in place.

The app only reads: it calls read methods of the store, one store per worker thread (a SQLite
connection belongs to the thread that opened it).  Article text is data, never markup: Jinja
autoescaping is on for every template, and a strict Content-Security-Policy allows no inline
script or style.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import re
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsweave import __version__
from newsweave.errors import ConfigError, NotFoundError, StoreError
from newsweave.store import Store, open_store
from newsweave.web import views
from newsweave.web.cache import DEFAULT_BUDGET_BYTES, PageCache
from newsweave.web.highlight import REUSE_KINDS, paragraph_pieces

__all__ = ["app_from_environment", "create_app"]

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
ARTICLE_ID = r"^[0-9a-f]{16}$"  # Article.build and Story.make_id: 16 hex digits
ENTITY_REF = r"^[^\x00-\x1f\x7f]{1,200}$"  # an entity id, or a name typed in the filter form
MAX_TEXT_PARAM = 200
CARRIERS_SHOWN = 12  # articles linked under a statement on a page (the JSON lists them all)
STATEMENTS_OPEN = 3  # statements shown per speaker; the rest sit in a <details> under them
SPEAKERS_OPEN = 8  # speakers shown on a story page; the less quoted sit in a <details> below
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# How `newsweave serve --workers N` hands its options to the worker processes it starts.
SERVE_DB_ENV = "NEWSWEAVE_SERVE_DB"
SERVE_CACHE_ENV = "NEWSWEAVE_SERVE_CACHE_BYTES"


class SecurityHeaders:
    """ASGI middleware adding the security headers to every response (errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                if b"cache-control" not in present:
                    static = scope.get("path", "").startswith("/static/")
                    cache = "public, max-age=3600" if static else "no-cache"
                    headers.append((b"cache-control", cache.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class VersionProbe:
    """The store's data version, always read through one store on one thread.

    SQLite's data version only compares between two reads of one connection, and a connection
    belongs to its thread; request threads come and go, so the cache asks this one instead.
    """

    def __init__(self, factory: Callable[[], Store]) -> None:
        self._factory = factory
        self._store: Store | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsweave-probe")

    def _read(self) -> int:
        if self._store is None:
            self._store = self._factory()
        return self._store.data_version()

    async def data_version(self) -> int:
        return await asyncio.wrap_future(self._thread.submit(self._read))

    def close(self) -> None:
        def close_store() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._thread.submit(close_store).result()
        self._thread.shutdown()


class ThreadStores:
    """One store per thread, opened on first use by ``factory`` (shared when it returns one)."""

    def __init__(self, factory: Callable[[], Store]) -> None:
        self._factory = factory
        self._local = threading.local()

    def get(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = self._factory()
            self._local.store = store
        return store


# --- rendering helpers (Jinja filters) --------------------------------------------------------


def http_url(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) URL that is safe to link to, else None."""
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def when(value: datetime | None) -> str:
    """``3 Mar 2025, 09:40`` in the time zone the article gave; the day alone at midnight
    (sources that give only a date are read as midnight)."""
    if value is None:
        return "undated"
    if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return day(value)
    return f"{value.day} {value:%b %Y, %H:%M}"


def day(value: datetime | date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value is not None else "undated"


def date_span(first: datetime | None, last: datetime | None) -> str:
    """``3–5 Mar 2025``, ``28 Feb – 2 Mar 2025``, or one day."""
    if first is None and last is None:
        return "undated"
    if first is None or last is None:
        return day(first or last)
    if first.date() == last.date():
        return day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{day(first)} – {day(last)}"


def iso(value: datetime | date | None) -> str:
    return value.isoformat() if value is not None else ""


def marked(text: str, ranges: tuple[tuple[int, int], ...]) -> Markup:
    """``text`` escaped, with ``<mark>`` around the given ``[start, end)`` ranges."""
    out: list[str] = []
    at = 0
    for start, end in sorted(ranges):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        out.append(str(escape(text[at:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


_QUOTE_MARKS = "\"'“”‘’«»„‚"


def quoted(text: str) -> str:
    """``text`` between curly quotes, unless it carries its own (a split quote keeps its marks)."""
    text = text.strip()
    if text[:1] in _QUOTE_MARKS and text[-1:] in _QUOTE_MARKS:
        return text
    return f"“{text}”"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


_FIELDS: dict[type, tuple[str, ...]] = {}


def plain(obj: Any) -> Any:
    """JSON-ready data for a view: what :func:`newsweave.model.to_dict` gives, faster (field
    names are looked up once per class; large story pages hold thousands of records)."""
    kind = type(obj)
    if kind in (str, int, float, bool) or obj is None:
        return obj
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(obj):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj))
    if names is not None:
        return {name: plain(getattr(obj, name)) for name in names}
    if isinstance(obj, tuple | list):
        return [plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    raise TypeError(f"not JSON serializable: {kind.__name__}")


def json_response(view: Any, status_code: int = 200) -> Response:
    body = json.dumps(plain(view), ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code=status_code, media_type="application/json")


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        when=when,
        day=day,
        span=date_span,
        iso=iso,
        http_url=http_url,
        marked=marked,
        plural=plural,
        quoted=quoted,
    )
    env.globals.update(
        version=__version__,
        urlencode=urlencode,
        reuse_kinds=REUSE_KINDS,
        carriers_shown=CARRIERS_SHOWN,
        statements_open=STATEMENTS_OPEN,
        speakers_open=SPEAKERS_OPEN,
    )
    return env


# --- request parsing --------------------------------------------------------------------------


def _blank(value: str | None) -> str | None:
    value = " ".join(value.split()) if value is not None else None
    return value or None


def _parse_day(value: str | None, name: str) -> date | None:
    value = _blank(value)
    if value is None:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name} must be a date written YYYY-MM-DD, not {value!r}") from None


def _is_json(request: Request) -> bool:
    path = request.url.path
    return path.endswith(".json") or path == "/openapi.json"


# --- the application --------------------------------------------------------------------------

IdParam = Annotated[str, PathParam(pattern=ARTICLE_ID, description="16 hex digits")]
PageParam = Annotated[int, Query(ge=1, le=views.MAX_PAGE, description="1-based page number")]
DayParam = Annotated[
    str | None,
    Query(max_length=10, description="A day, YYYY-MM-DD (the outlet's local date); blank: any"),
]
OutletParam = Annotated[
    str | None, Query(max_length=MAX_TEXT_PARAM, description="An outlet's exact name")
]
EntityParam = Annotated[
    str | None,
    Query(max_length=MAX_TEXT_PARAM, description="An entity id, or a name to look up"),
]
QueryParam = Annotated[
    str,
    Query(min_length=1, max_length=views.MAX_QUERY_CHARS, description="Words to search for"),
]


def create_app(
    store_factory: Callable[[], Store] | None = None,
    *,
    db: str | Path | None = None,
    cache_bytes: int = DEFAULT_BUDGET_BYTES,
) -> FastAPI:
    """The web app over the store ``db`` (a SQLite file), or over stores made by
    ``store_factory`` (called once per worker thread; it may return one shared store).

    Rendered pages are cached up to ``cache_bytes`` until the store's data changes (0: off).
    """
    if store_factory is None:
        location = db
        open_store(location, create=False).close()  # fail now, not on the first request

        def store_factory() -> Store:
            return open_store(location, create=False)

    stores = ThreadStores(store_factory)
    probe = VersionProbe(store_factory)
    cache = PageCache(cache_bytes)
    env = _templates()

    async def cached(request: Request, build: Callable[[Store], Response]) -> Response:
        """``build``'s response, from the cache while the store's data version holds.  Store
        reads and rendering run in the worker threads; a cache hit never leaves the loop but
        for the version check."""
        if not cache.enabled:
            return await run_in_threadpool(lambda: build(stores.get()))
        generation = cache.generation(await probe.data_version())
        key = cache.key(request)
        entry = cache.get(key, generation)
        if entry is None:
            response = await run_in_threadpool(lambda: build(stores.get()))
            entry = cache.put(key, generation, response)
            if entry is None:
                return response
        return cache.reply(request, entry)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        probe.close()

    app = FastAPI(
        lifespan=lifespan,
        title="newsweave",
        version=__version__,
        summary="Stories, cited summaries, quotes and who copied whom, from a newsweave store.",
        description=(
            "Every HTML page has a JSON twin built from the same data; this schema documents "
            "the JSON. The API only reads."
        ),
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; /api lists the API
        redoc_url=None,
    )
    app.state.page_cache = cache
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(
        request: Request, template: str, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        json_url = context.pop("json_url", None)
        html = env.get_template(template).render(
            request_path=request.url.path,
            query=context.pop("query", ""),
            json_url=json_url,
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    def _page_with_json(
        request: Request, template: str, json_path: str, json_params: dict[str, Any], **context: Any
    ) -> HTMLResponse:
        json_url = json_path + ("?" + urlencode(json_params) if json_params else "")
        return page(request, template, json_url=json_url, **context)

    def error(request: Request, status_code: int, message: str) -> Response:
        if _is_json(request):
            return json_response(
                {"error": {"status": status_code, "message": message}}, status_code
            )
        return page(request, "error.html", status_code, status=status_code, message=message)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return error(request, 404, str(exc))

    @app.exception_handler(ConfigError)
    async def bad_request(request: Request, exc: ConfigError) -> Response:
        return error(request, 400, str(exc))

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> Response:
        log.error("store error on %s: %s", request.url.path, exc)
        return error(request, 503, f"the store could not be read: {exc}")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = exc.errors()
        if any(p.get("loc", ("",))[0] == "path" for p in problems):
            return error(request, 404, f"no such page: {request.url.path} (ids are 16 hex digits)")
        text = "; ".join(
            f"{'.'.join(str(x) for x in p.get('loc', ())[1:])}: {p.get('msg', 'invalid')}"
            for p in problems
        )
        return error(request, 400, f"bad request: {text}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        return error(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return error(request, 500, "something went wrong on our side; the log has the details")

    # --- stories ------------------------------------------------------------------------------

    def stories_filters(
        since: str | None, until: str | None, outlet: str | None, entity: str | None, page_no: int
    ) -> views.StoryFilters:
        return views.StoryFilters(
            since=_parse_day(since, "from"),
            until=_parse_day(until, "to"),
            outlet=_blank(outlet),
            entity=_blank(entity),
            page=page_no,
        )

    @app.get(
        "/stories.json",
        response_model=views.StoriesView,
        summary="Stories, newest first",
        tags=["stories"],
    )
    async def stories_json(
        request: Request,
        since: DayParam = None,
        until: DayParam = None,
        outlet: OutletParam = None,
        entity: EntityParam = None,
        page: PageParam = 1,
    ) -> Response:
        filters = stories_filters(since, until, outlet, entity, page)
        return await cached(
            request, lambda store: json_response(views.stories_view(store, filters))
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    async def stories_html(
        request: Request,
        since: DayParam = None,
        until: DayParam = None,
        outlet: OutletParam = None,
        entity: EntityParam = None,
        page: PageParam = 1,
    ) -> Response:
        filters = stories_filters(since, until, outlet, entity, page)
        return await cached(request, lambda store: stories_page(request, store, filters))

    def stories_page(request: Request, store: Store, filters: views.StoryFilters) -> Response:
        view = views.stories_view(store, filters)
        page_no = filters.page
        params = {
            k: v
            for k, v in (
                ("since", iso(filters.since)),
                ("until", iso(filters.until)),
                ("outlet", filters.outlet or ""),
                ("entity", filters.entity or ""),
            )
            if v
        }
        return _page_with_json(
            request,
            "stories.html",
            "/stories.json",
            {**params, "page": page_no} if page_no > 1 else params,
            view=view,
            params=params,
        )

    # --- one story ----------------------------------------------------------------------------

    @app.get(
        "/story/{story_id}.json",
        response_model=views.StoryView,
        summary="One story: summary with citations, sources, provenance, quotes, entities",
        tags=["stories"],
        responses={404: {"description": "No such story"}},
    )
    async def story_json(request: Request, story_id: IdParam) -> Response:
        return await cached(request, lambda store: json_response(views.story_view(store, story_id)))

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story_html(request: Request, story_id: IdParam) -> Response:
        return await cached(request, lambda store: story_page(request, store, story_id))

    def story_page(request: Request, store: Store, story_id: str) -> Response:
        view = views.story_view(store, story_id)
        by_id = {s.id: s for s in view.sources}
        label_of = {s.id: f"#{s.number} {s.source or 'unknown outlet'}" for s in view.sources}
        return _page_with_json(
            request,
            "story.html",
            f"/story/{story_id}.json",
            {},
            view=view,
            by_id=by_id,
            label_of=label_of,
        )

    # --- one article --------------------------------------------------------------------------

    @app.get(
        "/article/{article_id}.json",
        response_model=views.ArticleView,
        summary="One article: clean text with reused passages, quotes and speakers marked",
        tags=["articles"],
        responses={404: {"description": "No such article"}},
    )
    async def article_json(request: Request, article_id: IdParam) -> Response:
        return await cached(
            request, lambda store: json_response(views.article_view(store, article_id))
        )

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    async def article_html(request: Request, article_id: IdParam) -> Response:
        return await cached(request, lambda store: article_page(request, store, article_id))

    def article_page(request: Request, store: Store, article_id: str) -> Response:
        view = views.article_view(store, article_id)
        return _page_with_json(
            request,
            "article.html",
            f"/article/{article_id}.json",
            {},
            view=view,
            paragraphs=paragraph_pieces(view),
            present={h.kind for h in view.highlights},
        )

    @app.get(
        "/articles.json",
        response_model=views.ArticleListView,
        summary="Every stored article, one page at a time",
        tags=["articles"],
    )
    async def articles_json(request: Request, page: PageParam = 1) -> Response:
        return await cached(request, lambda store: json_response(views.articles_view(store, page)))

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    async def articles_html(request: Request, page: PageParam = 1) -> Response:
        return await cached(request, lambda store: articles_page(request, store, page))

    def articles_page(request: Request, store: Store, page: int) -> Response:
        view = views.articles_view(store, page)
        return _page_with_json(
            request,
            "articles.html",
            "/articles.json",
            {"page": page} if page > 1 else {},
            view=view,
        )

    # --- search -------------------------------------------------------------------------------

    @app.get(
        "/search.json",
        response_model=views.SearchView,
        summary="Full-text search of articles, with matching entities and their quotes",
        tags=["search"],
    )
    async def search_json(request: Request, q: QueryParam) -> Response:
        return await cached(request, lambda store: json_response(views.search_view(store, q)))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    async def search_html(request: Request, q: QueryParam) -> Response:
        return await cached(request, lambda store: search_page(request, store, q))

    def search_page(request: Request, store: Store, q: str) -> Response:
        view = views.search_view(store, q)
        return _page_with_json(
            request,
            "search.html",
            "/search.json",
            {"q": view.query},
            view=view,
            query=view.query,
            by_id={a.id: a for a in view.quoted_articles},
        )

    # --- the API described for people ----------------------------------------------------

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    async def api_html(request: Request) -> Response:
        endpoints = []
        for path, methods in sorted(app.openapi().get("paths", {}).items()):
            for method, spec in methods.items():
                endpoints.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": spec.get("summary", ""),
                        "parameters": [
                            {
                                "name": p.get("name", ""),
                                "where": p.get("in", ""),
                                "required": bool(p.get("required")),
                                "description": p.get("description", ""),
                            }
                            for p in spec.get("parameters", [])
                        ],
                    }
                )
        return page(request, "api.html", endpoints=endpoints, json_url="/openapi.json")

    return app


def app_from_environment() -> FastAPI:
    """The app of one worker process of ``newsweave serve --workers N`` (options from env)."""
    return create_app(
        db=os.environ.get(SERVE_DB_ENV) or None,
        cache_bytes=int(os.environ.get(SERVE_CACHE_ENV, DEFAULT_BUDGET_BYTES)),
    )
