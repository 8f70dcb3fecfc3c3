"""The words the UA-text reader knows: months, ordinals, languages, countries, and the words
that open an official's title or name an organisation. Data, kept apart from the rules in
`uadash.cases.uatext` so that those read as rules."""

from __future__ import annotations

import re
import unicodedata

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "january jan januar enero janvier",
            "february feb februar febrero fevrier février",
            "march mar märz maerz marz marzo mars",
            "april apr abril avril",
            "may mai mayo",
            "june jun juni junio juin",
            "july jul juli julio juillet",
            "august aug agosto aout août",
            "september sep sept septiembre septembre",
            "october oct oktober octubre octobre",
            "november nov noviembre novembre",
            "december dec dezember diciembre decembre décembre",
        ],
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"  # 18 October 2018
    rf"|\d{{1,2}}\s+de\s+{_MONTH}\s+(?:de|del)\s+\d{{4}}"  # 14 de agosto de 2023 (Spanish)
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 18, 2025
    r"|\d{4}-\d{2}-\d{2}"  # 2025-03-18
    r"|\d{1,2}\.\d{1,2}\.\d{4})"  # 18.03.2025 (German and Swiss pages)
)

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "eleventh": 11, "twelfth": 12,
    "erste": 1, "zweite": 2, "dritte": 3, "vierte": 4, "fünfte": 5, "sechste": 6,
}  # fmt: skip
_ORDINAL = r"(?:" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + r")"

LANGUAGES = {
    name.lower(): english
    for english, names in {
        "English": "English Englisch Anglais Inglés",
        "Chinese": "Chinese Mandarin Chinesisch Chinois Chino",
        "Spanish": "Spanish Spanisch Espagnol Español Castellano",
        "French": "French Französisch Francais Français Francés",
        "Arabic": "Arabic Arabisch Arabe Árabe",
        "Russian": "Russian Russisch Russe Ruso",
        "Portuguese": "Portuguese Portugiesisch Portugais Portugués",
        "German": "German Deutsch Allemand Alemán",
        "Italian": "Italian Italienisch Italien Italiano",
        "Turkish": "Turkish Türkisch Turc Turco",
        "Persian": "Persian Farsi Persisch Persan",
        "Vietnamese": "Vietnamese Vietnamesisch Vietnamien",
        "Thai": "Thai",
        "Japanese": "Japanese Japanisch",
        "Korean": "Korean Koreanisch",
        "Indonesian": "Indonesian Bahasa",
        "Burmese": "Burmese Birmanisch",
        "Khmer": "Khmer",
        "Urdu": "Urdu Ourdou",
        "Hindi": "Hindi",
        "Bengali": "Bengali Bangla",
        "Dutch": "Dutch Niederländisch",
        "Polish": "Polish Polnisch",
        "Ukrainian": "Ukrainian Ukrainisch",
        "Belarusian": "Belarusian Belarussisch Weißrussisch Biélorusse",
        "Hebrew": "Hebrew Hebräisch Hébreu",
        "Greek": "Greek Griechisch",
        "Swahili": "Swahili Kiswahili",
        "Amharic": "Amharic",
        "Azerbaijani": "Azerbaijani Azeri Aserbaidschanisch Azerbaïdjanais",
        "Kazakh": "Kazakh Kasachisch",
        "Uzbek": "Uzbek Usbekisch",
        "Tajik": "Tajik Tadschikisch",
        "Georgian": "Georgian Georgisch",
        "Armenian": "Armenian Armenisch",
        "Serbian": "Serbian",
        "Hungarian": "Hungarian Ungarisch",
        "Romanian": "Romanian",
        "Malay": "Malay",
        "Tamil": "Tamil Tamilisch",
        "Sinhala": "Sinhala Sinhalese Singhalesisch",
        "Nepali": "Nepali Nepalesisch",
        "Lao": "Lao",
        "Tagalog": "Tagalog Filipino",
    }.items()
    for name in names.split()
}

