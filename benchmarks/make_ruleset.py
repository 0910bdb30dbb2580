"""Write a synthetic but realistic rule file and supplier directory for benchmarks.

    python benchmarks/make_ruleset.py [--out-dir benchmarks/data] [--seed 7] [--rules 200]
        [--suppliers 50000]

writes OUT_DIR/ruleset-SEED.yaml (200 rules) and OUT_DIR/suppliers-SEED-50000.csv (columns
name, category, aliases, company_number), byte-for-byte determined by the arguments.
Importable: `write_ruleset(out_dir, seed)` returns the two paths and a summary.

The rules look like a council's hand-written set: keyword `any` lists over `purpose`,
`expense_type` and `expense_area` (many of the words are ones benchmarks/generate.py writes,
many are not, as in a real set written for several publishers), RE2 regexes on `supplier`
(trade words), amount `min`/`max` with a keyword, `all`, `in`, `any_of`, a few `unless`
and a few exclusions, priorities spread round the supplier directory's (40) so some lines
are decided by rules, some by the directory and some are contested.

The directory overlaps the generator's supplier base names, which are built from its word
lists (`first trade`, `first & surname trade`, `surname, first trade`, `first place trade`,
plus a legal suffix or a non-company word): it holds most of the ~40,000 possible
`first trade` stems (so most of the publication's simple names, in all their spellings,
normalise to an exact key), some written with a typo or under a non-company word (so the
publication's clean spellings only match fuzzily), aliases, compound names from the same
word lists (fuzzy near-misses that share tokens with real ones), and the rest made-up
names from other words (bulk, as in a real national directory). Categories follow the
trade (`Care Homes` -> social_care.residential), with a little noise.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # the publication generator: its word lists and typo maker

DEFAULT_SEED = 7
RULE_COUNT = 200
SUPPLIER_COUNT = 50_000

# --- categories --------------------------------------------------------------------------

# Trade word (from generate._TRADES) -> category, first match wins.
TRADE_CATEGORIES: list[tuple[str, str]] = [
    (r"Care Homes", "social_care.residential"),
    (r"Nursing", "social_care.nursing"),
    (r"Home Care|Care Services", "social_care.home_care"),
    (r"Supported Living", "social_care.supported_living"),
    (r"Fostering", "social_care.fostering"),
    (r"Mobility|Equipment", "social_care.equipment"),
    (r"Childcare|Nurseries", "education.early_years"),
    (r"Education|Learning|Tutoring", "education.sen_support"),
    (r"Training", "workforce.training"),
    (r"Recruitment|Staffing|Employment", "workforce.agency"),
    (r"Cleaning|Hygiene|Laundry", "premises.cleaning"),
    (r"Catering|Foods|Meat|Dair|Bakery|Vending", "supplies.catering"),
    (r"Facilities|Security|Lifts|Fire Protection", "premises.facilities_management"),
    (r"Demolition|Civil Engineering|Construction|Developments", "construction.new_build"),
    (r"Architects|Surveying", "construction.professional_fees"),
    (
        r"Asbestos|Electrical|Plumbing|Roofing|Scaffolding|Glazing|Windows|Joinery|Decorators|Painting|Flooring|Building",
        "premises.repairs",
    ),
    (r"Landscapes|Grounds|Tree Surgery|Ecology", "environment.grounds"),
    (r"Waste|Skip", "environment.waste_collection"),
    (r"Recycling", "environment.waste_disposal"),
    (r"Pest Control|Environmental|Testing|Laboratories", "environment.public_protection"),
    (r"Street Lighting|Lighting", "highways.street_lighting"),
    (r"Traffic", "highways.traffic_management"),
    (r"Parking", "highways.parking"),
    (r"Highways|Surfacing|Drainage", "highways.maintenance"),
    (r"Coaches|Taxis|Transport", "transport.home_to_school"),
    (r"Tyres|Garage|Auto Repairs|Motors", "transport.vehicle_maintenance"),
    (r"Fleet|Vehicle Hire|Plant Hire|Tool Hire", "transport.fleet"),
    (r"Fuels", "transport.fuel"),
    (r"Energy|Water Services", "premises.utilities"),
    (r"IT Solutions|Computer|Networks", "ict.services"),
    (r"Software", "ict.software"),
    (r"Telecoms", "ict.telecoms"),
    (r"Print|Signs|Office Supplies|Stationery", "supplies.office"),
    (r"Furniture|Interiors", "supplies.furniture"),
    (r"Uniforms|Workwear", "supplies.clothing"),
    (r"Medical|Pharmacy", "health.medicines"),
    (r"Healthcare", "health.clinical"),
    (r"Legal|Solicitors", "professional.legal"),
    (r"Accountants", "professional.audit"),
    (r"Insurance", "professional.insurance"),
    (r"Financial", "professional.banking"),
    (r"Translation|Interpreting", "professional.interpreting"),
    (r"Consult", "professional.consultancy"),
    (r"Engineering", "construction.professional_fees"),
    (r"Property|Estates|Lettings", "premises.rent"),
    (r"Housing|Homes", "housing.temporary_accommodation"),
    (r"Leisure|Sports", "culture_leisure.sport_leisure"),
    (r"Arts|Events", "culture_leisure.arts_heritage"),
    (r"Media|Marketing|Design", "marketing.advertising"),
    (r"Communications", "marketing.communications"),
    (r"Removals", "supplies.specialist"),
]
NOISE_CATEGORIES = [
    "supplies.specialist",
    "professional.consultancy",
    "premises.repairs",
    "ict.services",
    "grants.voluntary_sector",
    "social_care.home_care",
    "construction.refurbishment",
    "marketing.events",
    "transport.passenger",
]

# Category -> keywords a rule writer would use for it (purpose / expense type wording).
# Words marked with generator expense heads ("Agency Staff", "Rents", ...) match lines;
# the rest are there because a real rule set covers many publishers' wording.
KEYWORDS: dict[str, list[str]] = {
    "workforce.agency": ["agency staff", "agency", "interim", "temporary staff", "locum", "supply teacher"],
    "workforce.recruitment": [
        "recruitment",
        "job advert",
        "advertising posts",
        "dbs checks",
        "executive search",
    ],
    "workforce.training": ["training", "conference", "course fees", "e-learning", "cpd"],
    "workforce.expenses": ["subsistence", "allowances", "members allowances", "professional subscriptions"],
    "workforce.occupational_health": [
        "occupational health",
        "employee assistance",
        "counselling",
        "eye tests",
    ],
    "workforce.pensions": ["pension", "lgps", "superannuation", "pension strain"],
    "premises.rent": ["rents", "rent", "lease", "service charge", "ground rent"],
    "premises.rates": ["rates", "business rates", "nndr", "non domestic rates"],
    "premises.utilities": ["electricity", "gas", "water", "energy", "heating oil", "utilities"],
    "premises.cleaning": ["cleaning", "window cleaning", "janitorial", "hygiene services"],
    "premises.repairs": [
        "repairs and maintenance",
        "repairs",
        "maintenance",
        "reactive repairs",
        "planned maintenance",
        "materials",
    ],
    "premises.facilities_management": [
        "security",
        "facilities management",
        "caretaking",
        "fire alarm",
        "lift maintenance",
    ],
    "construction.new_build": ["new build", "construction", "capital works", "building works"],
    "construction.refurbishment": ["refurbishment", "extension", "remodelling", "fit out"],
    "construction.professional_fees": [
        "architect",
        "quantity surveyor",
        "design fees",
        "structural engineer",
    ],
    "construction.land": ["land purchase", "acquisition of land", "compulsory purchase"],
    "highways.maintenance": ["highways", "resurfacing", "pothole", "carriageway", "footway"],
    "highways.street_lighting": ["street lighting", "lighting columns", "illuminated signs"],
    "highways.traffic_management": ["traffic management", "traffic signals", "road markings"],
    "highways.winter": ["gritting", "salt", "winter maintenance"],
    "highways.parking": ["parking", "car park", "pay and display", "parking enforcement"],
    "transport.fleet": ["vehicle hire", "fleet", "lease cars", "vehicle purchase"],
    "transport.fuel": ["fuel", "diesel", "petrol", "fuel cards"],
    "transport.vehicle_maintenance": ["vehicle repairs", "tyres", "mot", "servicing vehicles"],
    "transport.home_to_school": ["home to school transport", "school transport", "sen transport"],
    "transport.passenger": ["transport costs", "bus services", "concessionary fares", "community transport"],
    "transport.business_travel": ["travel", "mileage", "rail fares", "taxi", "hotel"],
    "ict.hardware": ["it hardware", "computer equipment", "laptops", "servers", "printers"],
    "ict.software": ["it software", "software", "licences", "software licences", "saas"],
    "ict.cloud": ["cloud", "hosting", "azure", "aws"],
    "ict.telecoms": ["telephones", "mobile phones", "telephony", "broadband", "lines and calls"],
    "ict.services": ["it services", "ict", "it support", "managed service"],
    "supplies.office": ["stationery", "printing", "postage", "office supplies", "photocopying", "toner"],
    "supplies.furniture": ["furniture", "chairs", "desks", "furnishings"],
    "supplies.clothing": ["uniforms", "protective clothing", "ppe", "workwear"],
    "supplies.catering": ["catering", "provisions", "food", "refreshments", "school meals"],
    "supplies.books": ["books", "library stock", "newspapers", "periodicals"],
    "supplies.specialist": ["equipment", "specialist equipment", "tools", "consumables"],
    "professional.legal": ["legal fees", "counsel", "solicitors", "barrister", "court fees"],
    "professional.consultancy": ["consultancy", "consultants", "professional fees", "advisory"],
    "professional.audit": ["audit", "external audit", "internal audit", "accountancy"],
    "professional.insurance": ["insurance", "premiums", "insurance excess"],
    "professional.research": ["research", "survey", "feasibility study"],
    "professional.banking": ["bank charges", "card fees", "merchant fees", "treasury management"],
    "professional.interpreting": ["interpreting", "translation", "signing", "bsl"],
    "marketing.advertising": ["advertising", "adverts", "publicity", "promotions"],
    "marketing.communications": ["communications", "newsletter", "design and print", "web content"],
    "marketing.events": ["events", "hospitality", "civic events", "exhibition"],
    "social_care.residential": ["residential care", "care home", "residential placements", "respite"],
    "social_care.nursing": ["nursing care", "nursing home", "fnc"],
    "social_care.home_care": ["home care", "domiciliary", "homecare", "reablement"],
    "social_care.supported_living": ["supported living", "supported accommodation", "shared lives"],
    "social_care.day_care": ["day care", "day services", "day centre", "day opportunities"],
    "social_care.direct_payments": ["direct payments", "personal budgets", "direct payment"],
    "social_care.equipment": ["community equipment", "telecare", "mobility aids", "adaptations equipment"],
    "social_care.prevention": ["prevention", "carers support", "befriending", "advocacy"],
    "social_care.fostering": ["foster care", "fostering", "foster carers", "ifa"],
    "social_care.adoption": ["adoption", "special guardianship", "adoption allowances"],
    "social_care.children_placements": [
        "childrens homes",
        "looked after children",
        "placements",
        "semi independent",
    ],
    "social_care.family_support": ["family support", "early help", "contact sessions", "section 17"],
    "education.schools": ["school budget", "delegated budget", "academy", "dsg"],
    "education.placements": ["independent special school", "out of county placement", "ofsted placement"],
    "education.sen_support": ["sen", "special educational needs", "send", "ehcp", "tuition"],
    "education.early_years": ["early years", "nursery", "childcare", "free entitlement"],
    "education.post16": ["post 16", "further education", "college fees"],
    "education.student_support": ["bursary", "student support", "free school meals"],
    "health.public_health": ["public health", "health checks", "smoking cessation", "weight management"],
    "health.substance_misuse": ["substance misuse", "drug and alcohol", "treatment services"],
    "health.sexual_health": ["sexual health", "gum", "contraception"],
    "health.children_0_19": ["health visiting", "school nursing", "0-19"],
    "health.clinical": ["clinical", "gp services", "medical services"],
    "health.medicines": ["medicines", "pharmacy", "drugs", "vaccines"],
    "housing.temporary_accommodation": [
        "temporary accommodation",
        "bed and breakfast",
        "b&b",
        "nightly paid",
    ],
    "housing.homelessness": ["homelessness", "rough sleeping", "prevention fund"],
    "housing.management": ["housing management", "tenancy", "estate management"],
    "housing.stock_repairs": ["voids", "responsive repairs", "gas servicing", "damp"],
    "housing.stock_investment": ["decent homes", "kitchens and bathrooms", "re-roofing", "cladding"],
    "housing.adaptations": ["disabled facilities grant", "dfg", "stairlift", "adaptations"],
    "housing.benefit": ["housing benefit", "rent allowance", "local housing allowance"],
    "environment.waste_collection": ["waste collection", "refuse", "bins", "trade waste"],
    "environment.waste_disposal": ["waste disposal", "landfill", "gate fees", "recycling"],
    "environment.street_cleansing": ["street cleansing", "litter", "fly tipping", "graffiti"],
    "environment.grounds": ["grounds maintenance", "grass cutting", "tree works", "landscaping"],
    "environment.flood": ["flood", "drainage", "gully", "culvert"],
    "environment.public_protection": ["pest control", "noise", "environmental health", "licensing"],
    "environment.bereavement": ["cemetery", "crematorium", "burials", "funeral"],
    "culture_leisure.libraries": ["libraries", "library", "e-books"],
    "culture_leisure.arts_heritage": ["museum", "arts", "heritage", "theatre"],
    "culture_leisure.sport_leisure": ["leisure", "sports", "swimming", "leisure centre"],
    "culture_leisure.tourism": ["tourism", "visitor", "destination marketing"],
    "culture_leisure.youth": ["youth", "youth club", "holiday activities"],
    "grants.voluntary_sector": ["grants", "grant", "voluntary sector", "community grant"],
    "grants.business": ["business grant", "restart grant", "business support"],
    "grants.individuals": ["hardship", "household support", "crisis support", "discretionary payment"],
    "government.hmrc": ["hmrc", "paye", "national insurance", "vat payment"],
    "government.precepts": ["precept", "levy", "police precept", "fire precept"],
    "government.local": ["recharge to council", "shared service", "joint committee"],
    "government.nhs": ["nhs", "icb", "ccg", "section 75"],
    "government.pooled_budgets": ["better care fund", "pooled budget", "bcf"],
    "finance.refunds": ["refund", "overpayment", "council tax refund", "ndr refund"],
    "finance.loans": ["loan", "loan advance"],
    "finance.investments": ["investment", "deposit", "money market"],
    "finance.borrowing": ["pwlb", "interest", "loan repayment"],
    "finance.compensation": ["compensation", "settlement", "ombudsman", "claims"],
}

# Service area (generate._SERVICE_AREAS and others) -> the category a low-priority rule gives.
AREA_RULES: list[tuple[list[str], str]] = [
    (["adult social care", "adults", "asc"], "social_care.home_care"),
    (["children's services", "childrens services", "children and families"], "social_care.family_support"),
    (["education", "schools", "learning"], "education.schools"),
    (["highways", "roads", "street scene"], "highways.maintenance"),
    (["waste and recycling", "waste", "refuse"], "environment.waste_collection"),
    (["housing", "housing services", "hra"], "housing.management"),
    (["planning", "development control"], "professional.consultancy"),
    (["regeneration", "economic development"], "grants.business"),
    (["leisure and culture", "leisure"], "culture_leisure.sport_leisure"),
    (["libraries"], "culture_leisure.libraries"),
    (["parks and open spaces", "parks", "open spaces"], "environment.grounds"),
    (["environmental health", "trading standards", "regulatory services"], "environment.public_protection"),
    (["ict", "digital", "information technology"], "ict.services"),
    (["human resources", "hr", "organisational development"], "workforce.training"),
    (["legal and democratic", "legal services", "democratic services"], "professional.legal"),
    (["property services", "asset management", "corporate property"], "premises.repairs"),
    (["facilities management", "facilities"], "premises.facilities_management"),
    (["public health"], "health.public_health"),
    (["community safety", "emergency planning"], "environment.public_protection"),
    (["transport", "passenger transport", "integrated transport"], "transport.passenger"),
    (["parking"], "highways.parking"),
    (["customer services", "contact centre"], "ict.telecoms"),
    (["youth services", "youth offending"], "culture_leisure.youth"),
    (["registrars", "bereavement services"], "environment.bereavement"),
    (["revenues and benefits", "benefits"], "housing.benefit"),
    (["finance", "corporate finance", "treasury"], "professional.banking"),
    (["corporate management", "chief executive"], "professional.consultancy"),
    (["tourism", "visitor economy"], "culture_leisure.tourism"),
    (["flood risk", "drainage"], "environment.flood"),
    (["coroner", "coroners"], "professional.legal"),
]

# Supplier regexes a rule writer adds for trades the directory does not cover well.
SUPPLIER_REGEXES: list[tuple[str, str]] = [
    (r"(?i)\bcare\s+homes?\b", "social_care.residential"),
    (r"(?i)\bnursing\b", "social_care.nursing"),
    (r"(?i)\bhome\s*care\b", "social_care.home_care"),
    (r"(?i)\bsupported\s+living\b", "social_care.supported_living"),
    (r"(?i)\bfostering\b", "social_care.fostering"),
    (r"(?i)\b(?:nurser(?:y|ies)|childcare)\b", "education.early_years"),
    (r"(?i)\b(?:recruitment|staffing)\b", "workforce.agency"),
    (r"(?i)\bsolicitors?\b|\bllp$", "professional.legal"),
    (r"(?i)\b(?:coaches|taxis?)\b", "transport.home_to_school"),
    (r"(?i)\b(?:scaffolding|roofing|glazing)\b", "premises.repairs"),
    (r"(?i)\b(?:asbestos|demolition)\b", "construction.refurbishment"),
    (r"(?i)\b(?:landscapes?|tree\s+surgery|grounds)\b", "environment.grounds"),
    (r"(?i)\bskip\s+hire\b", "environment.waste_collection"),
    (r"(?i)\bstreet\s+lighting\b", "highways.street_lighting"),
    (r"(?i)\btraffic\b", "highways.traffic_management"),
    (r"(?i)\b(?:tyres?|garage|motors)\b", "transport.vehicle_maintenance"),
    (r"(?i)\bfuels?\b", "transport.fuel"),
    (r"(?i)\btelecoms?\b", "ict.telecoms"),
    (r"(?i)\bsoftware\b", "ict.software"),
    (r"(?i)\b(?:interpreting|translation)\b", "professional.interpreting"),
    (r"(?i)\b(?:pest\s+control|hygiene)\b", "environment.public_protection"),
    (r"(?i)\b(?:uniforms?|workwear)\b", "supplies.clothing"),
    (r"(?i)\bpharmacy\b", "health.medicines"),
    (r"(?i)^(?:hm\s+revenue|hmrc)\b", "government.hmrc"),
    (r"(?i)\b(?:police|fire)\s+(?:and\s+crime\s+)?commissioner\b", "government.precepts"),
    (r"(?i)\bnhs\b|\bintegrated\s+care\s+board\b", "government.nhs"),
    (r"(?i)\b(?:borough|county|district|city)\s+council\b", "government.local"),
    (r"(?i)\buniversity\b", "education.post16"),
    (r"(?i)\b(?:housing\s+association|homes\s+ltd)\b", "housing.temporary_accommodation"),
    (r"(?i)\blaborator(?:y|ies)\b", "environment.public_protection"),
]

EXCLUSIONS: list[dict] = [
    {"when": {"purpose": {"any": ["internal recharge", "recharge", "inter-departmental"]}}},
    {"when": {"purpose": {"any": ["suspense", "holding account", "clearing account"]}}},
    {"when": {"purpose": {"any": ["vat only", "vat pro-forma", "vat adjustment"]}}},
    {"when": {"supplier": {"regex": r"(?i)^anytown\s+borough\s+council\b"}}},
    {"when": {"expense_type": {"regex": r"(?i)\(non-recoverable\)"}, "amount": {"max": 0}}},
    {"when": {"purpose": {"any": ["journal", "correction", "reversal"]}, "amount": {"max": 0}}},
    {"when": {"expense_type": {"in": ["balance sheet", "contra", "petty cash reimbursement"]}}},
    {
        "when": {
            "supplier": {"regex": r"(?i)^(?:redacted|personal data|withheld)\b"},
            "expense_area": {"any": ["finance"]},
        }
    },
]

_OTHER_SYLLABLES = """al an ar as bel ber bra cal can car cor dal dan del dor el en er fal fen for gal gar
gen hal han her ing is kal ken kor lan lar len lin lor mal man mar mer mor nar nel nor or ran rel
ren ril ron sal san sel ser sol tal tan tar ten tor tra val van ver vor wen win zen zor ix ex ox
ul um ys""".split()  # noqa: SIM905
_OTHER_TRADES = """Logistics|Pharmaceuticals|Biotech|Analytics|Data|Cloud|Digital|Energy Solutions|Renewables|
Solar|Wind Power|Aerospace|Defence|Marine|Shipping|Freight|Couriers|Packaging|Plastics|Chemicals|
Metals|Steel|Timber|Paper|Textiles|Fashion|Retail|Wholesale|Distribution|Imports|Exports|Hotels|
Hospitality|Restaurants|Brewery|Distillery|Farms|Agriculture|Nursery Plants|Garden Centre|Pet Supplies|
Veterinary|Dental|Opticians|Physiotherapy|Clinic|Diagnostics|Imaging|Robotics|Automation|Controls|
Instruments|Electronics|Semiconductors|Telecom Towers|Broadband|Fibre|Satellite|Broadcast|Films|
Publishing|Books|Music|Galleries|Antiques|Jewellers|Cosmetics|Salon|Fitness|Golf|Marina|Aviation|
Rail Services|Bus Company|Ferries|Storage|Self Storage|Archives|Shredding|Couriers and Despatch|
Investigations|Debt Recovery|Bailiffs|Enforcement Agents|Auctioneers|Valuers|Land Agents|Mortgages|
Pensions Administration|Payroll Services|Actuaries|Tax Advisers|Risk Management|Compliance|
Quality Assurance|Inspection Services|Certification|Calibration|Metrology""".replace("\n", "").split("|")
_OTHER_PREFIXES = ["", "", "", "The ", "UK ", "British ", "Anglo ", "Euro ", "International ", "Global "]
_LEGAL_WRITTEN = ["Ltd", "Limited", "Ltd", "Limited", "PLC", "LLP", "Ltd.", "Limited"]


def _trade_category(trade: str) -> str:
    for pattern, category in TRADE_CATEGORIES:
        if re.search(pattern, trade):
            return category
    return "supplies.specialist"


# --- supplier directory --------------------------------------------------------------------


def _made_up_word(rng: np.random.Generator) -> str:
    parts = rng.choice(_OTHER_SYLLABLES, size=int(rng.integers(2, 4)))
    return "".join(parts).capitalize()


def supplier_rows(seed: int, count: int = SUPPLIER_COUNT) -> list[dict[str, str]]:
    """`count` directory rows (name, category, aliases, company_number), deterministic."""
    rng = np.random.default_rng(seed)
    firsts = list(dict.fromkeys(generate._SURNAMES + generate._PLACES + generate._ADJECTIVES))
    trades = generate._TRADES
    rows: list[dict[str, str]] = []
    seen: set[str] = set()

    def add(name: str, category: str, aliases: list[str] | None = None) -> bool:
        key = name.lower()
        if key in seen or len(rows) >= count:
            return False
        seen.add(key)
        rows.append({"name": name, "category": category, "aliases": "|".join(aliases or [])})
        return True

    def noisy(category: str) -> str:
        return str(rng.choice(NOISE_CATEGORIES)) if rng.random() < 0.05 else category

    # 1. Most `first trade` stems the generator can make (~40,000 possible; 78% kept).
    simple = [(f, t) for f in firsts for t in trades]
    keep = rng.random(len(simple)) < 0.78
    order = rng.permutation(len(simple))
    for index in order:
        if not keep[index]:
            continue
        first, trade = simple[index]
        stem = f"{first} {trade}"
        roll = rng.random()
        if roll < 0.08:  # written with a typo: the publication's clean spellings match fuzzily
            written = generate._typo(stem, int(rng.integers(0, 3)), int(rng.integers(0, 40)))
            name = f"{written} {rng.choice(_LEGAL_WRITTEN)}"
        elif roll < 0.22:  # a non-company body (the generator adds one of these to ~20% of its names)
            name = f"{stem} {rng.choice(generate._NON_COMPANY)}"
        elif roll < 0.27:  # no legal suffix
            name = stem
        else:
            name = f"{stem} {rng.choice(_LEGAL_WRITTEN)}"
        aliases: list[str] = []
        if rng.random() < 0.12:
            aliases.append(f"{first} {trade.replace(' and ', ' & ')} Group")
        if rng.random() < 0.05:
            initials = "".join(w[0] for w in trade.split() if w[0].isupper())
            aliases.append(f"{first} {initials}")
        if rng.random() < 0.03:
            aliases.append(f"{_made_up_word(rng)} T/A {stem}")
        add(name, noisy(_trade_category(trade)), aliases)

    # 2. Compound names from the same word lists: near-misses sharing tokens with real ones.
    compound_target = len(rows) + 6_000
    while len(rows) < min(compound_target, count):
        first = firsts[int(rng.integers(0, len(firsts)))]
        surname = generate._SURNAMES[int(rng.integers(0, len(generate._SURNAMES)))]
        place = generate._PLACES[int(rng.integers(0, len(generate._PLACES)))]
        trade = trades[int(rng.integers(0, len(trades)))]
        shape = rng.random()
        if shape < 0.4:
            stem = f"{first} & {surname} {trade}"
        elif shape < 0.55:
            stem = f"{surname}, {first} {trade}"
        else:
            stem = f"{first} {place} {trade}"
        add(f"{stem} {rng.choice(_LEGAL_WRITTEN)}", noisy(_trade_category(trade)))

    # 3. The rest: other businesses a national directory holds (other words, some shared trades).
    while len(rows) < count:
        word = _made_up_word(rng)
        if rng.random() < 0.3:
            trade = trades[int(rng.integers(0, len(trades)))]
            category = _trade_category(trade)
        else:
            trade = _OTHER_TRADES[int(rng.integers(0, len(_OTHER_TRADES)))]
            category = str(rng.choice(list(KEYWORDS)))
        prefix = _OTHER_PREFIXES[int(rng.integers(0, len(_OTHER_PREFIXES)))]
        if rng.random() < 0.25:
            word = f"{word} {_made_up_word(rng)}"
        add(f"{prefix}{word} {trade} {rng.choice(_LEGAL_WRITTEN)}", noisy(category))

    # Company numbers: most entries, England & Wales (8 digits, some written without zeros)
    # or Scotland (SC + 6); unique.
    numbers = rng.permutation(np.arange(100_000, 100_000 + 20 * count))[:count]
    for row, number in zip(rows, numbers.tolist()):
        roll = rng.random()
        if roll < 0.55:
            row["company_number"] = f"{number:08d}"
        elif roll < 0.65:
            row["company_number"] = str(number)
        elif roll < 0.70:
            row["company_number"] = f"SC{number % 1_000_000:06d}"
        else:
            row["company_number"] = ""
    return rows


# --- rules ---------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, words: list[str], low: int, high: int) -> list[str]:
    size = min(len(words), int(rng.integers(low, high + 1)))
    return [str(w) for w in rng.choice(words, size=size, replace=False)]


def rule_list(seed: int, count: int = RULE_COUNT) -> list[dict]:
    """`count` rules: keyword, area, supplier-regex, amount, unless, any_of and exclusion rules."""
    rng = np.random.default_rng(seed + 1)
    categories = list(KEYWORDS)
    rules: list[dict] = []

    def add(rule_id: str, rule: dict) -> None:
        rules.append({"id": rule_id, **rule})

    # Exclusions (8): internal recharges, suspense, VAT, the council paying itself, reversals.
    for i, exclusion in enumerate(EXCLUSIONS):
        add(
            f"exclude-{i + 1:02d}", {"exclude": True, "priority": int(rng.choice([90, 95, 100])), **exclusion}
        )

    # Supplier regexes (30): a little above the directory, so a rule names the trade.
    for i, (pattern, category) in enumerate(SUPPLIER_REGEXES):
        add(
            f"supplier-{i + 1:02d}",
            {
                "category": category,
                "priority": int(rng.choice([42, 45, 48])),
                "when": {"supplier": {"regex": pattern}},
            },
        )

    # Service areas (30): weak evidence, below the directory.
    for i, (words, category) in enumerate(AREA_RULES):
        add(
            f"area-{i + 1:02d}",
            {
                "category": category,
                "priority": int(rng.choice([10, 15, 20, 25])),
                "when": {"expense_area": {"any": words}},
            },
        )

    # Amounts (16): big capital items, small purchases, credit notes.
    amount_specs = [
        ("construction.new_build", ["capital", "capital works", "construction"], {"min": 250000}),
        ("construction.refurbishment", ["capital", "refurbishment"], {"min": 50000, "max": 250000}),
        ("housing.stock_investment", ["capital", "decent homes"], {"min": 100000}),
        ("ict.hardware", ["it hardware", "equipment"], {"min": 20000}),
        ("supplies.office", ["stationery", "printing", "postage"], {"max": 500}),
        ("supplies.specialist", ["equipment", "materials"], {"max": 1000}),
        ("finance.refunds", ["refund", "overpayment", "rates"], {"max": 0}),
        ("premises.repairs", ["reactive", "repairs"], {"max": 5000}),
        ("construction.refurbishment", ["planned", "repairs and maintenance"], {"min": 25000}),
        ("social_care.residential", ["residential care", "placements"], {"min": 3000}),
        ("social_care.direct_payments", ["direct payments"], {"max": 2000}),
        ("professional.consultancy", ["professional fees", "consultancy"], {"min": 10000}),
        ("transport.fleet", ["vehicle hire"], {"min": 15000}),
        ("workforce.agency", ["agency staff"], {"min": 1000}),
        ("grants.voluntary_sector", ["grants"], {"min": 5000}),
        ("finance.compensation", ["compensation", "settlement", "claims"], {"min": 1000}),
    ]
    for i, (category, words, bounds) in enumerate(amount_specs):
        add(
            f"amount-{i + 1:02d}",
            {
                "category": category,
                "priority": int(rng.choice([60, 65, 70])),
                "when": {"purpose": {"any": words}, "amount": bounds},
            },
        )

    # Unless (10): a keyword, except in a service area that means something else.
    unless_specs = [
        ("premises.repairs", ["repairs and maintenance", "repairs"], {"expense_area": {"any": ["housing"]}}),
        (
            "housing.stock_repairs",
            ["repairs", "voids"],
            {"expense_area": {"any": ["property services", "schools"]}},
        ),
        ("transport.passenger", ["transport costs"], {"expense_area": {"any": ["education", "schools"]}}),
        (
            "transport.home_to_school",
            ["transport costs", "school transport"],
            {"expense_area": {"any": ["adult social care", "highways"]}},
        ),
        (
            "supplies.catering",
            ["catering", "provisions"],
            {"expense_area": {"any": ["schools", "education"]}},
        ),
        ("premises.cleaning", ["cleaning"], {"expense_area": {"any": ["waste and recycling", "highways"]}}),
        (
            "environment.street_cleansing",
            ["cleaning", "litter"],
            {"expense_area": {"any": ["property services", "facilities management"]}},
        ),
        ("supplies.specialist", ["equipment"], {"expense_area": {"any": ["adult social care", "ict"]}}),
        (
            "social_care.equipment",
            ["equipment"],
            {"expense_area": {"any": ["ict", "highways", "parks and open spaces"]}},
        ),
        (
            "ict.hardware",
            ["equipment"],
            {"expense_area": {"any": ["adult social care", "children's services", "parks and open spaces"]}},
        ),
    ]
    for i, (category, words, unless) in enumerate(unless_specs):
        add(
            f"unless-{i + 1:02d}",
            {
                "category": category,
                "priority": int(rng.choice([30, 35, 50])),
                "when": {"purpose": {"any": words}},
                "unless": unless,
            },
        )

    # any_of / all / in / equals (12).
    combos = [
        {
            "category": "social_care.residential",
            "any_of": [
                {"purpose": {"any": ["residential care"]}},
                {
                    "supplier": {"regex": r"(?i)\bcare\s+homes?\b"},
                    "expense_area": {"any": ["adult social care"]},
                },
            ],
        },
        {
            "category": "social_care.fostering",
            "any_of": [
                {"purpose": {"any": ["foster care"]}},
                {"expense_area": {"any": ["children's services"]}, "supplier": {"regex": r"(?i)fostering"}},
            ],
        },
        {"category": "ict.software", "when": {"expense_type": {"all": ["it", "software"]}}},
        {"category": "ict.hardware", "when": {"expense_type": {"all": ["it", "hardware"]}}},
        {
            "category": "premises.utilities",
            "when": {
                "expense_type": {
                    "in": [
                        "electricity",
                        "gas",
                        "water",
                        "electricity - general",
                        "gas - general",
                        "water - general",
                    ]
                }
            },
        },
        {"category": "premises.rates", "when": {"expense_type": {"equals": "rates"}}},
        {
            "category": "premises.rent",
            "when": {"expense_type": {"in": ["rents", "rents - general", "rents - other"]}},
        },
        {
            "category": "social_care.home_care",
            "any_of": [{"purpose": {"any": ["home care"]}}, {"supplier": {"regex": r"(?i)home\s*care"}}],
        },
        {
            "category": "social_care.day_care",
            "when": {"purpose": {"all": ["day", "care"]}, "expense_area": {"any": ["adult social care"]}},
        },
        {
            "category": "social_care.supported_living",
            "any_of": [
                {"purpose": {"any": ["supported living"]}},
                {"supplier": {"regex": r"(?i)supported\s+living"}},
            ],
        },
        {
            "category": "professional.legal",
            "when": {
                "purpose": {"any": ["legal fees"]},
                "expense_area": {"any": ["legal and democratic", "children's services"]},
            },
        },
        {
            "category": "workforce.agency",
            "when": {"purpose": {"any": ["agency staff"]}, "expense_area": {"missing": False}},
        },
    ]
    for i, combo in enumerate(combos):
        add(f"combo-{i + 1:02d}", {"priority": int(rng.choice([35, 45, 60, 75])), **combo})

    # Keyword rules fill the rest: one or two per category, over purpose (most), expense_type
    # or expense_area; most below the directory (generic wording), some above it.
    remaining = count - len(rules)
    for i in range(remaining):
        category = categories[i % len(categories)]
        field = str(rng.choice(["purpose", "purpose", "purpose", "expense_type"]))
        words = _pick(rng, KEYWORDS[category], 2, 6)
        priority = int(rng.choice([20, 30, 30, 35, 35, 45, 55, 60]))
        add(
            f"kw-{category.replace('.', '-')}-{i // len(categories) + 1}",
            {"category": category, "priority": priority, "when": {field: {"any": words}}},
        )
    assert len(rules) == count, len(rules)
    return rules


def write_ruleset(
    out_dir: str | os.PathLike = HERE / "data",
    seed: int = DEFAULT_SEED,
    rules: int = RULE_COUNT,
    suppliers: int = SUPPLIER_COUNT,
) -> tuple[Path, Path, dict]:
    """Write the rule file and the supplier CSV; return their paths and a summary."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rule_path = out_dir / f"ruleset-{seed}-{rules}.yaml"
    csv_path = out_dir / f"suppliers-{seed}-{suppliers}.csv"

    document = {
        "spendcat": 1,
        "matching": {"accept": 90, "review": 80, "margin": 5, "supplier_priority": 40},
        "rules": rule_list(seed, rules),
    }
    text = "# Synthetic benchmark rule file (benchmarks/make_ruleset.py); not for real use.\n"
    text += yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)
    tmp = rule_path.with_name(rule_path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, rule_path)

    rows = supplier_rows(seed, suppliers)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=["name", "category", "aliases", "company_number"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    tmp = csv_path.with_name(csv_path.name + ".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, csv_path)

    summary = {
        "rules": len(document["rules"]),
        "suppliers": len(rows),
        "aliases": sum(len(r["aliases"].split("|")) for r in rows if r["aliases"]),
        "categories": len({r["category"] for r in rows}),
    }
    return rule_path, csv_path, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=HERE / "data")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rules", type=int, default=RULE_COUNT)
    parser.add_argument("--suppliers", type=int, default=SUPPLIER_COUNT)
    args = parser.parse_args(argv)
    rule_path, csv_path, summary = write_ruleset(args.out_dir, args.seed, args.rules, args.suppliers)
    print(rule_path)
    print(csv_path)
    print(", ".join(f"{k} {v:,}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
