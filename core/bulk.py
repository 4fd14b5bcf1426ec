"""Fast bulk writes with history, for imports of tens of thousands of rows.

Django's bulk_create compiles SQL per batch and converts each value through the field API;
on SQLite its 999-parameter limit makes batches of ~50 rows, so 100,000 carriers take most of a
minute. Here rows are plain dicts (no model instances), each field's conversion is chosen once
and constant columns are converted once, new primary keys are taken before the insert (one
query), rows go through COPY on PostgreSQL and the driver's `executemany` on SQLite, and the
database copies each stored row into a history row, with the user, the time and the reason —
what django-simple-history's save() would have written.

Only plain concrete fields are handled (no many-to-many); the caller runs inside a transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.dispatch import Signal
from django.utils import timezone

BATCH = 5000

# Sent (sender = the model) after `save_rows` or `insert_rows` wrote rows: bulk writes send no
# per-row post_save, so whoever caches derived figures listens here (plans.cache.watch).
rows_written = Signal()
SMALL = 200  # fewer rows than this are updated one statement each, pipelined (a form's save)

TICK_ROWS = 2000  # rows between two calls of a `ticking` callback
_ticker: ContextVar[Callable[[int], None] | None] = ContextVar("bulk_ticker", default=None)


@contextmanager
def ticking(callback: Callable[[int], None]) -> Iterator[None]:
    """Within the block, every `TICK_ROWS` rows sent to the database (objects and their
    history rows alike) call `callback(rows)` with the rows sent since the last call, so a
    long write can say how far it has come (a task's progress)."""
    token = _ticker.set(callback)
    try:
        yield
    finally:
        _ticker.reset(token)


def _counted(rows: Iterable) -> Iterator:
    tick = _ticker.get()
    if tick is None:
        yield from rows
        return
    since = 0
    for row in rows:
        yield row
        since += 1
        if since == TICK_ROWS:
            tick(since)
            since = 0
    if since:
        tick(since)


def _overrides(name: str) -> bool:
    """Whether this database's operations change Django's default adaptation `name`."""
    return getattr(type(connection.ops), name) is not getattr(BaseDatabaseOperations, name)


def _converter(field: models.Field) -> Callable | None:
    """How a Python value becomes what the driver binds; None when it binds as it is. Django's
    default adaptations are done without its call (a decimal as it is, a date as its text):
    they run for every cell of an import."""
    ops = connection.ops
    if isinstance(field, models.DecimalField):
        if not _overrides("adapt_decimalfield_value"):
            return None
        digits, places = field.max_digits, field.decimal_places
        return lambda v: ops.adapt_decimalfield_value(v, digits, places)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value if _overrides("adapt_datefield_value") else str
    if isinstance(
        field,
        models.CharField
        | models.TextField
        | models.IntegerField
        | models.BooleanField
        | models.ForeignKey,
    ):
        return None
    return lambda v: field.get_db_prep_save(v, connection)


class _Required:
    """Stands for a value the row must supply (a field with a callable default)."""


def _pk_of(value):
    return value if value.__class__ is int else value.pk


def _prepared(field: models.Field, convert: Callable | None) -> Callable | None:
    """For rows keyed by field name, as a form or a spreadsheet reads them: a related record
    becomes its key, and a decimal is rounded to the field's places as the database would round
    it (so a re-import of what was stored compares equal); then the driver's conversion."""
    if isinstance(field, models.ForeignKey):
        return _pk_of if convert is None else (lambda v: convert(_pk_of(v)))
    if isinstance(field, models.DecimalField):
        step = Decimal(1).scaleb(-field.decimal_places)
        if convert is None:
            return lambda v: v.quantize(step, rounding=ROUND_HALF_UP)
        return lambda v: convert(v.quantize(step, rounding=ROUND_HALF_UP))
    return convert


def _row_builder(
    fields: list[models.Field], constants: dict, *, by_name: bool = False
) -> Callable[[dict], list]:
    """A function from a dict of values to the row the driver takes.

    The dict is keyed by attribute name (`zone_id`), or with `by_name` by field name (`zone`)
    with the values a form or a spreadsheet has: related records, blank text as None (stored as
    "" where the field may be blank), decimals with more places than the field keeps. Values are fetched with one list
    comprehension and only the columns that need it are converted: at 100,000 rows × 20
    columns the per-value overhead is the cost."""
    specs = []  # (key to look up, fallback)
    conversions = []  # (index, converter) for columns converted per row
    blanks = []  # (index, value) for columns where None is stored as a blank value
    required = []  # indexes of the values a row must supply
    for index, field in enumerate(fields):
        convert = _converter(field)
        if field.attname in constants:
            value = constants[field.attname]
            specs.append((_Required, value if convert is None or value is None else convert(value)))
            continue
        if by_name:
            convert = _prepared(field, convert)
            if (
                field.blank
                and not field.null
                and isinstance(field, models.CharField | models.TextField)
            ):
                blanks.append((index, ""))
        if field.has_default() and callable(field.default):
            specs.append((field.name if by_name else field.attname, _Required))
            required.append(index)
        else:
            # The static default: "" for text that may be blank, None for nullable fields.
            specs.append((field.name if by_name else field.attname, field.get_default()))
        if convert is not None:
            conversions.append((index, convert))
    get = dict.get

    def build(values: dict) -> list:
        row = [get(values, key, fallback) for key, fallback in specs]
        for index, convert in conversions:
            value = row[index]
            if value is not None:
                row[index] = convert(value)
        for index, blank in blanks:
            if row[index] is None:
                row[index] = blank
        for index in required:
            if row[index] is _Required:
                raise KeyError(fields[index].attname)
        return row

    return build


def _execute_many(sql: str, rows: Iterable[list]) -> None:
    batch: list = []
    with connection.cursor() as cursor:
        for row in _counted(rows):
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _write_rows(table: str, columns: list[str], rows: Iterable[list]) -> None:
    """INSERT rows: COPY on PostgreSQL (an order of magnitude faster than one statement per
    row), executemany elsewhere."""
    if connection.vendor != "postgresql":
        _execute_many(_insert_sql(table, columns), rows)
        return
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    # The driver's own cursor, so its errors are wrapped as Django's (IntegrityError…) by hand.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in _counted(rows):
            copy.write_row(row)


ANALYSE_ROWS = 10_000  # a bulk write of at least this many rows refreshes the planner's statistics


def _analyse(model: type[models.Model], rows: int) -> None:
    """After a large bulk load, ANALYZE the table (PostgreSQL's advice after bulk loading; on
    SQLite the planner has no statistics at all until then), so that reads of one zone use the
    zone's index rather than scanning a kind's rows."""
    if rows >= ANALYSE_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _insert_sql(table: str, columns: list[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 - quoted model identifiers; values are bound


HISTORY_CHUNK = 900  # keys named in one copying statement when they do not run in one range


def _write_history(
    model: type[models.Model],
    fields: list[models.Field],
    pks: list[int],
    *,
    history_type: str,
    user,
    reason: str,
) -> None:
    """A history row for each record `pks` names, copied by the database from the row just
    written (INSERT … SELECT), with the history's own columns (the time, "+" or "~", the
    reason, the user) bound once: the history says what is stored, to the letter, and no row
    travels from Python twice. Keys that run in one range (an import's new records) are named
    by the range."""
    history = model.history.model
    tracked = {f.attname for f in history._meta.concrete_fields}
    kept = [f.column for f in fields if f.attname in tracked]
    extra = {
        "history_date": timezone.now(),
        "history_type": history_type,
        "history_change_reason": reason[:100],
        "history_user_id": user.pk if user is not None else None,
    }
    extra_fields = [history._meta.get_field(name.removesuffix("_id")) for name in extra]
    extra_values = []
    for field, value in zip(extra_fields, extra.values(), strict=True):
        convert = _converter(field)
        extra_values.append(value if convert is None or value is None else convert(value))
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    copied = ", ".join([pk, *(quote(c) for c in kept)])
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608 - quoted model identifiers; values are bound
        f"({', '.join([pk, *(quote(c) for c in kept), *(quote(f.column) for f in extra_fields)])}) "
        f"SELECT {copied}, {', '.join(['%s'] * len(extra_values))} "
        f"FROM {quote(model._meta.db_table)} WHERE "
    )
    tick = _ticker.get()
    keys = sorted(pks)
    with connection.cursor() as cursor:
        if keys and keys[-1] - keys[0] + 1 == len(keys):
            cursor.execute(insert + f"{pk} BETWEEN %s AND %s", [*extra_values, keys[0], keys[-1]])
        else:
            for at in range(0, len(keys), HISTORY_CHUNK):
                chunk = keys[at : at + HISTORY_CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(insert + f"{pk} IN ({marks})", [*extra_values, *chunk])
    if tick is not None and keys:
        tick(len(keys))


def _new_keys(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for rows about to be inserted, taken before the insert so that the
    rows and their history can be written in one pass, with no reading back.

    PostgreSQL hands them out from the table's sequence (unique whatever else is writing).
    SQLite has one writer at a time: inside the transaction, which took the write lock at its
    start (transaction_mode IMMEDIATE), the next keys are those after the highest ever used
    (an AUTOINCREMENT table's sqlite_sequence), and inserting them moves that mark on."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        sql = (
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608 - quoted model identifiers
            f"coalesce((SELECT max({quote(column)}) FROM {quote(table)}), 0))"
        )
        cursor.execute(sql, [table])
        (highest,) = cursor.fetchone()
    return list(range(highest + 1, highest + 1 + count))


def insert_with_history(
    model: type[models.Model],
    rows: list[dict],
    *,
    constants: dict,
    user,
    reason: str,
    by_name: bool = False,
) -> None:
    """Insert `rows` (dicts by attribute name, or by field name with `by_name`) and write a
    history row for each ("+", the user, now, the reason)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    build = _row_builder(fields, constants, by_name=by_name)

    def objects(pks: list[int]) -> Iterator[list]:
        # Built as they are sent: PostgreSQL stores the first rows while the next are built.
        for pk, values in zip(pks, rows, strict=True):
            yield [pk, *build(values)]

    with transaction.atomic():
        pks = _new_keys(model, len(rows))
        _write_rows(
            model._meta.db_table,
            [model._meta.pk.column, *(f.column for f in fields)],
            objects(pks),
        )
        _write_history(model, fields, pks, history_type="+", user=user, reason=reason)


def update_with_history(
    model: type[models.Model],
    rows: list[dict],
    *,
    constants: dict,
    user,
    reason: str,
    by_name: bool = False,
) -> None:
    """Write every field of each row (found by its primary key) and a history row ("~")."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    build = _row_builder(fields, constants, by_name=by_name)
    pk = model._meta.pk
    built = [build(r) for r in rows]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    if connection.vendor == "postgresql" and len(rows) > SMALL:
        # COPY the new values into a temporary table, then one UPDATE ... FROM.
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE zoneplan_bulk_update (LIKE {table}) ON COMMIT DROP"
            )
        _write_rows(
            "zoneplan_bulk_update",
            [pk.column, *(f.column for f in fields)],
            ([r[pk.attname], *b] for r, b in zip(rows, built, strict=True)),
        )
        sets = ", ".join(f"{quote(f.column)} = u.{quote(f.column)}" for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM zoneplan_bulk_update AS u "  # noqa: S608 - quoted model identifiers
                f"WHERE t.{quote(pk.column)} = u.{quote(pk.column)}"
            )
            cursor.execute("DROP TABLE zoneplan_bulk_update")
    else:
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s"  # noqa: S608 - quoted model identifiers; values are bound
        _execute_many(sql, ([*b, r[pk.attname]] for r, b in zip(rows, built, strict=True)))
    _write_history(
        model, fields, [r[pk.attname] for r in rows], history_type="~", user=user, reason=reason
    )


def insert_rows(
    model: type[models.Model], rows: list[dict], *, constants: dict | None = None
) -> None:
    """Insert plain rows without reading keys back or writing history: for generated data
    (benchmarks) and other bulk loads that need no audit trail."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    build = _row_builder(fields, constants or {})
    _write_rows(model._meta.db_table, [f.column for f in fields], (build(r) for r in rows))
    _analyse(model, len(rows))
    rows_written.send(sender=model)


def save_rows(
    model: type[models.Model],
    *,
    creates: list[dict],
    updates: list[dict],
    user,
    reason: str,
    constants: dict | None = None,
    by_name: bool = False,
) -> None:
    """Insert `creates` and update `updates` (dicts by attribute name, or with `by_name` by
    field name as a spreadsheet reads them), each with a history row."""
    constants = constants or {}
    if creates:
        insert_with_history(
            model, creates, constants=constants, user=user, reason=reason, by_name=by_name
        )
    if updates:
        update_with_history(
            model, updates, constants=constants, user=user, reason=reason, by_name=by_name
        )
    if creates or updates:
        _analyse(model, len(creates) + len(updates))
        rows_written.send(sender=model)
