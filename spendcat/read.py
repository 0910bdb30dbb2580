"""Open a publication file of any kind and turn it into grids of text.

A publication arrives as CSV in some encoding and dialect, as a spreadsheet (XLSX, XLS, ODS),
or as either inside a `.zip` or `.gz`. The format is decided from the bytes, not the name:
a CSV named `.xls` is a CSV. Each CSV, and each sheet of a workbook, becomes a `Grid`: its
first rows as text (to find the header in) and, once the header is known, the rows from the
header down as an Arrow table of strings with the source row number of each.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import sys
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import zip_longest
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from spendcat.errors import UnreadableFile

# A publication bigger than this (after decompression) is refused rather than read: spend
# files run to a few hundred megabytes at most, and a zip bomb should not take the machine.
MAX_BYTES = int(os.environ.get("SPENDCAT_MAX_BYTES", str(2 * 1024**3)))
MAX_ARCHIVE_MEMBERS = 1000
HEAD_RECORDS = 80
_HEAD_BYTES = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")


class Source:
    """One file's bytes, after any archive around it has been opened.

    A plain file's bytes stay on disk until asked for: a CSV is read from its file piece by
    piece (`read`), so the whole file is never held in memory beside what is parsed from it.
    """

    def __init__(self, name: str, data: bytes | None = None, *, path: Path | None = None, size: int | None = None):
        if data is None and path is None:
            raise ValueError("a source needs its bytes or its path")
        self.name = name
        self._data = data
        self.path = path
        self.size = len(data) if data is not None else int(size if size is not None else path.stat().st_size)

    @property
    def data(self) -> bytes:
        """All of the file's bytes (read once, then kept)."""
        if self._data is None:
            self._data = self.read(0, self.size)
        return self._data

    def read(self, start: int, stop: int) -> bytes | memoryview:
        """Bytes `start` to `stop` (fewer at the end of the file)."""
        if self._data is not None:
            return memoryview(self._data)[start:stop]
        try:
            with open(self.path, "rb") as stream:
                stream.seek(start)
                return stream.read(max(0, stop - start))
        except OSError as exc:
            raise UnreadableFile(f"cannot read ({exc.strerror or exc})", file=self.name) from None

    def read_buffer(self, start: int, stop: int) -> pa.Buffer:
        """Bytes `start` to `stop` as an Arrow buffer (no copy of bytes already in memory)."""
        if self._data is not None:
            return pa.py_buffer(self._data)[start:stop]
        try:
            with pa.OSFile(str(self.path), "rb") as stream:
                stream.seek(start)
                return stream.read_buffer(max(0, stop - start))
        except OSError as exc:
            raise UnreadableFile(f"cannot read ({exc.strerror or exc})", file=self.name) from None

    def __repr__(self) -> str:
        return f"Source({self.name!r}, {self.size} bytes{'' if self._data is not None else ', on disk'})"


@dataclass
class Grid:
    """One table of a publication (a CSV, or one sheet), before its header is known."""

    format: str
    head: list[list[str]]
    body: Callable[[int], tuple[pa.Table, np.ndarray]]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    # Row number (1-based, as a spreadsheet shows it) of head[0].
    first_row: int = 1
    notes: list[str] = field(default_factory=list)
    # The rows below the header with blank rows left out and cells' fill worked out as they
    # are read (CSV); None where `body` is all there is (spreadsheets).
    rows_below: Callable[[int], Body] | None = None


@dataclass
class Body:
    """The rows of a table from its header down, as read."""

    header: list[str]  # the header row's cells
    table: pa.Table  # the rows below the header (blank rows left out when the reader drops them)
    rows: np.ndarray  # the row number of each, counted as Grid.body counts them
    filled: list[np.ndarray] | None  # per column: which rows hold more than spaces there (None: not worked out)
    blank_rows: np.ndarray  # row numbers of the blank rows left out


def body_of(table: pa.Table, rows: np.ndarray) -> Body:
    """A Body from what Grid.body returns: the header row and everything below it."""
    header = [str(v) for v in table.slice(0, 1).to_pylist()[0].values()] if table.num_rows else []
    return Body(header, table.slice(1), rows[1:], None, np.zeros(0, dtype=np.int64))


