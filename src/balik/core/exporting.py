"""CSV and XLSX exports that HR staff can open in Excel without running anything.

Formula injection (OWASP "CSV Injection"): a text value starting with =, +, -, @, a tab or a
carriage return is read by spreadsheet programs as a formula, which can run commands or leak
data. Every text value that starts with one of them gets a leading apostrophe: Excel shows it as
text, and removing the one apostrophe gives the value back. Only text is touched; numbers
(a negative number included) and dates stay what they are.

Pure: stdlib and openpyxl only, no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import chain, islice
from numbers import Real
from typing import TextIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Value = str | Real | Decimal | dt.date | dt.time  # dt.datetime is a dt.date

# Column widths come from the header and this many first rows; the rest stream straight through.
WIDTH_SAMPLE = 200
MIN_WIDTH = 8
MAX_WIDTH = 60
MAX_CELL_TEXT = 32_767  # Excel's limit; a longer text makes Excel call the file damaged

# Characters XML 1.0 cannot carry (openpyxl refuses them): C0 controls other than tab, LF, CR.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_ILLEGAL = re.compile(r"[\\/*?:\[\]]")


def neutralise(value: object) -> Value:
    """The value made safe for a spreadsheet cell.

    Text starting with a DANGEROUS_PREFIXES character gets a leading apostrophe; None becomes "";
    numbers, booleans and dates pass unchanged; anything else (a lazy translation, a UUID) is
    turned into text first and then checked like text.
    """
    if value is None:
        return ""
    if isinstance(value, Real | Decimal | dt.date | dt.time):  # bool, numpy and datetime too
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def write_csv(header: Sequence[object], rows: Iterable[Sequence[object]], stream: TextIO) -> int:
    """Write header and rows to a text stream (open files with newline=""); returns the rows
    written, the header not counted.

    Values are neutralised; dates, datetimes and times are ISO 8601 (an aware datetime keeps its
    offset); floats are written as Python writes them; a NaN or infinite float, which Excel has no
    number for, becomes an empty cell.
    """
    writer = csv.writer(stream)
    writer.writerow([_csv_value(value) for value in header])
    written = 0
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
        written += 1
    return written


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """The CSV as UTF-8 with a byte order mark, so Excel reads Indonesian names correctly."""
    stream = io.StringIO(newline="")
    write_csv(header, rows, stream)
    return stream.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    sheet_title: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> bytes:
    """One sheet: a bold, frozen header row, columns fitted roughly to their content.

    Rows stream through a write-only workbook, so 100,000 rows take little memory. Text is always
    stored as text, never as a formula, and neutralised as in CSV. What XML or Excel cannot
    carry changes: control characters other than tab and line breaks are dropped, a carriage
    return becomes a line break, text beyond Excel's 32,767 characters a cell is cut off.
    Dates and times are real Excel dates; an aware datetime is written as its wall-clock time in
    its own zone (Excel has no zones), so pass the viewer's local time.
    A NaN or infinite float becomes an empty cell.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    row_iterator = iter(rows)
    sample = list(islice(row_iterator, WIDTH_SAMPLE))
    for index, width in enumerate(_column_widths([header, *sample]), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header_cells = []
    for value in header:
        cell = _xlsx_cell(sheet, value)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in chain(sample, row_iterator):
        sheet.append([_xlsx_cell(sheet, value) for value in row])

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _csv_value(value: object) -> object:
    value = neutralise(value)
    if _not_finite(value):
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _not_finite(value: object) -> bool:
    if isinstance(value, Decimal):
        return not value.is_finite()
    return isinstance(value, Real) and not isinstance(value, int) and not math.isfinite(value)


def _xlsx_text(text: str) -> str:
    """Text XML can carry, neutralised: the check runs before and after cleaning, so neither a
    dropped control character nor a carriage return turned into a line break can uncover or
    hide a dangerous first character."""
    cleaned = _XML_ILLEGAL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith(DANGEROUS_PREFIXES) or cleaned.startswith(DANGEROUS_PREFIXES):
        cleaned = "'" + cleaned
    return cleaned[:MAX_CELL_TEXT]


def _xlsx_cell(sheet, value: object) -> WriteOnlyCell:
    value = neutralise(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_xlsx_text(value))
        cell.data_type = "s"  # openpyxl would read a leading "=" as a formula
        return cell
    if _not_finite(value):
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, dt.datetime | dt.time) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return WriteOnlyCell(sheet, value=value)


def _column_widths(rows: Iterable[Sequence[object]]) -> Iterator[float]:
    widths: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            length = _display_length(value)
            if index == len(widths):
                widths.append(length)
            elif length > widths[index]:
                widths[index] = length
    for length in widths:
        yield min(MAX_WIDTH, max(MIN_WIDTH, length + 2))


def _display_length(value: object) -> int:
    if isinstance(value, dt.datetime):
        return 16  # yyyy-mm-dd hh:mm
    if isinstance(value, dt.date):
        return 10
    value = neutralise(value)
    text = value if isinstance(value, str) else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of \\ / * ? : [ ], no apostrophe at either end."""
    cleaned = _SHEET_TITLE_ILLEGAL.sub("-", _XML_ILLEGAL.sub("", title))[:31].strip("'").strip()
    return cleaned or "Sheet"
