"""Finding what a message refers to: products (fuzzy), destination cities, order numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Container, Iterable, Mapping, Sequence

from rapidfuzz import fuzz

from .normalize import SLANG
from .shopdata import Product

# A decimal stays one word ("1.5" of "NYA 1.5 mm"; "2x1.5" is not "2x2.5"), a thousands group
# ("1.500.000") does not: at most two decimals, and no digit or group after them.
_DECIMAL = r"\d+(?:[.,]\d{1,2}(?![.,]?\d))?"
_WORD_RE = re.compile(rf"{_DECIMAL}(?:x{_DECIMAL})+|\d+[.,]\d{{1,2}}(?![.,]?\d)[a-z]*|[a-z0-9]+")
_RUN_RE = re.compile(r"([a-hj-z])\1{2,}")  # (not "iii": a roman numeral, "A7 III")
# Words that say nothing about which product is meant.
_STOP = frozenset("""kak min sis gan ka kk ya yg yang ini itu ada ga gak nggak brp berapa harga hrg harganya
ready stok stock masih dong mau tanya nanya apa untuk buat the is a an how much price of for in do you have
ukuran size warna varian dan atau sama kalau klo kalo lain lainnya other another deliver delivery ship send
biaya biayanya ongkos tarif cost fee ado dak idak indak stoknyo apo pacak nak bae aji kuda nggih suksma bli
buka tutup usah gausah deh yaudh yaudah satuan per ari masing masing2 each beta seng katong handak meulah papa harago kamek nanyak ade aok jak ulun amun inggih lai sakotak tarimo lamak bana nek ono
kan iya lupa besar gede gedhe gadang big large kecil cilik ketek small bro om cak ning mo wae onok ta ingkang reginipun regine menawi pira jo ambe
total totalnya juta ribu rb sebungkus bungkus sebiji biji tadi uni uda bara haragonyo nan sampun dereng kula""".split())
# City candidates must not be ordinary words ("ke rumah", "ke sana").
_NOT_CITY = frozenset("""sini sana situ rumah mana alamat kantor luar dalam kota saya aku kamu kakak admin
rekening nomor no toko pulau daerah dari mana pake pakai pakek lewat via ekspedisi kurir
bisa boleh gak ga nggak tidak juga aja saja apa berapa brp bara ya kak dong sih""".split())


_AMOUNT_UNIT = re.compile(r"^(\d+(?:[.,]\d+)?)([a-z]+)$")
_DIMENSIONS = re.compile(rf"{_DECIMAL}(?:x{_DECIMAL})+")
_UNITS = {"taun": "tahun", "taon": "tahun", "thn": "tahun", "th": "tahun", "yo": "tahun", "g": "gr", "gram": "gr", "grm": "gr", "grams": "gr", "kilo": "kg", "kilogram": "kg", "watt": "w", "wat": "w",
          "volt": "v", "meter": "m", "mtr": "m", "metre": "m", "meters": "m", "liter": "l", "litre": "l", "ltr": "l",
          "litres": "l", "liters": "l", "lt": "l", "kgs": "kg", "inches": "inch", "inci": "inch"}
_STORAGE_UNITS = frozenset({"gb", "tb", "mb"})
_UNIT_WORDS = frozenset({"gr", "kg", "ml", "l", "liter", "pcs", "pc", "cm", "mm", "m"})
# "One of": "sebotol", "se-roll", "sameter" (Minang), "per pcs" ask the price of one unit and
# name no product.
_PER_UNIT = re.compile(r"^(?:se|sa|per)-?(?:botol|roll|rol|pak|pack|dus|box|kotak|lembar|meter|mtr|m|pcs|pc|biji|buah|"
                       r"bungkus|sachet|saset|karung|ikat|gulung|lusin|kodi|set|kilo|kg|toples|tube|pot|"
                       r"porsi|bal|rim|unit|batang|ons|liter|papan|keping|kaleng|galon|jerigen|sak|zak|pail|lonjor|kubik|rit|truk)$")


# Colours (and a few loanwords) in regional words and English, as catalogues write them: Javanese/Betawi "item", "ireng",
# Sundanese "hideung", "bodas", "beureum"... ("item" only after "yg"/"warna": it is an English word too).
_COLOURS = {"hideung": "hitam", "ireng": "hitam", "cemeng": "hitam", "black": "hitam", "bodas": "putih",
            "pethak": "putih", "white": "putih", "beureum": "merah", "red": "merah", "koneng": "kuning",
            "yellow": "kuning", "hejo": "hijau", "ijo": "hijau", "green": "hijau", "blue": "biru", "bulao": "biru",
            "grey": "abu", "gray": "abu", "abu2": "abu", "brown": "coklat", "cokelat": "coklat", "soklat": "coklat",
            "purple": "ungu", "kayas": "pink",
            # abbreviations catalogues spell out
            "std": "standar", "standard": "standar", "ori": "original", "asem": "asam",
            # everyday and English words for the catalogue's loanwords
            "listrik": "elektrik", "electric": "elektrik", "acoustic": "akustik", "classic": "klasik"}
# What English-writing customers call what Indonesian catalogues name ("wooden alphabet puzzle" is
# the "Puzzle Kayu" "Huruf A-Z"). Applied to names and messages alike, as the colours are.
_ENGLISH = {"wooden": "kayu", "wood": "kayu", "alphabet": "huruf", "letters": "huruf", "letter": "huruf",
            "numbers": "angka", "number": "angka", "player": "pemain", "players": "pemain", "animals": "hewan", "animal": "hewan", "bag": "tas", "bags": "tas",
            "shirt": "kemeja", "shirts": "kemeja", "tshirt": "kaos", "skirt": "rok", "trousers": "celana",
            "pants": "celana", "shoes": "sepatu", "sandals": "sandal", "glasses": "kacamata", "bottle": "botol",
            "plate": "piring", "bowl": "mangkok", "wedding": "pengantin", "package": "paket", "javanese": "jawa",
            "sundanese": "sunda", "balinese": "bali", "rent": "sewa", "rental": "sewa", "incubator": "tetas", "incubators": "tetas",
            "automatic": "otomatis", "spoon": "sendok", "honey": "madu", "coffee": "kopi", "tea": "teh",
            "sauce": "saus", "window": "jendela", "forest": "hutan", "wild": "hutan", "tank": "tabung", "cake": "kue", "cookies": "kue", "bread": "roti", "rice": "beras", "oil": "minyak",
            "soap": "sabun", "doll": "boneka", "dolls": "boneka", "ball": "bola", "blocks": "balok", "block": "balok",
            "strings": "senar", "string": "senar", "sash": "selendang", "necklace": "kalung", "ring": "cincin",
            "rings": "cincin", "earrings": "anting", "bracelet": "gelang", "pearl": "mutiara", "diamond": "berlian",
            "men": "pria", "mens": "pria", "women": "wanita", "womens": "wanita", "chocolate": "coklat",
            "strawberry": "stroberi", "mat": "matras", "mats": "matras", "swing": "ayunan", "chair": "kursi",
            "table": "meja", "basket": "keranjang", "jug": "kendi", "vase": "vas", "hanging": "gantung",
            "iron": "besi", "rattan": "rotan", "with": "dengan", "without": "tanpa", "rol": "roll",
            "lens": "lensa", "lenses": "lensa",
            "paper": "kertas", "glass": "kaca", "leather": "kulit", "cotton": "katun",
            "anchor": "jangkar", "folding": "lipat", "uniform": "seragam", "uniforms": "seragam", "candle": "lilin",
            "candles": "lilin", "scented": "aromaterapi", "japanese": "jepang", "lantern": "lampion",
            "lanterns": "lampion", "silk": "sutra", "bulb": "lampu", "bulbs": "lampu", "lamp": "lampu", "lamps": "lampu",
            "fabric": "kain", "cloth": "kain", "sheet": "sprei", "sheets": "sprei", "bedsheet": "sprei",
            "pillow": "bantal", "blanket": "selimut", "towel": "handuk", "helmet": "helm", "shoe": "sepatu",
            "jacket": "jaket", "hat": "topi", "knife": "pisau", "scissors": "gunting", "hammer": "palu",
            "rope": "tali", "hose": "selang", "pipe": "pipa", "cable": "kabel", "switch": "saklar",
            "flour": "tepung", "sugar": "gula", "salt": "garam", "butter": "mentega", "cheese": "keju",
            "milk": "susu", "egg": "telur", "eggs": "telur", "chicken": "ayam", "fish": "ikan", "shrimp": "udang",
            "noodles": "mie", "noodle": "mie", "peanut": "kacang", "peanuts": "kacang", "kids": "anak",
            "children": "anak", "child": "anak", "baby": "bayi", "book": "buku", "books": "buku", "pencil": "pensil",
            "umbrella": "payung", "bucket": "ember", "broom": "sapu", "cup": "gelas", "cups": "gelas",
            "pan": "wajan", "wok": "wajan", "stove": "kompor", "fan": "kipas", "battery": "baterai",
            "batteries": "baterai", "flashlight": "senter", "torch": "senter", "seed": "benih", "seeds": "benih",
            "fertilizer": "pupuk", "soil": "tanah", "plant": "tanaman", "plants": "tanaman", "flower": "bunga",
            "flowers": "bunga", "slippers": "sandal", "big": "besar", "large": "besar", "small": "kecil", "medium": "sedang", "perfume": "parfum", "shampoo": "sampo",
            "paint": "cat", "wall": "tembok", "exterior": "eksterior", "litres": "liter", "liters": "liter",
            "litre": "liter", "cement": "semen", "tile": "keramik", "tiles": "keramik", "cage": "sangkar",
            "cages": "sangkar", "wigs": "wig", "acrylic": "akrilik", "boxes": "box", "storage": "container",
            # records: a vinyl is an LP ("piringan hitam"); "nomer 4" is the catalogue's "No. 4"
            "vinyl": "lp", "piringan": "lp", "vinil": "lp", "nomer": "no", "nmr": "no",
            # big and small in regional words ("yg besak": the big one; Javanese krama "ageng"/"alit", Banjar
            # "ganal", Minang "keciak")
            "matte": "doff", "matt": "doff", "besak": "besar", "gadang": "besar", "gede": "besar", "ketek": "kecil", "cilik": "kecil",
            "ageng": "besar", "gedhe": "besar", "ganal": "besar", "godang": "besar", "alit": "kecil", "keciak": "kecil",
            "kacil": "kecil",
            # and the everyday words for what catalogues write formally
            "cowok": "pria", "cowo": "pria", "laki": "pria", "cewek": "wanita", "cewe": "wanita",
            "perempuan": "wanita"}
_COLOUR_WORDS = frozenset("""hitam putih merah biru hijau kuning coklat cokelat abu ungu oranye orange pink silver emas gold
navy krem cream maroon tosca""".split())
# Things catalogues and customers name in other words: paints in English ("Oil Colour" is "cat
# minyak"), a USB-C plug, a smart lock.
_PHRASE_WORDS = {"oil colour": "cat minyak", "oil color": "cat minyak", "oil colours": "cat minyak",
                 "oil colors": "cat minyak", "acrylic colour": "cat akrilik", "acrylic color": "cat akrilik",
                 "acrylic colours": "cat akrilik", "acrylic colors": "cat akrilik", "acrylics": "cat akrilik",
                 "water colour": "cat air", "water color": "cat air", "water colours": "cat air",
                 "water colors": "cat air", "type c": "usb c", "tipe c": "usb c", "smart lock": "digital door lock",
                 "smartlock": "digital door lock", "kunci pintu digital": "digital door lock",
                 # with or without: "yg pake tutup" is the "Dengan Tutup" variant, "gak pake" the "Tanpa"
                 "gak pake": "tanpa", "ga pake": "tanpa", "nggak pake": "tanpa", "tidak pakai": "tanpa",
                 "gak pakai": "tanpa", "ga pakai": "tanpa", "yg pake": "yg dengan", "yang pakai": "yang dengan",
                 "yg pakai": "yg dengan", "yang pake": "yang dengan"}
_PHRASES = re.compile(r"\b(?:" + "|".join(p.replace(" ", r"[\s-]+") for p in sorted(_PHRASE_WORDS, key=len, reverse=True))
                      + r")\b")
_RIM = re.compile(r"\b(?:ring|r)\s+(\d{2})\b")
_PHRASE_HINT = re.compile(r"colo|acrylics|type|tipe|lock|kunci|pake|pakai")
# One word for a colour catalogues write in two ("Merah Muda"); both sides read alike.
_TWO_WORD_COLOURS = {"pink": ("merah", "muda"), "fuchsia": ("merah", "muda"), "lightblue": ("biru", "muda"),
                     "navyblue": ("navy",), "skyblue": ("biru", "muda"),
                     # and English things Indonesian names in two words
                     "raincoat": ("jas", "hujan"), "gloves": ("sarung", "tangan"), "socks": ("kaos", "kaki"),
                     "headlamp": ("senter", "kepala"), "toothbrush": ("sikat", "gigi"),
                     # fractions in words: "setengah kilo" is "1/2 kg"
                     "watercolour": ("cat", "air"), "watercolor": ("cat", "air"),
                     "setengah": ("1", "2"), "stengah": ("1", "2"), "seperempat": ("1", "4")}
_BEFORE_COLOUR = frozenset({"yg", "yang", "warna", "nu", "sing", "seng", "color", "colour"})


# The longer list of English words (replies/data/english_product_words.tsv), used only for a message's word
# that no name of the shop's catalogue has: a shop whose catalogue writes "Shaving Foam" or "Moisture Gel"
# is asked for it in those words, one whose catalogue is Indonesian for "busa" or "pelembab".
_MORE_ENGLISH: dict[str, tuple[str, ...]] = {}


def _read_more_english(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, indonesian = line.split("\t")
        if english not in _ENGLISH and english not in _COLOURS and english not in _TWO_WORD_COLOURS:
            _MORE_ENGLISH[english] = tuple(_COLOURS.get(t) or _ENGLISH.get(t) or t for t in indonesian.split())


_read_more_english(Path(__file__).with_name("data") / "english_product_words.tsv")


def _in_table(word: str, table: Mapping[str, Any]) -> Any:
    """The table's entry for an English word, plurals too ("bikes", "boxes", "batteries")."""
    if word in table:
        return table[word]
    if len(word) > 4 and word.endswith("s"):
        stems = [word[:-1]] + ([word[:-2]] if word.endswith("es") else []) + ([word[:-3] + "y"] if word.endswith("ies") else [])
        return next((table[s] for s in stems if s in table), None)
    return None


