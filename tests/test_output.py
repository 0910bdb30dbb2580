"""Writing categorised lines: each format read back, formulas neutralised, atomic replace,
never over an input, and the XLSX layout (frozen header, autofilter, widths)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spendcat import output
from spendcat.errors import BadOption, SpendcatError
from spendcat.output import (
    check_output_path,
    manifest_path,
    neutralise_formulas,
    sha256_file,
    write_lines,
    write_manifest,
)

BOM = b"\xef\xbb\xbf"
DANGEROUS = [
    "=SUM(A1:A9)",
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\rdata",
    "-A1",
    "=",
    "+",
]
PLAIN_NUMBERS = [
    "-790.94",
    "-£790.94",
    "+44",
    "(1,234.56)",
    "-1,234.56",
    "+£1,000",
    "-5%",
    "-1.5E3",
    "- 12",
    "-.5",
    "-",
]


@pytest.fixture
def lines() -> pd.DataFrame:
    """Lines as `categorise` hands them over: every kind of column the writer must keep."""
    frame = pd.DataFrame(
        {
            "source_file": pd.Categorical(["jan.csv", "jan.csv", "feb.csv", "feb.csv"]),
            "source_row": np.array([5, 6, 2, 3], dtype=np.int64),
            "date": pd.Series(pd.to_datetime(["2024-01-31", None, "2024-02-01", "2023-12-02"])).astype(
                "datetime64[s]"
            ),
            "supplier": pd.Categorical(
                ["Hays Ltd", None, "Café Ltd £", "=EVIL()"],
                categories=["Hays Ltd", "Café Ltd £", "=EVIL()", "Unused"],
            ),
            "amount_pence": pd.array([125000, None, -79094, 0], dtype="Int64"),
            "expense_type": pd.Series(["Agency, staff", "", None, 'Quote " and\nnewline'], dtype="str"),
            "Amount £": pd.Series(["1,250.00", None, "-£790.94", "0"], dtype=object),
            "redacted": [False, True, False, False],
            "score": [0.5, np.nan, 1 / 3, 100.0],
            "category": pd.Categorical(["workforce.agency", None, "premises", "workforce.agency"]),
        }
    )
    return frame.set_axis([10, 3, 7, 1])  # the index is not written: rows go out in frame order


def expected_text(frame: pd.DataFrame) -> list[dict[str, str | None]]:
    """What every text format should show for the fixture, cell by cell (None = empty)."""
    return [
        {
            "source_file": "jan.csv",
            "source_row": "5",
            "date": "2024-01-31",
            "supplier": "Hays Ltd",
            "amount_pence": "125000",
            "expense_type": "Agency, staff",
            "Amount £": "1,250.00",
            "redacted": "false",
            "score": "0.5",
            "category": "workforce.agency",
        },
        {
            "source_file": "jan.csv",
            "source_row": "6",
            "date": None,
            "supplier": None,
            "amount_pence": None,
            "expense_type": "",
            "Amount £": None,
            "redacted": "true",
            "score": None,
            "category": None,
        },
        {
            "source_file": "feb.csv",
            "source_row": "2",
            "date": "2024-02-01",
            "supplier": "Café Ltd £",
            "amount_pence": "-79094",
            "expense_type": None,
            "Amount £": "-£790.94",
            "redacted": "false",
            "score": str(1 / 3),
            "category": "premises",
        },
        {
            "source_file": "feb.csv",
            "source_row": "3",
            "date": "2023-12-02",
            "supplier": "'=EVIL()",
            "amount_pence": "0",
            "expense_type": 'Quote " and\nnewline',
            "Amount £": "0",
            "redacted": "false",
            "score": "100",
            "category": "workforce.agency",
        },
    ]


def read_csv_text(path: Path) -> pd.DataFrame:
    """Every cell as the text in the file, empty and missing kept apart: an unquoted empty
    cell is None, a quoted one ""."""
    names = pa_csv.read_csv(path).column_names
    table = pa_csv.read_csv(
        path,
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    return table.to_pandas().astype(object).where(lambda frame: frame.notna(), None)


# --- CSV -------------------------------------------------------------------------------------


def test_csv_round_trip_keeps_values_order_and_types(lines: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_lines(lines, path)

    assert path.read_bytes().startswith(BOM)
    assert read_csv_text(path).to_dict("records") == expected_text(lines)

    back = pd.read_csv(path, dtype={"amount_pence": "Int64"}, parse_dates=["date"])
    assert list(back.columns) == list(lines.columns)
    assert back["amount_pence"].tolist() == lines["amount_pence"].tolist()
    assert back["date"].tolist() == lines["date"].tolist()
    assert back["redacted"].tolist() == lines["redacted"].tolist()
    assert back["source_row"].tolist() == [5, 6, 2, 3]


def test_csv_missing_is_empty_and_empty_text_is_quoted(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_lines(
        pd.DataFrame({"a": pd.Series([None, ""], dtype="str"), "n": pd.array([None, 1], dtype="Int64")}), path
    )
    assert path.read_bytes()[len(BOM) :].decode() == '"a","n"\n,\n"",1\n'


def test_csv_date_times_keep_their_time(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    frame = pd.DataFrame(
        {"paid": pd.to_datetime(["2024-03-01 09:30:00", None, "2024-03-02 00:00:00"]), "n": [1, 2, 3]}
    )
    write_lines(frame, path)
    assert read_csv_text(path)["paid"].tolist() == ["2024-03-01T09:30:00", None, "2024-03-02T00:00:00"]


def test_csv_of_one_column_keeps_rows_that_are_missing(tmp_path: Path) -> None:
    # A lone empty cell would be a blank line, which readers skip; it is written as "".
    path = tmp_path / "out.csv"
    write_lines(pd.DataFrame({"amount_pence": pd.array([1, None, 3], dtype="Int64")}), path)
    assert path.read_bytes()[len(BOM) :].decode().splitlines()[2] == '""'
    assert pd.read_csv(path, dtype="Int64")["amount_pence"].tolist() == [1, pd.NA, 3]


def test_categoricals_of_numbers_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    frame = pd.DataFrame(
        {
            "year": pd.Categorical([2024, None, 2023]),
            "period": pd.Categorical(pd.to_datetime(["2024-01-01", "2024-02-01", None])),
            "mixed": pd.Categorical(["=a", 1, None]),
            "took": pd.to_timedelta(["1 day", None, "2 hours"]),
        }
    )
    write_lines(frame, path)
    assert read_csv_text(path).to_dict("list") == {
        "year": ["2024", None, "2023"],
        "period": ["2024-01-01", "2024-02-01", None],
        "mixed": ["'=a", "1", None],
        "took": ["1 days 00:00:00", None, "0 days 02:00:00"],
    }


def test_empty_frame_writes_a_header_only(lines: pd.DataFrame, tmp_path: Path) -> None:
    write_lines(lines.iloc[:0], tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes()[len(BOM) :].decode().splitlines() == [
        ",".join(f'"{c}"' for c in lines.columns)
    ]
    write_lines(lines.iloc[:0], tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").read_bytes() == b""
    write_lines(lines.iloc[:0], tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["lines"]
    assert [c.value for c in next(sheet.iter_rows())] == list(lines.columns)
    write_lines(lines.iloc[:0], tmp_path / "out.parquet")
    assert list(pd.read_parquet(tmp_path / "out.parquet").columns) == list(lines.columns)


# --- JSONL -----------------------------------------------------------------------------------


def test_jsonl_round_trip(lines: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_lines(lines, path)
    raw = path.read_bytes()
    assert "Café Ltd £".encode() in raw  # UTF-8, not \u escapes
    records = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    assert [list(r) for r in records] == [list(lines.columns)] * len(lines)
    assert records[0] == {
        "source_file": "jan.csv",
        "source_row": 5,
        "date": "2024-01-31",
        "supplier": "Hays Ltd",
        "amount_pence": 125000,
        "expense_type": "Agency, staff",
        "Amount £": "1,250.00",
        "redacted": False,
        "score": 0.5,
        "category": "workforce.agency",
    }
    assert records[1] == {
        "source_file": "jan.csv",
        "source_row": 6,
        "date": None,
        "supplier": None,
        "amount_pence": None,
        "expense_type": "",
        "Amount £": None,
        "redacted": True,
        "score": None,
        "category": None,
    }
    assert [r["supplier"] for r in records] == ["Hays Ltd", None, "Café Ltd £", "=EVIL()"]  # not neutralised
    assert records[3]["expense_type"] == 'Quote " and\nnewline'
    assert records[2]["score"] == 1 / 3 and isinstance(records[3]["score"], float)


def test_jsonl_odd_columns(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    frame = pd.DataFrame(
        {
            "mixed": pd.Series([1, "two", None], dtype=object),
            "money": pd.Series([Decimal("12.30"), Decimal("-0.01"), None], dtype=object),
            "paid_on": pd.Series([date(2024, 1, 2), None, date(2024, 1, 3)], dtype=object),
            "inf": [float("inf"), 1.0, -2.5],
            "when": pd.to_datetime(["2024-07-01 10:00", None, "2024-01-01 00:00"]).tz_localize(
                "Europe/London"
            ),
        }
    )
    write_lines(frame, path)
    records = [
        json.loads(line, parse_float=Decimal) for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert [r["mixed"] for r in records] == ["1", "two", None]
    assert [r["money"] for r in records] == [Decimal("12.30"), Decimal("-0.01"), None]  # exact numbers
    assert [r["paid_on"] for r in records] == ["2024-01-02", None, "2024-01-03"]
    assert [r["inf"] for r in records] == [None, Decimal("1.0"), Decimal("-2.5")]
    assert [r["when"] for r in records] == ["2024-07-01T10:00:00+01:00", None, "2024-01-01T00:00:00+00:00"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)))),
        min_size=1,
        max_size=20,
    )
)
def test_jsonl_text_reads_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str | None]
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "out.jsonl"
    frame = pd.DataFrame(
        {'we"ird\\key\n': pd.Series(texts, dtype=object), "as_category": pd.Categorical(texts)}
    )
    write_lines(frame, path)
    records = [json.loads(line) for line in path.read_bytes().decode("utf-8").split("\n")[:-1]]
    assert [r['we"ird\\key\n'] for r in records] == texts
    assert [r["as_category"] for r in records] == texts


# --- Parquet ---------------------------------------------------------------------------------


def test_parquet_round_trip_keeps_types(lines: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    write_lines(lines, path)
    back = pd.read_parquet(path)
    assert list(back.columns) == list(lines.columns)
    assert isinstance(back["supplier"].dtype, pd.CategoricalDtype)
    assert list(back["supplier"].cat.categories) == list(lines["supplier"].cat.categories)
    assert back["supplier"].tolist()[3] == "=EVIL()"  # values unchanged
    assert back["amount_pence"].dtype == "Int64"
    # Parquet has no seconds unit: the dates come back as milliseconds, same instants.
    pd.testing.assert_series_equal(
        back["date"], lines["date"].reset_index(drop=True).astype("datetime64[ms]")
    )
    expected = lines.reset_index(drop=True).drop(columns=["date"]).astype({"Amount £": "str"})
    pd.testing.assert_frame_equal(back.drop(columns=["date"]), expected, check_categorical=True)


def test_parquet_writes_an_object_column_of_mixed_values_as_text(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    write_lines(pd.DataFrame({"mixed": pd.Series([1, "a", None], dtype=object), "n": [1, 2, 3]}), path)
    assert pq.read_table(path).column("mixed").to_pylist() == ["1", "a", None]


# --- XLSX ------------------------------------------------------------------------------------


def sheet_values(sheet) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_xlsx_round_trip_and_layout(lines: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    summary = pd.DataFrame(
        {
            "category": ["premises", "workforce.agency"],
            "lines": [1, 2],
            "pounds": [Decimal("-790.94"), Decimal("1250.00")],
        }
    )
    uncategorised = pd.DataFrame(
        {"supplier": ["@home Ltd"], "expense_type": ["-£5"], "amount_pence": pd.array([None], dtype="Int64")}
    )
    write_lines(lines, path, sheets={"summary": summary, "uncategorised": uncategorised})

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["lines", "summary", "uncategorised"]
    rows = sheet_values(workbook["lines"])
    assert rows[0] == list(lines.columns)
    expected = [
        [
            "jan.csv",
            5,
            "2024-01-31",
            "Hays Ltd",
            125000,
            "Agency, staff",
            "1,250.00",
            False,
            0.5,
            "workforce.agency",
        ],
        ["jan.csv", 6, None, None, None, None, None, True, None, None],  # "" reads back as empty
        ["feb.csv", 2, "2024-02-01", "Café Ltd £", -79094, None, "-£790.94", False, 1 / 3, "premises"],
        [
            "feb.csv",
            3,
            "2023-12-02",
            "'=EVIL()",
            0,
            'Quote " and\nnewline',
            "0",
            False,
            100,
            "workforce.agency",
        ],
    ]
    assert rows[1:] == expected
    assert isinstance(rows[1][4], int)  # money stays a number
    assert sheet_values(workbook["summary"]) == [
        ["category", "lines", "pounds"],
        ["premises", 1, -790.94],
        ["workforce.agency", 2, 1250],
    ]
    assert sheet_values(workbook["uncategorised"]) == [
        ["supplier", "expense_type", "amount_pence"],
        ["'@home Ltd", "-£5", None],
    ]

    for name, frame in {"lines": lines, "summary": summary, "uncategorised": uncategorised}.items():
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2", name
        last = openpyxl.utils.get_column_letter(frame.shape[1])
        assert sheet.auto_filter.ref == f"A1:{last}{len(frame) + 1}", name
        widths = [
            sheet.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
            for i in range(frame.shape[1])
        ]
        assert all(6 <= w <= 50 for w in widths), (name, widths)
    # The longest supplier text is wider than its header.
    assert workbook["lines"].column_dimensions["D"].width == len("Café Ltd £") + 2


def test_xlsx_column_width_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_lines(pd.DataFrame({"description": ["x" * 500]}), path)
    assert openpyxl.load_workbook(path)["lines"].column_dimensions["A"].width == 50


def test_xlsx_drops_characters_a_workbook_cannot_hold(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_lines(pd.DataFrame({"description": ["bell\x07 here", "ok\ttab"]}), path)
    assert sheet_values(openpyxl.load_workbook(path)["lines"])[1:] == [["bell here"], ["ok\ttab"]]


def test_xlsx_refuses_more_rows_than_a_sheet_holds(
    monkeypatch: pytest.MonkeyPatch, lines: pd.DataFrame, tmp_path: Path
) -> None:
    monkeypatch.setattr(output, "XLSX_MAX_DATA_ROWS", 3)
    with pytest.raises(BadOption, match=r"more than an XLSX sheet holds.*\.csv or \.parquet"):
        write_lines(lines, tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []
    write_lines(lines, tmp_path / "out.csv")  # other formats have no such limit


def test_xlsx_rejects_a_bad_or_repeated_sheet_name(lines: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(SpendcatError, match="used twice"):
        write_lines(lines, tmp_path / "out.xlsx", sheets={"Lines": lines})
    with pytest.raises(SpendcatError, match="not a valid sheet name"):
        write_lines(lines, tmp_path / "out.xlsx", sheets={"a/b": lines})


# --- formula neutralising --------------------------------------------------------------------


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_prefixes_formulas(value: str) -> None:
    assert neutralise_formulas(pa.array([value, None])).to_pylist() == ["'" + value, None]


@pytest.mark.parametrize("value", PLAIN_NUMBERS + ["Hays Ltd", "", " =1+1", "'=already", "1-2"])
def test_neutralise_keeps_numbers_money_and_plain_text(value: str) -> None:
    assert neutralise_formulas(pa.array([value])).to_pylist() == [value]


def test_neutralise_works_on_categories_once() -> None:
    array = pa.array(["=1+1", "ok", None, "=1+1"]).dictionary_encode()
    result = neutralise_formulas(array)
    assert pa.types.is_dictionary(result.type)
    assert result.dictionary.to_pylist() == ["'=1+1", "ok"]
    assert result.to_pylist() == ["'=1+1", "ok", None, "'=1+1"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_spreadsheet_formats_neutralise_every_text_column_and_header(suffix: str, tmp_path: Path) -> None:
    values = DANGEROUS + PLAIN_NUMBERS
    frame = pd.DataFrame(
        {
            "=header": pd.Series(values, dtype="str"),
            "as_category": pd.Categorical(values),
            "as_object": pd.Series(values, dtype=object),
            "number": np.arange(len(values)) - 5,  # numbers are numbers, never prefixed
        }
    )
    path = tmp_path / f"out{suffix}"
    write_lines(frame, path)
    if suffix == ".csv":
        back = read_csv_text(path)
        header, rows = list(back.columns), back.values.tolist()
    else:
        header, *rows = sheet_values(openpyxl.load_workbook(path)["lines"])
    assert header == ["'=header", "as_category", "as_object", "number"]
    expected = ["'" + v for v in DANGEROUS] + PLAIN_NUMBERS
    if suffix == ".xlsx":
        # XML turns a carriage return into a line feed when the workbook is read.
        expected = [value.replace("\r", "\n") for value in expected]
    for column in range(3):
        assert [row[column] for row in rows] == expected
    assert [int(row[3]) for row in rows] == list(frame["number"])


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_data_formats_keep_values_unchanged(suffix: str, tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": pd.Series(DANGEROUS, dtype="str"), "category": pd.Categorical(DANGEROUS)})
    path = tmp_path / f"out{suffix}"
    write_lines(frame, path)
    if suffix == ".parquet":
        back = pd.read_parquet(path)
        assert back["text"].tolist() == DANGEROUS and back["category"].tolist() == DANGEROUS
    else:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n")[:-1]]
        assert [r["text"] for r in records] == DANGEROUS == [r["category"] for r in records]


def reference_neutralise(text: str | None) -> str | None:
    """The rule in plain Python, one cell at a time: what the vectorised code must match."""
    if text is None or text[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return text
    plain = re.fullmatch(
        r"[+-][ \u00a0]*(?:[£$€][ \u00a0]*)?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)"
        r"(?:[eE][+-]?[0-9]+)?%?[ \u00a0]*|-",
        text,
    )
    return text if plain else "'" + text


CELL_TEXT = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list("=+-@\t\r0123456789.,()£$€%eE aZ\u00a0é")), max_size=12),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELL_TEXT, max_size=30), st.integers(0, 5), st.sampled_from([pa.string(), pa.large_string()]))
def test_neutralise_matches_the_rule_cell_by_cell(
    cells: list[str | None], cut: int, kind: pa.DataType
) -> None:
    expected = [reference_neutralise(cell) for cell in cells]
    array = pa.array(cells, kind)
    assert neutralise_formulas(array).to_pylist() == expected
    # Slices (an offset into Arrow's buffers), chunks and dictionaries give the same answer.
    assert neutralise_formulas(array.slice(cut)).to_pylist() == expected[cut:]
    chunked = pa.chunked_array([array.slice(0, cut), array.slice(cut)], type=kind)
    assert neutralise_formulas(chunked).to_pylist() == expected
    assert neutralise_formulas(array.dictionary_encode()).to_pylist() == expected


def test_neutralise_ignores_the_bytes_behind_a_missing_cell() -> None:
    # Arrow lets a null slot keep bytes; "=x" hidden behind a null must stay null.
    values = pa.array(["=x", "ok"])
    masked = pa.Array.from_buffers(
        pa.string(), 2, [pa.array([False, True]).buffers()[1], *values.buffers()[1:]]
    )
    assert masked.to_pylist() == [None, "ok"]
    assert neutralise_formulas(masked).to_pylist() == [None, "ok"]


# --- atomic replace --------------------------------------------------------------------------


def fail_midway(*args: object, **kwargs: object) -> None:
    """Stands in for a library writer: writes some bytes to its target, then fails."""
    target = next(a for a in args if isinstance(a, (str, Path, pa.NativeFile)))
    if isinstance(target, pa.NativeFile):
        target.write(b"half a file")
    else:
        Path(target).write_bytes(b"half a file")
    raise RuntimeError("disk on fire")


@pytest.mark.parametrize(
    ("suffix", "writer"),
    [
        (".csv", "pa_csv.write_csv"),
        (".parquet", "pq.write_table"),
        (".jsonl", "_string_bytes"),
        (".xlsx", "openpyxl.Workbook.save"),
    ],
)
def test_failure_midway_leaves_the_previous_file_and_no_temp(
    suffix: str, writer: str, monkeypatch: pytest.MonkeyPatch, lines: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / f"out{suffix}"
    path.write_bytes(b"previous run")
    if writer == "openpyxl.Workbook.save":
        monkeypatch.setattr(openpyxl.Workbook, "save", lambda self, filename: fail_midway(filename))
    elif writer == "_string_bytes":
        monkeypatch.setattr(
            output, "_string_bytes", lambda rows: (_ for _ in ()).throw(RuntimeError("disk on fire"))
        )
    else:
        module, name = writer.split(".")
        monkeypatch.setattr(getattr(output, module), name, fail_midway)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_lines(lines, path)
    assert path.read_bytes() == b"previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_interrupt_midway_leaves_no_file(
    monkeypatch: pytest.MonkeyPatch, lines: pd.DataFrame, tmp_path: Path
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.pa_csv, "write_csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_lines(lines, tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_os_errors_become_one_line_spendcat_errors(
    monkeypatch: pytest.MonkeyPatch, lines: pd.DataFrame, tmp_path: Path
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.pa_csv, "write_csv", disk_full)
    with pytest.raises(SpendcatError, match="No space left on device") as caught:
        write_lines(lines, tmp_path / "out.csv")
    assert caught.value.file == str(tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_replacing_keeps_the_files_mode_and_a_new_file_follows_the_umask(
    lines: pd.DataFrame, tmp_path: Path
) -> None:
    old = tmp_path / "old.csv"
    old.write_text("x")
    old.chmod(0o640)
    write_lines(lines, old)
    assert stat.S_IMODE(old.stat().st_mode) == 0o640

    umask = os.umask(0o022)
    os.umask(umask)
    new = tmp_path / "new.csv"
    write_lines(lines, new)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask


# --- refusing bad output paths ---------------------------------------------------------------


def test_refuses_to_overwrite_an_input(lines: pd.DataFrame, tmp_path: Path) -> None:
    source = tmp_path / "spend.csv"
    source.write_text("Supplier,Amount\nA,1\n")
    (tmp_path / "sub").mkdir()
    os.symlink(source, tmp_path / "link.csv")
    os.link(source, tmp_path / "hard.csv")
    for target in [
        source,
        tmp_path / "sub" / ".." / "spend.csv",
        tmp_path / "link.csv",
        tmp_path / "hard.csv",
    ]:
        with pytest.raises(BadOption, match="overwrite the input") as caught:
            write_lines(lines, target, inputs=[tmp_path / "other.csv", source])
        assert str(source) in str(caught.value)
    assert source.read_text() == "Supplier,Amount\nA,1\n"


def test_relative_output_naming_an_input(
    monkeypatch: pytest.MonkeyPatch, lines: pd.DataFrame, tmp_path: Path
) -> None:
    source = tmp_path / "spend.csv"
    source.write_text("data")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadOption, match="spend.csv"):
        write_lines(lines, Path("spend.csv"), inputs=[source])


def test_output_checked_before_the_run_names_its_format(tmp_path: Path) -> None:
    source = tmp_path / "spend.csv"
    source.write_text("data")
    assert check_output_path(tmp_path / "Out.XLSX", [source]) == ".xlsx"
    (tmp_path / "sub").mkdir()
    with pytest.raises(BadOption, match="overwrite the input"):
        check_output_path(tmp_path / "sub" / ".." / "spend.csv", [source])
    clash = tmp_path / "out.csv.manifest.json"
    clash.write_text("{}")
    with pytest.raises(BadOption, match="overwrite the input"):
        check_output_path(tmp_path / "out.csv", [clash])  # the manifest would land on it


def test_manifest_sits_beside_its_output() -> None:
    assert manifest_path(Path("runs/categorised.xlsx")) == Path("runs/categorised.xlsx.manifest.json")


@pytest.mark.parametrize("name", ["out.txt", "out", "out.json", "out.xls"])
def test_unknown_extension_names_the_formats(name: str, lines: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(BadOption, match=r"\.csv, \.xlsx, \.parquet, \.jsonl"):
        write_lines(lines, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_extension_is_case_insensitive(lines: pd.DataFrame, tmp_path: Path) -> None:
    write_lines(lines, tmp_path / "OUT.CSV")
    assert (tmp_path / "OUT.CSV").read_bytes().startswith(BOM)


def test_missing_folder_or_folder_as_output(lines: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(BadOption, match="does not exist"):
        write_lines(lines, tmp_path / "nowhere" / "out.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(BadOption, match="is a folder"):
        write_lines(lines, tmp_path / "dir.csv")


# --- manifest and checksums ------------------------------------------------------------------


def test_manifest_is_indented_json_written_atomically(tmp_path: Path) -> None:
    path = tmp_path / "run.manifest.json"
    path.write_text("old")
    manifest = {
        "inputs": [{"path": tmp_path / "a.csv", "sha256": "ab"}],
        "when": date(2024, 5, 1),
        "total": Decimal("12.30"),
        "lines": np.int64(3),
        "name": "Café",
    }
    write_manifest(path, manifest)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "inputs"') and text.endswith("}\n") and "Café" in text
    assert json.loads(text) == {
        "inputs": [{"path": str(tmp_path / "a.csv"), "sha256": "ab"}],
        "when": "2024-05-01",
        "total": "12.30",
        "lines": 3,
        "name": "Café",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_manifest_that_cannot_be_serialised_leaves_the_old_one(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text("old")
    with pytest.raises(TypeError):
        write_manifest(path, {"thing": object()})
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_sha256_file_streams(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    data = os.urandom(3 * 1024 + 17)
    path.write_bytes(data)
    assert sha256_file(path, chunk_size=1024) == hashlib.sha256(data).hexdigest() == sha256_file(str(path))


def test_write_lines_accepts_a_text_path(lines: pd.DataFrame, tmp_path: Path) -> None:
    write_lines(lines, str(tmp_path / "out.jsonl"))  # type: ignore[arg-type]
    assert len(io.StringIO((tmp_path / "out.jsonl").read_text(encoding="utf-8")).readlines()) == len(lines)