def sniff_format(data: bytes) -> str:
    """The format of a file from its first bytes: csv, xlsx, xls, ods, zip or gzip."""
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):  # a member, an empty archive, a spanned one
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype")[:100]
                    if b"opendocument.spreadsheet" in mimetype:
                        return "ods"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
        except zipfile.BadZipFile:
            return "zip"
        return "zip"
    if data[:5] == b"{\\rtf" or data[:4] == b"%PDF":
        return "binary"
    return "csv"


def _check_size(name: str, size: int) -> None:
    if size > MAX_BYTES:
        raise UnreadableFile(
            f"too large to read ({size:,} bytes; the limit is {MAX_BYTES:,}, set SPENDCAT_MAX_BYTES to raise it)",
            file=name,
        )


def _gunzip(name: str, data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(MAX_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise UnreadableFile(f"broken gzip file ({exc})", file=name) from None
    _check_size(name, len(out))
    return out


def _unzip(name: str, data: bytes) -> list[Source]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"broken zip file ({exc})", file=name) from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not Path(info.filename).name.startswith((".", "~$"))
        ]
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise UnreadableFile(f"zip holds {len(members)} files; at most {MAX_ARCHIVE_MEMBERS} are read", file=name)
        if sum(info.file_size for info in members) > MAX_BYTES:
            _check_size(name, sum(info.file_size for info in members))
        sources = []
        for info in members:
            member_name = f"{name}!{info.filename}"
            try:
                with archive.open(info) as stream:
                    member = stream.read(MAX_BYTES + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                raise UnreadableFile(f"cannot extract ({exc})", file=member_name) from None
            _check_size(member_name, len(member))
            sources.append(Source(member_name, member))
    return sources


def open_sources(path: str | Path, *, depth: int = 0) -> list[Source]:
    """The files inside `path`: itself, or the members of a zip, or the content of a gzip."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise UnreadableFile("no such file", file=name)
    if path.is_dir():
        raise UnreadableFile("is a folder, not a file", file=name)
    try:
        size = path.stat().st_size
        _check_size(name, size)
        with open(path, "rb"):  # readable now, not only when its bytes are wanted
            pass
    except OSError as exc:
        raise UnreadableFile(f"cannot read ({exc.strerror or exc})", file=name) from None
    return _expand(Source(name, path=path, size=size), depth)


def _sniff_source(source: Source) -> str:
    """sniff_format for a source, reading only its first bytes unless it may be a zip."""
    head = bytes(source.read(0, 8))
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return sniff_format(source.data)
    return sniff_format(head)


def _expand(source: Source, depth: int) -> list[Source]:
    if not source.size:
        raise UnreadableFile("empty file", file=source.name)
    kind = _sniff_source(source)
    if kind not in ("gzip", "zip"):
        return [source]
    if depth >= 2:
        raise UnreadableFile("archives nested too deep", file=source.name)
    if kind == "gzip":
        inner_name = re.sub(r"\.gz$", "", source.name, flags=re.IGNORECASE)
        return _expand(Source(inner_name, _gunzip(source.name, source.data)), depth + 1)
    sources = []
    for member in _unzip(source.name, source.data):
        sources.extend(_expand(member, depth + 1))
    if not sources:
        raise UnreadableFile("zip file holds no files", file=source.name)
    return sources


# --- CSV -------------------------------------------------------------------------------


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _to_utf8(name: str, data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 bytes, and the encoding it was in.

    UTF-8 is taken when the start of the file decodes as UTF-8 (the rest is checked as it is
    read); otherwise Windows-1252, what UK finance systems export. Latin-1 only where a byte
    has no Windows-1252 meaning, as it decodes any byte.
    """
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:], "utf-8-sig"
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data[:2] == bom:
            return _transcode(name, data[2:], encoding), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _transcode(name, data, utf16), utf16
    head = data[:_HEAD_BYTES]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(head) - 4:
            return _transcode(name, data, "cp1252"), "cp1252"
    return data, "utf-8"


def _transcode(name: str, data: bytes, encoding: str) -> bytes:
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError:
        if encoding == "cp1252":
            return data.decode("latin-1").encode("utf-8")
        raise UnreadableFile(f"not valid {encoding} text", file=name) from None


_RECORD_BREAK = re.compile(rb'["\r\n]')
_FIELD_STARTS = frozenset(d.encode()[0] for d in _DELIMITERS)


