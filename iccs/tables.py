"""The one way to read a table a user gives us: CSV, TSV or XLSX, whatever its encoding and separator.

Countries send tables in every shape: UTF-8 with or without a byte-order mark, Windows-1252 or
Latin-1 from an old spreadsheet, ``,`` or ``;`` or tab between fields, sometimes a few lines of
preamble above the header. :func:`read_table` finds out which, and yields rows as dicts with the
line number they came from, so that every finding can say file, row and column. Anything it
cannot read is an :class:`~iccs.errors.InputError` naming the file (and row, column where known).

    >>> table = read_table("offences.csv", required=["code", "label"])
    >>> table.columns, table.encoding, table.delimiter
    >>> for row in table: row.line, row["code"]
"""
import codecs
import csv
import io
import re

from .errors import InputError
from .files import read_input

DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 64 * 1024


class Row(dict):
    """A row of a table: column name → text (stripped), with ``line``, its 1-based line in the file
    (for a spreadsheet, its row number in the sheet)."""

    __slots__ = ("line",)


class Table:
    """A table being read: ``columns``, ``encoding``, ``delimiter``, ``header_line``; iterate for
    rows. Iterating reads the file again each time (large files are never held in memory)."""

    def __init__(self, path, columns, encoding, delimiter, header_line, sheet=None):
        self.path, self.columns, self.encoding = str(path), columns, encoding
        self.delimiter, self.header_line, self.sheet = delimiter, header_line, sheet

    def __iter__(self):
        columns = self.columns
        for line, values in self.records():
            row = Row(zip(columns, (v.strip() for v in values)))
            row.line = line
            yield row

    def records(self):
        """``(line, values)`` of each non-blank row below the header: the cells as a list as long
        as the header at least, not stripped. Cheaper than rows as dicts, for a million rows."""
        if self.sheet is not None:
            yield from _xlsx_records(self.path, self.sheet, len(self.columns), self.header_line)
            return
        width = len(self.columns)
        with open(self.path, encoding=self.encoding, errors=C1 if self.encoding == "cp1252" else "strict",
                  newline="") as f:
            # strict: a quote never closed is an error at the end of the file, not a last field
            # that silently swallows every row below it
            reader = csv.reader(f, delimiter=self.delimiter, strict=True)
            start = self.header_line + 1
            try:
                for _ in range(self.header_line):
                    next(reader)
                for values in reader:
                    begin, start, line = start, reader.line_num + 1, reader.line_num
                    if len(values) < width:
                        if not any(v.strip() for v in values):
                            continue
                        values += [""] * (width - len(values))
                    elif not any(v.strip() for v in values):
                        continue
                    elif len(values) > width and any(v.strip() for v in values[width:]):
                        raise InputError(f"{len(values)} fields where the header has {width}: a value holding "
                                         f"{self.delimiter!r} must be quoted", file=self.path, row=begin)
                    yield line, values
            except csv.Error as e:
                if "end of data" in str(e):
                    raise InputError("a quote opened on this line is never closed (the rows below it "
                                     "would be read as one cell)", file=self.path, row=start) from None
                raise InputError(f"not a readable table: {e}", file=self.path, row=reader.line_num) from None
            except UnicodeDecodeError:
                raise self.undecodable(_first_undecodable(self.path, self.encoding)) from None

    def undecodable(self, offset):
        """The InputError for the byte at ``offset`` that the table's encoding cannot decode: its
        line and, when the line splits into the header's columns, its column."""
        name = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "UTF-8 or Windows-1252"}.get(
            self.encoding, self.encoding)
        if offset is None:
            return InputError(f"not {name} text", file=self.path)
        number, tail = 1, b""  # the line of the byte, and that line's bytes before it
        with open(self.path, "rb") as f:
            done = 0
            while done < offset:
                block = f.read(min(1 << 20, offset - done))
                if not block:
                    break
                done += len(block)
                newlines = block.count(b"\n")
                number += newlines
                tail = block[block.rfind(b"\n") + 1:] if newlines else tail + block
                tail = tail[-(1 << 16):]
            text = f.read(1 << 16)
        byte = text[:1].hex()
        line = tail + text.split(b"\n", 1)[0]
        column = None
        cells = next(csv.reader([line.decode(self.encoding, errors="replace")], delimiter=self.delimiter), [])
        bad = [i for i, cell in enumerate(cells) if "\ufffd" in cell]
        # a line that does not split into the header's columns is inside a cell over several lines
        if bad and len(cells) == len(self.columns) and number > self.header_line:
            column = self.columns[bad[0]]
        return InputError(f"not {name} text (byte 0x{byte}): save the file as UTF-8",
                          file=self.path, row=number, column=column)

    def column(self, wanted):
        """The table's own name of a column, matched without regard to case, spaces or '_'
        (``"Iso3 code"`` for ``"iso3_code"``), or None."""
        key = column_key(wanted)
        for name in self.columns:
            if column_key(name) == key:
                return name
        return None

    def require(self, *wanted):
        """The table's names of the wanted columns; InputError naming the first missing one."""
        found = []
        for name in wanted:
            actual = self.column(name)
            if actual is None:
                raise InputError(f"no column {name!r} (the columns are: {', '.join(self.columns)})",
                                 file=self.path, row=self.header_line or 1)
            found.append(actual)
        return found


