"""Reading a customer's answer to "rate us 1-5": a number, stars, a word or an emoji. Pure."""
from __future__ import annotations

import re

MAX_RATING_TEXT = 80  # longer is a message, not a rating
# A lone 1-5 ("5", "4/5", "1, lama banget"), not part of a number ("1.000", "2,5", "15").
NUMBER = re.compile(r"(?<![\d.,])([1-5])(?:\s*/\s*5)?(?!\d|[.,]\d)")
STARS = re.compile(r"[⭐★]")
WORDS = {
    5: ("mantap", "mantul", "puas", "sangat puas", "keren", "top", "the best", "sempurna", "excellent", "great",
        "perfect", "bagus banget", "memuaskan", "luar biasa", "amazing"),
    4: ("bagus", "baik", "oke", "ok", "okay", "good", "cepat", "nice", "sip"),
    3: ("lumayan", "biasa", "biasa aja", "cukup", "average", "so so"),
    2: ("kurang", "lambat", "lama", "slow", "not good"),
    1: ("jelek", "buruk", "kecewa", "parah", "bad", "terrible", "awful", "mengecewakan"),
}
QUESTION_HINTS = re.compile(
    r"\b(brp|berapa|gimana|bagaimana|kapan|kenapa|apa|ada|ready|ongkir|harga|resi|stok|stock|bisa|mau|tolong|"
    r"how|what|when|where|why|can|price|order|pesan|pesanan|paket|kirim)\b")
EMOJI = {"👍": 5, "🙏": 5, "😊": 5, "😍": 5, "❤": 5, "🥰": 5, "👌": 4, "🙂": 4, "😐": 3, "😕": 2, "👎": 1, "😡": 1,
         "😠": 1, "😞": 2}


def read_rating(text: str) -> tuple[int, str] | None:
    """(score 1-5, the customer's words) when `text` answers a rating request; None for anything
    else (a new question must be answered as one)."""
    clean = (text or "").strip()
    if not clean or len(clean) > MAX_RATING_TEXT or "?" in clean:
        return None
    lowered = clean.lower()
    numbers = NUMBER.findall(lowered)
    if len(set(numbers)) > 1:
        return None  # "2 atau 3"? a person reads it rather than a guess
    if numbers:
        rest = NUMBER.sub(" ", lowered).split()
        # "5", "5 mantap kak": a rating; "5 hari belum sampai": a message that holds a number
        if len(rest) <= 2 or _word_score(lowered) is not None:
            return int(numbers[0]), clean
        return None
    stars = len(STARS.findall(clean))
    if 1 <= stars <= 5:
        return stars, clean
    if QUESTION_HINTS.search(lowered):
        return None  # "ok kak, ongkir ke medan brp": a question with a polite word, not a rating
    score = _word_score(lowered)
    if score is not None:
        return score, clean
    for emoji, score in EMOJI.items():
        if emoji in clean:
            return score, clean
    return None


def _word_score(lowered: str) -> int | None:
    for score in (1, 2, 5, 3, 4):  # complaints first: "kurang bagus" is a 2, not a 4
        for word in WORDS[score]:
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered):
                return score
    return None