# Canonical name first, then other ways a UA writes it; demonyms count only in the fallback.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "Afghanistan": ("Afghan",), "Albania": (), "Algeria": ("Algerian",), "Angola": ("Angolan",),
    "Argentina": ("Argentine", "Argentinian"), "Armenia": ("Armenian",),
    "Australia": ("Australian",), "Austria": (), "Azerbaijan": ("Azerbaijani",),
    "Bahrain": ("Bahraini",), "Bangladesh": ("Bangladeshi",), "Belarus": ("Belarusian",),
    "Belgium": (), "Benin": (), "Bolivia": ("Bolivian",),
    "Bosnia and Herzegovina": ("Bosnia",), "Botswana": (), "Brazil": ("Brazilian", "Brasil"),
    "Brunei": (), "Bulgaria": (), "Burkina Faso": (), "Burundi": ("Burundian",),
    "Cambodia": ("Cambodian",), "Cameroon": ("Cameroonian",), "Canada": (),
    "Central African Republic": (), "Chad": ("Chadian",), "Chile": ("Chilean",),
    "China": ("People's Republic of China", "PRC", "Chinese"), "Colombia": ("Colombian",),
    "Democratic Republic of the Congo": ("DRC", "Congolese"), "Congo": (),
    "Costa Rica": (), "Côte d'Ivoire": ("Ivory Coast",), "Croatia": (), "Cuba": ("Cuban",),
    "Cyprus": (), "Czech Republic": ("Czechia",), "Denmark": (), "Djibouti": (),
    "Dominican Republic": (), "Ecuador": ("Ecuadorian",), "Egypt": ("Egyptian", "Ägypten"),
    "El Salvador": ("Salvadoran",), "Equatorial Guinea": (), "Eritrea": ("Eritrean",),
    "Eswatini": ("Swaziland",), "Ethiopia": ("Ethiopian",), "Fiji": (), "Finland": (),
    "France": (), "Gabon": (), "Gambia": ("Gambian",), "Georgia": (), "Germany": (),
    "Ghana": (), "Greece": ("Greek",), "Guatemala": ("Guatemalan",), "Guinea": ("Guinean",),
    "Haiti": ("Haitian",), "Honduras": ("Honduran",), "Hong Kong": (), "Hungary": (),
    "India": ("Indian",), "Indonesia": ("Indonesian",), "Iran": ("Iranian",),
    "Iraq": ("Iraqi",), "Ireland": (), "Israel and the Occupied Palestinian Territories": (
        "Israel", "Israeli", "Occupied Palestinian Territories", "Palestine", "Palestinian"),
    "Italy": (), "Jamaica": (), "Japan": ("Japanese",), "Jordan": ("Jordanian",),
    "Kazakhstan": ("Kazakh",), "Kenya": ("Kenyan",), "Kuwait": ("Kuwaiti",),
    "Kyrgyzstan": ("Kyrgyz",), "Laos": ("Lao PDR",), "Lebanon": ("Lebanese",),
    "Lesotho": (), "Liberia": (), "Libya": ("Libyan",), "Madagascar": (), "Malawi": (),
    "Malaysia": ("Malaysian",), "Maldives": (), "Mali": ("Malian",), "Mauritania": (),
    "Mexico": ("Mexican", "México", "Mexiko"), "Moldova": (), "Mongolia": (), "Montenegro": (),
    "Morocco": ("Moroccan", "Western Sahara"), "Mozambique": (), "Myanmar": ("Burma", "Burmese"),
    "Namibia": (), "Nepal": ("Nepali", "Nepalese"), "Netherlands": (),
    "New Zealand": (), "Nicaragua": ("Nicaraguan",), "Niger": (), "Nigeria": ("Nigerian",),
    "North Korea": ("Democratic People's Republic of Korea", "DPRK"),
    "North Macedonia": (), "Norway": (), "Oman": ("Omani",), "Pakistan": ("Pakistani",),
    "Panama": (), "Papua New Guinea": (), "Paraguay": (), "Peru": ("Peruvian",),
    "Philippines": ("Filipino",), "Poland": ("Polish",), "Portugal": (), "Qatar": ("Qatari",),
    "Romania": (), "Russian Federation": ("Russia", "Russian", "Russland"), "Rwanda": ("Rwandan",),
    "Saudi Arabia": ("Saudi", "Saudi-Arabien"), "Senegal": (), "Serbia": (), "Sierra Leone": (),
    "Singapore": ("Singaporean",), "Somalia": ("Somali",), "South Africa": (),
    "South Korea": ("Republic of Korea",), "South Sudan": (), "Spain": (),
    "Sri Lanka": ("Sri Lankan",), "Sudan": ("Sudanese",), "Sweden": (), "Switzerland": (),
    "Syria": ("Syrian",), "Taiwan": (), "Tajikistan": ("Tajik",), "Tanzania": (),
    "Thailand": ("Thai",), "Timor-Leste": ("East Timor",), "Togo": (), "Tunisia": ("Tunisian",),
    "Türkiye": ("Turkey", "Turkish", "Türkei"), "Turkmenistan": (), "Uganda": ("Ugandan",),
    "Ukraine": ("Ukrainian",), "United Arab Emirates": ("UAE", "Emirati"),
    "United Kingdom": ("UK",), "United States": ("USA", "United States of America"),
    "Uruguay": (), "Uzbekistan": ("Uzbek",), "Venezuela": ("Venezuelan",),
    "Viet Nam": ("Vietnam", "Vietnamese"), "Yemen": ("Yemeni",), "Zambia": (),
    "Zimbabwe": ("Zimbabwean",),
}  # fmt: skip
# French-language sections (amnesty.fr, .be, .ch, Canada francophone) name the country in
# French in the title and the header ("ALGÉRIE : …", "Maroc et Sahara occidental").
FRENCH_COUNTRY_NAMES = {
    "Algérie": "Algeria", "Maroc": "Morocco", "Tunisie": "Tunisia", "Égypte": "Egypt",
    "Arabie saoudite": "Saudi Arabia", "Chine": "China", "Russie": "Russian Federation",
    "Biélorussie": "Belarus", "Bélarus": "Belarus", "Mexique": "Mexico", "Colombie": "Colombia",
    "Turquie": "Türkiye", "Syrie": "Syria", "Irak": "Iraq", "Libye": "Libya", "Liban": "Lebanon",
    "Tchad": "Chad", "Cameroun": "Cameroon", "Guinée": "Guinea", "Éthiopie": "Ethiopia",
    "République démocratique du Congo": "Democratic Republic of the Congo",
    "États-Unis": "United States", "Émirats arabes unis": "United Arab Emirates",
    "Azerbaïdjan": "Azerbaijan", "Kazakhstan": "Kazakhstan", "Ouzbékistan": "Uzbekistan",
    "Tadjikistan": "Tajikistan", "Inde": "India", "Indonésie": "Indonesia",
    "Cambodge": "Cambodia", "Birmanie": "Myanmar", "Viêt Nam": "Viet Nam", "Brésil": "Brazil",
    "Pérou": "Peru", "Équateur": "Ecuador", "Bahreïn": "Bahrain", "Koweït": "Kuwait",
    "Yémen": "Yemen", "Soudan": "Sudan", "Érythrée": "Eritrea", "Nicaragua": "Nicaragua",
}  # fmt: skip
# amnesty.de / amnesty.ch write the country in German on a line of its own above the headline
# ("RUSSISCHE FÖDERATION"); these are names, never demonyms.
GERMAN_COUNTRY_NAMES = {
    "Russische Föderation": "Russian Federation", "Weißrussland": "Belarus",
    "Saudi-Arabien": "Saudi Arabia", "Ägypten": "Egypt", "Türkei": "Türkiye",
    "Mexiko": "Mexico", "Kuba": "Cuba", "Kolumbien": "Colombia", "Brasilien": "Brazil",
    "Philippinen": "Philippines", "Syrien": "Syria", "Irak": "Iraq", "Algerien": "Algeria",
    "Marokko": "Morocco", "Indien": "India", "Indonesien": "Indonesia",
    "Kambodscha": "Cambodia", "Aserbaidschan": "Azerbaijan", "Kasachstan": "Kazakhstan",
    "Tadschikistan": "Tajikistan", "Usbekistan": "Uzbekistan", "Äthiopien": "Ethiopia",
    "Simbabwe": "Zimbabwe", "Kamerun": "Cameroon", "Südsudan": "South Sudan",
    "Vereinigte Staaten": "United States", "Vereinigte Arabische Emirate": "United Arab Emirates",
    "Libyen": "Libya", "Tunesien": "Tunisia", "Jemen": "Yemen", "Katar": "Qatar",
    "Kenia": "Kenya", "Äquatorialguinea": "Equatorial Guinea", "Nordkorea": "North Korea",
    "Südkorea": "South Korea", "Weissrussland": "Belarus",
}  # fmt: skip
_DEMONYMS = {
    alias
    for aliases in COUNTRIES.values()
    for alias in aliases
    if alias.endswith(("n", "i", "ese", "ish", "ic", "h", "k", "o")) and " " not in alias
} - {"Oman", "Iran", "Japan", "Sudan", "Bosnia", "Burma", "Israel", "Palestine", "Russia"}


