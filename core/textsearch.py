"""Search in Chinese on SQLite and PostgreSQL with the same results (docs/portal.md).

PostgreSQL here has no Chinese parser (zhparser and pg_jieba are not installed), so words are
cut by jieba before they are stored: a row keeps its text as space-separated words in a
`search_text` column (`index_text`), cut finely (`cut_for_search`: 人工智能 is kept with 人工
and 智能). A query is cut into its words (`jieba.cut`) and a row matches when it holds every
one of them as a whole word:

- PostgreSQL: `to_tsvector('simple', search_text) @@ to_tsquery('simple', 'w1' & 'w2')`,
  answered by a GIN index on the same expression (the migration that adds the column makes it);
- SQLite: `search_text LIKE '% w1 %' AND … '% w2 %'` (the text starts and ends with a space).

Both compare whole words, lower-cased, so a simple query finds the same rows on both. Words
hold only letters and digits, so PostgreSQL's parser keeps each one whole."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Expression, F, Q, QuerySet

MAX_QUERY = 100  # characters of a query that are read
MAX_WORDS = 12

_WORD = re.compile(r"[^\W_]+")


def _jieba():
    import jieba

    jieba.setLogLevel(60)  # its start-up lines go to stderr otherwise
    return jieba


def _words(pieces) -> list[str]:
    words: list[str] = []
    for piece in pieces:
        words.extend(w.lower() for w in _WORD.findall(piece))
    return words


def index_text(*parts: str) -> str:
    """The words of the parts, each once, space-separated with a space at each end."""
    text = " ".join(p for p in parts if p)
    seen = dict.fromkeys(_words(_jieba().cut_for_search(text)))
    return f" {' '.join(seen)} " if seen else ""


def query_words(query: str) -> list[str]:
    """The words a query asks for, each once, at most MAX_WORDS."""
    text = (query or "")[:MAX_QUERY]
    return list(dict.fromkeys(_words(_jieba().cut(text))))[:MAX_WORDS]


class _Matches(Expression):
    """`to_tsvector('simple', <column>) @@ to_tsquery('simple', %s)`, a boolean to filter by."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, tsquery: str):
        super().__init__()
        self.column = F(column)
        self.tsquery = tsquery

    def resolve_expression(self, *args, **kwargs):
        clone = self.copy()
        clone.column = self.column.resolve_expression(*args, **kwargs)
        return clone

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        sql = f"to_tsvector('simple'::regconfig, {column}) @@ to_tsquery('simple'::regconfig, %s)"
        return sql, (*params, self.tsquery)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def search(queryset: QuerySet, query: str, *, field: str = "search_text") -> QuerySet:
    """The rows holding every word of the query; all rows when it has none."""
    words = query_words(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(_Matches(field, " & ".join(_lexeme(w) for w in words)))
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": f" {word} "})
    return queryset.filter(condition)
