"""Text normalisation for informal Indonesian / English shop chat.

Each step can be switched off so the benchmark can measure what it buys
(see bench/intents.py). Steps, in order:

  lower     lower-case and NFKC (fancy fonts, full-width digits)
  emoji     map a few meaningful emoji to words (😡 -> marah), drop the rest
  squeeze   elongations: "halooo" -> "halo", "kakkk" -> "kak", "sampe2" -> "sampe"
  numbers   "150rb"/"150k" -> 150000, "1,5jt" -> 1500000; order numbers -> "nopesanan"
  slang     abbreviation / slang dictionary: "brp" -> "berapa", "ongkos kirim" -> "ongkir"
  affix     strip clitics the classifier does not need: "harganya" -> "harga"
  typo      unknown words snapped to a known word one edit away ("ongkri" -> "ongkir")
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

STEPS = ("lower", "emoji", "squeeze", "numbers", "slang", "affix", "typo")

# Emoji that carry meaning for intent detection; every other emoji is dropped. Most emoji
# are decoration ("ready kak? 🙏👍"), so only anger always counts; the rest count only
# when the message is nothing but emoji ("👍" alone is a thank-you). Measured: mapping
# 👍/😭 inside text cost ~4 points on the noisy bench set.
EMOJI_ALWAYS = {"😡": " marah ", "🤬": " marah kasar ", "😠": " marah ", "😤": " kesal ", "❓": " ? ", "⁉": " ? "}
EMOJI_ALONE = {"👍": " oke ", "👌": " oke ", "🙏": " makasih ", "😭": " sedih ", "😞": " kecewa ", "💔": " kecewa "}
_EMOJI_RE = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\U0001F1E6-\U0001F1FF]"
)

# Slang, abbreviations and spelling variants -> one canonical form. Multi-word keys are
# applied before splitting. Canonical forms are what the classifier and lexicons see.
PHRASES = {
    "ongkos kirim": "ongkir", "ongkos kirimnya": "ongkir", "biaya kirim": "ongkir",
    "biaya pengiriman": "ongkir", "free ongkir": "gratisongkir", "gratis ongkir": "gratisongkir",
    "aji kuda": "berapa harga", "sugeng enjing": "halo", "sugeng siang": "halo", "sugeng sonten": "halo",
    "sugeng dalu": "halo", "free shipping": "gratisongkir", "shipping cost": "ongkir", "shipping fee": "ongkir",
    # Manado "so" is "sudah" (not the English word) before what has happened
    "so sampe": "sudah sampe", "so sampai": "sudah sampai", "so datang": "sudah datang", "so dapa": "sudah dapat",
    "so terima": "sudah terima", "so bayar": "sudah bayar", "so transfer": "sudah transfer", "so kirim": "sudah kirim",
    "so ada": "sudah ada", "so mati": "sudah mati", "so rusak": "sudah rusak", "so dikirim": "sudah dikirim",
    "so tiba": "sudah tiba", "so dibayar": "sudah dibayar",
    # Acehnese thanks
    "teurimong gaseh": "makasih", "teurimong geunaseh": "makasih", "terimong gaseh": "makasih",
    "delivery fee": "ongkir", "kos penghantaran": "ongkir", "caj penghantaran": "ongkir", "postage": "ongkir", "terima kasih": "makasih", "thank you": "thanks", "thank u": "thanks",
    "happy new year": "salam", "selamat tahun baru": "salam", "how much": "howmuch", "in stock": "instock", "out of stock": "habis", "pay later": "paylater",
    "customer service": "cs", "real person": "human", "orang asli": "human", "nomor resi": "resi",
    "no resi": "resi", "no. resi": "resi", "tracking number": "resi", "tracking no": "resi",
    "cash on delivery": "cod", "bayar di tempat": "cod", "di tempat": "ditempat",
    "assalamu alaikum": "assalamualaikum", "good morning": "halo", "good evening": "halo",
    "good afternoon": "halo", "selamat pagi": "halo", "selamat siang": "halo",
    "selamat sore": "halo", "selamat malam": "halo", "met pagi": "halo", "met siang": "halo",
    "met sore": "halo", "met malam": "halo", "ready stock": "ready", "ready stok": "ready",
    "money back": "refund", "talk to": "talkto",
    # Javanese and Sundanese stock phrasing ("isih ono?", "aya keneh?": is it still there?)
    "isih ono": "masih ada", "isih ana": "masih ada", "isih onok": "masih ada", "aya keneh": "masih ada",
    "aya teu": "ada gak", "ono ora": "ada gak", "ana ora": "ada gak", "speak to": "talkto", "sama admin": "admin",
}
SLANG = {
    # question words
    "brp": "berapa", "brapa": "berapa", "berapaan": "berapa", "bp": "berapa", "brpa": "berapa",
    "gmn": "gimana", "gmna": "gimana", "gimna": "gimana", "bgmn": "gimana", "bagaimana": "gimana",
    "knp": "kenapa", "knapa": "kenapa", "napa": "kenapa", "kpn": "kapan", "kapn": "kapan",
    "dmn": "dimana", "dmna": "dimana", "mana": "mana", "apakah": "apa", "ap": "apa",
    # negation / aspect
    "ga": "gak", "gk": "gak", "g": "gak", "ngga": "gak", "nggak": "gak", "enggak": "gak",
    "engga": "gak", "tdk": "gak", "tidak": "gak", "kagak": "gak", "ndak": "gak", "gaada": "gak ada",
    "blm": "belum", "blom": "belum", "belom": "belum", "lom": "belum", "udh": "sudah",
    "udah": "sudah", "su": "sudah", "dah": "sudah", "sdh": "sudah", "sdah": "sudah", "uda": "sudah",
    "bs": "bisa", "bsa": "bisa", "bisakah": "bisa", "sy": "saya", "aq": "aku", "ak": "aku",
    "gue": "aku", "gw": "aku", "gua": "aku", "sya": "saya", "yg": "yang", "dgn": "dengan",
    "dg": "dengan", "utk": "untuk", "buat": "untuk", "tp": "tapi", "tpi": "tapi", "krn": "karena",
    "jg": "juga", "jga": "juga", "lg": "lagi", "lgi": "lagi", "aja": "saja", "aj": "saja",
    "sj": "saja", "mo": "mau", "mw": "mau", "pengen": "mau", "pgn": "mau", "ingin": "mau",
    "tlg": "tolong", "tolongin": "tolong", "mhn": "mohon", "sm": "sama", "ama": "sama",
    "klo": "kalau", "kalo": "kalau", "kalu": "kalau", "klu": "kalau", "kl": "kalau", "trs": "terus", "trus": "terus",
    "bgt": "banget", "bngt": "banget", "bener": "benar", "dr": "dari", "kmrn": "kemarin",
    "kemaren": "kemarin", "skrg": "sekarang", "skrng": "sekarang", "msh": "masih", "masi": "masih",
    "ad": "ada", "adakah": "ada", "adanya": "ada", "d": "di", "ok": "oke", "okay": "oke",
    "okey": "oke", "okee": "oke", "sip": "siap", "sipp": "siap", "oce": "oke", "nanya": "tanya",
    "nyampe": "sampai", "sampe": "sampai", "nyampai": "sampai", "ampe": "sampai",
    # shop vocabulary
    "hrg": "harga", "hrga": "harga", "hrgnya": "harga", "harganya": "harga", "pricelist": "harga",
    "pl": "harga", "price": "harga", "prices": "harga", "cost": "harga", "costs": "harga",
    "stok": "stock", "stoknya": "stock", "stocknya": "stock", "stk": "stock", "redy": "ready",
    "redi": "ready", "rdy": "ready", "avail": "ready", "available": "ready", "tersedia": "ready",
    "ongkirnya": "ongkir", "ongkr": "ongkir", "okir": "ongkir", "ongkos": "ongkir",
    "shipping": "kirim", "ship": "kirim", "delivery": "kirim", "deliver": "kirim",
    "pengiriman": "kirim", "dikirim": "kirim", "ngirim": "kirim", "kirimnya": "kirim",
    "jnt": "jnt", "j&t": "jnt", "jne": "jne", "sicepat": "sicepat", "anteraja": "anteraja",
    "pesenan": "pesanan", "psnan": "pesanan", "psn": "pesanan", "orderan": "pesanan",
    "order": "pesanan", "orderannya": "pesanan", "pesanannya": "pesanan", "paketnya": "paket",
    "pkt": "paket", "package": "paket", "parcel": "paket", "resinya": "resi", "awb": "resi",
    "tracking": "lacak", "track": "lacak", "trace": "lacak", "status": "status",
    "tf": "transfer", "trf": "transfer", "trnsfer": "transfer", "transfernya": "transfer",
    "rek": "rekening", "rekeningnya": "rekening", "norek": "rekening", "byr": "bayar",
    "bayarnya": "bayar", "pembayaran": "bayar", "pay": "bayar", "payment": "bayar",
    "payments": "bayar", "qris": "qris", "gopay": "ewallet", "ovo": "ewallet", "dana": "ewallet",
    "shopeepay": "ewallet", "linkaja": "ewallet", "spaylater": "paylater", "kredivo": "paylater",
    "cicilan": "paylater", "cicil": "paylater", "returnya": "retur", "return": "retur",
    "returns": "retur", "balikin": "retur", "dikembalikan": "retur", "kembalikan": "retur",
    "pengembalian": "retur", "tuker": "tukar", "ditukar": "tukar", "exchange": "tukar",
    "refundnya": "refund", "garansinya": "garansi", "warranty": "garansi", "guarantee": "garansi",
    "klaim": "klaim", "claim": "klaim", "rusak": "rusak", "cacat": "cacat", "broken": "rusak",
    "damaged": "rusak", "defective": "cacat", "sobek": "rusak", "pecah": "rusak",
    "adm": "admin", "admn": "admin", "mimin": "admin", "agent": "admin", "operator": "admin",
    "telp": "telepon", "telpon": "telepon", "tlp": "telepon", "call": "telepon",
    "nelpon": "telepon", "wa": "whatsapp", "whatsap": "whatsapp",
    "thx": "thanks", "thks": "thanks", "tq": "thanks", "ty": "thanks", "tks": "thanks",
    "tengkyu": "thanks", "makasi": "makasih", "mksh": "makasih", "mksih": "makasih",
    "maksih": "makasih", "mkasih": "makasih", "trims": "makasih", "trimakasih": "makasih",
    "terimakasih": "makasih", "hatur": "makasih", "nuhun": "makasih",
    "hallo": "halo", "hello": "halo", "hi": "halo", "hai": "halo", "hei": "halo", "hey": "halo",
    "helo": "halo", "hay": "halo", "p": "ping", "pagi": "halo", "siang": "halo", "sore": "halo",
    "malam": "halo", "malem": "halo", "morning": "halo", "evening": "halo", "assalamualaikum": "salam",
    "asw": "salam", "ass": "salam", "askum": "salam", "permisi": "salam", "punten": "salam",
    "rb": "ribu", "jt": "juta",
    # Javanese / Sundanese / formal Indonesian question words
    "piro": "berapa", "pinten": "berapa", "sabaraha": "berapa", "regane": "harga", "rego": "harga",
    "hargane": "harga", "hargana": "harga", "hargina": "harga", "bikak": "buka", "bukak": "buka", "isih": "masih", "keneh": "masih", "ora": "gak", "mboten": "gak",
    "menanyakan": "tanya", "ketersediaan": "stock",
    # Palembang / Malay, Minang, Banjar and Balinese
    "ado": "ada", "dak": "gak", "idak": "gak", "indak": "gak", "kada": "gak", "pacak": "bisa",
    "stoknyo": "stock", "apo": "apa", "nak": "mau", "batalke": "batal", "bae": "aja", "kagek": "nanti",
    "barapo": "berapa", "barapa": "berapa", "harago": "harga", "hargo": "harga", "pian": "kak", "suksma": "makasih",
    "nggih": "ya", "bli": "kak", "mbok": "kak", "haragonyo": "harga", "bara": "berapa", "gadang": "besar",
    "ketek": "kecil", "nan": "yang", "uni": "kak",
    # Javanese krama and Surabaya
    "wonten": "ada", "sampun": "sudah", "dereng": "belum", "durung": "belum", "wis": "sudah", "kula": "saya", "kulo": "saya", "reginipun": "harga", "regine": "harga",
    "ingkang": "yang", "dhateng": "ke", "dipunkirim": "dikirim", "ongkiripun": "ongkir", "menawi": "kalau",
    "nuwun": "makasih", "enjing": "pagi", "sonten": "sore", "dalu": "malam", "wae": "aja", "onok": "ada", "pira": "berapa", "gede": "besar", "cilik": "kecil",
    # Manado
    "ambe": "ambil", "jo": "aja", "makase": "makasih",
    # Pontianak Malay, Banjar, Minang, Javanese ngoko
    "kamek": "saya", "nanyak": "tanya", "ade": "ada", "aok": "ya", "jak": "aja", "kabarkan": "kabari",
    "pida": "berapa", "sadia": "berapa", "argana": "harga", "argani": "harga", "sakalangkong": "makasih",
    "engghi": "ya", "tasih": "masih", "ongkire": "ongkir", "sire": "kamu", "kite": "saya", "arep": "mau", "ngana": "kamu", "kiapa": "kenapa", "kawa": "bisa", "nang": "yang", "haja": "saja", "gasan": "untuk",
    "isuk": "besok", "hny": "salam", "samo": "sama", "berapo": "berapa", "berape": "berapa", "harge": "harga", "harganye": "harga", "harganyo": "harga", "kabarek": "kabari",
    "kabari": "kabari", "nye": "nya",
    "ulun": "saya", "amun": "kalau", "inggih": "ya", "lai": "ada", "sakotak": "sekotak", "tarimo": "terima",
    "lamak": "enak", "bana": "banget", "nek": "kalau", "ono": "ada",
    # Ambon
    "beta": "saya", "seng": "gak", "tra": "gak", "trada": "gak", "katong": "kami", "handak": "mau", "sonde": "gak",
    # honorifics all mean "you" to the classifier; the voice layer mirrors the real one.
    "kak": "kak", "ka": "kak", "kk": "kak", "kaka": "kak", "kakak": "kak", "sis": "kak",
    "sist": "kak", "gan": "kak", "min": "kak", "bang": "kak", "mas": "kak", "mba": "kak",
    "mbak": "kak", "bund": "kak", "bun": "kak", "say": "kak", "bos": "kak", "boss": "kak",
    "pak": "kak", "bu": "kak", "bapak": "kak", "ibu": "kak",
    # insults: spelling games people use to dodge filters
    "anjg": "anjing", "anjir": "anjing", "njing": "anjing", "ajg": "anjing", "anj": "anjing",
    "bgst": "bangsat", "bngst": "bangsat", "goblog": "goblok", "gblk": "goblok", "tolol": "goblok",
    "tlol": "goblok", "bego": "goblok", "bloon": "goblok", "idiot": "goblok", "stupid": "goblok",
    "bodo": "bodoh", "kontol": "kasar", "kntl": "kasar", "memek": "kasar", "tai": "kasar",
    "taik": "kasar", "fuck": "kasar", "fck": "kasar", "shit": "kasar", "bitch": "kasar",
    "penipu": "penipu", "nipu": "penipu", "tipu": "penipu", "scam": "penipu", "scammer": "penipu",
    "scammers": "penipu", "fraud": "penipu", "kampret": "kasar", "bajingan": "bangsat",
}
# Everyday words that are not typos of the chat vocabulary, though one edit from a word of it:
# "hujan" is not "human" (a request for a person), "natal" not "batal", "anting" not "anjing",
# "bocor" not "bogor", "bubuk" not "buruk". Kept as they are; never a typo target themselves.
EVERYDAY = frozenset("""
acara angin angkat angsa anting badan bantal barat batang batas batin batuk bawang beras bilang bocor bubuk
budak bulat busuk cadang catat darat dahan elang fajar format ganda gagang golok handuk hanya hendak hujan
hutan indah intan kamar kampung kapal kasur kawan kotak kursi lambung lengan lipat maling masak motor pakan
panah pandang pantai parang pasang pasar patah pulang resin ruang sabtu sarang sawah sumber sumur tabung
tahan tangan tanggal teras tulang tunggal wajan senar benang raket natal tarik kuala kapas karpet ketel
merak meriah sling toner tuner matic quran statue habits group spill plush honey chart chair pants shirt
cover beans truck sample phone varian color jacket cocoa butik tulip bokor cobek kendi kelom jubah lolos
bolong larang pisan tiang tegal tasik batam bangka kupang siantar badung jember kalbar bromo makasar kargo
sandat canang cakra carat udeng pluma beans kamen alana bulian kukar tukad tahuna konro kodong bagan macam gading
""".split())
_AFFIXES = ("nya", "nye", "nyo", "kah", "lah", "in")
_PHRASE_RE = re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True))
                        + r")(?![a-z0-9])")
_ORDER_NO_RE = re.compile(r"\b(?:inv|ord|order|trx|no)[-/#: ]?\d{3,}\w*\b|#\d{4,}\b|\b\d{10,}\b", re.I)
_MONEY_RE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(rb|ribu|k|jt|juta)\b", re.I)
_TOKEN_RE = re.compile(r"[a-z0-9&]+|\?")
_REDUP_RE = re.compile(r"\b([a-z]{2,})2\b")  # "sampe2" -> "sampe", "hati2" -> "hati"
_RUN_RE = re.compile(r"([a-z])\1{2,}")


def parse_amount(text: str) -> int | None:
    """'150rb' -> 150000, '1,5jt' -> 1500000, '18k' -> 18000; None if no amount."""
    m = _MONEY_RE.search(text)
    if not m:
        return None
    value = float(m.group(1).replace(",", "."))
    unit = m.group(2).lower()
    return int(round(value * (1_000_000 if unit in ("jt", "juta") else 1000)))


# Words of abuse, in their canonical forms. A typo is never corrected into one: "tabik" (Lampung's
# respectful greeting) is one letter from "taik", and a customer read as abusive gets no answer.
INSULTS = ("goblok", "bodoh", "anjing", "bangsat", "kasar", "penipu", "babi", "brengsek", "sialan", "monyet",
           "asu", "jancok", "tolol", "idiot", "bajingan", "kampret")


@dataclass
class Normalizer:
    """Turns raw text into a list of canonical tokens. `vocabulary` feeds the typo step."""

    steps: frozenset[str] = frozenset(STEPS)
    vocabulary: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        known = set(self.vocabulary) | set(SLANG.values()) | set(SLANG)
        self._known = frozenset(known | EVERYDAY)
        # Only reasonably long words are typo candidates: short ones collide too easily.
        self._typo_targets = sorted(w for w in known if len(w) >= 4 and w.isalpha()  # 5+ letter typos only
                                    and SLANG.get(w, w) not in INSULTS)
        self._snap = lru_cache(maxsize=50_000)(self._snap_uncached)
        self._squeeze_word = lru_cache(maxsize=50_000)(self._squeeze_uncached)

    @property
    def known(self) -> frozenset[str]:
        """Words kept as they are (the vocabulary, slang and its canonical forms)."""
        return self._known

    def with_vocabulary(self, words: Iterable[str]) -> "Normalizer":
        return Normalizer(self.steps, frozenset(words))

    def tokens(self, text: str) -> list[str]:
        s = self.steps
        if "lower" in s:
            text = unicodedata.normalize("NFKC", text).lower()
        if "emoji" in s:
            table = EMOJI_ALONE if not any(c.isalnum() for c in text) else {}
            for emo, word in (*EMOJI_ALWAYS.items(), *table.items()):
                if emo in text:
                    text = text.replace(emo, word)
            text = _EMOJI_RE.sub(" ", text)
        if "numbers" in s:
            text = _ORDER_NO_RE.sub(" nopesanan ", text)
            text = _MONEY_RE.sub(" nominal ", text)
        if "squeeze" in s:
            text = _REDUP_RE.sub(r"\1", text)
        if "slang" in s:
            # whole words only: "shimano resin" holds no "no resi"
            text = _PHRASE_RE.sub(lambda m: PHRASES[m.group(0)], text)
        out: list[str] = []
        for tok in _TOKEN_RE.findall(text):
            if "numbers" in s and tok.isdigit():
                tok = "angka"
            if "squeeze" in s:
                tok = self._squeeze_word(tok)
            if "slang" in s:
                tok = SLANG.get(tok, tok)
            if "affix" in s and tok not in self._known:
                tok = self._strip_affix(tok)
            if "typo" in s and tok not in self._known:
                tok = self._snap(tok)
            if " " in tok:
                out.extend(tok.split())
            else:
                out.append(tok)
        return out

    def text(self, text: str) -> str:
        return " ".join(self.tokens(text))

    # -- steps -------------------------------------------------------------
    def _squeeze_uncached(self, tok: str) -> str:
        if not _RUN_RE.search(tok) and not (len(tok) > 3 and tok[-1] == tok[-2]):
            return tok
        # "goood" -> prefer "good" (known) over "god"; "halooo" -> "halo".
        two = _RUN_RE.sub(r"\1\1", tok)
        if two in self._known:
            return two
        one = _RUN_RE.sub(r"\1", tok)
        if one in self._known:
            return one
        if len(one) > 3 and one[-1] == one[-2] and one[:-1] in self._known:  # "kakk" -> "kak"
            return one[:-1]
        return one

    def _strip_affix(self, tok: str) -> str:
        slang = SLANG if "slang" in self.steps else {}
        for suffix in _AFFIXES:
            if tok.endswith(suffix) and len(tok) - len(suffix) >= 3:
                stem = tok[: -len(suffix)]
                if stem in self._known:
                    return slang.get(stem, stem)
        return tok

    def _snap_uncached(self, tok: str) -> str:
        if len(tok) < 5 or not tok.isalpha() or not self._typo_targets:
            return tok
        hit = process.extractOne(
            tok, self._typo_targets, scorer=Levenshtein.distance, score_cutoff=1
        )
        if hit is None:
            return tok
        word = hit[0]
        return SLANG.get(word, word) if "slang" in self.steps else word
