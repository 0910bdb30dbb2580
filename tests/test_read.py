"""Opening files: formats from bytes, archives, encodings, CSV dialects, spreadsheets."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import SAMPLE_DATA, read_one

from spendcat import read
from spendcat.errors import UnreadableFile
from spendcat.read import (
    cell_text,
    csv_grid,
    grids_of,
    open_sources,
    record_starts,
    sniff_delimiter,
    sniff_format,
)

CSV = "Supplier,Date,Amount\nAcme Ltd,01/05/2024,10.00\nBeta Ltd,02/05/2024,5.00\n"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- Formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("council-spend-2024-05.csv", "csv"),
        ("csv-named-as.xls", "csv"),  # the bytes decide, not the name
        ("workbook-two-months.xlsx", "xlsx"),
        ("card-spend-serial-dates.xls", "xls"),
        ("quarter-spend.ods", "ods"),
        ("zipped-month.zip", "zip"),
        ("gzipped-month.csv.gz", "gzip"),
        ("utf16-bom.txt", "csv"),
    ],
)
def test_sniff_format_of_samples(name: str, kind: str) -> None:
    assert sniff_format((SAMPLE_DATA / name).read_bytes()) == kind


def test_sniff_format_binary() -> None:
    assert sniff_format(b"%PDF-1.7 ...") == "binary"
    assert sniff_format(b"{\\rtf1\\ansi ...") == "binary"
    assert sniff_format(b"PK\x03\x04 not really a zip") == "zip"


# --- Sources and archives ----------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(UnreadableFile, match="no such file") as caught:
        open_sources(path)
    assert caught.value.file == str(path)
    assert str(path) in str(caught.value)


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="folder"):
        open_sources(tmp_path)


def test_empty_file(write_file: Callable[..., Path]) -> None:
    path = write_file(b"")
    with pytest.raises(UnreadableFile, match="empty file") as caught:
        open_sources(path)
    assert caught.value.file == str(path)


def test_gzip_member_is_named_without_gz(write_file: Callable[..., Path]) -> None:
    path = write_file(gzip.compress(CSV.encode(), mtime=0), name="may.csv.gz")
    [source] = open_sources(path)
    assert source.name == str(path)[: -len(".gz")]
    assert source.data == CSV.encode()


def test_zip_members_skip_macos_litter_and_folders(write_file: Callable[..., Path]) -> None:
    path = write_file(
        zip_bytes(
            {
                "data/": b"",
                "data/may.csv": CSV.encode(),
                "__MACOSX/data/._may.csv": b"\x00\x05junk",
                ".DS_Store": b"x",
            }
        ),
        name="bundle.zip",
    )
    sources = open_sources(path)
    assert [s.name for s in sources] == [f"{path}!data/may.csv"]


def test_zip_of_several_csvs_is_several_publications(write_file: Callable[..., Path]) -> None:
    from spendcat.publication import read_publications

    path = write_file(
        zip_bytes({"a.csv": CSV.encode(), "b.csv": CSV.replace("10.00", "11.00").encode()}), name="two.zip"
    )
    publications = read_publications(path)
    assert [p.file for p in publications] == [f"{path}!a.csv", f"{path}!b.csv"]
    assert [p.amount_pence for p in publications] == [1500, 1600]


def test_zip_inside_gzip_inside_zip_is_too_deep(write_file: Callable[..., Path]) -> None:
    inner = zip_bytes({"x.csv": CSV.encode()})
    path = write_file(zip_bytes({"x.zip.gz": gzip.compress(zip_bytes({"y.zip": inner}))}), name="deep.zip")
    with pytest.raises(UnreadableFile, match="nested too deep"):
        open_sources(path)


def test_empty_zip(write_file: Callable[..., Path]) -> None:
    with pytest.raises(UnreadableFile, match="no files"):
        open_sources(write_file(zip_bytes({}), name="empty.zip"))


def test_broken_gzip(write_file: Callable[..., Path]) -> None:
    with pytest.raises(UnreadableFile, match="gzip"):
        open_sources(write_file(gzip.compress(CSV.encode())[:20], name="cut.csv.gz"))


def test_too_large(write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 10)
    with pytest.raises(UnreadableFile, match="too large"):
        open_sources(write_file(CSV))


def test_gzip_bomb_is_refused(write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 1000)
    path = write_file(gzip.compress(b"0" * 100_000), name="bomb.csv.gz")
    with pytest.raises(UnreadableFile, match="too large"):
        open_sources(path)


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 8, b"\x00\x01\x02\x03binary\x00junk" * 50, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"],
)
def test_binary_file(write_file: Callable[..., Path], content: bytes) -> None:
    path = write_file(content)
    [source] = open_sources(path)
    with pytest.raises(UnreadableFile, match="binary|not a CSV") as caught:
        grids_of(source)
    assert caught.value.file == str(path)


def test_broken_workbook(write_file: Callable[..., Path]) -> None:
    path = write_file(zip_bytes({"xl/workbook.xml": b"<not-a-workbook"}), name="broken.xlsx")
    [source] = open_sources(path)
    with pytest.raises(UnreadableFile, match="XLSX"):
        grids_of(source)


# --- Encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "encoding", "reported"),
    [
        (b"", "utf-8", "utf-8"),
        (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
        (b"", "cp1252", "cp1252"),
        (b"\xff\xfe", "utf-16-le", "utf-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16"),
        (b"", "utf-16-le", "utf-16-le"),  # no BOM: told by where the NULs fall
    ],
)
def test_encodings(prefix: bytes, encoding: str, reported: str) -> None:
    text = "Supplier,Amount £\nCafé Noël Ltd,£1.00\n"
    grid = csv_grid("f.csv", prefix + text.encode(encoding))
    assert grid.encoding == reported
    assert grid.head[0] == ["Supplier", "Amount £"]
    assert grid.head[1] == ["Café Noël Ltd", "£1.00"]


def test_windows_1252_smart_quotes_and_pound() -> None:
    grid = csv_grid("f.csv", "Supplier,Amount\nO’Brien’s “Best” Ltd,£5\n".encode("cp1252"))
    assert grid.encoding == "cp1252"
    assert grid.head[1] == ["O’Brien’s “Best” Ltd", "£5"]


def test_bytes_undefined_in_windows_1252_fall_back_to_latin_1() -> None:
    grid = csv_grid("f.csv", b"Supplier,Amount\nAcme \x81 Ltd \xa3,1\n")
    table, _ = grid.body(0)
    assert table.column(0).to_pylist()[1] == "Acme \x81 Ltd £"


@pytest.mark.parametrize("ragged", [False, True])
def test_windows_1252_after_the_first_megabyte(write_file: Callable[..., Path], ragged: bool) -> None:
    # UTF-8 is decided on the first megabyte; a `£` further down still reads, and the file is
    # then reported as Windows-1252, on the fast path and the ragged-row path alike.
    filler = b"Acme Ltd,01/05/2024,10.00\n" * 45_000
    last = b"Caf\xe9 Ltd,02/05/2024,\xa35.00" + (b",extra\n" if ragged else b"\n")
    path = write_file(b"Supplier,Date,Amount\n" + filler + last)
    publication = read_one(path)
    assert publication.line_count == 45_001
    assert publication.amount_pence == 45_000 * 1000 + 500
    assert publication.lines["supplier"].iloc[-1] == "Café Ltd"
    assert publication.encoding == "cp1252"
    assert publication.problem_count == 0


def test_utf16_must_be_valid() -> None:
    with pytest.raises(UnreadableFile, match="utf-16"):
        csv_grid("f.csv", b"\xff\xfe" + "Supplier,Amount\n".encode("utf-16-le") + b"\x00\xd8")


def test_no_text(write_file: Callable[..., Path]) -> None:
    with pytest.raises(UnreadableFile, match="no text"):
        csv_grid("f.csv", b"  \r\n\r\n \n")


# --- CSV dialects ---------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(delimiter: str) -> None:
    text = CSV.replace(",", delimiter)
    grid = csv_grid("f.csv", text.encode())
    assert grid.delimiter == delimiter
    assert grid.head[1] == ["Acme Ltd", "01/05/2024", "10.00"]


def test_delimiter_sniffing_ignores_commas_inside_values() -> None:
    records = ["Supplier;Amount;Date", "Smith, Jones & Co;1,50;01/05/2024", "A;2,00;02/05/2024"]
    assert sniff_delimiter(records) == ";"


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_line_endings(line_end: str) -> None:
    grid = csv_grid("f.csv", CSV.replace("\n", line_end).encode())
    assert grid.head == [
        ["Supplier", "Date", "Amount"],
        ["Acme Ltd", "01/05/2024", "10.00"],
        ["Beta Ltd", "02/05/2024", "5.00"],
    ]
    table, rows = grid.body(0)
    assert table.num_rows == 3
    assert rows.tolist() == [1, 2, 3]


def test_record_starts_respect_quotes() -> None:
    data = b'a,"b""c\nd",e\nf,g\r\nh\ri\n'
    assert record_starts(data, 10) == [0, 13, 18, 20]


def test_a_stray_quote_inside_a_field_is_literal() -> None:
    # `12" pipe` is not the start of a quoted field: the next line is still a new record.
    data = b'Note: 12" pipes,\nSupplier,Amount\nA,1\n'
    assert record_starts(data, 10) == [0, 17, 33]


def test_record_starts_stop_at_the_limit() -> None:
    data = b"a\n" * 100
    assert len(record_starts(data, 10)) == 11


def test_ragged_rows_are_kept_and_padded() -> None:
    grid = csv_grid("f.csv", b"Supplier,Date,Amount\nA,01/05/2024,1\nB,02/05/2024,2,extra,more\nC\n")
    table, rows = grid.body(0)
    assert rows.tolist() == [1, 2, 3, 4]
    assert table.num_columns == 5
    assert table.column(0).to_pylist() == ["Supplier", "A", "B", "C"]
    assert table.column(2).to_pylist() == ["Amount", "1", "2", ""]


def test_empty_lines_keep_their_row_numbers() -> None:
    grid = csv_grid("f.csv", b"Supplier,Amount\n\nA,1\n\n\nB,2\n")
    table, rows = grid.body(0)
    assert rows.tolist() == [1, 2, 3, 4, 5, 6]
    assert table.column(0).to_pylist() == ["Supplier", "", "A", "", "", "B"]


def test_newlines_inside_quoted_cells_stay_in_the_cell() -> None:
    grid = csv_grid("f.csv", b'Supplier,Description,Amount\nA,"line one\nline two\r\nline three",1\nB,x,2\n')
    table, rows = grid.body(0)
    assert table.column(1).to_pylist()[1] == "line one\nline two\r\nline three"
    assert rows.tolist() == [1, 2, 3]


# --- Spreadsheet cells -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        (True, "TRUE"),
        (12.0, "12"),
        (1225.19, "1225.19"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-5.5, "-5.5"),
        (1e16, "1e+16"),
        (42, "42"),
        (datetime(2024, 5, 1, 1, 0), "2024-05-01 01:00:00"),
        (date(2024, 5, 1), "2024-05-01"),
        (time(13, 30), "13:30:00"),
        (timedelta(hours=2), "2:00:00"),
        ("  padded  ", "  padded  "),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_workbook_sheets_are_grids() -> None:
    [source] = open_sources(SAMPLE_DATA / "workbook-two-months.xlsx")
    grids = grids_of(source)
    assert [g.sheet for g in grids] == ["April 2024", "May 2024", "Notes"]
    assert all(g.format == "xlsx" for g in grids)
    assert grids[1].head[0][0] == "Payments over £500 - May 2024"
    assert grids[1].head[2][:2] == ["Supplier", "Date Paid"]
    table, rows = grids[1].body(2)
    assert rows[0] == 3 and table.column(0)[0].as_py() == "Supplier"


def test_xls_serial_numbers_and_ods_dates() -> None:
    [xls] = grids_of(open_sources(SAMPLE_DATA / "card-spend-serial-dates.xls")[0])
    assert xls.format == "xls"
    assert xls.head[1][0].isdigit() and len(xls.head[1][0]) == 5  # an Excel serial, as the cell holds it
    [ods] = grids_of(open_sources(SAMPLE_DATA / "quarter-spend.ods")[0])
    assert ods.format == "ods"
    assert ods.head[1][0].startswith("2024-01-")


# --- Reading the rows below the header in pieces ----------------------------------------------


def _quoted_newline_csv(rows: int = 400) -> bytes:
    lines = ["Title row", "Supplier,Description,Amount"]
    for i in range(rows):
        description = f'"line one {i}\nline two, {i}\r\nthree"' if i % 3 == 0 else f"plain {i}"
        lines.append(f'Supplier {i},{description},{i}.{i % 100:02d}')
        if i % 50 == 7:
            lines.append(",,")  # a blank row
    return ("\n".join(lines) + "\n").encode()


def _read_whole(grid_of: Callable[[], read.Grid], monkeypatch: pytest.MonkeyPatch, header_index: int):
    with monkeypatch.context() as patch:
        patch.setattr(read, "_PIECE_BYTES", 1 << 30)
        return grid_of().body(header_index)


@pytest.mark.parametrize("piece_bytes", [17, 64, 100, 1000])
@pytest.mark.parametrize("workers", [1, 2])
def test_pieces_read_what_one_read_reads(monkeypatch: pytest.MonkeyPatch, piece_bytes: int, workers: int) -> None:
    # Pieces this small are often cut inside a quoted cell that holds a line break: such a
    # piece is noticed and the whole text is read at once instead.
    data = _quoted_newline_csv()
    table, rows = _read_whole(lambda: csv_grid("f.csv", data), monkeypatch, 1)
    monkeypatch.setattr(read, "_PIECE_BYTES", piece_bytes)
    monkeypatch.setattr(read, "_workers", lambda: workers)
    grid = csv_grid("f.csv", data)
    pieced, pieced_rows = grid.body(1)
    assert pieced.to_pydict() == table.to_pydict()
    assert pieced_rows.tolist() == rows.tolist()
    body = grid.rows_below(1)
    assert body.header == ["Supplier", "Description", "Amount"]
    blank = [r for r, cells in zip(rows, table.to_pylist()) if not any(cells.values())]
    # Read in pieces, blank rows are left out as they are read; read whole, they stay.
    assert body.blank_rows.tolist() == (blank if body.filled is not None else [])
    assert len(body.rows) + len(body.blank_rows) == len(rows) - 1
    assert body.table.column(1).to_pylist()[0] == "line one 0\nline two, 0\r\nthree"


def test_a_piece_cut_inside_a_quoted_line_break_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    header = b"Supplier,Amount,Note\n"
    row = b'Acme,1.00,"first line\nsecond line"\n'
    data = header + row * 50
    # Cut the first piece right inside the first quoted cell: its piece then ends at the line
    # break inside the quotes, with an unterminated cell.
    monkeypatch.setattr(read, "_PIECE_BYTES", len(header) + 20)
    assert read._read_pieces(read.Source("f.csv", data), 0, ",", 3, "utf-8", True, 0) is None
    table, rows = csv_grid("f.csv", data).body(0)
    assert table.column(2).to_pylist()[1:] == ["first line\nsecond line"] * 50
    assert rows.tolist() == list(range(1, 52))


def test_pieces_from_a_file_on_disk(write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file(_quoted_newline_csv(2000))
    expected = read_one(path)
    monkeypatch.setattr(read, "_PIECE_BYTES", 4096)
    [source] = open_sources(path)
    grids_of(source)
    assert source._data is None  # a CSV's bytes are read from its file piece by piece, never all held
    publication = read_one(path)
    assert publication.lines.equals(expected.lines)
    assert publication.original.equals(expected.original)
    assert publication.skipped.equals(expected.skipped)


def test_windows_1252_with_undefined_bytes_far_down_is_latin_1(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first megabyte reads the same in both: the pieces tell, and all are read as Latin-1.
    monkeypatch.setattr(read, "_PIECE_BYTES", 1 << 16)
    rows = [f"Caf\xe9 {i},{i}.00" for i in range(100_000)] + ["Odd \x81 byte,1.00"]
    data = b"Supplier,Amount\n" + "\n".join(rows).encode("latin-1") + b"\n"
    grid = csv_grid("f.csv", data)
    table, _ = grid.body(0)
    assert grid.encoding == "cp1252"
    assert table.column(0).to_pylist()[1] == "Café 0"
    assert table.column(0).to_pylist()[-1] == "Odd \x81 byte"


@pytest.mark.parametrize("undefined_later", [False, True])
def test_windows_1252_punctuation_in_the_first_megabyte(monkeypatch: pytest.MonkeyPatch, undefined_later: bool) -> None:
    # `“` is 0x93 in Windows-1252 but a control character in Latin-1: which one the head is
    # read as depends on whether the file has a byte Windows-1252 leaves undefined anywhere.
    monkeypatch.setattr(read, "_PIECE_BYTES", 1 << 16)
    data = "Payments \u201cover\u201d \u00a3500\nSupplier,Amount\n".encode("cp1252")
    data += b"".join(f"Supplier {i},{i}.00\n".encode() for i in range(80_000))  # past the first megabyte
    data += b"Odd \x8d byte,1.00\n" if undefined_later else b"Last \x80 euro,1.00\n"
    grid = csv_grid("f.csv", data)
    assert grid.head[0] == (["Payments \x93over\x94 \xa3500"] if undefined_later else ["Payments \u201cover\u201d \u00a3500"])
    table, _ = grid.body(1)
    assert table.column(0).to_pylist()[-1] == ("Odd \x8d byte" if undefined_later else "Last \u20ac euro")


def test_utf_8_that_turns_out_windows_1252_in_a_later_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    # UTF-8 is decided on the first megabyte; the piece holding the `é` says otherwise.
    monkeypatch.setattr(read, "_PIECE_BYTES", 1 << 16)
    data = b"Supplier,Amount\n" + b"".join(f"Acme {i},{i}.00\n".encode() for i in range(80_000)) + b"Caf\xe9,\xa35.00\n"
    grid = csv_grid("f.csv", data)
    assert grid.encoding == "utf-8"
    table, rows = grid.body(0)
    assert grid.encoding == "cp1252"
    assert table.column(0).to_pylist()[-1] == "Café" and table.column(1).to_pylist()[-1] == "£5.00"
    assert len(rows) == 80_002


@pytest.mark.parametrize(
    ("text", "filled"),
    [
        ("", False),
        (" ", False),
        ("\t\r\n\x0c", False),
        ("\u00a0", False),
        (" \u00a0 ", False),
        ("\x0b", True),  # a vertical tab is not `\s` to the CSV reader's regex engine
        ("\u2003", True),  # nor is an em space
        ("\u00a0x", True),
        ("  x", True),
        ("\u00e9", True),
        ("x", True),
    ],
)
def test_filled_cells(text: str, filled: bool) -> None:
    column = pa.array(["a", text, "b"])
    assert read.filled_cells(column).tolist() == [True, filled, True]
    assert read.filled_cells(pa.chunked_array([column.slice(0, 1), column.slice(1)], type=pa.string())).tolist() == [True, filled, True]
    assert read.filled_cells(column.cast(pa.large_string())).tolist() == [True, filled, True]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_process_forked_after_a_read_reads_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # The reader keeps its threads; a forked child has the pool but not the threads.
    monkeypatch.setattr(read, "_PIECE_BYTES", 64)
    monkeypatch.setattr(read, "_workers", lambda: 2)
    data = _quoted_newline_csv(100).replace(b'"line one', b'"one')
    expected = csv_grid("f.csv", data).body(1)[0].num_rows
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        ok = csv_grid("f.csv", data).body(1)[0].num_rows == expected
        os._exit(0 if ok else 1)
    import time as clock  # `time` here is datetime's

    deadline = clock.monotonic() + 30
    while clock.monotonic() < deadline:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        clock.sleep(0.05)
    os.kill(child, 9)
    os.waitpid(child, 0)
    pytest.fail("the forked child never finished its read")
