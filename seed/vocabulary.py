"""Fixed vocabularies of the synthetic dataset: agencies, towns, marks, vehicles, phrases."""

from __future__ import annotations

from dataclasses import dataclass

from faker.providers.person.en_GB import Provider as _BritishNames


@dataclass(frozen=True)
class Town:
    """A real town with its centre and the postcode areas used for its synthetic addresses."""

    name: str
    latitude: float
    longitude: float
    areas: tuple[str, ...]


@dataclass(frozen=True)
class AgencySpec:
    """An agency as seeded; police forces also carry the towns their offenders live in."""

    code: str
    name: str
    kind: str
    region: str
    towns: tuple[Town, ...] = ()

    @property
    def id(self) -> str:
        return f"agy_{self.code.lower()}"


def _t(name: str, lat: float, lon: float, *areas: str) -> Town:
    return Town(name, lat, lon, areas)


LONDON = "London"
NORTH_EAST = "North East"
NORTH_WEST = "North West"
YORKSHIRE = "Yorkshire and the Humber"
MANCHESTER = "Greater Manchester"
WALES = "Wales"
WEST_MIDLANDS = "West Midlands"
EAST_MIDLANDS = "East Midlands"
EAST = "East of England"
KSS = "Kent, Surrey and Sussex"
SOUTH_WEST = "South West"
SOUTH_CENTRAL = "South Central"
NATIONAL = "National"