def _more_english(word: str) -> tuple[str, ...] | None:
    return _in_table(word, _MORE_ENGLISH)


def _in_catalogue_words(found: list[str], name_words: frozenset[str]) -> list[str]:
    """English words of the longer list in the catalogue's words, where its names don't have them."""
    out: list[str] = []
    for w in found:
        if w not in name_words and len(w) > 5 and w.endswith("ne") and w[:-2] in name_words:
            out.append(w[:-2])  # Javanese "-ne": "pinten sewane?" at a shop whose names say "Sewa"
            continue
        meant = _more_english(w) if w.isalpha() else None
        if meant and w not in name_words and not any(len(t) >= 4 and fuzz.ratio(w, t) >= 80 for t in name_words):
            out.extend(meant)
        else:
            out.append(w)
    return out


def _english(word: str) -> str | None:
    """The catalogue's word for an English one of the table above, plurals too."""
    return _in_table(word, _ENGLISH)


def words(text: str) -> list[str]:
    """Lower-case words; an amount and its unit are two ("1kg", "1 kg", "200gram" -> "200", "gr");
    colours in the catalogue's words ("yg item", "hideung", "black" -> "hitam")."""
    found: list[str] = []
    low = text.lower()
    if "r" in low:
        low = _RIM.sub(r"r\1", low)  # a rim's size: "ring 15", "r 15" and "R15" alike
    if _PHRASE_HINT.search(low):
        low = _PHRASES.sub(lambda m: _PHRASE_WORDS[re.sub(r"[\s-]+", " ", m.group(0))], low)  # "Oil Colour" is "cat minyak"
    for w in _WORD_RE.findall(low):
        w = w.replace(",", ".")  # "1,5" is "1.5"
        amount = _AMOUNT_UNIT.match(w)
        if _DIMENSIONS.fullmatch(w):
            found.extend(w.split("x"))  # "60x30x35", "29x2" (of 29x2.25): each number is a word
        elif amount:
            found.extend((amount.group(1), _UNITS.get(amount.group(2), amount.group(2))))
        elif found and _is_number(found[-1]):
            found.append(_UNITS.get(w) or _english(w) or _RUN_RE.sub(r"\1", w))  # ("3950 nomer 4")
        elif w == "item" and found and found[-1] in _BEFORE_COLOUR:
            found.append("hitam")
        elif w in _TWO_WORD_COLOURS:
            found.extend(_TWO_WORD_COLOURS[w])
        else:
            found.append(_COLOURS.get(w) or _english(w) or _RUN_RE.sub(r"\1", w))
    return found