def record_starts(data: bytes | memoryview, limit: int, max_bytes: int = _HEAD_BYTES) -> list[int]:
    """Byte offsets of the first `limit` CSV records (quotes respected; CR, LF or CRLF ends)."""
    starts = [0]
    in_quotes = False
    view = bytes(data[:max_bytes])
    skip_to = -1
    for match in _RECORD_BREAK.finditer(view):
        position = match.start()
        if position < skip_to:
            continue
        char = view[position]
        if char == 0x22:
            # A quote opens a quoted field only at the start of a field; elsewhere (`12" pipe`)
            # it is a literal character, as the CSV readers themselves take it.
            if in_quotes:
                if view[position + 1 : position + 2] == b'"':
                    skip_to = position + 2  # `""` is a quote inside the quoted field
                else:
                    in_quotes = False
            elif position == starts[-1] or view[position - 1] in _FIELD_STARTS:
                in_quotes = True
            continue
        if in_quotes:
            continue
        end = position + 1
        if char == 0x0D and view[end : end + 1] == b"\n":
            end += 1
            skip_to = end
        if end >= len(view):
            break
        starts.append(end)
        if len(starts) > limit:
            break
    return starts


def _parse_record(text: str, delimiter: str) -> list[str]:
    # The first row only: the last record of the head runs on to the end of the first
    # megabyte, and the rows after its first are never used.
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])


def sniff_delimiter(records: list[str]) -> str:
    """The delimiter that splits the most records into the same number (>1) of fields."""
    best, best_score = ",", (0, 0)
    sample = [r for r in records if r.strip()][:HEAD_RECORDS]
    for delimiter in _DELIMITERS:
        # A record without the delimiter is one field, however it is quoted.
        counts = [len(_parse_record(r, delimiter)) if delimiter in r else 1 for r in sample]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        score = (counts.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_grid(name: str, raw: bytes) -> Grid:
    """A CSV file as a grid: decoded, its dialect sniffed, its first records parsed."""
    return _csv_grid(Source(name, raw))


# Bytes Windows-1252 leaves undefined; a file holding any is Latin-1 throughout.
_CP1252_UNDEFINED = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])
_ALL_BUT_CP1252_UNDEFINED = bytes(b for b in range(256) if b not in _CP1252_UNDEFINED)
# Where Windows-1252 and Latin-1 read a byte differently.
_C1_BYTES = re.compile(rb"[\x80-\x9f]")


