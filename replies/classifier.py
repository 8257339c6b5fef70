"""Intent classifier: multinomial naive Bayes over normalised words, word bigrams and
character n-grams, plus weighted lexicon cue features, trained at load time from
replies/data/train.tsv (a few thousand rows train in well under a second).

Confidence is the posterior after a temperature that flattens naive Bayes' usual
over-confidence; the engine compares it with a threshold tuned for auto-reply precision.
"""
from __future__ import annotations

import csv
import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .normalize import INSULTS, Normalizer

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
TRAIN_FILE = DATA_DIR / "train.tsv"

# Lexicon cues in *normalised* form (see normalize.py): a cue is one token or a
# space-separated token sequence that must appear contiguously. Each hit adds a
# feature the model weighs like several ordinary tokens.
LEXICON: dict[str, tuple[str, ...]] = {
    "greeting": ("halo", "salam", "ping", "waalaikumsalam"),
    "price": ("harga", "berapa", "howmuch", "diskon", "promo", "grosir", "nominal"),
    "stock": ("ready", "stock", "instock", "habis", "restock", "kosong", "sisa", "masih ada"),
    "shipping_cost": ("ongkir", "gratisongkir", "kirim ke", "jne", "jnt", "sicepat", "anteraja", "ekspedisi", "kurir"),
    "order_status": ("resi", "lacak", "nopesanan", "sudah kirim", "belum sampai", "belum datang", "paket", "pesanan",
                     "belum kirim"),
    "payment": ("transfer", "rekening", "bayar", "cod", "ewallet", "qris", "paylater", "bukti"),
    "return_refund": ("retur", "refund", "tukar", "uang kembali"),
    "warranty": ("garansi", "klaim", "servis"),
    "complaint": ("kecewa", "rusak", "cacat", "salah kirim", "marah", "kesal", "parah", "komplain", "tanggung jawab",
                  "gimana sih", "lama banget", "zonk", "nyesel", "kurang", "hilang", "gak sesuai", "mengecewakan"),
    "human": ("admin", "cs", "human", "telepon", "talkto", "orang", "bot", "manusia", "hubungi", "kontak"),
    "thanks": ("makasih", "thanks", "siap", "oke"),
    "abuse": INSULTS,
    "spam": ("judi", "slot", "pinjol", "follower", "followers", "giveaway", "bio", "link", "gaji", "promosi",
             "endorse", "cek profil", "follow", "investasi", "dm aku"),
    # Questions we don't answer automatically; cues keep them from borrowing a neighbour's intent.
    "other": ("cancel", "batalin", "ganti alamat", "dropship", "reseller", "bahan", "original", "sablon",
              "custom", "offline", "lokasi"),
}
LEXICON_WEIGHT = 3  # a cue counts like this many ordinary tokens


def load_tsv(path: str | Path) -> list[tuple[str, str]]:
    """Rows of (intent, text) from a TSV with header `intent\\ttext`."""
    rows: list[tuple[str, str]] = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != ["intent", "text"]:
            raise ValueError(f"{path}: expected header 'intent<TAB>text', got {header!r}")
        for n, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 2:
                raise ValueError(f"{path}:{n}: expected 2 columns, got {len(row)}")
            rows.append((row[0].strip(), row[1].strip()))
    return rows


# Bounded caches: a worker answers the same few thousand phrasings again and again, and a
# flood of unique texts must not grow it by hundreds of MB (a text's scores are ~2 KB).
TEXT_CACHE_SIZE = 10_000
TOKEN_CACHE_SIZE = 50_000


@lru_cache(maxsize=1)
def builtin_training_data() -> tuple[tuple[str, str], ...]:
    return tuple(load_tsv(TRAIN_FILE)) if TRAIN_FILE.exists() else ()


@dataclass(frozen=True)
class FeatureConfig:
    words: bool = True
    bigrams: bool = True
    chars: bool = True
    lexicon: bool = True