def product_words(text: str, names: Iterable[str] = (), variants: Iterable[str] = ()) -> list[str]:
    """A message's words as product names are matched: the possessive "-nya" dropped
    ("kettlenya", "kettle nya" -> "kettle"), unless a name has the word ("Kabel NYA")."""
    keep_nya = any("nya" in name.lower().split() for name in names)
    found = []
    previous = ""
    for w in words(text):
        previous, unit = w, previous in ("se", "sa", "per") and _PER_UNIT.match(f"se{w}")
        if (w == "nya" and not keep_nya) or _PER_UNIT.match(w) or unit:
            continue
        if w in ("tas", "pack", "sack", "pouch") and found and found[-1] in _UNIT_WORDS:
            continue  # "the 5 kg bag", "250g pack": how it comes, not a bag
        if w in ("jt", "juta", "rb", "ribu", "k", "rebu") and found and _is_number(found[-1]):
            found.pop()  # "6,5 jt deh", "3jt aja": an amount offered, not a size
            continue
        stem = w[:-3] if w.endswith(("nya", "nye", "nyo")) else w  # (Betawi, Malay and Minang "-nye", "-nyo")
        found.append(stem if w != stem and (len(w) > 6 or stem in _UNIT_WORDS) else w)  # "mlnya" -> "ml"
    if not names:
        return found
    catalogue_names = tuple(sorted(set(names)))
    shop_words = _joined_forms(catalogue_names)[1] | _joined_forms(tuple(sorted(set(variants))))[1]
    return _spelled_as_named(_in_catalogue_words(found, shop_words), catalogue_names)


def _spelled_as_named(found: list[str], names: tuple[str, ...]) -> list[str]:
    """Words written together or apart unlike the catalogue: "blueband" is "Blue Band",
    "alquran" is "Al-Qur'an", "sun glasses" is "Sunglasses"."""
    joined, name_words = _joined_forms(names)
    out: list[str] = []
    i = 0
    while i < len(found):
        w = found[i]
        pair = w + found[i + 1] if i + 1 < len(found) else ""
        code = None if w in name_words or w in joined else next((j for j in joined if _code_prefix(w, j)), None)
        if w not in name_words and w in joined:
            out.extend(joined[w])
        elif code:
            out.extend(joined[code])  # "dw5600" of "DW-5600E"
        elif pair and not (w in name_words and found[i + 1] in name_words) and len(pair) >= 5 and (
                pair in name_words or pair in joined):
            out.extend(joined.get(pair, (pair,)))  # "sun glasses", "al quran"
            i += 1
        else:
            out.append(w)
        i += 1
    return out


@lru_cache(maxsize=256)
def _joined_forms(names: tuple[str, ...]) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    joined: dict[str, tuple[str, ...]] = {}
    name_words: set[str] = set()
    for name in names:
        name_words.update(t for t in words(name) if t.isalpha())
        raw = re.findall(r"[a-z0-9]+", name.lower())  # as written ("blue", not the colour word "biru")
        name_words.update(t for t in raw if t.isalpha())
        for size in (2, 3):
            for i in range(len(raw) - size + 1):
                part = raw[i:i + size]
                joined_part = "".join(part)
                # (a model's parts written together: "a7iii" of "A7 III")
                if len(joined_part) >= 6 or (len(joined_part) >= 4 and any(c.isdigit() for c in joined_part)
                                             and any(c.isalpha() for c in joined_part)):
                    joined.setdefault(joined_part, tuple(words(" ".join(part))))
    return joined, frozenset(name_words)


@dataclass(frozen=True)
class ProductMatch:
    products: tuple[Product, ...]  # same product name; one or more variants
    query: str  # the words of the message that named it
    variant_given: bool


