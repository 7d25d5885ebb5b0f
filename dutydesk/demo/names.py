"""Names for the demo county: people, agencies and authorities.

A mix that reads like a real south-east English caseload. Every pick goes
through the caller's ``random.Random`` so a seed gives the same county.
"""

from __future__ import annotations

import bisect
import itertools
import random

from dutydesk.demo.rand import choice, randint, randrange  # noqa: F401

# (first names female, first names male, surnames, language, religion, ethnicity) by background.
# Weights are rough shares of the demo's carers and children.
BACKGROUNDS: list[tuple[float, dict]] = [
    (0.70, {
        "female": ["Sarah", "Emma", "Claire", "Louise", "Joanne", "Nicola", "Karen", "Lisa", "Rachel",
                   "Amy", "Hannah", "Sophie", "Chloe", "Lucy", "Megan", "Jessica", "Charlotte", "Laura",
                   "Michelle", "Angela", "Julie", "Helen", "Grace", "Victoria", "Rebecca", "Maureen", "Janet",
                   "Susan", "Tracey", "Donna", "Kelly", "Gemma", "Kirsty", "Leanne", "Jade", "Niamh"],
        # Names for children born since about 2008 (the adult lists above are for carers and workers).
        "girls": ["Amelia", "Isla", "Poppy", "Ruby", "Evie", "Grace", "Lily", "Freya", "Olivia", "Mia",
                  "Ava", "Sophie", "Chloe", "Ella", "Millie", "Jessica", "Megan", "Holly", "Scarlett", "Layla",
                  "Daisy", "Phoebe", "Erin", "Maisie", "Lacey", "Skye"],
        "boys": ["Oliver", "George", "Harry", "Jack", "Alfie", "Charlie", "Freddie", "Archie", "Leo", "Tommy",
                 "Reggie", "Noah", "Oscar", "Theo", "Jacob", "Riley", "Mason", "Kai", "Logan", "Tyler",
                 "Callum", "Kieran", "Connor", "Liam", "Ryan", "Jayden"],
        "male": ["David", "Paul", "Mark", "Andrew", "Richard", "Stephen", "Gary", "Darren", "Lee",
                 "Craig", "Jamie", "Liam", "Ryan", "Callum", "Kieran", "Connor", "Harry", "Oliver",
                 "George", "Jack", "Matthew", "Charlie", "Simon", "Neil", "Adam", "Daniel", "Martin",
                 "Keith", "Brian", "Colin", "Dean", "Wayne", "Shaun", "Owen", "Rhys"],
        "surnames": ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts",
                     "Walker", "Wright", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
                     "Wood", "Harris", "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill", "Scott",
                     "Cooper", "Morris", "Ward", "Moore", "King", "Watson", "Baker", "Harrison", "Morgan",
                     "Patterson", "Young", "Allen", "Mitchell", "James", "Anderson", "Phillips", "Lee",
                     "Bell", "Parker", "Davis", "Marsh", "Fletcher", "Gibbs", "Kemp", "Pearce", "Dunn",
                     "Doyle", "O'Brien", "Murphy", "Kelly", "Fitzgerald", "Sullivan", "MacLeod", "Reid"],
        "languages": ["english"],
        "religions": ["Christian", "Christian", "No religion", "No religion", "No religion", "Catholic", ""],
        "ethnicities": ["White British", "White British", "White British", "White Irish", "White Other"],
    }),
    (0.06, {
        "female": ["Samina", "Nadia", "Ayesha", "Fatima", "Zainab", "Sana", "Rukhsana", "Amira"],
        "male": ["Imran", "Tariq", "Asif", "Bilal", "Yusuf", "Hamza", "Zain", "Omar"],
        "surnames": ["Akhtar", "Khan", "Hussain", "Iqbal", "Malik", "Rashid", "Qureshi", "Butt"],
        "languages": ["english,urdu", "english,urdu,punjabi", "english"],
        "religions": ["Muslim"],
        "ethnicities": ["Asian British - Pakistani"],
    }),
    (0.04, {
        "female": ["Priya", "Anjali", "Harpreet", "Simran", "Kiran", "Meera", "Navdeep"],
        "male": ["Rajesh", "Sanjay", "Gurpreet", "Amrit", "Vikram", "Arjun", "Jaspal"],
        "surnames": ["Sharma", "Patel", "Kaur", "Singh", "Gill", "Sandhu", "Chahal", "Shah"],
        "languages": ["english,punjabi", "english,gujarati", "english,hindi", "english"],
        "religions": ["Sikh", "Hindu"],
        "ethnicities": ["Asian British - Indian"],
    }),
    (0.06, {
        "female": ["Grace", "Blessing", "Abena", "Chioma", "Adaeze", "Precious", "Ama", "Folake"],
        "male": ["Kwame", "Emmanuel", "Chinedu", "Kofi", "Tunde", "Samuel", "Daniel", "Femi"],
        "surnames": ["Okafor", "Asante", "Mensah", "Adeyemi", "Okonkwo", "Boateng", "Owusu", "Adebayo"],
        "languages": ["english", "english,yoruba", "english,twi", "english,igbo"],
        "religions": ["Christian", "Christian", "Muslim"],
        "ethnicities": ["Black British - African"],
    }),
    (0.04, {
        "female": ["Marcia", "Sharon", "Jasmine", "Tanya", "Keisha", "Maya"],
        "male": ["Marcus", "Jerome", "Tyrone", "Andre", "Malik", "Jordan"],
        "surnames": ["Campbell", "Williams", "Brown", "Francis", "Henry", "Grant", "Clarke"],
        "languages": ["english"],
        "religions": ["Christian", "No religion"],
        "ethnicities": ["Black British - Caribbean", "Mixed - White and Black Caribbean"],
    }),
    (0.05, {
        "female": ["Agnieszka", "Katarzyna", "Magdalena", "Ioana", "Elena", "Andreea", "Monika"],
        "male": ["Marek", "Tomasz", "Piotr", "Andrei", "Bogdan", "Mihai", "Krzysztof"],
        "surnames": ["Nowak", "Kowalski", "Wisniewski", "Popescu", "Ionescu", "Dumitru", "Zielinski"],
        "languages": ["english,polish", "english,polish", "english,romanian"],
        "religions": ["Catholic", "Orthodox Christian", "Christian"],
        "ethnicities": ["White Other - Polish", "White Other - Romanian"],
    }),
    (0.03, {
        "female": ["Farida", "Mariam", "Layla", "Nasrin", "Soraya", "Hana"],
        "male": ["Ahmad", "Mohammad", "Rahim", "Karim", "Hassan", "Ali", "Jamal"],
        "surnames": ["Ahmadi", "Rahimi", "Hashimi", "Karimi", "Haidari", "Al-Amin", "Hassan", "Saleh"],
        "languages": ["english,pashto", "english,dari", "english,arabic", "english,dari,pashto", "english,kurdish"],
        "religions": ["Muslim"],
        "ethnicities": ["Asian Other - Afghan", "Arab", "Other - Kurdish"],
    }),
    (0.02, {
        "female": ["Ruth", "Helen", "Yasmin", "Semhar", "Hodan"],
        "male": ["Dawit", "Yonas", "Abdi", "Mustafa", "Hamid"],
        "surnames": ["Tesfaye", "Haile", "Abdullahi", "Warsame", "Gebremedhin"],
        "languages": ["english,tigrinya", "english,somali", "english,amharic"],
        "religions": ["Christian", "Muslim"],
        "ethnicities": ["Black British - African"],
    }),
]