# The 43 territorial forces of England and Wales, roughly largest first (the order drives the
# Zipf-like spread of offenders). Regions are the probation regions the force sits in.
POLICE_FORCES: tuple[AgencySpec, ...] = tuple(
    AgencySpec(code, name, "POLICE", region, towns)
    for code, name, region, towns in (
        (
            "MET",
            "Metropolitan Police Service",
            LONDON,
            (
                _t("London", 51.5074, -0.1278, "E", "N", "SE", "SW", "W", "NW"),
                _t("Croydon", 51.3762, -0.0982, "CR"),
                _t("Romford", 51.5750, 0.1833, "RM"),
                _t("Harrow", 51.5806, -0.3420, "HA"),
            ),
        ),
        (
            "GMP",
            "Greater Manchester Police",
            MANCHESTER,
            (
                _t("Manchester", 53.4808, -2.2426, "M"),
                _t("Bolton", 53.5769, -2.4282, "BL"),
                _t("Oldham", 53.5409, -2.1114, "OL"),
                _t("Wigan", 53.5450, -2.6325, "WN"),
            ),
        ),
        (
            "WMP",
            "West Midlands Police",
            WEST_MIDLANDS,
            (
                _t("Birmingham", 52.4862, -1.8904, "B"),
                _t("Coventry", 52.4068, -1.5197, "CV"),
                _t("Wolverhampton", 52.5862, -2.1288, "WV"),
                _t("Walsall", 52.5862, -1.9829, "WS"),
            ),
        ),
        (
            "WYP",
            "West Yorkshire Police",
            YORKSHIRE,
            (
                _t("Leeds", 53.8008, -1.5491, "LS"),
                _t("Bradford", 53.7960, -1.7594, "BD"),
                _t("Huddersfield", 53.6458, -1.7850, "HD"),
                _t("Wakefield", 53.6833, -1.4977, "WF"),
            ),
        ),
        (
            "MERSEY",
            "Merseyside Police",
            NORTH_WEST,
            (_t("Liverpool", 53.4084, -2.9916, "L"), _t("Birkenhead", 53.3934, -3.0148, "CH")),
        ),
        (
            "NORTHUMBRIA",
            "Northumbria Police",
            NORTH_EAST,
            (
                _t("Newcastle upon Tyne", 54.9783, -1.6178, "NE"),
                _t("Sunderland", 54.9069, -1.3838, "SR"),
            ),
        ),
        (
            "TVP",
            "Thames Valley Police",
            SOUTH_CENTRAL,
            (
                _t("Reading", 51.4543, -0.9781, "RG"),
                _t("Oxford", 51.7520, -1.2577, "OX"),
                _t("Milton Keynes", 52.0406, -0.7594, "MK"),
            ),
        ),
        (
            "KENT",
            "Kent Police",
            KSS,
            (
                _t("Maidstone", 51.2704, 0.5227, "ME"),
                _t("Canterbury", 51.2802, 1.0789, "CT"),
                _t("Tunbridge Wells", 51.1324, 0.2637, "TN"),
            ),
        ),
        (
            "HIOWC",
            "Hampshire and Isle of Wight Constabulary",
            SOUTH_CENTRAL,
            (_t("Southampton", 50.9097, -1.4044, "SO"), _t("Portsmouth", 50.8198, -1.0880, "PO")),
        ),
        (
            "SYP",
            "South Yorkshire Police",
            YORKSHIRE,
            (_t("Sheffield", 53.3811, -1.4701, "S"), _t("Doncaster", 53.5228, -1.1285, "DN")),
        ),
        (
            "ESSEX",
            "Essex Police",
            EAST,
            (
                _t("Chelmsford", 51.7356, 0.4685, "CM"),
                _t("Colchester", 51.8959, 0.8919, "CO"),
                _t("Southend-on-Sea", 51.5459, 0.7077, "SS"),
            ),
        ),
        (
            "LANCS",
            "Lancashire Constabulary",
            NORTH_WEST,
            (
                _t("Preston", 53.7632, -2.7031, "PR"),
                _t("Blackburn", 53.7488, -2.4877, "BB"),
                _t("Blackpool", 53.8175, -3.0357, "FY"),
            ),
        ),
        (
            "SUSSEX",
            "Sussex Police",
            KSS,
            (_t("Brighton", 50.8225, -0.1372, "BN"), _t("Crawley", 51.1092, -0.1872, "RH")),
        ),
        (
            "ASP",
            "Avon and Somerset Police",
            SOUTH_WEST,
            (
                _t("Bristol", 51.4545, -2.5879, "BS"),
                _t("Bath", 51.3811, -2.3590, "BA"),
                _t("Taunton", 51.0150, -3.1000, "TA"),
            ),
        ),
        (
            "DCP",
            "Devon and Cornwall Police",
            SOUTH_WEST,
            (
                _t("Plymouth", 50.3755, -4.1427, "PL"),
                _t("Exeter", 50.7184, -3.5339, "EX"),
                _t("Truro", 50.2632, -5.0510, "TR"),
            ),
        ),
        (
            "SWP",
            "South Wales Police",
            WALES,
            (_t("Cardiff", 51.4816, -3.1791, "CF"), _t("Swansea", 51.6214, -3.9436, "SA")),
        ),
        (
            "NOTTS",
            "Nottinghamshire Police",
            EAST_MIDLANDS,
            (_t("Nottingham", 52.9548, -1.1581, "NG"),),
        ),
        (
            "HUMBS",
            "Humberside Police",
            YORKSHIRE,
            (_t("Hull", 53.7676, -0.3274, "HU"), _t("Grimsby", 53.5675, -0.0802, "DN")),
        ),
        ("SURREY", "Surrey Police", KSS, (_t("Guildford", 51.2362, -0.5704, "GU"),)),
        (
            "LEICS",
            "Leicestershire Police",
            EAST_MIDLANDS,
            (_t("Leicester", 52.6369, -1.1398, "LE"),),
        ),
        (
            "STAFFS",
            "Staffordshire Police",
            WEST_MIDLANDS,
            (_t("Stoke-on-Trent", 53.0027, -2.1794, "ST"),),
        ),
        (
            "DERBYS",
            "Derbyshire Constabulary",
            EAST_MIDLANDS,
            (_t("Derby", 52.9225, -1.4746, "DE"), _t("Chesterfield", 53.2350, -1.4210, "S")),
        ),
        (
            "HERTS",
            "Hertfordshire Constabulary",
            EAST,
            (_t("Stevenage", 51.9038, -0.1966, "SG"), _t("Watford", 51.6565, -0.3903, "WD")),
        ),
        (
            "CLEVELAND",
            "Cleveland Police",
            NORTH_EAST,
            (_t("Middlesbrough", 54.5742, -1.2350, "TS"),),
        ),
        (
            "CHESHIRE",
            "Cheshire Constabulary",
            NORTH_WEST,
            (_t("Chester", 53.1934, -2.8931, "CH"), _t("Warrington", 53.3900, -2.5970, "WA")),
        ),
        ("NORFOLK", "Norfolk Constabulary", EAST, (_t("Norwich", 52.6309, 1.2974, "NR"),)),
        ("NYP", "North Yorkshire Police", YORKSHIRE, (_t("York", 53.9600, -1.0873, "YO"),)),
        (
            "WMERCIA",
            "West Mercia Police",
            WEST_MIDLANDS,
            (
                _t("Worcester", 52.1920, -2.2200, "WR"),
                _t("Shrewsbury", 52.7073, -2.7553, "SY"),
                _t("Telford", 52.6766, -2.4493, "TF"),
            ),
        ),
        (
            "CAMBS",
            "Cambridgeshire Constabulary",
            EAST,
            (_t("Cambridge", 52.2053, 0.1218, "CB"), _t("Peterborough", 52.5695, -0.2405, "PE")),
        ),
        (
            "DPP",
            "Dyfed-Powys Police",
            WALES,
            (_t("Carmarthen", 51.8576, -4.3121, "SA"), _t("Aberystwyth", 52.4153, -4.0829, "SY")),
        ),
        ("NWP", "North Wales Police", WALES, (_t("Wrexham", 53.0430, -2.9925, "LL"),)),
        ("GWENT", "Gwent Police", WALES, (_t("Newport", 51.5842, -2.9977, "NP"),)),
        (
            "NORTHANTS",
            "Northamptonshire Police",
            EAST_MIDLANDS,
            (_t("Northampton", 52.2405, -0.9027, "NN"),),
        ),
        ("LINCS", "Lincolnshire Police", EAST_MIDLANDS, (_t("Lincoln", 53.2307, -0.5406, "LN"),)),
        ("SUFFOLK", "Suffolk Constabulary", EAST, (_t("Ipswich", 52.0567, 1.1482, "IP"),)),
        ("BEDS", "Bedfordshire Police", EAST, (_t("Luton", 51.8787, -0.4200, "LU"),)),
        ("CUMBRIA", "Cumbria Constabulary", NORTH_WEST, (_t("Carlisle", 54.8925, -2.9329, "CA"),)),
        (
            "DORSET",
            "Dorset Police",
            SOUTH_WEST,
            (_t("Bournemouth", 50.7192, -1.8808, "BH"), _t("Dorchester", 50.7154, -2.4367, "DT")),
        ),
        (
            "GLOS",
            "Gloucestershire Constabulary",
            SOUTH_WEST,
            (_t("Gloucester", 51.8642, -2.2382, "GL"),),
        ),
        (
            "WILTS",
            "Wiltshire Police",
            SOUTH_WEST,
            (_t("Swindon", 51.5558, -1.7797, "SN"), _t("Salisbury", 51.0688, -1.7945, "SP")),
        ),
        (
            "DURHAM",
            "Durham Constabulary",
            NORTH_EAST,
            (_t("Durham", 54.7761, -1.5733, "DH"), _t("Darlington", 54.5236, -1.5595, "DL")),
        ),
        ("WARKS", "Warwickshire Police", WEST_MIDLANDS, (_t("Nuneaton", 52.5230, -1.4652, "CV"),)),
        ("CITY", "City of London Police", LONDON, (_t("City of London", 51.5155, -0.0922, "EC"),)),
    )
)