def _token_hit(tok: str, msg_words: Sequence[str], named: Container[str] = ()) -> str | None:
    # Sizes like "L", "XL", numbers ("10000" is not "20000") and codes ("BR7HS" is not "B7HS",
    # "EJ16" not "EJ26"): exact only.
    if len(tok) <= 2 or any(c.isdigit() for c in tok):
        if tok in msg_words:
            return tok
        # a model code left short: "e6762" of "E6762MC", "srpd51" of "SRPD51K1" (never "b7hs" of "br7hs")
        return next((w for w in msg_words if _code_prefix(w, tok)), None)
    for w in msg_words:
        if w != tok and w in named:
            continue  # a word of another product's name, as written: "monocrystalline" is no "polycrystalline"
        # (a chat word is never a product word misspelt: "satu" is not "sepatu")
        # (a four-letter word only misspelt in place or written longer: "biola" is a violin, not
        # "bola", "jaring" no "ring", but "otak2" is "otak", "sehari" one "hari"; and a typo keeps its first
        # letter: "inci" is no "cincin")
        if w == tok or (len(w) >= 4 and len(tok) >= 4 and (w[0] == tok[0] or w in ("se" + tok, "sa" + tok)) and w not in _NOT_PRODUCT and fuzz.ratio(w, tok) >= 80
                        and (len(tok) > 4 or len(w) == len(tok) or w.startswith(tok) or w in ("se" + tok, "sa" + tok))):
            return w
        if len(w) >= 4 and len(tok) >= len(w) + 4 and tok.startswith(w) and w.isalpha() and w not in _NOT_PRODUCT:
            return w  # a long word cut short: "mono" of "Monocrystalline", "poly" of "Polycrystalline"
    return None


def _word_coverage(name: str, hits: Sequence[str]) -> float:
    """How much of a name's words (not its numbers and units) the hits cover."""
    toks = [t for t in words(name) if t not in _STOP and not _is_number(t) and t not in _UNIT_WORDS]
    return sum(1 for t in toks if t in hits or any(_token_hit(t, [h]) for h in hits)) / len(toks) if toks else 0.0


# A model code in a name, letters then digits ("MU-380", "XT250"): customers write it apart too ("mu 380").
_NAME_CODE = re.compile(r"(?<![a-z0-9])([a-z]{1,4})-?(\d{1,5}[a-z]{0,3})(?![a-z0-9])")


def _named_by_code(text: str, by_name: Mapping[str, Any]) -> dict[str, list[str]]:
    """The names whose model code the message writes, with or without a space or hyphen, and
    the code's words in the name ("mu 380" and "mu380" name "Semen Instan MU-380 ...")."""
    said = {a + b for a, b in re.findall(r"(?<![a-z0-9])([a-z]{1,4})[-\s]?(\d{1,5}[a-z]{0,3})(?![a-z0-9])", text.lower())
            if len(a + b) >= 3}  # ("mx4" is "MX-4"; "a4" too short to tell)
    if not said:
        return {}
    named: dict[str, list[str]] = {}
    for name in by_name:
        for letters, digits in _NAME_CODE.findall(name.lower()):
            if len(letters + digits) >= 3 and letters + digits in said:
                named.setdefault(name, []).extend(words(f"{letters}-{digits}"))
    return named


def _code_prefix(word: str, code: str) -> bool:
    """The word is the code without its last letters: at least four characters with a letter and a
    digit, and at most three left over, one of them a letter (a size "5600" is not "56000")."""
    rest = code[len(word):]
    return (len(word) >= 4 and code.startswith(word) and 0 < len(rest) <= 3 and any(c.isalpha() for c in rest)
            and any(c.isdigit() for c in word) and any(c.isalpha() for c in word))


def _distinguished(scored: list[tuple[float, str, list[str]]], by_name: dict[str, list[Product]]
                   ) -> tuple[float, str, list[str]] | None:
    """The one product the message names by the words that set it apart, though it leaves out
    the rest of the name: the best covered by at least half, and no other name has all its hits."""
    if not scored:
        return None
    best = max(scored)
    if best[0] < 0.5 or sum(1 for s in scored if s[0] == best[0]) > 1:
        return None
    hit_words = {h for h in best[2]}
    for name in by_name:
        if name != best[1] and all(_token_hit(h, words(name)) for h in hit_words):
            return None
    return best


def match_products(text: str, catalogue: Iterable[Product]) -> list[ProductMatch]:
    """Products whose name the message names (typos tolerated), narrowed by any variant
    words it mentions. Returns [] if nothing matches well enough: never guess."""
    catalogue = list(catalogue)
    msg = product_words(text, {p.name for p in catalogue}, {p.variant or "" for p in catalogue})
    by_name: dict[str, list[Product]] = {}
    for p in catalogue:
        by_name.setdefault(p.name, []).append(p)
    scored: list[tuple[float, str, list[str]]] = []
    named = {t for name in by_name for t in words(name) if len(t) >= 4}
    for name in by_name:
        name_toks = [t for t in words(name) if t not in _STOP] or words(name)
        hits = [h for h in (_token_hit(t, msg, named) for t in name_toks) if h]
        if hits:
            scored.append((len(hits) / len(name_toks), name, hits))
    coded = _named_by_code(text, by_name)
    full = [s for s in scored if s[0] >= 0.99] or [(1.0, name, hits) for name, hits in coded.items() if len(coded) == 1]
    if full:
        scored = full
    elif len(scored) == 1 and max(len(h) for h in scored[0][2]) >= 4:
        pass  # only one product shares a (real) word with the message: "hoodie navy L"
    elif (unique := _distinguished(scored, by_name)) is not None or (
            unique := _distinguished([(_word_coverage(name, hits), name, hits) for _, name, hits in scored], by_name)):
        # "tubruk sidikalang", "arabika sidikalang": the kind word left out; "petite melrose": the
        # brand and the size ("Daniel Wellington Petite Melrose 32mm") left out
        scored = [unique]
    else:
        return []  # nothing, or ambiguous ("kaos" with several kaos): don't guess
    if not scored:
        return []
    best = max(s for s, _, _ in scored)
    results: list[ProductMatch] = []
    for coverage, name, hits in scored:
        if coverage < best:
            continue
        variants = by_name[name]
        chosen = variants
        given = False
        # The words that named the product pick no variant: "kacamata hitam sipiso" is every
        # "Kacamata Hitam ... Sipiso", not the one whose frame is "Hitam".
        rest = list(msg)
        # a number with another unit than the name's ("4 inch" of "Pipa ... 4 meter") is the variant's
        name_pairs = set(zip(words(name), words(name)[1:]))
        other_unit = {a for a, b in zip(msg, msg[1:]) if a.isdigit() and b.isalpha() and (a, b) not in name_pairs
                      and any(x == a and y.isalpha() for x, y in name_pairs)}
        for hit in hits:
            if hit in rest and hit not in other_unit:
                rest.remove(hit)
        if any(v.variant for v in variants):
            narrowed = []
            for v in variants:
                vtoks = words(v.variant or "")
                # (a unit after its number may be left out: "8/256" of "8GB/256GB")
                said = [t for i, t in enumerate(vtoks) if not (t in _STORAGE_UNITS and i and _is_number(vtoks[i - 1]))]
                if said and all(_token_hit(t, rest) for t in said):
                    narrowed.append(v)
            # "pink" ("merah muda") is not also "Merah": a variant whose words another named one has too
            toks_of = {v.sku: set(words(v.variant or "")) for v in narrowed}
            narrowed = [v for v in narrowed if not any(toks_of[v.sku] < toks_of[o.sku] for o in narrowed)]
            if not narrowed:
                narrowed = _by_age(variants, rest)
            if not narrowed:
                # Partial variant ("hitam" of "Hitam / L", "250 gr" of "Biji 250gr"): the variants
                # sharing the most words (a unit alone picks nothing).
                shared = {v.sku: sum(1 for t in _size_and_kind_words(v.variant or "") if _token_hit(t, rest))
                          for v in variants}
                most = max(shared.values(), default=0)
                narrowed = [v for v in variants if most and shared[v.sku] == most]
            if not narrowed:
                narrowed = _by_size_word(variants, rest)
            if narrowed and (len(narrowed) < len(variants) or len(variants) == 1):
                chosen, given = narrowed, True  # (a word every variant has, "pe" of PE 2/4/6, picks none)
        results.append(ProductMatch(tuple(chosen), " ".join(hits), given))
    return results