def _country_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).replace("’", "'").lower()


_COUNTRY_LOOKUP = {
    _country_key(name): canonical
    for canonical, aliases in COUNTRIES.items()
    for name in (canonical, *aliases)
    if name not in _DEMONYMS
} | {
    _country_key(foreign): english
    for foreign, english in (GERMAN_COUNTRY_NAMES | FRENCH_COUNTRY_NAMES).items()
}
_COUNTRY_RE = re.compile(
    r"(?<![\w-])("
    + "|".join(
        re.escape(name).replace("'", "['’]")
        for name in sorted(
            [n for c, a in COUNTRIES.items() for n in (c, *a) if n not in _DEMONYMS]
            + list(GERMAN_COUNTRY_NAMES)
            + list(FRENCH_COUNTRY_NAMES),
            key=len,
            reverse=True,
        )
    )
    + r")(?![\w-])",
)
_DEMONYM_RE = re.compile(r"(?<![\w-])(" + "|".join(sorted(_DEMONYMS, key=len, reverse=True)) + ")")
_DEMONYM_COUNTRY = {alias: c for c, aliases in COUNTRIES.items() for alias in aliases}


def _country_of(name: str) -> str | None:
    return _COUNTRY_LOOKUP.get(_country_key(name)) or _DEMONYM_COUNTRY.get(name)


