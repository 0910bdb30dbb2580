"""Write a realistic synthetic council spend publication (CSV) for benchmarks.

    python benchmarks/generate.py OUT.csv [--lines 1000000] [--seed 20240131] [--encoding cp1252]
        [--manifest OUT.csv.manifest.json]

or, from another benchmark:

    from generate import write_publication
    written = write_publication(path, lines=1_000_000, seed=20240131)
    written.lines, written.pence   # what a correct reader must find

The file looks like one month of a council's "payments over £500" export:

- a few title rows above the header (some padded with commas, some not, one blank);
- 7 columns: Body Name, Service Area, Expenses Type, Payment Date, Transaction Number,
  Net Amount, Supplier Name;
- ~20,000 distinct suppliers drawn Zipf-skewed (a few suppliers take a large share of the
  lines, a long tail appears a handful of times each), each written many ways: case
  (as is / UPPER / lower / Title), stray spaces (doubled inside, leading, trailing), legal
  suffix (Ltd / Limited / LTD. / PLC / none) and an occasional typo (a dropped, doubled or
  swapped letter); a few names carry commas or quotes (quoted in the CSV) or non-ASCII
  letters (é, ë, ô); a small share of lines are "REDACTED - Personal Data";
- amounts in pence from a log-normal, ~3% negative (credit notes), written in a mix of
  styles: `1,234.56` (quoted), `£1,234.56`, `-£790.94`, `1234.56`, `-1,234.56`;
- day-first dates (`21/01/2024`), working days of one month, lines sorted by date;
- transaction numbers ascending, some repeated (one invoice, several lines);
- a few blank rows (`,,,,,,`) scattered in the body and before the end, and a `Total` row.

Everything per line is numpy/Arrow vectorised; Python only runs once per distinct supplier
spelling (~10^5), so a million lines take a few seconds. The output is byte-for-byte
determined by (lines, seed, encoding).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HEADER = ["Body Name", "Service Area", "Expenses Type", "Payment Date", "Transaction Number", "Net Amount", "Supplier Name"]
BODY = "Anytown Borough Council"
YEAR, MONTH, MONTH_NAME = 2024, 1, "January"
NEWLINE = "\r\n"  # what Excel and finance systems export
DISTINCT_SUPPLIERS = 20_000
ZIPF_EXPONENT = 1.05
REDACTED = "REDACTED - Personal Data"
REDACTED_SHARE = 0.004

_SURNAMES = """Abbott Adams Ainsworth Allen Armstrong Ashworth Atkinson Bailey Baker Banks Barker Barnes
Bartlett Bates Baxter Bell Bennett Berry Bird Bishop Blackburn Bolton Booth Bradley Brennan Briggs
Brooks Brown Buckley Burgess Burton Butler Carr Carter Chambers Chapman Clarke Cole Collins Cook
Cooper Cox Crawford Cross Dale Davies Dawson Dean Dixon Doyle Duncan Dunn Edwards Elliott Ellis
Evans Farrell Fisher Fleming Fletcher Ford Foster Fox Francis Gardner Gibson Gilbert Gordon Graham
Grant Gray Green Griffiths Hall Hamilton Harding Harper Harris Harrison Hart Harvey Hawkins Hayes
Henderson Hill Holland Holmes Hopkins Howard Hudson Hughes Hunt Hunter Jackson James Jenkins Johnson
Jones Jordan Kelly Kennedy King Knight Lambert Lane Lawrence Lee Lewis Lloyd Lowe Marshall Martin
Mason Matthews Mills Mitchell Moore Morgan Morris Murphy Murray Newman Nicholson Norton Owen Palmer
Parker Parsons Payne Pearce Perry Phillips Porter Powell Price Reid Reynolds Richards Roberts
Robinson Rogers Rose Ross Russell Ryan Saunders Scott Shaw Simpson Slater Smith Spencer Stevens
Stewart Stone Sutton Taylor Thomas Thompson Tucker Turner Walker Walsh Ward Watson Webb Wells West
Wheeler White Wilkinson Williams Wilson Wood Wright Young""".split()
_PLACES = """Aire Avon Barrow Beacon Bridgewater Brookfield Calder Castle Chiltern Cotswold Crown Dale
Derwent Eden Elm Fenland Forest Fylde Granite Hadrian Harbour Heath Highland Kennet Lakeland Lea
Lune Malvern Marsh Medway Mendip Mersey Moorland Nene North Northern Oak Ouse Peak Pennine
Quarry Ribble Riverside Severn Sherwood South Southern Stour Tamar Tees Thames Trent Tyne Vale
Weald Wessex West Western Wye Yorkshire East Eastern Midland Central Metro City County Regional
Coastal Valley Meadow Summit Ridge Orchard Willow Cedar Holly Ash Birch Rowan Maple""".split()
_ADJECTIVES = """Able Acme Advanced Allied Alpha Apex Applied Best Bright Capital Clear Complete Core
Direct Dynamic Elite Express First Fresh Global Grand Green Integrated Key Main Modern National
Optimum Premier Prime Pro Professional Quality Rapid Reliable Royal Safe Select Smart Solid Sterling
Superior Total Trusted United Universal Vital Precision Premium Classic Ideal Pure Swift""".split()
_TRADES = """Building Services|Construction|Care Services|Home Care|Care Homes|Cleaning Services|Catering|
Facilities Management|Electrical Contractors|Plumbing and Heating|Roofing|Scaffolding|Landscapes|
Grounds Maintenance|Tree Surgery|Waste Management|Recycling|Skip Hire|Transport|Coaches|Taxis|
Removals|Security|Fire Protection|Lifts|Engineering|Surveying|Architects|Consulting|Consultancy|
IT Solutions|Software|Computer Systems|Telecoms|Networks|Print|Printing|Signs|Office Supplies|
Stationery|Furniture|Interiors|Flooring|Glazing|Windows|Doors and Windows|Joinery|Decorators|
Painting Contractors|Plant Hire|Tool Hire|Fuels|Energy|Water Services|Drainage|Highways|
Surfacing|Civil Engineering|Demolition|Asbestos Removal|Pest Control|Hygiene|Laundry|Uniforms|
Workwear|Medical Supplies|Pharmacy|Healthcare|Nursing|Supported Living|Fostering|Childcare|
Nurseries|Education|Training|Learning|Tutoring|Recruitment|Staffing|Employment Services|
Legal Services|Solicitors|Accountants|Insurance|Financial Services|Property|Estates|Housing|
Homes|Lettings|Developments|Leisure|Sports|Events|Arts|Media|Marketing|Communications|Design|
Foods|Fresh Foods|Meat Supplies|Dairies|Bakery|Vending|Motors|Vehicle Hire|Tyres|Garage Services|
Auto Repairs|Fleet Services|Lighting|Street Lighting|Traffic Management|Parking Services|
Environmental Services|Ecology|Testing|Laboratories|Translation Services|Interpreting|
Mobility|Equipment|Supplies|Trading|Group|Holdings|Partners|Associates|Solutions|Services""".replace("\n", "").split("|")
_NON_COMPANY = ["Trust", "Foundation", "Community Interest Company", "Partnership", "Association", "Cooperative", "& Sons", "& Co", "Charitable Trust", "Housing Association"]
_EXOTIC = ["Café", "Zoë", "Côte", "Beaumont-Rénée", "Noël", "Crème"]
_LEGAL = np.array(["Ltd", "Limited", "PLC", "LLP", ""], dtype=object)
_LEGAL_P = np.array([0.46, 0.26, 0.04, 0.04, 0.20])
# Legal suffix variants (index into this as the per-line suffix code; 0 = the canonical one).
_SUFFIX_VARIANTS = ["", "Ltd", "Limited", "LTD.", "PLC", None]  # None = suffix dropped

_SERVICE_AREAS = """Adult Social Care|Children's Services|Education|Highways|Waste and Recycling|Housing|
Planning|Regeneration|Leisure and Culture|Libraries|Parks and Open Spaces|Environmental Health|
Trading Standards|Finance|Revenues and Benefits|ICT|Human Resources|Legal and Democratic|
Property Services|Facilities Management|Public Health|Community Safety|Transport|Parking|
Customer Services|Corporate Management|Economic Development|Schools|Youth Services|Registrars""".replace("\n", "").split("|")
_EXPENSE_HEADS = """Agency Staff|Equipment|Repairs and Maintenance|Contract Payments|Professional Fees|
Consultancy|Printing|Stationery|IT Software|IT Hardware|Telephones|Electricity|Gas|Water|Rents|
Rates|Cleaning|Catering|Vehicle Hire|Fuel|Travel|Training|Grants|Subscriptions|Postage|Legal Fees|
Insurance|Residential Care|Nursing Care|Home Care|Day Care|Direct Payments|Foster Care|
Supported Living|Transport Costs|Waste Disposal|Materials|Furniture|Security|Advertising""".replace("\n", "").split("|")
_EXPENSE_QUALIFIERS = ["", " - General", " - Planned", " - Reactive", " - Capital", " - Other", " (Non-Recoverable)"]


@dataclass(frozen=True)
class Written:
    """What was written: the figures a correct reader must reproduce."""

    path: str
    lines: int  # spend lines
    pence: int  # sum of their amounts, exact
    bytes: int
    encoding: str
    seed: int
    title_rows: int  # rows above the header
    header_row: int  # 1-based row number of the header
    blank_rows: int  # blank rows below the header (a reader skips them)
    total_rows: int  # "Total" rows (a reader skips them)
    distinct_suppliers: int  # base names drawn at least once
    supplier_spellings: int  # distinct supplier texts in the file (all variants)
    first_date: str
    last_date: str
    seconds: float


def _zipf_probabilities(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** exponent
    return weights / weights.sum()


def _base_names(rng: np.random.Generator, count: int) -> tuple[list[str], list[str]]:
    """`count` distinct supplier stems and their canonical legal suffix ("" for none)."""
    firsts = _SURNAMES + _PLACES + _ADJECTIVES
    stems: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < count:
        batch = count - len(ordered) + 1000
        a = rng.integers(0, len(firsts), batch)
        b = rng.integers(0, len(_TRADES), batch)
        shape = rng.random(batch)
        second = rng.integers(0, len(firsts), batch)
        exotic = rng.integers(0, len(_EXOTIC), batch)
        for i in range(batch):
            first = firsts[a[i]]
            if shape[i] < 0.12:
                stem = f"{first} & {_SURNAMES[second[i] % len(_SURNAMES)]} {_TRADES[b[i]]}"
            elif shape[i] < 0.16:
                stem = f"{_SURNAMES[second[i] % len(_SURNAMES)]}, {first} {_TRADES[b[i]]}"  # comma: quoted
            elif shape[i] < 0.17:
                stem = f'{first} "{_TRADES[b[i]]}"'  # quotes: doubled in the CSV
            elif shape[i] < 0.18:
                stem = f"{_EXOTIC[exotic[i]]} {_TRADES[b[i]]}"
            elif shape[i] < 0.30:
                stem = f"{first} {_PLACES[second[i] % len(_PLACES)]} {_TRADES[b[i]]}"
            else:
                stem = f"{first} {_TRADES[b[i]]}"
            if stem not in stems:
                stems.add(stem)
                ordered.append(stem)
                if len(ordered) == count:
                    break
    legal = rng.choice(_LEGAL, size=count, p=_LEGAL_P)
    non_company = rng.integers(0, len(_NON_COMPANY), count)
    suffixes = []
    for i in range(count):
        if legal[i] == "":
            ordered[i] = f"{ordered[i]} {_NON_COMPANY[non_company[i]]}"
        suffixes.append(str(legal[i]))
    return ordered, suffixes


def _typo(text: str, kind: int, where: int) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    i = letters[where % len(letters)]
    if kind == 0:  # dropped letter
        return text[:i] + text[i + 1 :]
    if kind == 1:  # doubled letter
        return text[:i] + text[i] + text[i:]
    j = i + 1 if i + 1 < len(text) else i - 1  # swapped neighbours
    lo, hi = min(i, j), max(i, j)
    return text[:lo] + text[hi] + text[lo] + text[hi + 1 :]


def _spell(stem: str, legal: str, case: int, space: int, suffix: int, typo: int) -> str:
    """One written variant of a supplier name."""
    if legal and suffix != len(_SUFFIX_VARIANTS) - 1:
        written_suffix = legal if suffix == 0 else _SUFFIX_VARIANTS[suffix]
        if legal == "LLP" and suffix in (1, 2, 3):  # an LLP is not re-badged as a Ltd
            written_suffix = "LLP"
        name = f"{stem} {written_suffix}"
    else:
        name = stem
    if typo:
        name = _typo(name, (typo - 1) % 3, (typo - 1) // 3)
    if case == 1:
        name = name.upper()
    elif case == 2:
        name = name.lower()
    elif case == 3:
        name = name.title()
    if space == 1:
        cut = name.find(" ")
        name = name[:cut] + "  " + name[cut + 1 :] if cut > 0 else name
    elif space == 2:
        name = name + " "
    elif space == 3:
        name = " " + name
    return name


def _csv_quote(text: str) -> str:
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _strings(values: list[str], codes: np.ndarray) -> pa.Array:
    """values[codes] as an Arrow string column, without a Python object per line."""
    return pa.array(values, type=pa.string()).take(pa.array(codes))


def _suppliers(rng: np.random.Generator, n: int) -> tuple[pa.Array, int, int]:
    stems, legal = _base_names(rng, DISTINCT_SUPPLIERS)
    # Rank 0 is the most paid supplier; the order of names is already random.
    name_id = rng.choice(DISTINCT_SUPPLIERS, size=n, p=_zipf_probabilities(DISTINCT_SUPPLIERS, ZIPF_EXPONENT))
    case = rng.choice(4, size=n, p=[0.62, 0.18, 0.06, 0.14])
    space = rng.choice(4, size=n, p=[0.80, 0.08, 0.08, 0.04])
    suffix = rng.choice(len(_SUFFIX_VARIANTS), size=n, p=[0.64, 0.10, 0.09, 0.05, 0.02, 0.10])
    typo = np.where(rng.random(n) < 0.04, rng.integers(1, 61, n), 0)
    key = (((name_id.astype(np.int64) * 4 + case) * 4 + space) * len(_SUFFIX_VARIANTS) + suffix) * 61 + typo
    unique_keys, codes = np.unique(key, return_inverse=True)
    typo_u = unique_keys % 61
    rest = unique_keys // 61
    suffix_u = rest % len(_SUFFIX_VARIANTS)
    rest //= len(_SUFFIX_VARIANTS)
    space_u = rest % 4
    rest //= 4
    case_u = rest % 4
    name_u = rest // 4
    spellings = [
        _spell(stems[a], legal[a], int(c), int(s), int(x), int(t))
        for a, c, s, x, t in zip(name_u.tolist(), case_u.tolist(), space_u.tolist(), suffix_u.tolist(), typo_u.tolist())
    ]
    distinct_spellings = len(set(spellings))
    redacted = rng.random(n) < REDACTED_SHARE
    values = [_csv_quote(s) for s in spellings] + [REDACTED]
    codes = np.where(redacted, len(values) - 1, codes)
    distinct_names = len(np.unique(name_id[~redacted]))
    return _strings(values, codes), distinct_names, distinct_spellings + int(redacted.any())


def _group_thousands(units: np.ndarray) -> pa.Array:
    """Non-negative integers as text with thousands commas: 1234567 -> 1,234,567 (< 10^12)."""
    groups = [units // 1000**k % 1000 for k in range(4)]  # ones, thousands, millions, billions
    plain = [pc.cast(pa.array(g), pa.string()) for g in groups]
    padded = [pc.utf8_lpad(p, 3, "0") for p in plain]
    text = plain[0]
    for k in (1, 2, 3):
        grouped = pc.binary_join_element_wise(plain[k], *reversed(padded[:k]), ",")
        text = pc.if_else(pa.array(units >= 1000**k), grouped, text)
    return text


def _amounts(rng: np.random.Generator, n: int) -> tuple[pa.Array, np.ndarray]:
    """Amount text per line and the exact pence it says."""
    pounds = np.exp(rng.normal(np.log(1800.0), 1.35, n))
    pence = np.clip(np.round(pounds * 100), 1, 500_000_000).astype(np.int64)
    whole = rng.random(n) < 0.3
    pence = np.where(whole, np.maximum(pence // 100, 1) * 100, pence)
    negative = rng.random(n) < 0.03
    pence = np.where(negative, -pence, pence)
    magnitude = np.abs(pence)
    units = magnitude // 100
    cents = pc.utf8_lpad(pc.cast(pa.array(magnitude % 100), pa.string()), 2, "0")
    plain = pc.binary_join_element_wise(pc.cast(pa.array(units), pa.string()), cents, ".")
    grouped = pc.binary_join_element_wise(_group_thousands(units), cents, ".")
    # 0: 1,234.56  1: £1,234.56  2: 1234.56  -- negatives: -1,234.56 / -£790.94 / -1234.56
    style = pa.array(rng.choice(3, size=n, p=[0.62, 0.23, 0.15]))
    body = pc.if_else(pc.equal(style, 2), plain, grouped)
    body = pc.if_else(pc.equal(style, 1), pc.binary_join_element_wise("£", body, ""), body)
    body = pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", body, ""), body)
    needs_quotes = pc.match_substring(body, ",")
    text = pc.if_else(needs_quotes, pc.binary_join_element_wise('"', body, '"', ""), body)
    return text, pence


def _skewed(rng: np.random.Generator, labels: list[str], n: int, exponent: float = 1.0) -> pa.Array:
    codes = rng.choice(len(labels), size=n, p=_zipf_probabilities(len(labels), exponent))
    return _strings([_csv_quote(v) for v in labels], codes)


def _working_days(rng: np.random.Generator) -> np.ndarray:
    days = np.arange(np.datetime64(f"{YEAR}-{MONTH:02d}-01"), np.datetime64(f"{YEAR}-{MONTH + 1:02d}-01"))
    return days[np.is_busday(days, holidays=[f"{YEAR}-01-01"])]


def write_publication(path: str | os.PathLike, lines: int = 1_000_000, seed: int = 20240131, encoding: str = "utf-8") -> Written:
    """Write a synthetic spend publication of `lines` spend lines to `path`; return what was written."""
    if encoding.lower().replace("-", "").replace("_", "") in ("cp1252", "windows1252"):
        encoding = "cp1252"
    elif encoding.lower().replace("-", "").replace("_", "") in ("utf8",):
        encoding = "utf-8"
    else:
        raise ValueError(f"encoding must be utf-8 or cp1252, not {encoding!r}")
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    n = int(lines)

    days = _working_days(rng)
    day_index = np.sort(rng.integers(0, len(days), n))
    day_numbers = (days[day_index] - np.datetime64(f"{YEAR}-{MONTH:02d}-01")).astype(np.int64) + 1
    date_labels = [f"{d:02d}/{MONTH:02d}/{YEAR}" for d in range(1, 32)]
    dates = _strings(date_labels, day_numbers - 1)

    step = rng.choice(4, size=n, p=[0.12, 0.70, 0.12, 0.06])  # 0: same invoice as the line before
    transaction = 4_100_000 + np.cumsum(step)
    transactions = pc.cast(pa.array(transaction), pa.string())

    service = _skewed(rng, _SERVICE_AREAS, n, 0.9)
    expense_labels = [h + q for h in _EXPENSE_HEADS for q in _EXPENSE_QUALIFIERS]
    rng.shuffle(expense_labels)
    expense = _skewed(rng, expense_labels, n, 1.1)
    amount_text, pence = _amounts(rng, n)
    suppliers, distinct_names, spellings = _suppliers(rng, n)
    body_name = pa.array(np.full(n, BODY, dtype=object), type=pa.string()) if n else pa.array([], pa.string())

    rows = pc.binary_join_element_wise(body_name, service, expense, dates, transactions, amount_text, suppliers, ",")
    rows = pc.binary_join_element_wise(rows, NEWLINE, "")
    rows = rows.cast(pa.large_string())  # int64 offsets: no 2 GB limit on the joined text
    _, offset_buffer, data = rows.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[rows.offset : rows.offset + len(rows) + 1]
    lines_bytes = memoryview(data)[offsets[0] : offsets[-1]] if n else memoryview(b"")

    # Blank rows scattered through the body (Excel leaves them), and before the total.
    blank = "," * (len(HEADER) - 1) + NEWLINE
    cut_points = sorted(set(rng.integers(1, max(n, 2), 5).tolist())) if n > 10 else []
    total_pence = int(pence.sum())
    sign = "-" if total_pence < 0 else ""
    total_text = f"{sign}£{abs(total_pence) // 100:,}.{abs(total_pence) % 100:02d}"
    titles = [
        f"{BODY}{NEWLINE}",
        f"Expenditure over £500,,,,,,{NEWLINE}",
        f"Period: {MONTH_NAME} {YEAR}{NEWLINE}",
        blank,
    ]
    header = ",".join(HEADER) + NEWLINE
    footer = blank + blank + f'Total,,,,,"{total_text}",{NEWLINE}'

    tmp = Path(f"{path}.tmp")
    with open(tmp, "wb") as out:

        def put(chunk: bytes | memoryview | str) -> None:
            if isinstance(chunk, str):
                chunk = chunk.encode("utf-8")
            if encoding == "cp1252":
                chunk = bytes(chunk).decode("utf-8").encode("cp1252")
            out.write(chunk)

        for title in titles:
            put(title)
        put(header)
        start = 0
        for cut in cut_points:
            position = int(offsets[cut] - offsets[0])
            put(lines_bytes[start:position])
            put(blank)
            start = position
        put(lines_bytes[start:])
        put(footer)
    os.replace(tmp, path)

    first_day = int(day_numbers.min()) if n else 1
    last_day = int(day_numbers.max()) if n else 1
    return Written(
        path=str(path),
        lines=n,
        pence=total_pence,
        bytes=os.path.getsize(path),
        encoding=encoding,
        seed=seed,
        title_rows=len(titles),
        header_row=len(titles) + 1,
        blank_rows=len(cut_points) + 2,
        total_rows=1,
        distinct_suppliers=distinct_names,
        supplier_spellings=spellings,
        first_date=f"{YEAR}-{MONTH:02d}-{first_day:02d}",
        last_date=f"{YEAR}-{MONTH:02d}-{last_day:02d}",
        seconds=round(time.perf_counter() - started, 3),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="where to write the CSV")
    parser.add_argument("--lines", type=int, default=1_000_000, help="spend lines (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20240131)
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "cp1252"])
    parser.add_argument("--manifest", help="also write what was written as JSON to this file")
    args = parser.parse_args(argv)
    written = write_publication(args.path, args.lines, args.seed, args.encoding)
    if args.manifest:
        tmp = Path(f"{args.manifest}.tmp")
        tmp.write_text(json.dumps(asdict(written), indent=2))
        os.replace(tmp, args.manifest)
    for key, value in asdict(written).items():
        print(f"{key:20} {value:,}" if isinstance(value, int) else f"{key:20} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