def _something_else_of_its_word(match: ProductMatch, msg: Sequence[str], skip: Container[str]) -> bool:
    """One word of a product's name, not its head, followed by words of its own that the product
    doesn't have: "sepatu boot karet" asks for boots, not the "Cover Sepatu" (its head "cover" is
    missing); "minyak rambut tancho" is not the "Beard Oil"."""
    name = match.products[0].name
    query = match.query.split()
    if len(query) != 1 or _token_hit(_head(name), [query[0]]):
        return False
    vocab = set(words(name)) | {t for p in match.products for t in words(p.variant or "")}
    at = [i for i, w in enumerate(msg) if any(w == q or _token_hit(q, [w]) for q in query)]
    # (after it only: a word before is often the kind in the customer's words, "cocoa nibs", "minyak raudhah")
    beside = {msg[i + 1] for i in at if i + 1 < len(msg)} - {msg[i] for i in at}
    return any(w not in skip and len(w) > 2 and not _is_number(w) and w not in _VARIANT_WORDS
               and not any(_token_hit(v, [w]) for v in vocab) for w in beside)


# Heads of names of things made for another product ("Baling-Baling Mesin Tempel", "Cover Sepatu",
# "Case iPhone 15"): without the head the customer asks for the other product itself.
_PART_HEADS = frozenset("""baling propeller cover case casing softcase hardcase charger adaptor adapter strap
pelindung protector holder bracket dudukan mount remote sparepart kampas""".split())


def _the_thing_it_is_for(match: ProductMatch, msg: Sequence[str]) -> bool:
    """A part or accessory named by the product it is for, without the word for the part."""
    head = _head(re.sub(r"\(.*?\)", " ", match.products[0].name))
    return head in _PART_HEADS and not any(_token_hit(head, [w]) or w.startswith(head) for w in msg)


def _head(name: str) -> str:
    return next((t for t in words(name) if t not in _STOP), "")


def _size_and_kind_words(variant: str) -> list[str]:
    """A variant's telling words: not units after an amount ("250 gr"), but a size letter of its
    own ("L" of "L (50 cm)", which is also the unit litre)."""
    toks = words(variant)
    return [t for i, t in enumerate(toks) if (t not in _STOP or t in _BIG | _SMALL | _WITH)  # "Besar sepasang"
            and (t not in _UNIT_WORDS or not (i and _is_number(toks[i - 1])))]


def is_product_code(candidate: str, names: Iterable[str]) -> bool:
    """"DW5600", "E6762": a product's model code (or it without its last letters), not an order."""
    code = re.sub(r"[^a-z0-9]", "", candidate.lower())
    joined, _ = _joined_forms(tuple(sorted(set(names))))
    forms = (set(joined) | {t for name in names for t in re.findall(r"[a-z0-9]+", name.lower())}
             | {a + b for name in names for a, b in _NAME_CODE.findall(name.lower())})  # "MU-380" as "mu380"
    return any(form == code or _code_prefix(code, form) for form in forms)


def mentions_variant(products: Sequence[Product], text: str) -> bool:
    """The text has a telling word of one of these variants ("slop" of "1 dus (10 slop)")."""
    said = set(product_words(text))
    return any(t in said for p in products for t in _size_and_kind_words(p.variant or ""))


def has_the_numbers(products: Sequence[Product], text: str) -> bool:
    """Every number the text names is in these variants ("set 31 nada" is not the "15 nada" set)."""
    numbers = {w for w in product_words(text) if _is_number(w)}
    return numbers <= {t for p in products for t in words(p.variant or "")}


def _is_number(word: str) -> bool:
    return word.replace(".", "", 1).isdigit()  # "3", "1.5"


_AGE_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)\s*(?:tahun|thn|th)\b", re.I)


def _by_age(variants: Sequence[Product], msg: Sequence[str]) -> list[Product]:
    """"umur 4 taun": the variant whose age range ("S (3-5 tahun)") holds it."""
    ages = [int(w) for w, nxt in zip(msg, msg[1:]) if w.isdigit() and nxt == "tahun"]
    if len(ages) != 1:
        return []
    found = []
    for v in variants:
        span = _AGE_RANGE.search(v.variant or "")
        if span and int(span.group(1)) <= ages[0] <= int(span.group(2)):
            found.append(v)
    return found


_WITH = frozenset({"dengan", "tanpa"})  # "Dengan Tutup" / "Tanpa Tutup" differ by these alone
_BIG = frozenset("besar gede gedhe gadang besak godang big large biggest largest terbesar jumbo ageng ganal".split())
_SMALL = frozenset("kecil cilik ketek small smallest terkecil mini alit kacil keciak".split())
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _by_size_word(variants: Sequence[Product], msg: Sequence[str]) -> list[Product]:
    """"yg gede", "the small one": the variant with the largest (smallest) size where every
    variant states one ("30x20 cm", "40x28 cm"; "250 gr", "500 gr"), else none."""
    big, small = bool(_BIG & set(msg)), bool(_SMALL & set(msg))
    if big == small or len(variants) < 2:
        return []
    sizes = [_NUMBER.search(v.variant or "") for v in variants]
    if not all(sizes):
        return []
    values = [float(m.group(0).replace(",", ".")) for m in sizes if m]
    if len(set(values)) < len(values):
        return []  # two variants of one size (colours): a size word does not choose
    pick = max(values) if big else min(values)
    return [v for v, value in zip(variants, values) if value == pick]