def read_table(path, required=(), header_hint=()):
    """Open a CSV, TSV or XLSX file as a :class:`Table`.

    ``required``: column names that must be there (matched loosely, see ``Table.column``).
    ``header_hint``: names of which any one marks the header line, to skip preamble lines above it
    (a data-portal export); without it the first non-empty line is the header.
    """
    path = str(path)
    head = read_input(path, _SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        table = _open_xlsx(path, header_hint)
    else:
        if b"\x00" in head[:4096]:
            raise InputError("UTF-16 is not supported: save the file as UTF-8 CSV" if _utf16(head)
                             else "not a text table (binary data)", file=path)
        encoding, bad = _encoding(path, head)
        text = head.decode(encoding, errors="replace")
        if len(head) == _SNIFF_BYTES:  # the last line may be cut: sniff whole lines only
            text = text[: text.rfind("\n") + 1] or text
        lines = text.splitlines()
        if not any(line.strip() for line in lines):
            raise InputError("empty file", file=path)
        header_line = _header_index(lines, header_hint)
        delimiter = _delimiter(lines[header_line:header_line + 50])
        header = next(csv.reader([lines[header_line]], delimiter=delimiter))
        table = Table(path, _columns(header, path, header_line + 1), encoding, delimiter, header_line + 1)
        if bad is not None:
            raise table.undecodable(bad)
    if required:
        table.require(*required)
    return table


_NON_ASCII = re.compile(rb"[\x80-\xff]")
C1 = "iccs-c1"  # Windows-1252 as Windows and browsers read it: 0x81, 0x8d, 0x8f, 0x90, 0x9d are C1 controls


def _as_c1(error):
    return "".join(chr(b) for b in error.object[error.start:error.end]), error.end


codecs.register_error(C1, _as_c1)


def _utf16(head):
    """Whether bytes look like UTF-16: a byte-order mark, or a NUL in every other byte (the
    high bytes of Latin letters)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = head[:512]
    return len(sample) >= 8 and (sample[1::2].count(0) > 0.8 * len(sample[1::2])
                                 or sample[0::2].count(0) > 0.8 * len(sample[0::2]))


def _encoding(path, head):
    """(encoding, offset of the first byte it cannot decode or None). UTF-8 (with or without BOM)
    when the text decodes as such, else Windows-1252 (which reads Latin-1 text the same for
    letters). Decided on the first bytes that are not ASCII, wherever they are in the file: a
    long list whose first accent comes late is read as what it is. A text whose UTF-8 letters
    come before a byte UTF-8 cannot read is UTF-8 with a damaged byte, not Windows-1252."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", None
    sample, offset = head, 0
    if not _NON_ASCII.search(head):
        if len(head) < _SNIFF_BYTES:
            return "utf-8", None
        offset = _first_non_ascii(path, len(head))
        if offset is None:
            return "utf-8", None
        with open(path, "rb") as f:
            f.seek(offset)
            sample = f.read(_SNIFF_BYTES)
    more = len(sample) == _SNIFF_BYTES  # the file goes on past the sample
    if more:  # a character the sample's end cuts is read whole
        with open(path, "rb") as f:
            f.seek(offset + len(sample))
            sample += f.read(3)
    try:
        sample.decode("utf-8")
        return "utf-8", None
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data":  # the sample's end, or a file that ends mid-letter
            return "utf-8", None if more else offset + e.start
        if _NON_ASCII.search(sample, 0, e.start):  # UTF-8 letters before it
            return "utf-8", offset + e.start
    return "cp1252", None  # read with the C1 handler: every byte is a character


def _first_non_ascii(path, start, chunk=1 << 20):
    """The offset of the first byte above 127 from ``start`` on, or None."""
    with open(path, "rb") as f:
        f.seek(start)
        while True:
            block = f.read(chunk)
            if not block:
                return None
            found = _NON_ASCII.search(block)
            if found:
                return start + found.start()
            start += len(block)


def _first_undecodable(path, encoding, chunk=1 << 20):
    """The offset of the first byte of the file that ``encoding`` cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    done = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(chunk)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as e:
                return max(0, done + e.start - len(e.object) + len(block))
            if not block:
                return None
            done += len(block)


def _delimiter(lines):
    """The separator that splits the lines into the same number (> 1) of fields most often. A
    header with a backslash and tabs is Eurostat's TSV download (``freq,iccs,geo\\TIME_PERIOD``,
    then a tab before each year): tab, though its first column holds commas."""
    if lines and "\t" in lines[0] and "\\" in lines[0]:
        return "\t"
    best, best_score = ",", -1
    sample = "\n".join(lines)
    for d in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=d) if r]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        score = sum(1 for c in counts if c == counts[0]) * 100 + counts[0]
        if score > best_score:
            best, best_score = d, score
    return best


def _header_index(lines, hint):
    """The index of the header line: the first line naming one of ``hint``, else the first
    non-empty line."""
    keys = {column_key(h) for h in hint}
    first = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if first is None:
            first = i
        if not keys:
            break
        for d in DELIMITERS:
            if any(column_key(cell) in keys for cell in next(csv.reader([line], delimiter=d), [])):
                return i
    return first or 0


def _columns(header, path, line):
    names = [h.strip().lstrip("\ufeff") for h in header]
    seen = set()
    for i, name in enumerate(names):
        if not name:
            names[i] = name = f"column {i + 1}"
        if name in seen:
            raise InputError(f"column {name!r} appears twice in the header", file=path, row=line)
        seen.add(name)
    return names


def column_key(name):
    """A column name as compared: case, spaces and punctuation aside ("Iso3 code" = "iso3_code")."""
    return "".join(ch for ch in str(name).casefold() if ch.isalnum())




def _open_xlsx(path, header_hint):
    try:
        import openpyxl
    except ImportError:
        raise InputError("reading XLSX needs openpyxl (pip install openpyxl)", file=path) from None
    check_unpacked(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # a zip that is not a workbook, a damaged file
        raise InputError(f"not a readable XLSX workbook: {' '.join(str(e).split())[:200]}", file=path) from None
    sheet = book.worksheets[0].title
    lines = []
    for values in book[sheet].iter_rows(values_only=True, max_row=200):
        lines.append(",".join('"%s"' % _xlsx_text(v).replace('"', '""') for v in values))
    book.close()
    if not any(line.replace(",", "").replace('"', "").strip() for line in lines):
        raise InputError("empty workbook (its first sheet has no rows)", file=path)
    header_line = _header_index(lines, header_hint)
    header = next(csv.reader([lines[header_line]]))
    while header and not header[-1].strip():
        header.pop()
    return Table(path, _columns(header, path, header_line + 1), "xlsx", None, header_line + 1, sheet=sheet)


MAX_UNPACKED = 1 << 30  # an XLSX is a zip of XML: 1 GB unpacked is some ten million cells


def check_unpacked(path, limit=MAX_UNPACKED):
    """An InputError for a workbook whose parts unpack to more than ``limit`` bytes (a small
    file can hold a sheet of gigabytes: it would be read into memory)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            size = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    if size > limit:
        raise InputError(f"too large: the workbook unpacks to {size / 1e6:.0f} MB (at most "
                         f"{limit / 1e6:.0f} MB); save it as CSV", file=path)


def _xlsx_records(path, sheet, width, header_line):
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for number, values in enumerate(book[sheet].iter_rows(values_only=True), start=1):
            if number <= header_line:
                continue
            cells = [_xlsx_text(v).strip() for v in values]
            if not any(cells):
                continue
            yield number, cells + [""] * (width - len(cells))
    finally:
        book.close()


def _xlsx_text(value):
    """A cell as the text a person sees: whole numbers without '.0', nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