_BGS = [b for _, b in BACKGROUNDS]
_BG_CUM = list(itertools.accumulate(w for w, _ in BACKGROUNDS))

MIXED_ETHNICITIES = ["Mixed - White and Black Caribbean", "Mixed - White and Asian", "Mixed - Other"]

AGENCIES = [
    "Harbour Fostering", "Oakleaf Family Placements", "Channel Foster Care", "Weald Fostering Partnership",
    "Bluebell Fostering", "Compass Point Fostering", "Garden of England Foster Care", "Northdown Family Care",
]

OTHER_AUTHORITIES = [
    "London Borough of Croydon", "London Borough of Bexley", "Medway Council", "East Sussex County Council",
    "London Borough of Lewisham", "Surrey County Council", "Essex County Council", "London Borough of Bromley",
]

HOME_AUTHORITY = "Kent County Council"


def background(rng: random.Random) -> dict:
    return _BGS[min(len(_BGS) - 1, bisect.bisect_right(_BG_CUM, rng.random() * _BG_CUM[-1]))]


def first_name(rng: random.Random, bg: dict, gender: str) -> str:
    return choice(rng, bg["female"] if gender == "female" else bg["male"])


def person(rng: random.Random, gender: str | None = None) -> str:
    """A full name, e.g. for a social worker."""
    bg = background(rng)
    g = gender or choice(rng, ("female", "female", "male"))
    return f"{first_name(rng, bg, g)} {choice(rng, bg['surnames'])}"


def household(rng: random.Random) -> tuple[str, dict]:
    """A household's name in the desk's form ("Akhtar, Samina and Imran") and its background."""
    bg = background(rng)
    surname = choice(rng, bg["surnames"])
    roll = rng.random()
    if roll < 0.55:
        name = f"{surname}, {first_name(rng, bg, 'female')} and {first_name(rng, bg, 'male')}"
    elif roll < 0.60:
        a = first_name(rng, bg, "female")
        b = first_name(rng, bg, "female")
        name = f"{surname}, {a} and {b}" if a != b else f"{surname}, {a}"
    elif roll < 0.63:
        a = first_name(rng, bg, "male")
        b = first_name(rng, bg, "male")
        name = f"{surname}, {a} and {b}" if a != b else f"{surname}, {a}"
    elif roll < 0.93:
        name = f"{surname}, {first_name(rng, bg, 'female')}"
    else:
        name = f"{surname}, {first_name(rng, bg, 'male')}"
    return name, bg


def phone(rng: random.Random) -> str:
    """A number from Ofcom's range reserved for drama, so no real person is rung."""
    return f"07700 900{randrange(rng, 1000):03d}"