# The 12 regions of the Probation Service, largest caseload first.
PROBATION_REGIONS: tuple[AgencySpec, ...] = tuple(
    AgencySpec(code, f"Probation Service {region}", "PROBATION", region)
    for code, region in (
        ("PS_LDN", LONDON),
        ("PS_NW", NORTH_WEST),
        ("PS_YH", YORKSHIRE),
        ("PS_WM", WEST_MIDLANDS),
        ("PS_GM", MANCHESTER),
        ("PS_SC", SOUTH_CENTRAL),
        ("PS_KSS", KSS),
        ("PS_EOE", EAST),
        ("PS_SW", SOUTH_WEST),
        ("PS_EM", EAST_MIDLANDS),
        ("PS_NE", NORTH_EAST),
        ("PS_WAL", WALES),
    )
)

PRISON_SERVICE = AgencySpec(
    "HMPPS", "HM Prison and Probation Service (Prisons)", "PRISON", NATIONAL
)
NATIONAL_CRIME_AGENCY = AgencySpec("NCA", "National Crime Agency", "NCA", NATIONAL)

# Agencies with a duty to co-operate under MAPPA: they receive shares, never manage offenders.
DUTY_TO_COOPERATE: tuple[AgencySpec, ...] = tuple(
    AgencySpec(code, name, "DUTY_TO_COOPERATE", region)
    for code, name, region in (
        ("HOUSING_MCR", "Manchester City Council Housing Services", MANCHESTER),
        ("HOUSING_BHM", "Birmingham City Council Housing", WEST_MIDLANDS),
        ("HOUSING_LDS", "Leeds City Council Housing", YORKSHIRE),
        ("NHS_HJ", "NHS England Health and Justice", NATIONAL),
        ("CS_LAMBETH", "Lambeth Children's Services", LONDON),
        ("YJB", "Youth Justice Board for England and Wales", NATIONAL),
        ("DWP", "Department for Work and Pensions", NATIONAL),
        ("HOIE", "Home Office Immigration Enforcement", NATIONAL),
        ("EMS", "Electronic Monitoring Service", NATIONAL),
    )
)