# Words that never describe a product: question words, shop talk, particles, common chat.
_NOT_PRODUCT = _STOP | frozenset("""kakak mas mbak bang bun say bos pak bu ibu bapak halo hai hi hello p ping
assalamualaikum selamat pagi siang sore malam permisi punten tolong mohon bisa boleh dong deh sih nih kok loh lah
kah tuh aja saja juga lagi lg udah udh sudah sdh belum blm blom masih msh gak ga nggak enggak tidak tdk ngga gk
ok oke okay sip siap makasih terima kasih thanks thank tq thx kirim ongkir ongkos cod bayar transfer tf rekening
order pesan pesanan orderan beli mau pengen ingin cari nyari punya kalian toko shop jual dijual jualan tanya nanya
info infonya detail ukurannya warnanya sizenya modelnya barang barangnya produk produknya item items model
berapaan brapa brpa piro regane rego sabaraha aya keneh isih ono ora ready redy stok stock ready tersedia
available habis kosong restock sisa pcs pc biji buah satu dua tiga lusin kodi grosir ecer satuan murah mahal
diskon promo bagus cakep keren baru ori original asli cocok muat pas gimana gmn bagaimana kapan dimana mana
kenapa knp ini itu tersebut yg yang sama dengan dgn atau dan tapi terus trus biar supaya agar aku saya sy gw gue
kamu anda kita kami we i you it they my your me is are do does did can could would will please pls what which
have has any still left there this that those these one size sizes colour color colours colors variant variants
ya yah ka kk kak min sis gan ukuran warna varian nomor no angka jam hari besok sekarang skrg minggu
great nice cool awesome alright okay well then so and how much whats what's the a an of for in on about
kalau kalo klo yaudah udah aja deh
teh atuh mah iki iku kuwi ieu eta kang teu sing nu ora ono onok ana isih keneh aya hargane hargana pinten
ingin menanyakan mohon informasi apakah dengan hormat terima kasih
aroma aromanya rasa rasanya wangi wanginya jenis jenisnya tipe tipenya motif motifnya
nda ndak ndag jo mo kase
kado hadiah gift natal lebaran imlek ramadan ramadhan valentine ultah ulang tahun nikahan kondangan
barapa berape brape pire gasan kada pian ulun nang ambil langganan pelanggan
araq ade ape jak kamek ye mele baka ana isun pira pake pakai
hrgnya hrgny hrga sekalian skalian sm sma jg jga ajah dl dlu dulu lgi tp krn utk
kaka ko beta sa su dolo sonde ee hargo samo apo mano biso dak ado besak
tra trada pu sire ente isi isinya hargina hargine pack packs sack pouch jadi jd uk ketersediaan availability metode nego dikit
sell sells selling sold buy buying want wanted need needs looking look find got get like would know tell
visiting visit next week friend friends recommended recommend heard version indonesian english bahasa
spill good morning afternoon evening dia berapo wonten menawi iyo mi ji tak tu kat cik plastic around baik garansi warranty ngana deng pe tasih sire kite arep sing wonten pida sadia argana argani sanak lae horas do ori engghi sakalangkong kawa nang haja gasan yowis yowes wes dua2nya dua2 duanya keduanya both masing2 masing each harge harganye nye nyo kabarek
kabar kabari kabarin dikabari dikabarin dikabarkan sementara emg emang memang oiya oya mpun sampun setnya
haraga haraganya whether hana padum yum nukar handak ingkang kadada regine
kondisi kondisinya nanti ntar entar tiasa kirang hungkul wae we
cantik cakepnya sekali nian banget bgt lucu gemes imut mantap mantul masyaallah subhanallah alhamdulillah wah wow waw
dapat dapet sekaligus pung nett enten bedhe bede duit duite duitnya sampun mawon kemawon nggih injih dereng badhe
niki nika punika sewane sewanya sewanipun""".split())
# and every chat spelling of them ("kiapa" is "kenapa", no misspelt "kipas")
_NOT_PRODUCT |= {word for word, meant in SLANG.items() if meant in _NOT_PRODUCT and len(word) >= 4 and word.isalpha()}
# How old the wearer is: a product word only where the catalogue sizes by age ("S (3-5 tahun)").
_AGE_WORDS = frozenset("umur usia age aged old years year".split())


# Colours and sizes: they pick a variant, they don't name a product on their own ("yg putih brp?").
_VARIANT_WORDS = frozenset("""hitam putih merah biru hijau kuning abu abuabu navy coklat cokelat krem cream pink ungu
maroon orange oranye jingga tosca mocca moka khaki olive army silver gold emas black white red blue green yellow
grey gray brown purple beige muda tua terang gelap xs xl xxl xxxl small medium large all jumbo""".split())


@dataclass(frozen=True)
class CatalogueLookup:
    """What a message says about the catalogue, for one question.

    matches   products named surely (name, or the one product of a named kind plus its variant words)
    category  (kind word, products grouped by name) when only a kind was named ("harga batik?")
    unknown   the words describing a product the shop doesn't sell ("kemeja flanel merah")
    """

    matches: tuple[ProductMatch, ...] = ()
    category: tuple[str, tuple[tuple[Product, ...], ...]] | None = None
    unknown: str = ""

    @property
    def named(self) -> bool:
        return bool(self.matches or self.category or self.unknown)


def _category_words(names: Iterable[str]) -> frozenset[str]:
    """Words naming a kind of product: each name's first word ("Kaos", "Hoodie", "Batik") and any
    word several names share. They don't tell products apart."""
    seen: dict[str, int] = {}
    firsts = set()
    for name in names:
        toks = [t for t in words(name) if t not in _STOP]
        if toks:
            firsts.add(toks[0])
        for t in set(toks):
            seen[t] = seen.get(t, 0) + 1
    return frozenset(firsts | {t for t, n in seen.items() if n > 1})


def look_up_products(text: str, catalogue: Iterable[Product], ignore: Iterable[str] = ()) -> CatalogueLookup:
    """Which product(s) the words name, never guessing: a match must include the words that
    tell products apart, not only the kind ("kemeja flanel" is not "Kemeja Linen"), and a part
    named only by what it is for is not asked for ("mesin tempel yamaha 15pk ada?" asks for the
    engine, not its "Baling-Baling Mesin Tempel Yamaha")."""
    catalogue = list(catalogue)
    found = _look_up(text, catalogue, ignore)
    if found.matches:
        msg = product_words(text, {p.name for p in catalogue}, {p.variant or "" for p in catalogue})
        if all(_the_thing_it_is_for(m, msg) for m in found.matches):
            skip = _NOT_PRODUCT | {w for phrase in ignore for w in words(phrase)}
            return CatalogueLookup(unknown=" ".join(dict.fromkeys(
                w for w in msg if w not in skip and len(w) > 2 and not _is_number(w))))
    return found


