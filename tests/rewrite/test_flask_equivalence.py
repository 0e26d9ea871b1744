"""Flask-SQLAlchemy rules (SA010–SA016): `Model.query` snippets and their rewrite agree on a real app.

A real Flask app with a real Flask-SQLAlchemy extension (3.x) runs on a SQLite file and on the
session's PostgreSQL server with the same rows. The BEFORE source below is rewritten by the real
engine; both sources are exec'd (importing db and the models from a module registered as
`flaskeq`, as an application would import them) and every call is run on each side in its own
request context. Results compare as (class, primary key); a 404 compares as the exception's type,
code and description; a Pagination as its items, total, pages and neighbours.
"""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask
import flask_sqlalchemy
import pytest
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.exceptions import HTTPException

from migrator.rewrite.engine import Selection, rewrite_text
from migrator.rewrite.project import FileEvidence

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.LegacyAPIWarning")

db = flask_sqlalchemy.SQLAlchemy()


class Author(db.Model):
    __tablename__ = "fe_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    country: Mapped[str]
    books: Mapped[list["Book"]] = relationship(back_populates="author", order_by="Book.id")


class Book(db.Model):
    __tablename__ = "fe_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(unique=True)
    year: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("fe_author.id"))
    author: Mapped[Author] = relationship(back_populates="books")


AUTHORS = [(1, "Le Guin", "US"), (2, "Lem", "PL"), (3, "Butler", "US"), (4, "Calvino", "IT")]
BOOKS = [(1, "Solaris", 1961, 2), (2, "Kindred", 1979, 3), (3, "Dispossessed", 1974, 1), (4, "Earthsea", 1968, 1),
         (5, "Invisible Cities", 1972, 4), (6, "Cyberiad", 1965, 2), (7, "Parable", 1993, 3), (8, "Lathe", 1971, 1),
         (9, "Baron", 1957, 4), (10, "Fiasco", 1986, 2), (11, "Dawn", 1987, 3)]

flaskeq = types.ModuleType("flaskeq")
flaskeq.db, flaskeq.Author, flaskeq.Book = db, Author, Book  # type: ignore[attr-defined]
sys.modules["flaskeq"] = flaskeq

BEFORE = '''
from sqlalchemy.orm import joinedload

from flaskeq import Author, Book, db


def save(obj):
    db.session.add(obj)


def by_pk(pk):
    return Book.query.get(pk)


def us_books():
    return (
        Book.query
        # joined to the author, filtered and ordered
        .join(Book.author)
        .filter(Author.country == "US")
        .order_by(Book.year.desc())
        .all()
    )


def first_before(year):
    return Book.query.filter(Book.year < year).order_by(Book.id).first()


def one_titled(title):
    return Book.query.filter_by(title=title).one()


def maybe_titled(title):
    return Book.query.filter_by(title=title).one_or_none()


def count_country(country):
    return Book.query.join(Book.author).filter(Author.country == country).count()


def authors_loaded():
    rows = Author.query.options(joinedload(Author.books)).order_by(Author.id).all()
    return [(a, [b.id for b in a.books]) for a in rows]


def nested():
    return Author.query.filter(Author.id.in_([b.author_id for b in Book.query.filter(Book.year > 1980).all()])).all()


def get_404(pk):
    return Book.query.get_or_404(pk)


def get_404_described(pk):
    return Book.query.get_or_404(pk, description="no such book")


def first_404(year):
    return Book.query.filter(Book.year > year).order_by(Book.year).first_or_404()


def one_404(title):
    return Book.query.filter_by(title=title).one_or_404()


def page(number, size):
    return Book.query.order_by(Book.id).paginate(page=number, per_page=size, error_out=False)


def page_strict(number):
    return (
        Book.query.join(Book.author)
        .filter(Author.country != "IT")  # no Calvino
        .order_by(Book.year, Book.id)
        .paginate(page=number, per_page=3)
    )


def page_legacy(number):
    return Book.query.order_by(Book.title).paginate(number, 4, False)


def page_keywords(number):
    return Book.query.order_by(Book.title).paginate(page=number, per_page=4, error_out=False)


def prolific(year):
    # The legacy Query de-duplicated the authors a join to their books repeats: .unique() keeps that.
    return Author.query.join(Author.books).filter(Book.year > year).order_by(Author.id).all()


def author_of(name):
    return Author.query.join(Author.books).filter(Author.name == name).one()


def page_authors(number):
    return Author.query.join(Author.books).order_by(Author.id).paginate(page=number, per_page=2, error_out=False)
'''

