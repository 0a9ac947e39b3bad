"""The part files of a streaming run: one Parquet file per table and batch.

    DIR/parts/<table>/part-<batch digest>.parquet

A batch's rows leave the worker as Parquet bytes (:func:`encode_part`),
built with :func:`extract.tables.frame`, the function a one-process run
uses, so every part is exactly the slice of the table that run would hold.
:class:`PartStore` writes a batch's parts durably (temporary name, fsync,
rename, fsync of the folder) and streams them back, part by part, into the
final ``<table>.csv`` / ``<table>.parquet`` (:meth:`PartStore.consolidate`).

Parts of different batches may differ in type where one batch saw no value
(an all-empty column is Arrow ``null``) or saw new columns. Consolidation
first reads only the parts' schemas and unifies them (:func:`unify_schemas`:
a column takes the type of the parts that have values, in the order columns
first appear), then casts every part to that schema as it streams, so the
consolidated table has the columns, order and pandas dtypes of the table a
one-process run writes.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .tables import frame
from .writers import TableStreamWriter

PARTS_DIR = "parts"


def encode_part(name: str, rows: list[dict]) -> bytes:
    """The Parquet bytes of table ``name`` for ``rows`` (the rows of one batch).

    A column whose values mix types (a record's ``published`` given as a
    number beside others given as text) is written as text rather than
    failing the batch.
    """
    df = frame(name, rows)
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        table = pa.Table.from_pandas(_mixed_as_text(df), preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _mixed_as_text(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.columns:
        try:
            pa.array(out[column], from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            out[column] = out[column].map(lambda v: v if isinstance(v, str) else str(v), na_action="ignore")
    return out


def unify_schemas(schemas: Iterable[pa.Schema]) -> pa.Schema:
    """One schema for parts of one table: columns in first-seen order, each with the type its values have.

    ``null`` columns (a batch without a value) take the other parts' type;
    differing types are promoted as pyarrow's ``permissive`` unification
    does (string → large_string, int64 → double), and types that do not
    unify (numbers in one batch, text in another) become text. The pandas
    metadata of each column comes from a part where it has the chosen type,
    so pandas reads the dtypes a one-process run's file gives (``Int64``,
    ``str``).
    """
    types: dict[str, list[pa.DataType]] = {}
    pandas_columns: dict[str, list[tuple[pa.DataType, dict]]] = {}
    base: dict | None = None
    for schema in schemas:
        meta = json.loads((schema.metadata or {}).get(b"pandas", b"{}"))
        base = base or meta
        described = {c.get("field_name") or c.get("name"): c for c in meta.get("columns", [])}
        for field in schema:
            types.setdefault(field.name, []).append(field.type)
            if field.name in described:
                pandas_columns.setdefault(field.name, []).append((field.type, described[field.name]))
    fields = [pa.field(name, _common_type(name, seen)) for name, seen in types.items()]
    metadata = None
    if base is not None and base:
        columns = []
        for field in fields:
            candidates = pandas_columns.get(field.name, [])
            chosen = next((c for t, c in candidates if t == field.type), None)
            chosen = chosen or next((c for t, c in candidates if not pa.types.is_null(t)), None)
            chosen = chosen or (candidates[0][1] if candidates else
                                {"name": field.name, "field_name": field.name, "pandas_type": "object",
                                 "numpy_type": "object", "metadata": None})
            columns.append(chosen)
        metadata = {b"pandas": json.dumps({**base, "index_columns": [], "columns": columns}).encode()}
    return pa.schema(fields, metadata=metadata)


def _common_type(name: str, seen: list[pa.DataType]) -> pa.DataType:
    known = list(dict.fromkeys(t for t in seen if not pa.types.is_null(t)))
    if not known:
        return pa.null()
    if len(known) == 1:
        return known[0]
    try:
        merged = pa.unify_schemas([pa.schema([pa.field(name, t)]) for t in known], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError, NotImplementedError):  # text in one batch, numbers in another
        return pa.large_string()
    return merged.field(name).type


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with the columns of ``schema`` (missing ones empty), in its order and types."""
    columns = []
    for field in schema:
        if field.name not in table.column_names:
            columns.append(pa.nulls(table.num_rows, field.type))
        else:
            column = table.column(field.name)
            columns.append(column if column.type == field.type else column.cast(field.type))
    return pa.Table.from_arrays(columns, schema=schema)


class PartStore:
    """The ``parts/`` folder of a results folder: write, read, list and consolidate batch parts."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.root = self.out_dir / PARTS_DIR

    def __repr__(self) -> str:
        return f"PartStore({str(self.root)!r})"

    def path(self, table: str, digest: str) -> Path:
        return self.root / table / f"part-{digest}.parquet"

    def write(self, digest: str, parts: Mapping[str, bytes]) -> None:
        """Write one batch's parts; when this returns they are on disk (fsync'd) under their real names."""
        folders = set()
        for table, data in parts.items():
            path = self.path(table, digest)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
            folders.add(path.parent)
        for folder in folders:
            _fsync_dir(folder)

    def read(self, table: str, digest: str) -> pa.Table:
        return pq.read_table(self.path(table, digest))

    def digests_on_disk(self) -> set[str]:
        """The batch digests that have at least one part file (finished or not)."""
        found = set()
        if self.root.is_dir():
            for folder in self.root.iterdir():
                if folder.is_dir():
                    found.update(p.name[len("part-"):-len(".parquet")] for p in folder.glob("part-*.parquet"))
        return found

    def remove(self, digest: str) -> None:
        if self.root.is_dir():
            for folder in self.root.iterdir():
                if folder.is_dir():
                    self.path(folder.name, digest).unlink(missing_ok=True)

    def schema(self, table: str, digests: Iterable[str]) -> pa.Schema:
        """The unified schema of ``table``'s parts (reads only the files' footers)."""
        return unify_schemas(pq.read_schema(self.path(table, digest)) for digest in digests)

    def consolidate(self, table: str, digests: Callable[[], Iterable[str]], formats: Iterable[str]) -> list[Path]:
        """Write ``<table>.<format>`` in the results folder from the parts of ``digests()``, in that order.

        ``digests`` is called twice (schemas, then rows), so it should give
        a fresh iterable each time. One part is in memory at a time.
        """
        schema = self.schema(table, digests())
        if not len(schema):
            schema = pa.Table.from_pandas(frame(table, []), preserve_index=False).schema
        with TableStreamWriter(self.out_dir / table, schema, formats) as stream:
            for digest in digests():
                stream.write(conform(self.read(table, digest), schema))
        return list(stream.paths.values())

    def batches(self, tables: Iterable[str], digests: Iterable[str]) -> Iterator[dict[str, pa.Table]]:
        """For each digest, in order, its parts of ``tables``."""
        names = tuple(tables)
        for digest in digests:
            yield {name: self.read(name, digest) for name in names}


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not possible on some platforms (Windows): renames are still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