def _look_up(text: str, catalogue: list[Product], ignore: Iterable[str]) -> CatalogueLookup:
    msg = product_words(text, {p.name for p in catalogue}, {p.variant or "" for p in catalogue})
    by_name: dict[str, list[Product]] = {}
    for p in catalogue:
        by_name.setdefault(p.name, []).append(p)
    kinds = _category_words(by_name)
    skip = _NOT_PRODUCT | {w for phrase in ignore for w in words(phrase)}
    if any("tahun" in words(p.variant or "") for p in catalogue):
        skip |= _AGE_WORDS  # "jas hujan anak buat umur 4 taun": the sizes say which
    # Words that could describe a product (sizes and numbers only pick variants).
    # ("1.5" names no product; Sundanese "satuanna", "hargana": a chat word with its "-na")
    content = [w for w in msg if w not in skip and len(w) > 2 and not _is_number(w)
               and not (w.endswith("na") and w[:-2] in skip)]
    sure = match_products(text, catalogue)
    if len(sure) > 1:
        # "balok susun yg natural": the "Balok Susun Natural", not also the "Balok Susun Warna" whose
        # words are only some of the same
        said = [set(m.query.split()) for m in sure]
        sure = [m for m, q in zip(sure, said) if not any(q < other for other in said)]
    coded = _named_by_code(text, by_name)
    if sure and len(coded) == 1 and all(m.products[0].name in coded for m in sure):
        return CatalogueLookup(tuple(sure))  # its model code: "mu 380"
    if len(sure) == 1 and _another_products_words(sure[0].products[0].name, by_name, msg):
        sure = []  # "yg box kayu brp": "box" is the hampers' "Box Kayu", not the "Puzzle Kayu"
    if len(sure) == 1 and _something_else_of_its_word(sure[0], msg, skip):
        sure = []  # "sepatu boot karet" is no "Cover Sepatu Anti Air": rubber boots, of which the shop has none
    if sure and all(m.query and all(_token_hit(t, msg) for t in _telling(m.products[0].name, kinds, by_name))
                    for m in sure):
        return CatalogueLookup(tuple(sure))
    if len(sure) == 1 and _named_by_its_own_word(sure[0].products[0].name, by_name, kinds, msg, content):
        return CatalogueLookup(tuple(sure))  # "yg parasut dusty pink": the one parasut product
    own = [] if sure else [n for n in by_name if _named_by_its_own_word(n, by_name, kinds, msg, content)]
    if len(own) == 1:
        # "yg encim putih size L": the one name with "encim" (a "Kebaya Encim Bordir"), every other word its own
        match = match_products(" ".join([own[0]] + msg), by_name[own[0]])
        if match:
            return CatalogueLookup((ProductMatch(match[0].products, own[0].lower(), match[0].variant_given),))
    # Only a kind named: which products of that kind fit every other word?
    # The kind named first in the message (a set's order differs between processes).
    kind_hits = sorted((k for k in kinds if _token_hit(k, content)),
                       key=lambda k: (next(i for i, w in enumerate(content) if _token_hit(k, [w])), k))
    if kind_hits:
        kind = kind_hits[0]
        group = {n: ps for n, ps in by_name.items() if any(_token_hit(kind, [t]) for t in words(n))}
        # "kursi teras" is a "Kursi Teras Rotan" rather than a "Set Teras ... Kursi ...": the
        # products that are the kind (it heads their name) first
        heads = {n: ps for n, ps in group.items() if _token_hit(kind, [_head(n)])}
        group = heads or group
        explained_by: dict[str, set[str]] = {}
        for n, ps in group.items():
            vocab = set(words(n)) | {t for p in ps for t in words(p.variant or "")}
            explained_by[n] = {w for w in content if any(_token_hit(v, [w]) for v in vocab)}
        # "senar gitar elektrik": "gitar" follows every kind of the shop and names none of this
        # kind, so it tells nothing ("joran spinning": some joran are "Spinning", so it does)
        told = {w for n in group for w in explained_by[n]}
        idle = (_across_kinds(by_name) & set(content)) - told
        # a colour none of them comes in ("charger type c 65w ada warna putih?"): asked, not naming
        idle |= {w for w in content if w in _COLOUR_WORDS} - told
        fitting = [n for n in group if explained_by[n] | idle == set(content)]
        numbers = [w for w in msg if w.isdigit()]
        if numbers and len(fitting) > 1:
            # "keramik dinding 30x60": the one whose name or variants have the numbers
            numbered = [n for n in fitting if set(numbers) <= set(words(n)) | {t for p in group[n] for t in words(p.variant or "")}]
            fitting = numbered or fitting
        if len(fitting) == 1:
            match = match_products(" ".join([fitting[0]] + msg), group[fitting[0]])
            if match:
                return CatalogueLookup((ProductMatch(match[0].products, kind, match[0].variant_given),))
        if fitting:
            return CatalogueLookup(category=(kind, tuple(tuple(group[n]) for n in fitting)))
        return CatalogueLookup(unknown=" ".join(dict.fromkeys(content)))
    variant_vocab = _VARIANT_WORDS | {t for p in catalogue for t in words(p.variant or "")}
    if content and not all(any(_token_hit(v, [w]) for v in variant_vocab) for w in content):
        return CatalogueLookup(unknown=" ".join(dict.fromkeys(content)))
    return CatalogueLookup()  # nothing named, or only a colour or size


def _named_by_its_own_word(name: str, by_name: dict[str, list[Product]], kinds: frozenset[str],
                           msg: Sequence[str], content: Sequence[str]) -> bool:
    """A word of this product's name that no other name has is in the message, and every other
    describing word is this product's (its name or a variant): the product is meant, though the
    rest of its name is left out. Anything unexplained ("payung parasut") and it is not sure."""
    others = {t for other in by_name if other != name for t in words(other)}
    own = [t for t in _distinct(name, kinds) if t not in others and len(t) > 3]
    # (another name's word as written is that name's, no typo of this one's: "stapler" is not "staples")
    hit = [t for t in own if _token_hit(t, msg, others)]
    if not hit:
        return False
    vocab = set(words(name)) | {t for p in by_name[name] for t in words(p.variant or "")}
    # (a colour it never came in is asked about, not naming another product: "cat tree nya ada warna pink?")
    unexplained = [w for w in content if not any(_token_hit(v, [w], others) for v in vocab)
                   and w not in _COLOUR_WORDS | {"muda", "tua"}]
    # (most of its name, and a kind word of other products beside it: "ban dunlop enasave" at a
    # shop that also sells "Ban Dalam ...": "ban" says what it is)
    named = [t for t in words(name) if t not in _STOP and not _is_number(t) and t not in _UNIT_WORDS]
    covered = [t for t in named if _token_hit(t, msg)]
    if not unexplained:
        return True
    # (but not when another product has every word: "tuna asap loin 1 kg" is the "Ikan Asap Tuna" in
    # its "Loin 1 kg", not the "Tuna Loin Beku")
    fully = any(all(any(_token_hit(v, [w]) for v in set(words(other)) | {t for p in ps for t in words(p.variant or "")})
                    for w in content) for other, ps in by_name.items() if other != name)
    return not fully and (len(covered) >= 2 and len(covered) >= 0.66 * len(named)
                          and len(unexplained) == 1 and (unexplained[0] in kinds or unexplained[0] in others))


