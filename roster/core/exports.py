"""CSV files for people to open in spreadsheets.

A file is UTF-8 with a byte-order mark (so spreadsheets read it as UTF-8),
with CRLF line ends and a header row. A cell that starts with `=`, `+`,
`-`, `@`, a tab or a carriage return is prefixed with a single quote, so a
spreadsheet shows it as text instead of running it as a formula.
"""

import csv
import io
from urllib.parse import quote

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell's text, made safe from formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def content_disposition(filename):
    """An RFC 6266 attachment header with an ASCII fallback name."""
    fallback = filename.encode("ascii", "replace").decode().replace('"', "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(filename, header, rows):
    """A download of `rows` (sequences of cells) under `header`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in (header, *rows):
        writer.writerow([neutralise(cell) for cell in row])
    response = HttpResponse(
        "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(filename)
    return response