CALLS: list[tuple[str, tuple, bool]] = [  # (function, args, ordered)
    ("by_pk", (3,), True), ("by_pk", (99,), True), ("us_books", (), True), ("first_before", (1970,), True),
    ("first_before", (1900,), True), ("one_titled", ("Solaris",), True), ("one_titled", ("Nope",), True),
    ("maybe_titled", ("Dawn",), True), ("maybe_titled", ("Nope",), True), ("count_country", ("US",), True),
    ("count_country", ("FR",), True), ("authors_loaded", (), True), ("nested", (), False),
    ("get_404", (2,), True), ("get_404", (999,), True), ("get_404_described", (999,), True),
    ("first_404", (1980,), True), ("first_404", (2000,), True), ("one_404", ("Lathe",), True),
    ("one_404", ("Nope",), True), ("page", (1, 4), True), ("page", (3, 4), True), ("page", (9, 4), True),
    ("page_strict", (2,), True), ("page_strict", (5,), True), ("page_keywords", (2,), True),
    ("prolific", (1960,), True), ("author_of", ("Lem",), True), ("page_authors", (1,), True),
    ("page_authors", (2,), True),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[flask.Flask]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'flask_equivalence.db'}"
    else:
        pg_database: Callable[[], str] = request.getfixturevalue("pg_database")
        url = pg_database().replace("postgresql://", "postgresql+psycopg://", 1)
    application = flask.Flask("flask_equivalence")
    application.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(application)
    with application.app_context():
        db.create_all()
        db.session.add_all([Author(id=i, name=n, country=c) for i, n, c in AUTHORS])
        db.session.flush()
        db.session.add_all([Book(id=i, title=t, year=y, author_id=a) for i, t, y, a in BOOKS])
        db.session.commit()
    try:
        yield application
    finally:
        with application.app_context():
            db.engines[None].dispose()


def _norm(value: Any, ordered: bool = True) -> Any:
    if isinstance(value, db.Model):
        return (type(value).__name__, value.id)
    if isinstance(value, Pagination):
        return {"items": _norm(value.items), "total": value.total, "pages": value.pages, "page": value.page,
                "prev": value.prev_num, "next": value.next_num}
    if isinstance(value, (list, tuple)):
        items = [_norm(v) for v in value]
        return items if ordered else sorted(items, key=repr)
    return value


def _call(app: flask.Flask, ns: dict[str, Any], fn: str, args: tuple, ordered: bool) -> Any:
    with app.test_request_context():
        try:
            return ("ok", _norm(ns[fn](*args), ordered))
        except HTTPException as exc:
            return ("http", type(exc).__name__, exc.code, exc.description)
        except Exception as exc:  # NoResultFound etc. must match by type
            return ("error", type(exc).__name__)


@functools.cache
def _rewrite():
    return rewrite_text(BEFORE, "views.py", Selection())


def _sources() -> tuple[str, str]:
    result = _rewrite()
    assert result.status == "changed", result.reason
    return BEFORE, result.new_text or ""


def _findings() -> list:
    return _rewrite().findings


def test_every_site_is_converted() -> None:
    _, after = _sources()
    assert _findings() == []
    assert ".query" not in after
    assert "db.paginate(db.select(Book).order_by(Book.title), page=number, per_page=4, error_out=False)" in after
    assert rewrite_text(after, "views.py", Selection()).status == "unchanged"