AGENCIES: tuple[AgencySpec, ...] = (
    *POLICE_FORCES,
    *PROBATION_REGIONS,
    PRISON_SERVICE,
    NATIONAL_CRIME_AGENCY,
    *DUTY_TO_COOPERATE,
)


def public_protection_contact(spec: AgencySpec) -> str:
    """The public-protection desk of an agency (synthetic numbers in Ofcom's drama range)."""
    number = sum(map(ord, spec.code)) % 1000
    return (
        f"{spec.name} public protection desk, 0113 496 0{number:03d}, "
        f"ppu@{spec.code.lower().replace('_', '-')}.example.org.uk"
    )


# Names come from Faker's en_GB vocabularies, drawn with the plan's seeded generator.
MALE_FORENAMES: tuple[str, ...] = tuple(_BritishNames.first_names_male)
FEMALE_FORENAMES: tuple[str, ...] = tuple(_BritishNames.first_names_female)
SURNAMES: tuple[str, ...] = tuple(_BritishNames.last_names)
NICKNAMES: tuple[str, ...] = (
    "Tiny", "Smudge", "Ginger", "Chalky", "Taff", "Jock", "Scouse", "Spider", "Dutch",
    "Bear", "Lefty", "Sparky", "Razor", "Bones", "Ace", "Mouse", "Red", "Scar",
)  # fmt: skip
STREET_SUFFIXES: tuple[str, ...] = (
    "Road", "Street", "Close", "Avenue", "Lane", "Drive", "Way", "Crescent", "Gardens",
    "Terrace", "Grove", "Place", "Court", "Walk", "Rise", "Mews",
)  # fmt: skip
PREMISES_NAMES: tuple[str, ...] = (
    "Elm House", "Bridge House", "Kelford House", "Ashdown Lodge", "Oak Lodge", "Riverside",
    "Beacon House", "Holmwood", "Meadow Court", "St Anne's", "Carlton House", "The Grange",
)  # fmt: skip

# Marks: NCIC-like body parts, with the sides each can take.
PAIRED_PARTS: tuple[str, ...] = (
    "forearm", "upper arm", "hand", "wrist", "finger", "shoulder", "thigh", "calf", "ankle",
    "foot", "ear", "cheek", "eyebrow", "knee", "elbow",
)  # fmt: skip
CENTRAL_PARTS: tuple[str, ...] = (
    "neck", "face", "chest", "back", "abdomen", "head", "forehead", "nose", "lip", "knuckles",
)  # fmt: skip
ORIENTATIONS: tuple[str, ...] = ("vertical", "horizontal", "diagonal")
TATTOO_SUBJECTS: tuple[str, ...] = (
    "a snake coiled around a dagger", "a red rose", "a skull and crossbones",
    "an eagle with spread wings", "an anchor", "a spider web", "a swallow", "a tiger's head",
    "a dragon", "a Celtic cross", "a five-pointed star", "a clock face with no hands",
    "the letters LOVE", "the letters HATE", "a barcode", "a teardrop", "a lion's head",
    "a howling wolf", "a koi carp", "a tribal band", "a grim reaper", "praying hands",
    "a compass rose", "a football club crest", "a date in Roman numerals", "a panther",
    "a scorpion", "the word MUM in a scroll", "the ace of spades", "a pair of dice",
    "a crown", "a bulldog", "a mermaid", "a sacred heart", "a pistol", "a lightning bolt",
)  # fmt: skip
TATTOO_STYLES: tuple[str, ...] = (
    "", " in black ink", " in colour", ", faded blue-black", ", homemade", ", partly covered",
)  # fmt: skip
SCAR_CAUSES: tuple[str, ...] = (
    "", " from a knife wound", " from surgery", " from a burn", " from a dog bite",
    " (keloid)", " from glass",
)  # fmt: skip
PIERCING_PARTS: tuple[str, ...] = ("ear", "eyebrow", "nose", "lip")
PIERCING_STYLES: tuple[str, ...] = ("stud", "ring", "bar", "stretched tunnel")
OTHER_MARKS: tuple[tuple[str, str], ...] = (
    ("mole, raised", "cheek"), ("mole", "neck"), ("needle track marks", "forearm"),
    ("cluster of freckles", "face"), ("gunshot scar, healed", "thigh"),
    ("nicotine staining", "finger"),
)  # fmt: skip
BIRTHMARKS: tuple[str, ...] = ("port-wine birthmark", "cafe au lait birthmark", "strawberry mark")
DEFORMITIES: tuple[tuple[str, str], ...] = (
    ("missing tip of index finger", "finger"), ("broken nose, healed crooked", "nose"),
    ("cauliflower ear", "ear"), ("missing little finger", "hand"), ("club foot", "foot"),
    ("withered arm", "upper arm"), ("pronounced limp", "knee"),
)  # fmt: skip

