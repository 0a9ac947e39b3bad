"""Exports for analysts: the tables as one Excel workbook, and the data dictionary.

    vnextract export RESULTS_DIR [--xlsx FILE]

reads a folder written by ``vnextract extract`` (the Parquet files, else the
CSV files), writes every table into one workbook (``RESULTS_DIR/tables.xlsx``
unless ``--xlsx`` says otherwise) and the data dictionary as ``README.md``
into ``RESULTS_DIR``.

The data dictionary is data: ``models/data_dictionary.csv`` with the columns
``table, column, type, meaning``. A row with an empty ``column`` describes
the table itself (what one row is); ``type`` is one of :data:`COLUMN_TYPES`
and tells the workbook which cells are dates.

In the workbook each table has its sheet (a table longer than a sheet
continues on ``"<table> (2)"`` ...), with the header row frozen and
filtered, column widths from the content (capped at :data:`MAX_WIDTH`),
dates stored as Excel dates, and text that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``) stored as text with a quote prefix.
The sheet :data:`DICTIONARY_SHEET` holds the data dictionary. Text is
Unicode throughout and the font is Calibri, which has the Vietnamese
letters.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .resources import models_dir
from .tables import TABLE_NAMES, Tables
from .writers import FORMULA_PREFIXES, atomic_write

COLUMN_TYPES = ("text", "integer", "date", "datetime", "boolean")
DICTIONARY_FILE = "data_dictionary.csv"
DICTIONARY_SHEET = "columns"
DEFAULT_WORKBOOK = "tables.xlsx"
README = "README.md"

EXCEL_MAX_ROWS = 1_048_576
"""Rows in one Excel sheet, the header included."""
EXCEL_MAX_CHARS = 32_767
"""Characters in one Excel cell."""
MIN_WIDTH, MAX_WIDTH = 8, 60
"""Column widths, in characters."""
FONT_NAME = "Calibri"
"""openpyxl's default font: every cell uses it; it has the Vietnamese letters."""
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
TRUNCATED = " […]"

