"""CSV and XLSX exports, read back with csv and openpyxl."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from balik.core.exporting import (
    DANGEROUS_PREFIXES,
    MAX_WIDTH,
    MIN_WIDTH,
    WIDTH_SAMPLE,
    csv_bytes,
    neutralise,
    write_csv,
    xlsx_bytes,
)

DANGEROUS = ["=1+1", "+62 812", "-2+3", "@SUM(A1:A2)", "\tx", "\rx", '=HYPERLINK("http://x.id")']
NAMES = ["Siti Nurhaliza", "Dewi Ayu Lestari", "Ni Luh Putu Ayu", "Bùi Thị Xuân", "渡辺 直美"]
WJB = dt.timezone(dt.timedelta(hours=7))


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_neutralise_prefixes_dangerous_text_only():
    for text in DANGEROUS:
        assert neutralise(text) == "'" + text
    assert neutralise("Budi") == "Budi"
    assert neutralise("'=already quoted") == "'=already quoted"
    assert neutralise(" =1+1") == " =1+1"
    assert neutralise(None) == ""
    numbers = (-3, -2.5, Decimal("-1.50"), True, np.int64(-4), np.float32(-0.5))
    for value in (*numbers, dt.date(2024, 5, 1), dt.time(9, 30)):
        assert neutralise(value) is value


def test_neutralise_turns_other_objects_into_text_first():
    class Lazy:
        def __str__(self):
            return "=1+1"

    assert neutralise(Lazy()) == "'=1+1"


def test_csv_neutralises_every_dangerous_prefix_header_included():
    data = csv_bytes(["=name", "note"], [[text, "ok"] for text in DANGEROUS])

    header, *rows = read_csv(data)
    assert header == ["'=name", "note"]
    assert [row[0] for row in rows] == ["'" + text for text in DANGEROUS]


def test_csv_keeps_numbers_dates_and_unicode():
    rows = [
        [NAMES[0], -3, -2.5, Decimal("4.80"), dt.date(2024, 1, 2)],
        [NAMES[1], 0, 0.1, None, dt.datetime(2024, 1, 2, 9, 30, tzinfo=WJB)],
        [NAMES[4], np.int64(-7), np.float32("nan"), float("-inf"), dt.time(14, 5)],
    ]

    data = csv_bytes(["name", "a", "b", "c", "when"], rows)

    assert data.startswith(b"\xef\xbb\xbf")
    assert read_csv(data)[1:] == [
        [NAMES[0], "-3", "-2.5", "4.80", "2024-01-02"],
        [NAMES[1], "0", "0.1", "", "2024-01-02T09:30:00+07:00"],
        [NAMES[4], "-7", "", "", "14:05:00"],
    ]


def test_write_csv_counts_the_rows_without_the_header():
    stream = io.StringIO(newline="")

    written = write_csv(["name"], ([name] for name in NAMES), stream)

    assert written == len(NAMES)
    assert stream.getvalue().splitlines()[0] == "name"


def test_xlsx_stores_dangerous_text_as_text_never_as_a_formula():
    data = xlsx_bytes("Feedback", ["=name", "note"], [[text, "ok"] for text in DANGEROUS])

    sheet = read_xlsx(data)
    cells = [row[0] for row in sheet.iter_rows()]
    assert all(cell.data_type == "s" for cell in cells)
    # a carriage return reaches XML as a line break
    expected = ["'=name"] + ["'" + text.replace("\r", "\n") for text in DANGEROUS]
    assert [cell.value for cell in cells] == expected


def test_xlsx_header_is_bold_and_frozen_and_columns_fit():
    rows = [[name, "x" * 300, 4] for name in NAMES]

    sheet = read_xlsx(xlsx_bytes("Pairs", ["Mentee", "Note", "Score"], rows))

    assert sheet.title == "Pairs"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    # longest name + 2; cut at the maximum; "Score" + 2 raised to the minimum
    assert widths == [len("Dewi Ayu Lestari") + 2, MAX_WIDTH, MIN_WIDTH]


def test_xlsx_keeps_numbers_dates_and_unicode():
    rows = [
        [NAMES[3], -3, -2.5, Decimal("4.8"), dt.date(2024, 1, 2)],
        [NAMES[4], np.int64(-7), float("nan"), True, dt.datetime(2024, 1, 2, 9, 30, tzinfo=WJB)],
    ]

    sheet = read_xlsx(xlsx_bytes("Outcomes", ["name", "a", "b", "c", "when"], rows))

    first, second = list(sheet.iter_rows(min_row=2))
    assert [cell.value for cell in first[:4]] == [NAMES[3], -3, -2.5, 4.8]
    assert [cell.data_type for cell in first[1:4]] == ["n", "n", "n"]
    assert first[4].is_date and first[4].value == dt.datetime(2024, 1, 2)
    assert (second[0].value, second[1].value, second[1].data_type) == (NAMES[4], -7, "n")
    assert second[2].value is None
    assert second[3].value is True
    # Excel has no time zones: the wall-clock time in the value's own zone
    assert second[4].is_date and second[4].value == dt.datetime(2024, 1, 2, 9, 30)


def test_xlsx_streams_rows_past_the_width_sample():
    count = WIDTH_SAMPLE + 300
    rows = ([f"Peserta {index}", index, -index] for index in range(count))

    sheet = read_xlsx(xlsx_bytes("Sessions", ["name", "n", "minus"], rows))

    assert sheet.max_row == count + 1
    assert [cell.value for cell in sheet[count + 1]] == [
        f"Peserta {count - 1}",
        count - 1,
        1 - count,
    ]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Umpan balik: Q1/2025 [draft]", "Umpan balik- Q1-2025 -draft-"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
    ],
)
def test_xlsx_mends_a_sheet_title_excel_would_refuse(title, expected):
    assert read_xlsx(xlsx_bytes(title, ["a"], [])).title == expected


# Leading characters drawn more often than st.text() alone would draw them.
texts = st.one_of(
    st.text(),
    st.builds(
        lambda first, rest: first + rest,
        st.sampled_from([*DANGEROUS_PREFIXES, "'", "\n", "\x01", "\x0b", " ", "\r\n"]),
        st.text(),
    ),
)


def _is_safe_read_back(read_back: str, original: str) -> bool:
    if read_back.startswith(DANGEROUS_PREFIXES):
        return False
    if original.startswith(DANGEROUS_PREFIXES):
        return read_back == "'" + original
    return read_back == original


@settings(max_examples=50, deadline=None)
@given(st.lists(texts, min_size=1, max_size=20))
def test_csv_text_reads_back_safe_and_whole(values):
    rows = read_csv(csv_bytes(["value"], [[value] for value in values]))[1:]

    assert len(rows) == len(values)
    for [read_back], original in zip(rows, values, strict=True):
        assert _is_safe_read_back(read_back, original)


@settings(max_examples=50, deadline=None)
@given(st.lists(texts, min_size=1, max_size=20))
def test_xlsx_text_reads_back_safe_and_whole(values):
    sheet = read_xlsx(xlsx_bytes("Values", ["value"], [[value] for value in values]))
    cells = [row[0] for row in sheet.iter_rows(min_row=2, max_row=len(values) + 1)]

    for cell, original in zip(cells, values, strict=True):
        assert cell.data_type != "f"
        read_back = cell.value or ""
        # what XML can carry: no C0 controls but tab and line feed, line feeds for returns
        cleaned = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", original)
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
        if original.startswith(DANGEROUS_PREFIXES) and not cleaned.startswith(DANGEROUS_PREFIXES):
            assert read_back == "'" + cleaned  # a return that became a line feed
        else:
            assert _is_safe_read_back(read_back, cleaned)