def _another_products_words(name: str, by_name: Mapping[str, list[Product]], msg: Sequence[str]) -> bool:
    """Two words of the message side by side are another product's ("yg box kayu brp": the
    hampers' "Box Kayu"), not this one's (the "Puzzle Kayu"): the message may mean the other."""
    def pairs(texts: Iterable[str]) -> set[tuple[str, str]]:
        found = set()
        for text in texts:
            toks = words(text)
            found |= set(zip(toks, toks[1:]))
        return found
    own = pairs(f"{p.name} {p.variant or ''}" for p in by_name[name])
    others = pairs(f"{p.name} {p.variant or ''}" for other, ps in by_name.items() if other != name for p in ps)
    return any(pair in others and pair not in own for pair in zip(msg, msg[1:]))


def _distinct(name: str, kinds: frozenset[str]) -> list[str]:
    return [t for t in words(name) if t not in _STOP and t not in kinds]


def _telling(name: str, kinds: frozenset[str], by_name: Mapping[str, object]) -> list[str]:
    """The words a message must have to mean this product: its distinct words. A name made only
    of words the shop uses across kinds ("Softcase Gitar Akustik" beside "Senar ... Akustik" and
    "Strap Gitar") needs its own first word too: "gitar akustik" is a guitar. Words used under
    one kind only ("Kopi Arabika Sidikalang": "arabika sidikalang") are enough."""
    distinct = _distinct(name, kinds)
    if distinct:
        return distinct
    own = [t for t in words(name) if t not in _STOP]
    if len(own) < 2:
        return own
    across = _across_kinds(by_name)
    return own[:1] if all(t in across for t in own[1:]) else []


def _across_kinds(by_name: Mapping[str, object]) -> frozenset[str]:
    """Words that follow several kinds in the names ("Strap Gitar", "Softcase Gitar", "Kabel Jack
    Gitar"): what the shop is about, which tells none of its products apart."""
    heads_of: dict[str, set[str]] = {}
    for name in by_name:
        toks = [t for t in words(name) if t not in _STOP]
        for t in toks[1:]:
            heads_of.setdefault(t, set()).add(toks[0])
    return frozenset(t for t, heads in heads_of.items() if len(heads) > 1)


def find_city(text: str, rates: dict[str, dict[str, int]], aliases: dict[str, str]) -> tuple[str | None, str | None]:
    """(known city key, None) or (None, unknown city word) or (None, None) if no destination named."""
    low = " ".join(words(text))
    toks = low.split()
    # The longest name first, alias or city: "padang panjang" is not "padang"
    named = sorted([(alias.lower(), key) for alias, key in aliases.items()] + [(city, city) for city in rates],
                   key=lambda pair: -len(pair[0]))
    for name, key in named:
        if f" {name} " in f" {low} ":
            return key, None
    # a name written apart: "bagan siapiapi" is Bagansiapiapi
    for first, second in zip(toks, toks[1:]):
        if first + second in rates or first + second in aliases:
            return aliases.get(first + second, first + second), None
    # Typos of known cities ("surabya", "mdan").
    for tok in toks:
        if len(tok) >= 5:
            for city in list(rates) + list(aliases):
                # (a typo is about as long as the name: "pelampung", a float, is no "lampung")
                if len(city) >= 5 and abs(len(tok) - len(city)) <= 1 and fuzz.ratio(tok, city) >= 85:
                    return aliases.get(city, city), None
    # "ke <place>" / "to <place>" names a destination we have no rate for.
    for i, tok in enumerate(toks[:-1]):
        # Sundanese "ka", Javanese "nang"/"menyang" mean "ke" right after a shipping word ("ka" is
        # also "kak" elsewhere: "makasih ka").
        regional = tok in ("ka", "nang", "menyang", "teng", "dateng") and i > 0 and toks[i - 1] in (
            "ongkir", "ongkire", "kirim", "dikirim", "ongkos", "cod")
        if tok in ("ke", "to", "kirim", "tujuan", "daerah", "kota") or regional:
            nxt = toks[i + 2] if toks[i + 1] == "the" and i + 2 < len(toks) else toks[i + 1]  # "to the Netherlands"
            if nxt.isalpha() and len(nxt) >= 3 and nxt not in _NOT_CITY and nxt not in _STOP:
                return None, nxt
    return None, None


# Order numbers as shops and marketplaces write them; a pack may replace these with its own
# (`order_number_patterns`). Tried together: where two overlap, the longer match wins.
DEFAULT_ORDER_PATTERNS: tuple[str, ...] = (
    r"\bINV/\d{8}/[A-Z]{2,5}(?:/[A-Z0-9]+)+",  # Tokopedia: INV/20241124/MPL/123456789
    r"\b(?=[0-9A-Z]*[A-Z])\d{6}[0-9A-Z]{6,10}\b",  # Shopee: 2411245ABCDEF (date, then letters and digits)
    r"\b[A-Z]{2,5}[-/]?\d{3,}[A-Z0-9]*(?:[-/][A-Z0-9]*\d[A-Z0-9]*)*\b",  # shop: INV-0099, SKR-2411-002, ORD12345
    r"\b(?:inv|ord|trx)\s+\d{3,}\b",  # the prefix typed apart: "inv 0099"
    r"#?\b\d{5,}\b",  # digits only: #2411230001
)


def compile_order_patterns(patterns: Sequence[str] | None = None) -> tuple[re.Pattern[str], ...]:
    """Compile order-number regexes (case-insensitive). Raises re.error on a bad one."""
    return tuple(re.compile(p, re.IGNORECASE) for p in (DEFAULT_ORDER_PATTERNS if patterns is None else patterns))


_DEFAULT_COMPILED = compile_order_patterns()


def order_number_spans(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> list[tuple[int, int, str]]:
    """(start, end, number) of every order number in the text, left to right, no overlaps."""
    found: list[tuple[int, int, str]] = []
    for pat in patterns if patterns is not None else _DEFAULT_COMPILED:
        for m in pat.finditer(text):
            grp = 1 if pat.groups >= 1 and m.group(1) else 0
            start, end = m.span(grp)
            if end > start:
                found.append((start, end, m.group(grp)))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, str]] = []
    for start, end, cand in found:
        if out and start < out[-1][1]:
            continue  # inside a longer number found at an earlier position
        cand = cand.lstrip("#")
        digits = re.sub(r"\D", "", cand)
        if cand.isdigit() and cand.startswith(("08", "62")) and len(digits) >= 10:
            continue  # a phone number, not an order
        out.append((start, end, re.sub(r"\s+", "-", cand)))
    return out


def order_numbers(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> list[str]:
    """Candidate order numbers in a message: INV-0099, inv 0099, SKR-2411-002, ORD12345, #123456,
    Tokopedia INV/20241124/MPL/123456789, Shopee 2411245ABCDEF. Only the orders table can say
    which one is real (see ReplyEngine._find_order)."""
    return [n for _, _, n in order_number_spans(text, patterns)]
