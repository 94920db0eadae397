"""CSV files for Excel (and WPS, LibreOffice): UTF-8 with a BOM, CRLF, and no cell that a spreadsheet would run.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before
one) as a formula: a site or team named ``=HYPERLINK(…)`` would become a link, or worse, on a dispatcher's
computer. Every CSV the server writes goes through :func:`to_csv`, which puts an apostrophe before such a text
cell; the spreadsheet shows the text as typed and hides the apostrophe. Numbers are written as numbers.

A file we read back (the 12345 import reads the 12345 export) takes the apostrophe off again with
:func:`read_cell`. So that this gives back exactly what was written, text that already starts with apostrophes
before a formula start (``'=1``) gets one more too: a spreadsheet would hide its own first apostrophe as well.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _runs(text: str) -> bool:
    """Whether a spreadsheet would run ``text``, or show it without its leading apostrophe."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def cell(value: Any) -> Any:
    """``value`` as it may go into a CSV cell: text a spreadsheet would read as a formula gets a leading ``'``."""
    if isinstance(value, str) and _runs(value):
        return "'" + value
    return value


def read_cell(text: str) -> str:
    """The value that :func:`cell` wrote as ``text`` (a cell of a file we exported, read back)."""
    return text[1:] if text.startswith("'") and _runs(text[1:]) else text


def to_csv(rows: Iterable[Iterable[Any]]) -> str:
    """The rows as CSV text with a BOM (so Excel reads the Chinese as UTF-8), each cell made safe by :func:`cell`."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()