_HEADER_FONT = Font(name=FONT_NAME, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


# --- the data dictionary ------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnDoc:
    """What one column of one table holds."""

    table: str
    column: str
    type: str
    meaning: str


@dataclass(frozen=True)
class DataDictionary:
    """Every table's description and every column's type and meaning, in table order."""

    descriptions: tuple[tuple[str, str], ...]
    columns: tuple[ColumnDoc, ...]

    def description(self, table: str) -> str:
        return dict(self.descriptions).get(table, "")

    def columns_of(self, table: str) -> list[ColumnDoc]:
        return [doc for doc in self.columns if doc.table == table]

    def column(self, table: str, column: str) -> ColumnDoc | None:
        return next((doc for doc in self.columns if doc.table == table and doc.column == column), None)

    def frame(self, tables: Tables | None = None) -> pd.DataFrame:
        """The dictionary as a table (a description row, then the columns, per table).

        Given ``tables``, columns they hold that the dictionary does not
        describe are listed too, with an empty meaning.
        """
        rows = []
        for table in TABLE_NAMES:
            rows.append({"table": table, "column": "", "type": "", "meaning": self.description(table)})
            documented = self.columns_of(table)
            rows.extend(vars(doc) for doc in documented)
            if tables is not None:
                known = {doc.column for doc in documented}
                rows.extend({"table": table, "column": column, "type": "", "meaning": ""}
                            for column in getattr(tables, table).columns if column not in known)
        return pd.DataFrame(rows, columns=["table", "column", "type", "meaning"])

    def markdown(self) -> str:
        """The dictionary as the ``README.md`` of a results folder."""
        lines = [
            "# Data dictionary",
            "",
            "The tables `vnextract extract` wrote into this folder, one file per table and format:",
            "`<table>.csv` (UTF-8 with a byte-order mark, for Excel and LibreOffice; a cell that a",
            "spreadsheet would run as a formula starts with an apostrophe) and `<table>.parquet`",
            "(the raw values, for pandas). `vnextract export` also writes them all into one Excel",
            "workbook. Every table is keyed by `article_id`; dates are ISO 8601; an empty cell means",
            "unknown or not applicable.",
            "",
            f"Column types: {', '.join(COLUMN_TYPES)}.",
        ]
        for table in TABLE_NAMES:
            lines += ["", f"## {table}", "", self.description(table), "",
                      "| column | type | meaning |", "|---|---|---|"]
            lines += [f"| `{doc.column}` | {doc.type} | {_markdown_cell(doc.meaning)} |"
                      for doc in self.columns_of(table)]
        return "\n".join(lines) + "\n"


def load_data_dictionary(path: Path | None = None) -> DataDictionary:
    """The data dictionary from ``models/data_dictionary.csv`` (or ``path``); ValueError if malformed."""
    path = Path(path) if path else models_dir() / DICTIONARY_FILE
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    descriptions: dict[str, str] = {}
    columns: list[ColumnDoc] = []
    for line, row in enumerate(rows, start=2):
        table, column = (row.get("table") or "").strip(), (row.get("column") or "").strip()
        kind, meaning = (row.get("type") or "").strip(), (row.get("meaning") or "").strip()
        where = f"{path.name} line {line}"
        if table not in TABLE_NAMES:
            raise ValueError(f"{where}: unknown table {table!r}")
        if not meaning:
            raise ValueError(f"{where}: no meaning given")
        if not column:
            descriptions[table] = meaning
            continue
        if kind not in COLUMN_TYPES:
            raise ValueError(f"{where}: type {kind!r} is not one of {', '.join(COLUMN_TYPES)}")
        if any(doc.table == table and doc.column == column for doc in columns):
            raise ValueError(f"{where}: {table}.{column} is described twice")
        columns.append(ColumnDoc(table, column, kind, meaning))
    order = {name: i for i, name in enumerate(TABLE_NAMES)}
    return DataDictionary(
        descriptions=tuple(sorted(descriptions.items(), key=lambda item: order[item[0]])),
        columns=tuple(sorted(columns, key=lambda doc: order[doc.table])))


def write_data_dictionary(out_dir: Path) -> Path:
    """Write the data dictionary as ``README.md`` into ``out_dir`` (created if missing); its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / README
    text = load_data_dictionary().markdown()
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- the workbook -------------------------------------------------------------------------


def export_xlsx(tables: Tables, path: Path, max_rows_per_sheet: int = EXCEL_MAX_ROWS - 1) -> Path:
    """Write ``tables`` and the data dictionary into one Excel workbook at ``path``; the path.

    ``max_rows_per_sheet`` rows of data go on one sheet (Excel's limit by
    default); a longer table continues on ``"<table> (2)"`` and so on.
    """
    if max_rows_per_sheet < 1:
        raise ValueError(f"max_rows_per_sheet must be at least 1, not {max_rows_per_sheet}")
    path = Path(path)
    dictionary = load_data_dictionary()
    workbook = Workbook(write_only=True)
    _add_sheet(workbook, DICTIONARY_SHEET, dictionary.frame(tables), {}, wrap={"meaning"})
    for name in TABLE_NAMES:
        df = getattr(tables, name)
        types = {column: _column_type(df[column], dictionary.column(name, column)) for column in df.columns}
        for number, start in enumerate(range(0, max(len(df), 1), max_rows_per_sheet), start=1):
            title = name if number == 1 else f"{name} ({number})"
            _add_sheet(workbook, title, df.iloc[start:start + max_rows_per_sheet], types)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, workbook.save)


def _add_sheet(workbook: Workbook, title: str, df: pd.DataFrame, types: dict[str, str],
               wrap: Iterable[str] = ()) -> None:
    """One sheet of ``df``, streamed row by row (the workbook is write-only: memory stays flat)."""
    sheet = workbook.create_sheet(title)
    columns = [str(column) for column in df.columns]
    kinds = [types.get(column, "text") for column in df.columns]
    for i, (column, kind) in enumerate(zip(df.columns, kinds), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = _width(str(column), df[column], kind)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{len(df) + 1}"
    sheet.append([_header_cell(sheet, column) for column in columns])
    wrapped = [column in set(wrap) for column in df.columns]
    for row in df.itertuples(index=False, name=None):
        sheet.append([_cell(sheet, _excel_value(value, kind), wrap_it)
                      for value, kind, wrap_it in zip(row, kinds, wrapped)])


def _header_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, _clean_text(text))
    cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: Any, wrap: bool) -> Any:
    """A plain value, or a styled cell for dates, wrapped text and formula-like text."""
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str) and (wrap or value.startswith(FORMULA_PREFIXES)):
        cell = WriteOnlyCell(sheet, value)
        if value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"    # text, never a formula
            cell.quotePrefix = True  # and it stays text when edited in Excel
        if wrap:
            cell.alignment = _WRAP
        return cell
    return value


def _column_type(series: pd.Series, doc: ColumnDoc | None) -> str:
    if doc is not None:
        return doc.type
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "text"


def _excel_value(value: Any, kind: str) -> Any:
    """``value`` as a cell value: None for missing, dates for date columns, clean text."""
    if _is_missing(value):
        return None
    if kind == "date":
        value = _as_date(value)
    elif kind == "datetime":
        value = _as_datetime(value)
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):  # numpy scalars (itertuples gives them) as Python values
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones: keep the local time
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, (bool, int, float, dt.date, dt.time)):
        return value
    return _clean_text(str(value))


def _as_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return value
    return value


def _as_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: not a missing scalar
        return False


def _clean_text(text: str) -> str:
    """Text Excel accepts: no control characters, at most :data:`EXCEL_MAX_CHARS` characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > EXCEL_MAX_CHARS:
        text = text[:EXCEL_MAX_CHARS - len(TRUNCATED)] + TRUNCATED
    return text


def _width(header: str, series: pd.Series, kind: str) -> float:
    """A column width in characters: the header's or the longest value's, within the bounds."""
    longest = len(header) + 3  # room for the filter button
    if kind == "date":
        longest = max(longest, len("2025-07-01"))
    elif kind == "datetime" or pd.api.types.is_datetime64_any_dtype(series):
        longest = max(longest, len("2025-07-01 00:00"))
    else:
        lengths = series.dropna().astype(str).str.len()
        longest = max(longest, int(lengths.max()) if len(lengths) else 0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


# --- vnextract export ---------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand to the ``vnextract`` command line."""
    parser = subparsers.add_parser(
        "export", help="write the tables of a results folder as one Excel workbook, with a data dictionary",
        description="Read a folder written by `vnextract extract` and write every table into one Excel "
                    "workbook (a sheet per table and a sheet describing every column), and the data "
                    f"dictionary as {README} into the folder.")
    parser.add_argument("results", type=Path, metavar="RESULTS_DIR",
                        help="a folder written by `vnextract extract`")
    parser.add_argument("--xlsx", type=Path, default=None, metavar="FILE",
                        help=f"the workbook to write (default: RESULTS_DIR/{DEFAULT_WORKBOOK})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``vnextract export``: the exit code (UsageError for a missing or foreign folder)."""
    from .cli import EXIT_FAILED, EXIT_OK, PROGRAM, UsageError
    from .explore.results import load_results

    results: Path = args.results
    xlsx: Path = args.xlsx or results / DEFAULT_WORKBOOK
    if not results.is_dir():
        raise UsageError(f"no such results folder: {results}")
    if xlsx.suffix.lower() != ".xlsx":
        raise UsageError(f"--xlsx {xlsx}: the workbook's name must end in .xlsx")
    try:
        tables = load_results(results)
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None
    try:
        workbook = export_xlsx(tables, xlsx)
        readme = write_data_dictionary(results)
    except OSError as error:
        print(f"{PROGRAM} export: error: cannot write: {error}", file=sys.stderr)
        return EXIT_FAILED
    counts = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in tables.summary().items())
    print(f"Workbook ({counts}) written to {workbook}\nData dictionary written to {readme}")
    return EXIT_OK