class IntentClassifier:
    def __init__(
        self,
        examples: Sequence[tuple[str, str]],
        *,
        normalizer: Normalizer | None = None,
        lexicon: dict[str, tuple[str, ...]] | None = None,
        features: FeatureConfig = FeatureConfig(),
        alpha: float = 0.3,
        temperature: float = 4.0,
    ) -> None:
        self.features = features
        self.lexicon = {k: tuple(v) for k, v in (LEXICON if lexicon is None else lexicon).items()}
        self.temperature = temperature
        labels = sorted({label for label, _ in examples} | set(self.lexicon))
        self.labels = tuple(labels)
        base = normalizer or Normalizer()
        # Tokens without the typo step define the vocabulary the typo step snaps to; they
        # are also the training tokens (typo snapping never changes a known word).
        plain = Normalizer(base.steps - {"typo"})
        tokenized = [(label, plain.tokens(text)) for label, text in examples]
        vocab = {tok for _, toks in tokenized for tok in toks}
        vocab |= {w for cues in self.lexicon.values() for cue in cues for w in cue.split()}
        self.normalizer = base.with_vocabulary(vocab)
        self._single_cues: dict[str, list[str]] = defaultdict(list)
        self._multi_cues: list[tuple[tuple[str, ...], str]] = []
        for label, cues in self.lexicon.items():
            for cue in cues:
                parts = tuple(cue.split())
                if len(parts) == 1:
                    self._single_cues[parts[0]].append(label)
                else:
                    self._multi_cues.append((parts, label))
        self._train(tokenized, alpha)
        self._cache: dict[str, tuple[tuple[str, float], ...]] = {}
        self._token_cache: dict[str, tuple[tuple[float, ...], int]] = {}

    # -- features ---------------------------------------------------------------
    def token_features(self, tok: str) -> list[str]:
        """Features that depend on one token only (cached per token at prediction time)."""
        f = self.features
        feats: list[str] = [tok] if f.words else []
        if f.chars and len(tok) >= 4:
            w = f"<{tok}>"
            feats.extend(["#" + w[i : i + 4] for i in range(len(w) - 3)])
        if f.lexicon:
            for label in self._single_cues.get(tok, ()):
                feats.extend(["@" + label] * LEXICON_WEIGHT)
        return feats

    def context_features(self, tokens: list[str]) -> list[str]:
        """Features spanning tokens: word bigrams and multi-word lexicon cues."""
        feats: list[str] = []
        if self.features.bigrams and len(tokens) > 1:
            feats.extend([a + "_" + b for a, b in zip(tokens, tokens[1:])])
        if self.features.lexicon and self._multi_cues:
            joined = " " + " ".join(tokens) + " "
            for parts, label in self._multi_cues:
                if " " + " ".join(parts) + " " in joined:
                    feats.extend(["@" + label] * LEXICON_WEIGHT)
        return feats

    def featurize(self, tokens: list[str]) -> list[str]:
        feats = [x for tok in tokens for x in self.token_features(tok)]
        feats.extend(self.context_features(tokens))
        return feats or ["<empty>"]

    # -- training ---------------------------------------------------------------
    def _train(self, examples: Sequence[tuple[str, list[str]]], alpha: float) -> None:
        counts: dict[str, Counter[str]] = {label: Counter() for label in self.labels}
        for label, tokens in examples:
            counts[label].update(self.featurize(tokens))
        # Lexicon cues also teach the model directly, so a cue works even for intents
        # with few examples (e.g. a brand's custom intent).
        for label, cues in self.lexicon.items():
            for cue in cues:
                counts[label].update(self.featurize(cue.split()))
            counts[label]["@" + label] += 10 * LEXICON_WEIGHT
        vocab = set().union(*counts.values())
        nv = len(vocab)
        # Uniform prior: the training mix is not the traffic mix, and we don't know it.
        self._weights: dict[str, tuple[float, ...]] = {}
        log_denoms = [math.log(sum(counts[l].values()) + alpha * nv) for l in self.labels]
        per_label = [(counts[l], log_denoms[i]) for i, l in enumerate(self.labels)]
        ln = math.log
        for feat in vocab:
            self._weights[feat] = tuple([ln(c.get(feat, 0) + alpha) - d for c, d in per_label])
        log.debug("trained intent classifier: %d rows, %d features", len(examples), nv)

    # -- prediction ---------------------------------------------------------------
    def scores(self, text: str) -> tuple[tuple[str, float], ...]:
        """(intent, probability) for every intent, best first."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        tokens = self.normalizer.tokens(text)
        get = self._weights.get
        rows: list[tuple[float, ...]] = []
        used = 0
        for tok in tokens:
            part = self._token_cache.get(tok)
            if part is None:
                if len(self._token_cache) > TOKEN_CACHE_SIZE:  # bound memory on adversarial input
                    self._token_cache.clear()
                part = self._token_cache[tok] = self._sum_known(self.token_features(tok))
            if part[1]:
                rows.append(part[0])
                used += part[1]
        for feat in self.context_features(tokens) if tokens else ["<empty>"]:
            w = get(feat)
            if w is not None:
                rows.append(w)
                used += 1
        # Column sums in C (zip/sum) rather than a Python loop per class.
        total = [sum(col) for col in zip(*rows)] if rows else []
        if used == 0:
            result = tuple((l, 1.0 if l == "other" else 0.0) for l in self.labels)
            result = tuple(sorted(result, key=lambda x: -x[1]))
        else:
            # Dividing by the temperature and by sqrt(features) keeps long messages
            # from becoming absurdly confident (NB double-counts correlated n-grams).
            scale = 1.0 / (self.temperature * math.sqrt(used) ** 0.5)
            top = max(total)
            exps = [math.exp((t - top) * scale) for t in total]
            z = sum(exps)
            result = tuple(sorted(((l, e / z) for l, e in zip(self.labels, exps)), key=lambda x: -x[1]))
        if len(self._cache) >= TEXT_CACHE_SIZE:
            try:  # the oldest entry out (dicts keep insertion order); another thread may beat us to it
                self._cache.pop(next(iter(self._cache)), None)
            except (StopIteration, RuntimeError):
                pass
        self._cache[text] = result
        return result

    def _sum_known(self, feats: list[str]) -> tuple[tuple[float, ...], int]:
        rows = [w for w in map(self._weights.get, feats) if w is not None]
        return (tuple(sum(col) for col in zip(*rows)) if rows else ()), len(rows)

    def clear_cache(self) -> None:
        self._cache.clear()
        self._token_cache.clear()

    def predict(self, text: str) -> tuple[str, float]:
        label, p = self.scores(text)[0]
        return label, p


class KeywordBaseline:
    """What shops configure in auto-responders today: literal keywords, first match wins."""

    RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("greeting", ("halo", "hai", "pagi", "siang", "malam")),
        ("price", ("harga", "berapa", "brp")),
        ("stock", ("ready", "stok", "stock")),
        ("shipping_cost", ("ongkir", "ongkos kirim")),
        ("order_status", ("resi", "pesanan", "paket")),
        ("payment", ("transfer", "bayar", "cod", "rekening")),
        ("return_refund", ("retur", "refund", "tukar")),
        ("warranty", ("garansi",)),
        ("complaint", ("rusak", "kecewa", "komplain")),
        ("human", ("admin", "cs")),
        ("thanks", ("makasih", "terima kasih", "thanks")),
        ("abuse", ("goblok", "anjing", "bangsat", "bodoh")),
        ("spam", ("follow", "judi", "pinjol")),
    )

    def predict(self, text: str) -> tuple[str, float]:
        low = text.lower()
        words = set(low.replace("?", " ").replace(",", " ").replace(".", " ").replace("!", " ").split())
        for intent, keywords in self.RULES:
            for kw in keywords:
                if (" " in kw and kw in low) or kw in words:
                    return intent, 1.0
        return "other", 1.0