def _csv_grid(source: Source) -> Grid:
    """A CSV file as a grid. Only its first megabyte is decoded here; the rest is read (and
    decoded) from the source when the rows below the header are asked for."""
    name = source.name
    start = bytes(source.read(0, _HEAD_BYTES + 3))
    if b"\x00" in start[:4096] and not start.startswith((b"\xff\xfe", b"\xfe\xff")) and not _utf16_without_bom(start):
        raise UnreadableFile("binary file: not a CSV or a spreadsheet spendcat can read", file=name)
    if start[:3] == b"\xef\xbb\xbf":
        return _text_grid(source, 3, "utf-8-sig", "utf-8", start[3 : 3 + _HEAD_BYTES], start[3:])
    if start[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_bom(start):
        data, encoding = _to_utf8(name, source.data)
        return _text_grid(Source(name, data), 0, encoding, "utf-8", data[:_HEAD_BYTES], data[:_HEAD_BYTES])
    head = start[:_HEAD_BYTES]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(head) - 4:
            codec = _single_byte_codec(source, head)
            text = head.decode(codec or "cp1252").encode("utf-8")[:_HEAD_BYTES]
            return _text_grid(source, 0, "cp1252", codec, text, head)
    return _text_grid(source, 0, "utf-8", "utf-8", head, head)


def _single_byte_codec(source: Source, head: bytes) -> str | None:
    """Windows-1252, or Latin-1 where a byte has no Windows-1252 meaning; None while only
    the rest of the file can tell and the first megabyte reads the same either way."""
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    if not _C1_BYTES.search(head):
        return None
    for position in range(0, source.size, 1 << 24):
        if bytes(source.read(position, position + (1 << 24))).translate(None, _ALL_BUT_CP1252_UNDEFINED):
            return "latin-1"
    return "cp1252"


def _text_grid(source: Source, base: int, encoding: str, codec: str | None, text: bytes, raw_head: bytes) -> Grid:
    return _text_csv(source, base, encoding, codec, text, raw_head).grid


def _text_csv(source: Source, base: int, encoding: str, codec: str | None, text: bytes, raw_head: bytes) -> _TextCsv:
    """The grid of a CSV whose first megabyte, as UTF-8, is `text`, and its reader.

    `codec` is how the source's bytes (from `base`) become UTF-8: "utf-8" (as they are),
    "cp1252" or "latin-1" (byte by byte), or None (one of those two, to be told by the rest
    of the file). `raw_head` is the source's first megabyte from `base`, undecoded.
    """
    starts = record_starts(text, HEAD_RECORDS)
    ends = starts[1:] + [min(len(text), _HEAD_BYTES)]
    records = [text[s:e].decode("utf-8", errors="replace").rstrip("\r\n") for s, e in zip(starts, ends)]
    if not any(r.strip() for r in records):
        raise UnreadableFile("no text in file", file=source.name)
    delimiter = sniff_delimiter(records)
    head = [_parse_record(r, delimiter) for r in records]
    # Where each record starts in the source's bytes: single-byte encodings keep the CSV's
    # quotes, delimiters and line ends where they were, so the records are found in the raw bytes.
    raw_starts = record_starts(raw_head, HEAD_RECORDS) if codec != "utf-8" else starts
    text_csv = _TextCsv(source, base, codec, delimiter, head, starts, [base + s for s in raw_starts])
    text_csv.grid = Grid(
        format="csv", head=head, body=text_csv.body, encoding=encoding, delimiter=delimiter, rows_below=text_csv.rows_below
    )
    return text_csv


@dataclass
class _TextCsv:
    """How to read a CSV's rows below its header, once the header is known."""

    source: Source
    base: int  # where the text starts in the source (after a byte-order mark)
    codec: str | None  # see _text_grid
    delimiter: str
    head: list[list[str]]
    starts: list[int]  # where each head record starts in the text as UTF-8
    raw_starts: list[int]  # where each head record starts in the source's bytes
    grid: Grid = field(init=False)

    def read(self, header_index: int, drop_blank: bool) -> _Rows:
        name = self.source.name
        width = len(self.head[header_index])
        try:
            if header_index < len(self.raw_starts):
                rows = _read_pieces(
                    self.source, self.raw_starts[header_index], self.delimiter, width, self.codec, drop_blank, header_index
                )
                if rows is not None:
                    return rows
            # Rows of differing lengths, or a quoted line break where the file was cut into
            # pieces: the whole text is read at once, as it is.
            data = self.source.data
            data = bytes(data[self.base :]) if self.codec == "utf-8" else _transcode(name, data, "cp1252")
            offset = self.starts[header_index]
            table = _read_arrow(data, offset, self.delimiter, width)
            if table is None:
                table = _read_python(name, data, offset, self.delimiter, width)
            numbers = np.arange(header_index + 1, header_index + 1 + table.num_rows, dtype=np.int64)
            return _Rows(table, numbers, None, np.zeros(0, dtype=np.int64))
        except _NotUtf8:
            # The first megabyte was UTF-8 (or plain ASCII) but a later byte is not: the
            # file is Windows-1252 after all, and says so in what `inspect` reports.
            transcoded = _transcode(name, bytes(self.source.data[self.base :]), "cp1252")
            head = transcoded[:_HEAD_BYTES]
            fallback = _text_csv(Source(name, transcoded), 0, "cp1252", "utf-8", head, head)
            self.grid.encoding = fallback.grid.encoding
            return fallback.read(header_index, drop_blank)

    def body(self, header_index: int) -> tuple[pa.Table, np.ndarray]:
        rows = self.read(header_index, False)
        return rows.table, rows.numbers

    def rows_below(self, header_index: int) -> Body:
        rows = self.read(header_index, True)
        if rows.filled is None:
            return body_of(rows.table, rows.numbers)
        header = [str(v) for v in rows.table.slice(0, 1).to_pylist()[0].values()]
        return Body(header, rows.table.slice(1), rows.numbers[1:], [f[1:] for f in rows.filled], rows.blank)


@dataclass
class _Rows:
    table: pa.Table  # the header row and the rows below it
    numbers: np.ndarray  # row number of each
    filled: list[np.ndarray] | None  # per column, which rows hold more than spaces (None: not worked out)
    blank: np.ndarray  # row numbers of blank rows left out


# The rows below a header are read in pieces of about this many bytes, cut after a line
# break and parsed on several threads; each piece is one block for Arrow's parser, which
# follows quotes through it, so a quoted line break inside a piece is read right.
_PIECE_BYTES = 1 << 22
_MAX_PIECE_BYTES = 1 << 30


# What is kept of the pieces (the table, some 1.4 times the file) is copied out of the
# parser's memory into memory from the C library's allocator, which holds it in blocks of
# its own: freed, the parser's scratch memory (in Arrow's default allocator, reused from piece
# to piece) is then given back whole, instead of staying behind in pages the table shares.
_KEEP_POOL = pa.system_memory_pool()


def _c_library_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        trim = ctypes.CDLL("libc.so.6").malloc_trim  # glibc only
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
        return trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _c_library_trim()


def release_memory() -> None:
    """Give memory freed by a finished stage back to the system, so the next stage's
    allocations do not stack on top of it (glibc keeps freed memory in its heaps, and
    mimalloc in its pages, until told otherwise)."""
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _workers() -> int:
    try:
        return max(1, min(8, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return max(1, min(8, os.cpu_count() or 1))


_POOL: tuple[int, ThreadPoolExecutor] | None = None
_POOL_LOCK = threading.Lock()


def thread_pool() -> ThreadPoolExecutor:
    """The reader's threads (one per CPU, at most 8), made on first use and kept for every
    read after: they parse the pieces and then the fields of each table. A process forked
    from one that read gets threads of its own (a fork copies the pool, not its threads)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL[0] != os.getpid():
            _POOL = (os.getpid(), ThreadPoolExecutor(_workers(), thread_name_prefix="spendcat-read"))
        return _POOL[1]


def map_threads(function: Callable[[int], object], count: int) -> list:
    """[function(0), ..., function(count - 1)], on the reader's threads."""
    if min(_workers(), count) <= 1:
        return [function(index) for index in range(count)]
    return list(thread_pool().map(function, range(count)))


def _line_end(source: Source, position: int) -> int:
    """Where the line holding byte `position` ends: just after the next line feed."""
    while position < source.size:
        chunk = bytes(source.read(position, position + (1 << 16)))
        if not chunk:
            break
        found = chunk.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(chunk)
    return source.size


@dataclass
class _Piece:
    table: pa.Table
    undefined: bool  # holds bytes Windows-1252 leaves undefined
    filled: list[np.ndarray] | None = None
    rows: int = 0  # rows parsed, before blank rows were left out
    blank: np.ndarray | None = None  # blank rows left out (index in the piece)


def _read_pieces(
    source: Source,
    offset: int,
    delimiter: str,
    width: int,
    codec: str | None,
    drop_blank: bool,
    header_index: int,
) -> _Rows | None:
    """The rows from `offset` down, read in pieces on several threads; None when that
    cannot be trusted to give what one read of the whole text gives (ragged rows, or a piece
    that ends inside a quoted cell), for the caller to read the whole text instead."""
    cuts = [offset]
    for cut in range(offset + _PIECE_BYTES, source.size, _PIECE_BYTES):
        end = _line_end(source, cut)
        if end > cuts[-1] and end < source.size:
            cuts.append(end)
    cuts.append(source.size)
    pieces = list(zip(cuts[:-1], cuts[1:]))
    if any(stop - start > _MAX_PIECE_BYTES for start, stop in pieces):
        return None
    names = [f"c{i}" for i in range(width)]
    single_byte = codec != "utf-8"
    # Undecided between Windows-1252 and Latin-1, the pieces are read as Windows-1252; should
    # any hold a byte Windows-1252 leaves undefined, they are all read again as Latin-1.
    reading = codec or "cp1252"

    def parse(index: int) -> _Piece | None:
        start, stop = pieces[index]
        raw = source.read_buffer(start, stop)
        piece = _parse_piece(raw, delimiter, names, single_byte, final=index == len(pieces) - 1)
        del raw
        if piece is None or (piece.undefined and reading == "cp1252"):
            return piece
        return _finish_piece(piece, reading, drop_blank, keep_first=index == 0)

    parsed = map_threads(parse, len(pieces))
    if any(piece is None for piece in parsed):
        return None
    if any(piece.undefined for piece in parsed):  # type: ignore[union-attr]
        if codec == "cp1252":  # decided from the whole file, which has no such byte
            return None
        del parsed
        reading = "latin-1"
        parsed = map_threads(parse, len(pieces))
        if any(piece is None for piece in parsed):
            return None
    done: list[_Piece] = parsed  # type: ignore[assignment]
    table = pa.concat_tables([piece.table for piece in done])
    kept, blank = [], []
    first = header_index + 1
    for piece in done:
        numbers = np.arange(first, first + piece.rows, dtype=np.int64)
        if piece.blank is not None and len(piece.blank):
            keep = np.ones(piece.rows, dtype=bool)
            keep[piece.blank] = False
            kept.append(numbers[keep])
            blank.append(numbers[piece.blank])
        else:
            kept.append(numbers)
        first += piece.rows
    filled = [np.concatenate([piece.filled[i] for piece in done]) for i in range(width)]  # type: ignore[index]
    rows = _Rows(table, np.concatenate(kept), filled, np.concatenate(blank) if blank else np.zeros(0, dtype=np.int64))
    del done, parsed, kept, blank
    release_memory()
    return rows


def _parse_piece(raw: pa.Buffer, delimiter: str, names: list[str], single_byte: bool, final: bool) -> _Piece | None:
    # Bytes, with 64-bit offsets (pandas keeps its text that way, so `original` shares it).
    # UTF-8 is checked on the piece as a whole, faster than the parser checks it value by
    # value: every value is valid exactly when the piece is, as values are the piece's bytes
    # cut (and unquoted) at ASCII characters.
    kind = pa.large_binary()
    if not single_byte:
        try:
            pa.LargeStringArray.from_buffers(1, pa.py_buffer(np.array([0, len(raw)], dtype=np.int64)), raw).validate(full=True)
        except pa.ArrowInvalid:
            raise _NotUtf8() from None
    try:
        table = pacsv.read_csv(
            pa.BufferReader(raw),
            # One block: Arrow's parser then follows quotes through the whole piece.
            read_options=pacsv.ReadOptions(column_names=names, block_size=len(raw) + 1, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=_text_columns(names, kind),
        )
    except pa.ArrowInvalid as exc:
        if _is_utf8_error(exc):
            raise _NotUtf8() from None
        return None  # a ragged row (or a piece cut inside a quoted cell)
    if not final and table.num_rows:
        # A piece cut inside a quoted cell ends with that cell unterminated: its last row is
        # short (an error above) or its last cell runs to the piece's final line feed.
        last = table.column(len(names) - 1)[-1].as_py()
        if last.endswith(b"\n"):
            return None
    undefined = single_byte and bool(raw.to_pybytes().translate(None, _ALL_BUT_CP1252_UNDEFINED))
    return _Piece(table, undefined)


def _finish_piece(piece: _Piece, codec: str, drop_blank: bool, keep_first: bool) -> _Piece:
    """A parsed piece decoded to UTF-8, its cells' fill worked out, its blank rows dropped,
    and what is kept of it copied out of the parser's memory (see _KEEP_POOL)."""
    count, names = piece.table.num_rows, piece.table.column_names
    parsed = [_one_chunk(column) for column in piece.table.columns]
    if codec == "utf-8":
        columns = [column.view(pa.large_string()) for column in parsed]  # checked as a piece
    else:
        columns = [_decode_single_byte(column, codec) for column in parsed]
    # The columns still in the parser's memory: checked UTF-8 and plain ASCII are views of it.
    in_parser = [_same_text(column, source) for column, source in zip(columns, parsed)]
    del parsed
    filled = [filled_cells(column) for column in columns]
    blank = np.flatnonzero(~np.logical_or.reduce(filled)) if filled and drop_blank else np.zeros(0, dtype=np.int64)
    if keep_first and len(blank) and blank[0] == 0:
        blank = blank[1:]  # the header row stays, whatever it holds
    if len(blank):
        keep = np.ones(count, dtype=bool)
        keep[blank] = False
        mask = pa.array(keep)
        columns = [pc.filter(column, mask, memory_pool=_KEEP_POOL) for column in columns]
        filled = [f[keep] for f in filled]
    else:
        columns = [
            pa.concat_arrays([column], memory_pool=_KEEP_POOL) if copy else column
            for column, copy in zip(columns, in_parser)
        ]
    return _Piece(pa.Table.from_arrays(columns, names=names), piece.undefined, filled, count, blank)


# Extra bytes each byte takes in UTF-8 once decoded (Windows-1252's undefined bytes never
# reach here: they make the file Latin-1).
_UTF8_EXTRA = {
    codec: np.array(
        [len(bytes([b]).decode(codec, errors="replace").encode("utf-8")) - 1 for b in range(256)], dtype=np.int64
    )
    for codec in ("cp1252", "latin-1")
}


def _one_chunk(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A column as one array: its only chunk as it is (combine_chunks would copy it)."""
    if isinstance(column, pa.Array):
        return column
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _same_text(one: pa.Array, other: pa.Array) -> bool:
    """Whether two arrays hold their text in the same buffer."""
    mine, theirs = one.buffers()[2], other.buffers()[2]
    return mine is not None and theirs is not None and mine.address == theirs.address


def _decode_single_byte(column: pa.Array, codec: str) -> pa.Array:
    """A large_binary column of single-byte text (Windows-1252, Latin-1) as large_string."""
    count = len(column)
    offsets = text_offsets(column)
    data_buffer = column.buffers()[2]
    if data_buffer is None or offsets[-1] == offsets[0]:
        return column.cast(pa.large_string())
    data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
    high = np.flatnonzero(data >= 0x80)
    if not len(high):
        return column.view(pa.large_string())  # plain ASCII
    text = data.tobytes().decode(codec).encode("utf-8")
    extra = np.cumsum(_UTF8_EXTRA[codec][data[high]])
    relative = (offsets - offsets[0]).astype(np.int64)
    before = np.searchsorted(high, relative)  # non-ASCII bytes before each string's start
    shifted = relative + np.where(before > 0, extra[np.maximum(before - 1, 0)], 0)
    return pa.LargeStringArray.from_buffers(count, pa.py_buffer(shifted), pa.py_buffer(text))


# A cell is blank when it holds nothing but `\s` (space, tab, CR, LF, form feed) and the
# no-break space. Most cells start with something else, told by their first byte; the few
# that start with one of those bytes (or with 0xC2, the lead byte of U+00A0) are searched.
_NOT_BLANK = "[^\\s\u00a0]"
_MAYBE_BLANK_START = np.zeros(256, dtype=bool)
_MAYBE_BLANK_START[list(b"\t\n\x0c\r \xc2")] = True


def text_offsets(column: pa.Array) -> np.ndarray:
    """The offsets of a (large_)string or (large_)binary array's values into its data buffer."""
    large = pa.types.is_large_string(column.type) or pa.types.is_large_binary(column.type)
    kind = np.int64 if large else np.int32
    count = len(column)
    return np.frombuffer(column.buffers()[1], dtype=kind, count=column.offset + count + 1)[column.offset :]


def filled_cells(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """For each cell of a text column, whether it holds more than spaces."""
    if isinstance(column, pa.ChunkedArray):
        parts = [filled_cells(chunk) for chunk in column.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)
    if column.null_count or not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return pc.match_substring_regex(column, _NOT_BLANK).to_numpy(zero_copy_only=False)
    offsets = text_offsets(column)
    data_buffer = column.buffers()[2]
    starts = offsets[:-1]
    empty = offsets[1:] == starts
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, dtype=np.uint8)
    if not len(data):
        return ~empty
    maybe_blank = _MAYBE_BLANK_START.take(data.take(starts, mode="clip"))
    filled = ~(empty | maybe_blank)
    search = np.flatnonzero(maybe_blank & ~empty)
    if len(search):
        found = pc.match_substring_regex(column.take(pa.array(search, type=pa.int64())), _NOT_BLANK)
        filled[search] = found.to_numpy(zero_copy_only=False)
    return filled


class _NotUtf8(Exception):
    pass


def _text_columns(names: list[str], kind: pa.DataType) -> pacsv.ConvertOptions:
    """Every column as text, exactly as written: no value is read as null or converted."""
    return pacsv.ConvertOptions(
        column_types={n: kind for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[]
    )


def _is_utf8_error(exc: Exception) -> bool:
    return "utf8" in str(exc).lower()


def _read_arrow(data: bytes, offset: int, delimiter: str, width: int) -> pa.Table | None:
    """Columnar read from the header down; None when rows are ragged (the slow path takes them)."""
    ragged = False

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        nonlocal ragged
        ragged = True
        return "skip"

    names = [f"c{i}" for i in range(width)]
    buffer = pa.py_buffer(data)[offset:]
    # pyarrow decodes a ragged row's text before calling the handler; when that row is not
    # UTF-8 the decode error is "unraisable" and would be printed to stderr. Catch it: it
    # means the file is not UTF-8.
    unraisable: list[object] = []
    previous_hook = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    try:
        table = pacsv.read_csv(
            pa.BufferReader(buffer),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=_text_columns(names, pa.string()),
        )
    except pa.ArrowInvalid as exc:
        if _is_utf8_error(exc):
            raise _NotUtf8() from None
        if any(isinstance(getattr(u, "exc_value", None), UnicodeDecodeError) for u in unraisable):
            raise _NotUtf8() from None
        return None
    finally:
        sys.unraisablehook = previous_hook
    if any(isinstance(getattr(u, "exc_value", None), UnicodeDecodeError) for u in unraisable):
        raise _NotUtf8()
    if ragged:
        return None
    return table


def _read_python(name: str, data: bytes, offset: int, delimiter: str, width: int) -> pa.Table:
    """Row-by-row read for files whose rows differ in length: every row kept, padded."""
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8() from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(f"cannot parse as CSV ({exc})", file=name) from None
    width = max([width, *map(len, rows)]) if rows else width
    columns = [[] for _ in range(width)]
    for row in rows:
        padded = row + [""] * (width - len(row))
        for column, value in zip(columns, padded):
            column.append(value)
    return pa.table({f"c{i}": pa.array(col, type=pa.string()) for i, col in enumerate(columns)})


# --- Spreadsheets ----------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a user sees in its cell."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _text_column(values: list[object]) -> pa.Array:
    """Cells to text once per distinct value, not once per cell."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    codes, uniques = pd.factorize(array, use_na_sentinel=True)
    texts = pa.array([cell_text(v) for v in uniques], type=pa.string())
    if not len(texts):
        return pa.array([""] * len(values), type=pa.string())
    indices = pa.array(codes, type=pa.int64())
    taken = texts.take(pa.compute.if_else(pa.compute.less(indices, 0), 0, indices))
    return pa.compute.if_else(pa.compute.less(indices, 0), "", taken)


def sheet_grids(name: str, data: bytes, kind: str) -> list[Grid]:
    """One grid per sheet of a workbook (XLSX, XLS, ODS)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises its own error types per format
        raise UnreadableFile(f"cannot open as {kind.upper()} ({exc})", file=name) from None
    grids = []
    for sheet_name in sheet_names:
        try:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise UnreadableFile(f"cannot read sheet {sheet_name!r} ({exc})", file=name) from None
        grids.append(_sheet_grid(kind, sheet_name, rows))
    return grids


def _sheet_grid(kind: str, sheet_name: str, rows: list[list[object]]) -> Grid:
    head = [[cell_text(v) for v in row] for row in rows[:HEAD_RECORDS]]

    def body(header_index: int) -> tuple[pa.Table, np.ndarray]:
        below = rows[header_index:]
        columns = list(zip_longest(*below, fillvalue=""))
        table = pa.table({f"c{i}": _text_column(col) for i, col in enumerate(columns)})
        numbers = np.arange(header_index + 1, header_index + 1 + len(below), dtype=np.int64)
        return table, numbers

    return Grid(format=kind, head=head, body=body, sheet=sheet_name)


def grids_of(source: Source) -> list[Grid]:
    """The grids of one source, whatever its format."""
    kind = _sniff_source(source)
    if kind in ("xlsx", "xls", "ods"):
        return sheet_grids(source.name, source.data, kind)
    if kind == "binary":
        raise UnreadableFile("not a CSV or a spreadsheet spendcat can read", file=source.name)
    return [_csv_grid(source)]