# Words that open an official's title ("Minister of Security", "Ambassador Xie Fang").
TITLE_WORDS = {
    w.lower()
    for w in """
        President Vice Prime Minister Deputy Director Director-General Chief Procurator
        Prosecutor Attorney Ambassador King Queen Crown Emir Amir Sultan Governor Mayor Judge
        Justice Chairman Chairperson Chair Head Commissioner Commander Secretary Speaker
        Chancellor Premier Superintendent Warden Inspector Colonel General Federal Public
        Supreme Interim Acting Permanent Representative Minister-President Ministerpräsident
        Präsident Präsidentin Botschafter Botschafterin Generalstaatsanwalt
        Generalstaatsanwältin Ministerin Presidente Ministro Ministra Fiscal Embajador
        Embajadora Procureur Ministre Chargé Consul Senator Governor-General Lieutenant Major
        Sheriff Chargé d'Affaires Regional Provincial State National Attorney-General Ombudsman
        Executive
        Ombudsperson Registrar Viceroy Monarch Lord
        """.split()  # noqa: SIM905
}
HONORIFICS = {
    w.lower()
    for w in """
        His Her Your Majesty Excellency Highness Royal H.E. HE S.E. Mr Mr. Mrs Mrs. Ms Ms. Dr
        Dr. Herrn Herr Frau Hon. Honourable Honorable Sr. Sra. Lic. Señor Señora
        """.split()  # noqa: SIM905
}
# Words that make a line an organisation ("Ministry of Public Security", "Royal Court").
ORG_WORDS = re.compile(
    r"\b(Ministry|Ministerio|Ministère|Ministerium|Office|Oficina|Bureau|Embassy|Embajada|"
    r"Botschaft|Ambassade|Court|Tribunal|Department|Departamento|Procuratorate|Procuracy|"
    r"Council|Secretariat|Secretar[ií]a|Presidency|Presidencia|Palace|Palacio|Parliament|"
    r"Commission|Comisi[oó]n|Police|Polic[ií]a|Prison|Government|Gobierno|Cabinet|"
    r"Directorate|Agency|Administration|Authority|Headquarters|Committee|Mission|Consulate|"
    r"Prosecution|Fiscal[ií]a|Kremlin|Senate|Assembly|Staatskanzlei|Kanzlei|Amt|Diwan|"
    r"Procuradur[ií]a|Casa Presidencial|White House|Chancellery|Republic Of|Board)\b"
)
_ORG_ADJECTIVES = {
    "royal", "federal", "national", "general", "permanent", "high", "supreme", "presidential",
    "public", "state", "prime", "the", "regional", "provincial", "city", "municipal",
}  # fmt: skip