VEHICLE_MODELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Ford", ("Fiesta", "Focus", "Transit", "Kuga", "Mondeo", "Puma")),
    ("Vauxhall", ("Corsa", "Astra", "Insignia", "Vivaro", "Mokka")),
    ("Volkswagen", ("Golf", "Polo", "Passat", "Transporter", "Tiguan")),
    ("BMW", ("1 Series", "3 Series", "5 Series", "X5")),
    ("Mercedes-Benz", ("A-Class", "C-Class", "E-Class", "Sprinter")),
    ("Audi", ("A3", "A4", "Q5", "A1")),
    ("Toyota", ("Yaris", "Corolla", "Prius", "Hilux", "Aygo")),
    ("Nissan", ("Qashqai", "Micra", "Juke", "Navara")),
    ("Peugeot", ("208", "308", "3008", "Partner")),
    ("Renault", ("Clio", "Megane", "Trafic", "Captur")),
    ("Kia", ("Sportage", "Ceed", "Picanto")),
    ("Hyundai", ("Tucson", "i10", "i30")),
    ("Honda", ("Civic", "Jazz", "CR-V")),
    ("Land Rover", ("Range Rover", "Discovery", "Defender")),
    ("Skoda", ("Octavia", "Fabia", "Superb")),
    ("MINI", ("Hatch", "Countryman")),
    ("Citroen", ("C3", "Berlingo", "Dispatch")),
    ("Fiat", ("500", "Panda", "Ducato")),
    ("Tesla", ("Model 3", "Model Y")),
    ("SEAT", ("Leon", "Ibiza")),
)
COLOURS: tuple[tuple[str, int], ...] = (
    ("Black", 20), ("Silver", 18), ("Grey", 18), ("White", 15), ("Blue", 12), ("Red", 8),
    ("Green", 3), ("Orange", 1), ("Yellow", 1), ("Brown", 1), ("Purple", 1), ("Gold", 1),
    ("Beige", 1),
)  # fmt: skip

SHARE_JUSTIFICATIONS: tuple[str, ...] = (
    "MAPPA level 2 meeting: shared risk management plan",
    "MAPPA level 3 meeting: critical public protection case",
    "Offender relocating into the receiving agency's area",
    "Safeguarding referral concerning children in the household",
    "Housing placement on release from custody",
    "Joint investigation under a data-sharing agreement",
    "Licence conditions monitored by electronic tag",
    "Benefit and employment checks under licence conditions",
)
INTELLIGENCE_TEMPLATES: tuple[str, ...] = (
    "Subject seen in {town} in the company of known associates late at night.",
    "Subject reported to be staying at an address in {town} not known to the managing agency.",
    "Subject believed to be using a vehicle registered to a third party.",
    "Information suggests the subject has been contacting a former victim via social media.",
    "Subject observed near a primary school in {town} at pick-up time.",
    "Subject reported to be working cash-in-hand at a car wash in {town}.",
    "Neighbour reports frequent short visits to the subject's address.",
    "Subject is believed to have obtained a second mobile phone not declared to the MAPPA panel.",
    "Subject said to be in debt to a local drug supplier in {town}.",
    "Subject reportedly planning to travel abroad without notifying the police.",
)
HANDLING_CONDITIONS: tuple[str, ...] = (
    "Not to be disclosed outside MAPPA without the originator's consent.",
    "Do not action without consulting the source handler.",
    "Disclosure only to the managing officer; not for court.",
    "Sanitised copy only may be shared with duty-to-cooperate agencies.",
)
