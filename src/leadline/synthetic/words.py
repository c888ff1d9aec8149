"""The raw material of synthetic leads: names, company words, titles, countries and products.

Everything here is plain data. Names are ASCII letters only, so an e-mail address can be
made from them without transliteration. Phone plans are E.164 prefixes (without ``+``)
plus a count of random digits; every number they produce passes
``phonenumbers.is_valid_number`` for its country (tests/unit/test_synthetic.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

FIRST_NAMES: tuple[str, ...] = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
    "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
    "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Margaret", "Mark", "Sandra", "Steven", "Ashley",
    "Andrew", "Emily", "Joshua", "Michelle", "Kenneth", "Amanda", "Kevin", "Melissa", "Brian", "Rebecca",
    "Oliver", "Amelia", "Harry", "Isla", "George", "Sophie", "Lukas", "Anna", "Felix", "Lena", "Jonas",
    "Hannah", "Louis", "Camille", "Hugo", "Chloe", "Lucas", "Manon", "Liam", "Olivia", "Noah", "Emma",
    "Sem", "Julia", "Daan", "Fleur", "Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Kavya", "Rafael",
    "Beatriz", "Gabriel", "Larissa", "Mateus", "Camila", "Haruto", "Yui", "Ren", "Sakura", "Kenji",
    "Aiko", "Pablo", "Lucia", "Javier", "Elena", "Erik", "Ingrid", "Lars", "Astrid", "Sean", "Niamh",
    "Conor", "Aoife", "Wei", "Mei", "Jun", "Hui",
)

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
    "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips",
    "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Morris", "Murphy", "Cook", "Rogers",
    "Mueller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch",
    "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Bernard", "Petit", "Roux",
    "Jansen", "Bakker", "Visser", "Smit", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "Dekker",
    "Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Joshi",
    "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Almeida", "Ferreira", "Lima", "Gomes",
    "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
    "Fernandez", "Lopez", "Sanchez", "Romero", "Navarro", "Johansson", "Andersson", "Karlsson", "Nilsson",
    "Larsson", "Byrne", "Ryan", "Walsh", "Doyle", "Kelly", "Tan", "Lim", "Ng", "Wong", "Chen",
)

#: Short forms a person may type instead of their full first name (used to vary duplicates).
NICKNAMES: dict[str, str] = {
    "William": "Bill", "Robert": "Bob", "Richard": "Rick", "Joseph": "Joe", "Thomas": "Tom",
    "Michael": "Mike", "Daniel": "Dan", "Matthew": "Matt", "Anthony": "Tony", "Steven": "Steve",
    "Andrew": "Andy", "Kenneth": "Ken", "Elizabeth": "Liz", "Jennifer": "Jen", "Patricia": "Pat",
    "Margaret": "Maggie", "Rebecca": "Becky", "Jessica": "Jess", "Amanda": "Mandy", "Joshua": "Josh",
}

ADJECTIVES: tuple[str, ...] = (
    "Blue", "Bright", "Silver", "Golden", "Green", "Red", "North", "South", "East", "West", "Swift", "Clear",
    "Bold", "Prime", "True", "Grand", "Little", "Open", "Quiet", "Rapid", "Solid", "Smart", "Summit",
    "Polar", "Crimson", "Amber", "Coral", "Iron", "Cedar", "Maple", "Oak", "Pine", "Stone", "Sun", "Star",
    "Nova", "Alpine", "Urban", "Global", "Pacific", "Atlantic", "Central", "Royal", "Modern", "Vivid",
    "Lucky", "Noble", "Wild", "Hidden", "First",
)

NOUNS: tuple[str, ...] = (
    "Harbor", "River", "Peak", "Valley", "Bridge", "Forge", "Field", "Lake", "Ridge", "Crest", "Point",
    "Gate", "Tower", "Path", "Wave", "Leaf", "Rock", "Spark", "Arrow", "Beacon", "Anchor", "Compass",
    "Falcon", "Fox", "Hawk", "Lion", "Owl", "Wolf", "Bear", "Orbit", "Pixel", "Vector", "Signal", "Circuit",
    "Cloud", "Garden", "Meadow", "Canyon", "Island", "Bay", "Grove", "Haven", "Mill", "Works", "Line",
    "Loop", "Hive", "Nest", "Quarry", "Shore",
)

TRADE_WORDS: tuple[str, ...] = (
    "Systems", "Software", "Analytics", "Logistics", "Labs", "Solutions", "Partners", "Consulting",
    "Industries", "Foods", "Energy", "Health", "Media", "Networks", "Robotics", "Capital", "Motors",
    "Textiles", "Pharma", "Designs", "Digital", "Security", "Freight", "Foundry", "Interactive",
    "Technologies", "Outfitters", "Builders", "Supply", "Dynamics",
)

INDUSTRIES: tuple[str, ...] = (
    "Software", "Manufacturing", "Retail", "Healthcare", "Financial Services", "Logistics", "Education",
    "Energy", "Media", "Consulting", "Construction", "Hospitality", "Telecommunications", "Food & Beverage",
    "Automotive", "Pharmaceuticals",
)

DECISION_MAKER_TITLES: tuple[str, ...] = (
    "CEO", "CTO", "CFO", "COO", "Founder", "Owner", "Managing Director", "VP Sales", "VP Marketing",
    "VP Engineering", "VP Operations", "Director of IT", "Director of Operations", "Director of Procurement",
    "Head of Sales", "Head of Procurement", "Head of IT", "Head of Marketing",
)

OTHER_TITLES: tuple[str, ...] = (
    "Sales Manager", "Marketing Manager", "Account Executive", "Procurement Specialist", "Operations Analyst",
    "Software Engineer", "Office Manager", "Business Analyst", "IT Administrator", "Marketing Coordinator",
    "Project Manager", "Buyer", "Product Manager", "Customer Success Manager", "Data Analyst",
)


@dataclass(frozen=True, slots=True)
class CountryPlan:
    """What a lead from one country looks like: weight, web domain ending, legal suffixes,
    cities, and the E.164 phone plan (``phone_prefixes`` followed by ``phone_digits`` random digits)."""

    code: str
    weight: int
    tld: str
    suffixes: tuple[str, ...]
    cities: tuple[str, ...]
    phone_prefixes: tuple[str, ...]
    phone_digits: int


def _nanp(*area_codes: str) -> tuple[str, ...]:
    """North American numbers: country code 1, an area code, an exchange starting 2-9."""
    return tuple(f"1{area}{first}" for area in area_codes for first in "23456789")


COUNTRIES: tuple[CountryPlan, ...] = (
    CountryPlan("US", 34, "com", ("Inc", "LLC", "Corp"), ("New York", "San Francisco", "Chicago", "Austin",
                "Boston", "Seattle", "Denver", "Atlanta"),
                _nanp("212", "312", "415", "512", "617", "206", "303", "404", "646", "713"), 6),
    CountryPlan("GB", 12, "co.uk", ("Ltd", "PLC", "LLP"), ("London", "Manchester", "Leeds", "Bristol", "Edinburgh"),
                ("447400", "447500", "447800", "447900"), 6),
    CountryPlan("DE", 10, "de", ("GmbH", "AG", "KG"), ("Berlin", "Munich", "Hamburg", "Frankfurt", "Cologne"),
                ("49151", "49160", "49170", "49171", "49176"), 8),
    CountryPlan("FR", 7, "fr", ("SAS", "SA", "SARL"), ("Paris", "Lyon", "Marseille", "Toulouse", "Lille"),
                ("3361", "3362", "3365", "3366", "3367", "3368", "3376", "3377", "3378"), 7),
    CountryPlan("CA", 6, "ca", ("Inc", "Ltd", "Corp"), ("Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa"),
                _nanp("416", "604", "514", "403", "613", "647"), 6),
    CountryPlan("AU", 5, "com.au", ("Pty Ltd", "Ltd"), ("Sydney", "Melbourne", "Brisbane", "Perth"),
                ("6140", "6141", "6142", "6143"), 7),
    CountryPlan("NL", 4, "nl", ("BV", "NV"), ("Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"),
                ("3161", "3162", "3163", "3164", "3165"), 7),
    CountryPlan("IN", 7, "in", ("Pvt Ltd", "Ltd"), ("Bengaluru", "Mumbai", "Delhi", "Pune", "Hyderabad"),
                ("9198", "9199", "9197", "9196", "9190", "9187", "9170"), 8),
    CountryPlan("BR", 5, "com.br", ("Ltda", "SA"), ("Sao Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba"),
                ("55119", "55219", "55319", "55419", "55619"), 8),
    CountryPlan("JP", 4, "co.jp", ("KK", "GK"), ("Tokyo", "Osaka", "Yokohama", "Nagoya", "Fukuoka"),
                ("81901", "81902", "81903", "81905", "81908", "81801", "81803", "81806"), 7),
    CountryPlan("ES", 2, "es", ("SL", "SA"), ("Madrid", "Barcelona", "Valencia", "Seville"),
                ("346",), 8),
    CountryPlan("SE", 1, "se", ("AB",), ("Stockholm", "Gothenburg", "Malmo"),
                ("4670",), 7),
    CountryPlan("IE", 2, "ie", ("Ltd", "DAC"), ("Dublin", "Cork", "Galway"),
                ("35385", "35387"), 7),
    CountryPlan("SG", 1, "com.sg", ("Pte Ltd",), ("Singapore",),
                ("6581", "6583", "6585", "6587", "6591", "6593", "6596"), 6),
)

#: What a lead can be interested in, with its list price in the organisation's currency.
PRODUCT_CATALOGUE: tuple[tuple[str, Decimal], ...] = (
    ("Starter licence (annual)", Decimal("300")),
    ("Professional licence (annual)", Decimal("900")),
    ("Enterprise licence (annual)", Decimal("2400")),
    ("Onboarding package", Decimal("5000")),
    ("Data migration service", Decimal("8000")),
    ("Premium support (annual)", Decimal("1500")),
    ("Analytics add-on", Decimal("600")),
    ("API access add-on", Decimal("1200")),
)