@pytest.mark.parametrize(("fn", "args", "ordered"), [pytest.param(*c, id=f"{c[0]}-{i}") for i, c in enumerate(CALLS)])
def test_before_and_after_agree(app: flask.Flask, fn: str, args: tuple, ordered: bool) -> None:
    before, after = _sources()
    before_ns: dict[str, Any] = {"__name__": "flaskeq_before"}
    after_ns: dict[str, Any] = {"__name__": "flaskeq_after"}
    exec(compile(before, "before.py", "exec"), before_ns)
    exec(compile(after, "after.py", "exec"), after_ns)
    expected = _call(app, before_ns, fn, args, ordered)
    got = _call(app, after_ns, fn, args, ordered)
    assert got == expected


def test_positional_paginate_of_flask_sqlalchemy_2_becomes_the_keyword_call(app: flask.Flask) -> None:
    """paginate(2, 4, False) was Flask-SQLAlchemy 2.x (3.x raises TypeError); converted it means what 2.x meant."""
    before, after = _sources()
    before_ns: dict[str, Any] = {"__name__": "flaskeq_before"}
    after_ns: dict[str, Any] = {"__name__": "flaskeq_after"}
    exec(compile(before, "before.py", "exec"), before_ns)
    exec(compile(after, "after.py", "exec"), after_ns)
    assert _call(app, before_ns, "page_legacy", (2,), True) == ("error", "TypeError")
    for number in (1, 2, 3, 4):
        assert _call(app, after_ns, "page_legacy", (number,), True) == _call(app, before_ns, "page_keywords", (number,), True)


def test_missing_rows_give_the_same_404(app: flask.Flask) -> None:
    """The 404 paths are really taken (not both sides failing the same other way)."""
    _, after = _sources()
    ns: dict[str, Any] = {"__name__": "flaskeq_after"}
    exec(compile(after, "after.py", "exec"), ns)
    assert _call(app, ns, "get_404", (999,), True)[:3] == ("http", "NotFound", 404)
    assert _call(app, ns, "get_404_described", (999,), True) == ("http", "NotFound", 404, "no such book")
    assert _call(app, ns, "page_strict", (5,), True)[:3] == ("http", "NotFound", 404)
    assert _call(app, ns, "page", (1, 4), True)[1]["total"] == len(BOOKS)


# A module that never imports `db`: the models come through a module (`models.Book.query…`), as in
# an application's tests and views; the project index names the one `db` and its module, and the
# rewrite imports it.
CROSS_MODULE = '''
import flaskeq as models


def titles_since(year):
    return [b.title for b in models.Book.query.filter(models.Book.year >= year).order_by(models.Book.id).all()]


def by_pk(pk):
    return models.Book.query.get(pk)


def count_us():
    return models.Book.query.join(models.Book.author).filter(models.Author.country == "US").count()
'''
CROSS_EVIDENCE = FileEvidence(mapped_classes=frozenset({"Author", "Book"}), flask_db=("flaskeq", "db"))


@pytest.mark.parametrize(("fn", "args"), [("titles_since", (1970,)), ("by_pk", (4,)), ("by_pk", (99,)), ("count_us", ())])
def test_models_reached_through_a_module_convert_with_the_projects_db(app: flask.Flask, fn: str, args: tuple) -> None:
    result = rewrite_text(CROSS_MODULE, "views.py", Selection(), CROSS_EVIDENCE)
    after = result.new_text or ""
    assert result.findings == [] and ".query" not in after and "from flaskeq import db" in after
    before_ns: dict[str, Any] = {"__name__": "flaskeq_before"}
    after_ns: dict[str, Any] = {"__name__": "flaskeq_after"}
    exec(compile(CROSS_MODULE, "before.py", "exec"), before_ns)
    exec(compile(after, "after.py", "exec"), after_ns)
    assert _call(app, after_ns, fn, args, True) == _call(app, before_ns, fn, args, True)
