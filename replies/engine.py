"""The decision: classify each point of a (debounced) message, apply the escalation
policy, and write one combined answer in the brand's voice."""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

from .catalog import (
    CatalogueLookup,
    ProductMatch,
    find_city,
    has_the_numbers,
    is_product_code,
    look_up_products,
    match_products,
    mentions_variant,
    order_number_spans,
    words,
)
from .classifier import LEXICON, IntentClassifier, builtin_training_data
from .model import ESCALATE_INTENTS, INTENTS, REFINED_INTENTS, Action, Decision, Turn
from .normalize import Normalizer
from .shopdata import Order, Product, ShopData
from .voice import DEFAULT_PACK, BrandPack, join_list, load_brand_pack, rupiah

log = logging.getLogger(__name__)

# Below this confidence a message goes to an agent. Tuned on a split of train.tsv for
# auto-reply precision (see bench/intents.py --tune); wrong answers cost more than handovers.
DEFAULT_THRESHOLD = 0.6
SEGMENT_THRESHOLD_BONUS = 0.0

_SPLIT_RE = re.compile(r"[\n?!;]+|(?<!\d)\.+|\.+(?!\d)|,\s+|\s+(?:dan|serta|beserta|deng|terus|trus|trs|sama|sm|juga|and|also|plus)\s+", re.I)
# Words that only carry on the question before them ("... statusnya? blm ada kabar", "BRI? atau apa aja").
_MORE_OF_THE_SAME = frozenset("""atau apa aja saja lagi lain lainnya yg yang blm belum ada kabar kabarnya juga jg
dong ya sih kak bang gimana gmn or what else anything kalo kalau klo ga gak nggak bisa pake pakai""".split())
_FILLER = frozenset({"kak", "ya", "dong", "min", "sis", "gan", "kk", "ka", "yah", "deh", "nih", "sih", "loh",
                     "ok", "oke", "hehe", "wkwk", "please", "pls", "tolong", "mohon", "info", "infonya",
                     "tanya", "nanya", "mau", "boleh", "kakak", "gmn", "gimana", "bagaimana", "thanks"})
# Function words that only English uses (loanwords Indonesians use every day, like "ready",
# "size", "order", "item", "shop", "thanks", don't count).
_EN_WORDS = frozenset("""the is are was were do does did you your i my me what where when why how can could
would will please this that it to for of in with have has any want talk much yet there be an am not no get got
which send sent so very lot a been had they we our us if or but from by just already""".split())
_ID_WORDS = frozenset("""kak ya ga gak nggak ada berapa brp bisa mau dong min sis gan kok aja yg yang saya aku
udah udh sudah belum blm ini itu apa kapan gimana gmn dan di ke dari sama kalau kalo tolong makasih masih
barang pesanan harga ongkir kirim nya deh sih banget bgt tidak minta cek mohon buat untuk kita kk sdh sy td tadi
kemarin kemaren bayar masuk juga jg lagi pake pakai mas mbak bang kan dah nih gitu trus terus""".split())
# Words an English message may consist of entirely ("thanks a lot", "ok great").
_EN_VOCAB = _EN_WORDS | frozenset("""hi hello thanks thank ok okay good great morning evening afternoon noted cheers
appreciate help price stock shipping cost payment methods warranty period refund exchange ready size order item
available status tracking delivered shipped arrived received delivery forest""".split())
_FORMAL = frozenset({"bapak", "ibu", "apakah", "mohon", "bagaimana", "terima", "kasih", "selamat"})
_ANSWERED = frozenset({"greeting", "price", "stock", "shipping_cost", "order_status", "payment",
                       "return_refund", "warranty", "thanks"})
# Optional answered intents: answered when the pack has their texts, else handed over.
_OPTIONAL_ANSWERED = frozenset({"business_hours", "bargain", "size_chart"})
# What a conversation remembers between turns (Turn.memory / Decision.memory).
MEMORY_KEYS = ("language", "city", "product", "variant", "products", "topic", "order_number", "greeted_on",
               "greeted_daypart", "restock_offer", "answer")
# A short yes to "mau dikabari kalau restock?": every word one of these, and one of them a yes.
_YES_WORDS = frozenset("ya iya iyaa iyah iy y yes yess yup yep boleh mau ok oke okay okey okee sip siap gas please pls "
                       "plis sure bisa iye muhun nggih kabari kabarin yo iyo jadi aok inggih gpp kabarkan".split())
_YES_FILLER = frozenset("kak ka kk kakak kaka min gan sis dong deh aja ya yaa banget bgt tolong kabari kabarin dikabari "
                        "awak mbok masuk datang dateng restock tersedia stok baka ana kang kamek ye aok udh sdh lg lgi be lah beta ee "
                        "kaba kabaan an alah ni "
                        "dikabarin nanti me notify thanks makasih thx ditunggu yah bun bunda teh mas mbak bang cik "
                        "say mom nah mi ji ki yaudah udah kalo kalau klo ready lagi ada la lah ado sudah bli jak ade "
                        "dah amun ulun uni e jo wes wis lek yen let me know when it s back in stock is".split())
_NOTIFY_WORDS = frozenset("kabari kabarin dikabari dikabarin kabarkan kabarken kabarno kabaran kabarek infoin infokan notify "
                          "tell".split())
_NO_WORDS = frozenset("ga gak nggak ngga enggak engga gk tidak tdk gausah gaush no nope skip sonde nda ndak ndag moh tra mboten "
                      "trada".split())
_NO_FILLER = _YES_FILLER | frozenset("usah perlu dulu thank you not now later tak pikir pikir2 mikir".split())
_SEVERE = ("abuse", "complaint", "refund_status", "human")

# Cue phrases for the refined intents, matched on the normalised text (see normalize.py:
# "udh tf" -> "sudah transfer", "brp" -> "berapa") and, where spelling matters, the raw text.
_R = lambda p: re.compile(p, re.I)  # noqa: E731
_SHIPPING_ASKED = re.compile(r"\b(ongkir|ongkos|kirim\w*|dikirim|pengiriman|ship\w*|delivery|deliver|kurir|ekspedisi"
                             r"|gratisongkir|sampai|nyampe|paket|cod)\b", re.I)  # (couriers: _courier_named)
_OFFER = re.compile(r"^\W*(\d+(?:[.,]\d+)?\s*(jt|juta|rb|ribu|k|rebu)\b|\d{2,3}(?:\.\d{3})+)\s*"
                    r"(aja|saja|deh|ya|yah|kak|gimana|gmn|boleh|bisa|ga|gak|bli|gan|min|ok)?(\s+\w+)?\W*$", re.I)
_PLACEHOLDERS = frozenset({"angka", "nominal", "nopesanan"})  # what the normaliser makes of numbers
_PURPOSE_ONLY = re.compile(r"^(buat|untuk|utk|for|dipake|dipakai|takut|khawatir|kuatir|sieun|wedi)\b"
                           r"(?!.*\b(brp|berapa|harga\w*|ada|ready|how much|price"
                           r"|bisa|boleh|gimana|apa|can)\b)", re.I)
_SELL_ASKED = re.compile(r"\b(do you (sell|have|carry)|jual|jualan|sedia|nyedia)\b", re.I)
_INSTANT_COURIER = re.compile(r"\b(grab\w*|gojek|gosend|go-send|maxim|lalamove|deliveree|ojol|ojek online|kurir instan"
                              r"|instant courier|same ?day)\b", re.I)
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("refund_status", _R(r"\b(refund|dana|uang|duit|ewallet|pengembalian)\b.*\b(belum|gak|kok)\b.*"
                         r"\b(masuk|balik|kembali|cair|diterima|sampai|retur)\b"
                         r"|\b(refund|pengembalian dana)\w*\b[^?\n]*\bkapan\b[^?\n]*\b(masuk|cair|balik|kembali|diproses)\b")),
    ("order_change", _R(r"\b(pesanan|order|orderan)\b[^?\n]*\b(tambah|nambah|tambahin|tambahkan)\b[^?]*\b(bisa|boleh|bs|ya)\b"
                        # "mau tambah 2 sak di pesanan SBR-0420", "bisa digabung?"
                        r"|\b(tambah|nambah|tambahin|tambahkan)\b[^?\n]*\b(di|ke)\s+(pesanan|order|orderan)\b|\bdigabung(in|kan)?\b"
                        r"|\b(pesanan|orderan|order)\b[^?\n]*\b(ganti|ubah|tukar)\s+(ukuran|size|warna|alamat)\b"
                        r"|\b[a-z]{2,5}-\d{3,}[^?\n]*\b(ganti|ubah|tukar)\w*\b[^?\n]*\b(jadi|ke|menjadi)\b"
                        r"|\b(cancel|cancell?ed|batal|batalin|batalkan|batalke|batalkeun|batalno|batalne|dibatalno|membatalkan|dibatalkan|dibatalin"
                        r"|dicancel|(ra|ora|gak|ga)\s+sido)\b"
                        r"(?!.*\bsepihak\b)"
                        r"|\b(tolong|mohon|minta)\s+(di)?(ganti|ubah|rubah|tukar)\w*\s+(ke|jadi|menjadi)\b|\blupa\s+(pilih|milih|nulis)\b"
                        r"|\b(ganti|ubah|rubah|salah tulis|salah|edit)\s+(alamat|pesanan|ukuran pesanan|kurir|ekspedisi)\b"
                        # "bisa dibuatin ulang pesanannya?" (after it was cancelled): a person re-makes it
                        r"|\b(di)?(buat|bikin|order|pesan|pesen)(in|kan|kin)?\s+(ulang|lagi)\s+(pesanan|orderan|order)\w*\b"
                        r"|\balamat\w*\s+(salah|ganti|diganti|diubah)\b|\bchange\s+(my\s+|the\s+)?(delivery\s+|shipping\s+)?(order|address)\b"
                        # "alamat pengiriman pesanan RH-2411-0155 mau aku ganti", "alamat saya salah"
                        r"|\balamat\w*\b[^?.!\n]{0,50}\b(salah|ganti|diganti|diubah|ubah|pindah)\b(?![^?\n]*\bgimana\b)"
                        # "ANM-1201 tolong kirim ke alamat baru e / sa su pindah", "DAI-0423 ... kawa kah ditambah
                        # jadi 120 box?", "pesanan TRA-2611-028 bisa tambah garam ikan 1 ga?"
                        r"|\b(kirim|antar|dikirim|diantar)\w*\s+ke\s+alamat\s+(baru|lain|yg baru|yang baru)\b"
                        r"|\b(pesanan|orderan|order|[a-z]{2,5}-\d{3,})\b[^?]*\b(ditambah|tambah|nambah|dikurangi|dikurang)\w*\s+(jadi|menjadi)\s+\d"
                        r"|\b(pesanan|orderan|order)\b[^?\n]*\b(bisa|boleh|bs|kawa|iso|tiasa)\s+(di)?(tambah|nambah|tambahin)\b")),
    ("return_request", _R(r"\b(mau|pengen|pingin|ingin|minta|tolong|mo)\s+(di)?(tukar|tuker|retur|return|refund|balikin|kembalikan"
                          r"|klaim|claim)\b"
                          r"|\b(refund|retur|tukar)\s+(aja|saja)\b|\bi (want|would like) (a |to )?(refund|return|exchange)\b"
                          r"|\bi'?d like (a |to )?(refund|return|exchange)\b")),
    # An order written out in the chat (items and an address): agents write it up.
    ("new_order", _R(r"\balamat\w*\s*:?\s*(di\s+)?(jl|jln|jalan|gg|gang|perum\w*|komplek|kp|desa|dusun)\b"
                     # an order written out: "Pesan kak:\n2 botol ...\nKirim ke: Ibu Nurhayati, Jl. ..."
                     r"|(^|\n)\W*(pesan|pesen|order)\w*\s*(kak|ka|min|sis|gan|bang|mas|mbak)?\s*:\s*(\n|$)"
                     r"|\b(kirim|antar|dikirim)\s+(ke|ka|kepada)\s*:\s*\w+"
                     # "mau order ... 2 pcs, kirim ke cimahi, cod ya" (not asking what it costs)
                     # (nor whether it is in stock: "mau order ... 10 pack, ready kan?")
                     r"|^(?!(?:.|\n)*\b(brp|berapa|ongkir|ongkos|how much|ready|redy|stok|stock|tersedia)\b)"
                     r"(?:.|\n)*\b(mau|mo|pengen|aku|saya|sy)\s+"
                     r"(order|pesan|pesen)\b(?:(?:.|\n)*\b(kirim|antar)\w*\s+(ke|ka)\s+\w+"
                     r"|[^?\n]*\b\d+\s*(pcs|bal|gulung|set|buah|biji|pack|lusin|kodi|box|dus|botol|pasang|roll)\b)"
                     r"|\b(jl|jln|jalan)\.?\s+\w+[^\n]*\bno\.?\s*\d+"
                     # "kirim ke jl. ...", "pesan 1 yo, antar ka tabing", "... a.n. Dewi" (not a transfer's account)
                     r"|\b(kirim|antar|anter)\w*\s+(ke|ka)\s+(jl|jln|jalan|gg|gang)\b"
                     r"|^(?!(?:.|\n)*\b(brp|berapa|ongkir|ongkos|how much|ready|stok|stock|rekening|rek|transfer|tf"
                     r"|dikirim|belum|blm|durung|cek|status|resi|sampai|sampe)\b)"
                     r"(?:.|\n)*\b((pesan|pesen|order|ambil)\s+\d+\b(?:.|\n)*\b(kirim|antar|anter)\w*\s+(ke|ka)\s+\w+"
                     r"|(kirim|antar|anter|ambil|pesan|pesen|order)\w*\b(?:.|\n)*(\ba\.\s?n\b\.?|\batas nama\b)\s*\w+)")),
    ("wholesale", _R(r"\b(grosir|grosiran|reseller|dropship\w*|partai|wholesale|bulk)\b|\bharga (agen|distributor|khusus)\b"
                     r"|\b(beli|ambil|order|pesan)\s+banyak\b|\bdiskon\b[^?\n]*\b(pembelian|beli|ambil|order)\s+\d{2,}\b"
                     # "mau ambil tas spunbond 2000 pcs": a quantity for a person to price
                     r"|\b(beli|ambil|order|pesan|pesen)\b[^?\n]{0,40}?\b\d{3,}\s*(pcs|biji|buah|pasang|lusin|kodi|lembar|meter)\b")),
    ("product_detail", _R(r"\bkapan\b.*\b(restock|re-stock|ready lagi|ada lagi|stok lagi|masuk lagi)\b"
                          # a photo or video of the very item, its age ("umurnya berapa tahun?"), one to
                          # order in ahead ("bisa indent dji goggles 3?"): a person knows and arranges
                          r"|\b(minta|kirim|kirimin|liat|lihat)\s+(\w+\s+)?(foto|video|vidio|gambar)\w*\s+(asli|real|aslinya|langsung|nya)\b"
                          r"|\bfoto\s+(asli|real|aslinya)\b|\b(real|actual) (photo|picture|video)s?\b"
                          r"|\b(minta|kirim|kirimin|kirimkan)\s+(\w+\s+)?(video|vidio)\w*\b|\b(send|share)\s+(me\s+)?(a\s+)?(video|photo|picture)s?\b"
                          r"|\bumur\w*\s+(berapa|brp|berapo|barapa)\s+(tahun|thn|taun)\b|\bhow old\b"
                          r"|\b(bisa|boleh|bs)\s+(indent|inden|indén)\b|\b(indent|inden)\s+(bisa|boleh|ga|gak|kah)\b"
                          # a trade-in: "stroller bekas bisa tukar tambah?", "trade in helm lama"
                          r"|\btukar\s+tambah\b|\btrade[\s-]?in\b"
                          # whether it is safe (a pregnancy, a baby, a pet): never the bot's to say
                          r"|\baman\s+(ga|gak|nggak|gk|tidak|kah|ya|buat|untuk|bagi|dikonsumsi|diminum|dipakai|dipake|pake|pakai)\b"
                          r"|\b(boleh|bisa|udah boleh|sudah boleh)\s+(makan|dimakan|dikasih|minum|diminum)\b"
                          r"|\bis it safe\b|\bsafe for\b"
                          # how many it seats or holds: "muat untuk berapo orang?"
                          r"|\bmuat\s+(untuk\s+|buat\s+)?(berapa|brp|berapo)\b|\b(untuk|buat)\s+(berapa|brp|berapo)\s+orang\b"
                          r"|\bkapasitas\w*\b"
                          # comparing two, the production year, whether it fits another product
                          r"|\bdibanding\w*\b|\bbagus\s+(mana|yang mana|yg mana)\b|\bproduksi\s+tahun\b|\btahun\s+produksi\b"
                          r"|\bkode\s+dot\b|\b(bisa|muat|cocok)\s+(dipasang|dipake|dipakai)\s+(di|ke)\s+(?!toko|sini|rumah)\w+"
                          r"|\bwhen\b.*\b(restock|back in stock)\b|\b(berat|beratnya|weight)\b.*\b(berapa|gram|kg|how)\b"
                          r"|\b(bahan\w*|material)\b.*\b(apa|berapa|what)\b|\b(asli|ori|original|authentic)\s+(gak|ga|nggak|tidak|kah|bukan|or)\b"
                          r"|\bsertifikat\w*\b|\b(bpom|halal)\b.*\b(gak|ga|belum|sudah|udah|ada)\b"
                          # comparing two products, how long it lasts, another format: a person knows
                          r"|\b(beda|bedanya|bedanyo|bedane|perbedaan\w*)\b[^?\n]{0,40}\b(apa|apo|naon|opo|what)\b"
                          r"|\blebih (awet|bagus|tahan|kuat|enak|wangi|baik|tebal|tebel)\b[^?\n]{0,20}\b(yg|yang) (mana|mano)\b"
                          r"|\b(wangi\w*|aroma\w*|baterai\w*|batre\w*)\s+tahan (berapa|brp) (jam|lama|hari)\b"
                          r"|\b(versi )?(ebook|e-book|pdf)\b")),
    ("payment_confirmation", _R(r"^(?![^?\n]*\b(kok|kenapa|knp)\b[^?\n]*\bbelum\b)"
                                r"(?![^\n]*\b(udah|sudah)\s+(di)?bayar\w*\s+(kan|belum|blm|apa belum)\b)(?:.|\n)*?(?:"
                                r"(?<!kalau )(?<!setelah )\b(sudah|barusan|baru)\s+(saya\s+|aku\s+)?(transfer|bayar|lunas)"
                                r"|\b(tos|atos|udah|udh|sudah|wis|uwis|wes|so)\s+(ku\s*|di)?(transfer|tf|ditransfer|bayar|dibayar)\b"
                                r"|\bbukti\s+(pelunasan|transfer|tf|bayar|pembayaran|pelunasannya|transfernya)\b"
                                r"|\b(sudah|telah|udah)\s+(saya\s+)?melakukan\s+(pembayaran|transfer)\b"
                                r"|\b(transfer|bayar)\w*\s+sudah\b|\bbukti\s+(transfer|bayar)|\bini\s+buktinya\b"
                                # "sy transfer td sore", "udah tak transfer" (Javanese "tak": I)
                                r"|\b(saya|sy|aku|gue|gw)\s+(transfer|tf)\s+(tadi|td|barusan|kemarin|kemaren|semalam)\b"
                                r"|\b(udah|udh|sudah|wis|wes|uwis)\s+tak\s+(transfer|tf|bayar)"
                                r"|\b(sudah|udah|udh|su|so)\s+(ka|ku|kita|beta|sa)\s+(transfer|tf|bayar)|\bbukti\s+(tf|transfer|bayar)\w*"
                                r"|\b(sa|saya|sy|aku|beta|kita)\s+(su|sudah|udah|udh|so)\s+(transfer|tf|bayar)"
                                r"|\bi('ve| have)? (just )?(paid|transferred)\b|\bpayment (done|sent|made)\b|\b(just|already) (paid|transferred)\b"
                                r"|\bbayar\b.*\b(masuk|diverifikasi|dikonfirmasi)\b"
                                # "sudah mi saya transfer nah, 56 ribu", "udah ya kak, transfer ke BCA 215rb",
                                # Minang "alah ambo transfer": done, said as news, not asked
                                r"|(?<!kalau )(?<!kalo )(?<!klo )(?<!setelah )(?<!abis )\b(sudah|udah|udh|alah|wis|wes|barusan)\b"
                                r"(?![^?\n]*\b(kemana|ke mana|dimana|gimana|gmn|belum|blm|bisa|boleh)\b)[^?\n]{0,20}"
                                r"\b(transfer|tf|trf)\w*\b(?![^\n]*\?)"
                                r"|\b(sudah|udah|udh)\s+(ya\s*)?,?\s*\d+([.,]\d+)?\s*(rb|ribu|k|jt)\s+(ke|ka)\s+(bca|bri|bni|mandiri|bsi|btn|dana|ovo|gopay|shopeepay)\b)")),
    ("business_hours", _R(r"\bjam (operasional|buka|kerja|online)\b|\b(buka|tutup|open|online)\b.*\bjam\b"
                          r"|\b(hari ini|today|besok|sekarang|skrg)\b[^?\n]{0,20}\b(buka|open)\b(?!\s+puasa)"
                          # a holiday's hours: "natal buka ka?", "pas lebaran tutup ga?"
                          r"|\b(natal|christmas|lebaran|idul fitri|imlek|nyepi|tahun baru|tanggal merah|hari raya|libur\w*)\b"
                          r"[^?\n]{0,20}\b(buka|tutup|open|closed)\b"
                          r"|\b(toko|tokonya|store|shop)\s+(buka|tutup|open)\b"
                          r"|\b(masih|hari ini|besok|sekarang|udah|sudah|udh) (buka|tutup|online)\b|\b(buka|tutup|online) (gak|nggak|ga|tidak)\b"
                          r"|\bwhat time do you (open|close)\b|\bwhen do you (open|close)\b|\b(closing|opening) time\b"
                          r"|\b(hari ini|today|besok|tomorrow|sabtu|minggu)\b[^?\n]{0,15}\blibur\b"
                          r"|^\W*(and|dan|kalau|kalo|klo)\s+(on\s+)?(hari\s+)?(sunday|saturday|minggu|sabtu)\W*$"
                          r"|\b(admin\w*|cs) (online|aktif) (jam|sampai|kapan)\b"
                          r"|\bjam berapa\b.*\b(buka|tutup)\b|\bbuka\b.*\b(sampai|hari|minggu|sabtu|libur|besok)\b"
                          r"|\b(minggu|sabtu|senin|selasa|rabu|kamis|jumat|libur\w*|lebaran|besok)\s+(buka|tutup|libur)\b"
                          r"|\bopening hours\b|\bare you open\b|\bopen (on|today|tomorrow|until)\b")),
    ("bargain", _R(r"\bnego\w*\b|\b(bisa|boleh|iso|isa|bs)\s+(kurang|dikurangi|kurangin|ditawar|tawar)\b|\bkurangin\b"
                   r"|\bkurang\s+(ra|ora|gak|ga|nggak|ndak|teu)\b|^\W*kurang\s+(ya|yah|dong|lah|la)\b"
                   r"|\b\d+([.,]\d+)?\s*(rb|ribu|k|jt|juta)\s+(boleh|bisa|bs)\b"
                   r"|\bkurang\w*\s+(lah\s+|la\s+)?(dikit|sedikit|sadiki|sikit|titik|saketek)\b|\bkurang(i|in)?\s+(lah|la|dong)\b"
                   # "150 aja nggih mbok, ambil 2": a price of their own
                   r"|^\W*\d{2,3}([.,]\d)?\s*(rb|ribu|k|jt|juta)?\s+(aja|saja|ae|wae|bae)\b"
                   r"|\b\d+([.,]\d+)?\s*(rb|ribu|k|jt|juta)\s+(pas|nett|net)\s+(ya|yah|dong|deh|aja|ajalah|lah|gimana|gmn)\b"
                   r"|^\W*\d+([.,]\d+)?\s*(boleh|bisa)\s+(lah|la|ga|gak|dong|ya|kah|kak|bang|gan)\b|\bmahal\s+(amat|banget|bgt|nian|bener|pisan)\b"
                   r"|\b(samain|samakan|disamain|disamakan|nyamain)\s+(harga|harganya)\b|\bprice match\b"
                   r"|^\W*\d+([.,]\d+)?\s*(rb|ribu|k|jt|juta)\s+(nett|net|pas)\b"
                   r"|\b(di|in)\s+(shopee|tokopedia|tokped|lazada|tiktok|bukalapak|toko sebelah|sebelah)\b[^?\n]*\d+\s*(rb|ribu|k|jt|juta)\b"
                   r"|\bharga pas\b|\bgak bisa kurang\b|\bdiskon(in)? dong\b|\bany discount\b|\bget (a |any )?discount\b"
                   # "kalau ambil 2 kain dapat diskon?", "diskon ga kak kalau beli 2?"
                   r"|\b(dapat|dapet|dpt|ada|dikasih|kasih|bisa|bs)\s+(diskon|potongan|disc)\b|^\W*(diskon|potongan)\s+(ga|gak|nggak|ngga|gk|kah|dong)\b"
                   # "kemahalan, 280 ya gan", "boleh 250rb?"
                   r"|\bkemahalan\b|\bmahal\w*\b[^?\n]*\b\d{2,3}\s*(rb|ribu|k)?\s+(aja|ya|boleh|dong|gimana)\b"
                   r"|\b(boleh|bisa)\s+\d{2,3}\s*(rb|ribu|k)\b|\b\d{2,3}\s*(rb|ribu|k)?\s+boleh\s+(ga|gak|nggak|tidak|kah)\b|\b\d{2,3}\s*(rb|ribu|k)\s+boleh\b|\b(gak|ga|nggak|tidak|gk)\s+bisa\s+\d{2,3}\s*(rb|ribu|k)?\s*(aja|saja)\b")),
    ("order_status", _R(r"^\W*(tolong\s+|mohon\s+|mau\s+)?(cek|check|lacak|track)\s+(pesanan|order|orderan|paket|resi)\b")),
    # The tracking number asked ("do you have the tracking number?", "resinya mana?"): the order's status.
    ("order_status", _R(r"\b(tracking (number|no|code)|no\.? ?resi|nomor resi|resi(nya|ny|ne|nyo|e)?|awb)\b")),
    # "Hi, do you sell Ernie Ball strings?": whether the shop has it, however it opens.
    ("stock", _R(r"\bdo you (sell|carry|stock)\b|\bdo you have (it|this|that|one|them) in\b")),
    # A person asked for in English, or a group order to arrange.
    ("human", _R(r"\b(talk|speak|chat) (to|with) (someone|somebody|a person|a human|an agent|a real person|your team)\b")),
    ("wholesale", _R(r"\b(group|bulk|corporate) order\b")),
    # How many days a parcel takes: the couriers' estimate, not in the shop's data.
    # An instant courier the rate table does not price (dropped in refine when the pack has it)
    ("tax_invoice", _R(r"\b(faktur\s*pajak|e-?faktur|invoice resmi|tax invoice|kwitansi resmi|npwp)\b")),
    ("delivery_time", _INSTANT_COURIER),
    ("delivery_time", _R(r"\b(berapa|brp)\s+(hari|lama)\b[^?\n]*\b(nyampe|sampai|sampe|tiba|dikirim|pengiriman)\b"
                         r"|\b(nyampe|sampai|sampe|tiba)\w*\s+(berapa|brp)\s+(hari|lama)\b|\bestimasi\w*\s+(sampai|nyampe|pengiriman|tiba)\b"
                         r"|\bhow (long|many days)\b[^?\n]*\b(deliver|delivery|arrive|shipping|take)\b"
                         # "dari manado ke bitung biasa brapa hari?"; to the door or collected at the agent
                         r"|\bke\s+\w+[^?\n]*\b(berapa|brp|brapa)\s+hari\b|\b(di)?ant[ae]r\w*\s+(sampai|sampe|ke)\s+rumah\b"
                         r"|\bambil\s+di\s+agen\b"
                         # when it arrives, with the day it is needed: "kira2 nyampe kapan? mau dipake sabtu"
                         r"|\b(kapan|nyampe|sampe|sampai)\b(?:.|\n)*\b(mau|buat|untuk)\s+(dipake|dipakai|acara)\b"
                         r"|\bwhen will (it|they|my order|the order) (arrive|come|get here|be delivered) (in|to|at)\s+\w+")),
    # Where the shop ships from and with which couriers: the general shipping answer.
    ("shipping_cost", _R(r"\bkirim\w*\s+dari\s+(mana|kota apa)\b|\bwhere do you ship from\b|\bship(ped)? from where\b"
                         r"|\b(pakai|pake|via|lewat)\s+(kurir|ekspedisi|jasa kirim)\s+apa\b|\b(kurir|ekspedisi)\w*\s+apa\s+(aja|saja)\b")),
    ("size_chart", _R(r"\bsize ?chart\b|\b(panduan|tabel|detail) (ukuran|size)\b|\blingkar (dada|pinggang)\w*\b"
                      # a measurement said on its own beside "size apa?": "lingkar kepala aku 58 cm"
                      r"|^\W*(lingkar\s+\w+|tinggi\w*|berat\w*|tb|bb|panjang kaki)\s+(\w+\s+){0,2}\d{2,3}\s*(cm|kg|senti)?\W*$"
                      r"|\bpanjang (baju|badan|celana)\b|\b(cocok|muat|pakai|pake) (size|ukuran) (apa|berapa)\b"
                      r"|\b(tinggi|berat|tb|bb)\b.*\b(size|ukuran) (apa|berapa)\b|\bwhat size\b"
                      # "ukurannya berapa cm?", "lingkar kepala aku 57 cm muat?": the measurements
                      # (not "ukuran M brp?", "ukuran 20 berapa harganya": the price of a size)
                      r"|\bukuran\w*\s+(?!(?:xs|s|m|l|xl|xxl|xxxl|angka|\d+\w*)\b)(?:(?!harga|hrg|price)\w+\s+){0,3}"
                      r"(berapa|brp)\b(?!\s*(harga|hrg|rp))|\b(berapa|brp)\s+(cm|senti|centi)\b|\bdimensi\w*\b"
                      r"|\blingkar kepala\b|\b(what are the|its) dimensions\b|\bhow big\b")),
    # "ada bsi ga?", "bisa gopay?", "terima paypal?": a way to pay asked about, not a product
    ("payment", _R(r"\b(ada|bisa|bs|terima|nerima|menerima|pake|pakai|via|lewat|accept|take)\b[^?\n]{0,12}"
                   r"\b(bca|bni|bri|bsi|mandiri|cimb|permata|btn|jago|seabank|dana|ovo|gopay|shopeepay|linkaja|qris"
                   r"|paypal|kartu kredit|credit card|paylater|kredivo|akulaku)\b(?![^?\n]*\b(sudah|udah|udh|tf|transfer)\b)"
                   r"|^\W*(bca|bni|bri|bsi|mandiri|dana|ovo|gopay|shopeepay|qris)\s+(ada|bisa|bs)\b")),
)
# Cues of what only a person can do: they win over a shop's own intents' keywords.
_PERSON_CUES = frozenset({"order_change", "payment_confirmation", "refund_status", "return_request", "new_order"})
# Strong complaint words: any of them makes the point a complaint, whatever else it asks.
_COMPLAINT_CUE = _R(r"\bhalaman\w*\s+(kosong|hilang|sobek|copot|lepas|terbalik|rusak|dobel)\b"
                    r"|\b(kesal|kesel|marah|kecewa|mengecewakan|nyesel|menyesal|komplain|complain|zonk|parah"
                    r"|disappointed|unacceptable)\b|\b(kok|kenapa|knp)\b.*\b(gak|belum|blm)\b.*\b(datang|dateng|sampai|sampe|nyampe)"
                    # a faulty item or a parcel that went wrong
                    r"|\b(bolong|sobek|robek|noda|bernoda|cacat|rusak|pecah|penyok|luntur|jebol|salah kirim|beda warna"
                    r"|retak|gompal|sumbing|patah|lecet|baret)\b"
                    # a device that stopped working: "1 kamera mati", "smart lock ... error", "baru sebulan udah drop"
                    r"|\b(kamera|cctv|lampu|layar|baterai|batre|charger|laptop|hp|kunci|lock|mesin)\w*\s+(\w+\s+)?mati\b"
                    r"|\b(error|eror|ngedrop)\b|\bbaru\s+\w+\s+(udah|sudah|udh|dah)\s+(drop|rusak|mati|error|soak)\b"
                    r"|\b(gak|ga|tidak|nggak|gk)\s+(bisa|mau)\s+(dibuka|nyala|menyala|hidup|dicas|ngecas|connect|konek)\b"
                    # warning others off, or an order still not sent though paid long ago
                    r"|\bjangan\s+(beli|belanja|order)\s+(di\s*sini|di toko ini|disini)\b"
                    r"|\bbelum\s+dikirim\s+juga\b[^?\n]*\bpadahal\b"
                    # live goods that arrived dead: "jangkriknya banyak yg mati", "hampir separo mati"
                    r"|\b(banyak|pada|hampir|semua|separo|separuh|sebagian|yg|yang)\s+(\w+\s+){0,2}mati\b"
                    r"|\b(gak|ga|belum|blm|tidak|nda|ndak|ra|ora|durung|dereng|teu|acan)\s+(nerima|menerima|terima|nerimo|nrimo|nompo|nampa|nampi|narima)\b"
                    r"|\b(belum|blm|gak|ga|tidak)\s+(dapat|dapet)\s+(paket|barang)\w*\b|\bsalah\s+(tulis|cetak|print|ketik|sablon|bordir)\b"
                    r"|\bgagal\s+(kirim|dikirim|antar|diantar)\b|\bfailed delivery\b"
                    # a tracking number the courier's site does not know
                    r"|\b(ga|gak|tidak|nggak)\s+(kebaca|terbaca)\b|\bdata tidak ditemukan\b|\bresi\w*\s+(ga|gak|tidak)\s+valid\b"
                    r"|\b(yg|yang)\s+(dikirim|datang|dateng|sampai)\s+salah\b|\bdikirim\w*\s+salah\b"
                    r"|\bsalah\s+(barang|produk|ukuran|warna|tipe|kirim)\b"
                    r"|\bresi\w*\b.*\b(belum|blm|gak|ga|tidak|nda|ndak)\s+(ada\s+)?(update|gerak|bergerak|pergerakan|berubah|jalan)\b"
                    # a parcel stuck, sent back or not what was ordered
                    r"|\bkok\b[^?]*\bmasih\b|\b(dikembalikan|dikembaliin|balik|retur)\s+ke\s+pengirim\b|\breturned to sender\b"
                    r"|\bkok\b[^?]*\b(yg|yang)\s+(dikirim|datang|dateng|sampai)\b"
                    r"|\b(belum|gak|ga|tidak|nggak|nda)\s+(bisa|iso|bisa)\s+(dilacak|dicek|di-?track)\b"
                    r"|\b(bocor|tumpah|basah|hancur|meleleh|kadaluarsa|expired|kurang\s+(satu|\d+)\s*(pcs|biji|barang|item)?)\b"
                    r"|\b(datang|dateng|sampai|nyampe|sampe)\w*\s+(cuma|hanya|cm)\s+(\d+|satu|dua|tiga)\b"
                    # "kok cuma 4 di paket, harusnya isi 5"; "tp beneran blm ada paketnya, gmn ini"
                    r"|\b(kok|tapi|tp)\s+(cuma|cm|hanya)\s+(\d+|satu|dua|tiga|empat|lima)\b|\bharusnya\s+(isi|ada|dapat|dapet)\s+\d+"
                    # "deker e cuma siji / harusnya sepasang"; "sa pesan BR7HS yang datang B7HS";
                    # "udah dateng tp warnanya merah"
                    r"|\b(cuma|cm|hanya)\s+(siji|sebiji|sebelah)\b|\bharusnya\s+(sepasang|satu set|lengkap)\b"
                    r"|\b(pesan|pesen|order)\b[^?\n]*\b(yang|yg)\s+(datang|dateng|dikirim|sampai|sampe)\b"
                    r"|\b(datang|dateng|sampai|sampe|nyampe)\b[^?\n]*\b(tapi|tp)\s+(warna|ukuran|size|model)\w*\b"
                    r"|\b(beneran|bener|tapi|tp)\s+(belum|blm)\s+(ada|dateng|datang|sampai|sampe|nyampe|nerima|terima)\b"
                    r"|\b(sudah|udah|udh|so|su|wes|wis)\s+(\d+|dua|tiga|seminggu|sebulan)\s*(hari|minggu|bulan)?\b[^?]*\b(mana|belum|blum|blm|gak|ga|nda|tra)\b"
                    r"|\bmana\b[^\n]*\n[^\n]*\b(sudah|udah|udh)\s+(\d+|dua|tiga)\s+(minggu|bulan)\b"
                    r"|\b(damaged|broken|torn|wrong (item|colou?r|size|product)|never (arrived|received|got it)|did ?n[o']?t (receive|get) (it|my))\b"
                    r"|\bi ordered\b[^.?!]*\bbut (got|received)\b"
                    # "yg dateng helm putih padahal aku pesen hitam doff"; "motor 3 gak muter padahal udah arming"
                    r"|\b(yg|yang)\s+(dateng|datang|sampai|sampe|dikirim|nyampe)\b[^?\n]*\bpadahal\b"
                    r"|\bpadahal\s+(aku|saya|sy|gw|gue|beta|sa)\s+(pesen|pesan|order|beli)\b"
                    r"|\b(gak|ga|tidak|nggak|gk|ndak|nda)\s+(muter|berputar)\b"
                    r"|\b(yg|yang)\s+(dikirim|datang|dateng|sampai|sampe)\s+(malah|kok|justru)\b"
                    r"|\bmati\s+(loro|siji|telu|papat|\d+|dua|satu|tiga|semua|kabeh)\b"
                    r"|\b(dah|sudah|udah|udh)\s+(seminggu|sebulan|\d+\s*hari|\d+\s*minggu)\s+(tak|belum|blm|gak|ga|ndak|nda)\s+"
                    r"(sampai|sampe|nyampe|datang|dateng|tiba)\b"
                    # delivered to someone else; broken after a few uses
                    r"|\bditerima (siapa|sama siapa|oleh siapa)\b|\bsiapa (yang|yg) (nerima|terima|menerima)\b"
                    r"|\bbaru\s+\d+\s*(x|kali)\s+(pake|pakai|dipake|dipakai)\b"
                    r"|\bbaru\s+(\d+|satu|dua|tiga|seminggu|sebulan)\s*(hari|minggu|bulan)?\s+(dipake|dipakai|pake|pakai|su|udah|sudah)?\s*"
                    r"(mati|rusak|error|eror|dak idup|gak idup|ga idup|nda idup|gak nyala|ga nyala|nda nyala)\b"
                    r"|\b(dak|gak|ga|nda|ndak|tidak)\s+(idup|hidup|nyala|menyala)\b[^?\n]*\n?[^?\n]*\bbaru\b"
                    r"|\b(makes? a (loud )?(noise|buzzing|buzz)|stopped working|not working|doesn'?t work|dead on arrival)\b"
                    # "rodanya goyang, bunyi kretek2 / baru 2 minggu dipake loh"
                    r"|\b(goyang|oleng|bunyi|berisik|macet|seret|lepas|copot)\b[^?]{0,60}\bbaru\s+(\d+|satu|dua|tiga|seminggu|sebulan)\s*(hari|minggu|bulan)?\s+(dipake|dipakai|pake|pakai)\b"
                    r"|\b(does ?n[o']?t|won'?t|will not|not|never|can'?t) (turn(ing)? on|switch(ing)? on|charg(e|ing)|light(ing)? up)\b"
                    # "pesanan DHK-2611-003 blm sampe2 udh seminggu": late, and counting
                    r"|\b(belum|blm|blom|gak|ga|nggak|ndak|nda)\s+(sampai|sampe|datang|dateng|nyampe|tiba)\w*\b[^?\n]{0,30}"
                    r"\b(sudah|udah|udh|dah|sdh)\s+(\d+|seminggu|sebulan|dua|tiga|empat|lima|berhari|lama)"
                    r"|\b(belum|blm|blom|gak|ga|nggak|ndak|nda)\s+(sampai|sampe|datang|dateng|nyampe|tiba)\w*\s*\n\s*"
                    r"(sudah|udah|udh|dah|sdh)\s+(\d+|seminggu|sebulan|dua|tiga)\s+(hari|minggu)"
                    r"|\b(ga|gak|gk|tidak|nggak)\s+masuk\s+akal\b"
                    r"|\bresi\w*\b[^?\n]*\b(tidak|gak|ga|nggak)\s+(ditemukan|ketemu|terdaftar|terlacak)\b")
# Unasked offers, prizes and links: no answer, not a person's time.
_SPAM_CUE = _R(r"https?://|\bwww\.|\bwa\.me/|\bt\.me/|\bbit\.ly\b|\.(xyz|info|top|click|link|site|online|live|vip|icu|buzz)\b"
               r"|\b(jasa|joki)\s+(joki|tugas|skripsi|makalah)\b|\blink in (my )?bio\b|\bcheck out my (page|profile|account)\b"
               # another seller's ad: "cek IG @jamkw.murah", "follow @..."
               r"|\b(cek|check|kunjungi|visit|follow|mampir)\s+(ke\s+)?(ig|instagram|tiktok|akun)?\s*@[\w.]{3,}"
               r"|\b(isi|lengkapi|verifikasi)\s+data\b.*\b(link|klik|di)\b"
               r"|\b(hadiah|undian|pemenang|memenangkan|menang)\b.*\b(klaim|klik|hubungi|link)\b|\bterpilih\b.*\b(hadiah|pemenang)\b"
               r"|\b(followers?|subscribers?|likes)\b.*\b(murah|cuma|hanya|order|jual)\b|\bjasa (promosi|followers)\b"
               r"|\b(crypto|forex|binary option)\b|\bguaranteed\b[^.\n]*\breturns?\b"
               r"|\b(contact|hubungi|chat) (me|saya|kami) (on|di|via|lewat) (telegram|wa|whatsapp)\b"
               # a service's ad with its phone number: "Jasa sedot WC ... murah! WA 0813-..."; web marketing
               r"|\b(seo|backlinks?)\b.*\b(services?|jasa|website|google)\b|\brank your (website|site)\b|\bfree audit\b"
               r"|(?=.*\b(jasa|murah|promo|24 jam|terpercaya)\b).*\b(wa|hub|hubungi|telp|cp)\b\.?\s*:?\s*(\+?62|0)8\d")
# Regional greetings: Sundanese, Batak, Javanese and Balinese openings.
_REGIONAL_GREETING = _R(r"^\W*(sampurasun|punten|horas|rahayu|om swast[iy]astu|kulo nuwun|sugeng (enjing|siang|sonten|dalu)"
                        r"|tabe'?|s[yh]alom)(?![a-z])")
# "paketnya udah diterima" reports, it doesn't ask.
_RECEIVED = _R(r"\b(sudah|udah|udh|wis|wes)\s+((saya|aku|kami|ku)\s+)?(di)?(terima|diterima|sampai|sampe|datang|dateng|nyampe)\b"
              r"|\b(received|arrived)\b"
              # "oh iya udah ada di pos satpam ternyata", Manado "so ada di rumah": found after all
              r"|\b(sudah|udah|udh|so|su|wis|wes)\s+ada\s+di\s+(rumah|pos|satpam|depan|kantor|tetangga|lobby|lobi|resepsionis)\b")
# "ada garansi luntur gak?": what the warranty covers, the fault named only as what it covers
_COVER_ASKED = _R(r"\b(garansi|jaminan|warranty)\s+(\w+\s+)?")
# "kalau kopinya rusak pas sampai, bisa retur?": a question about the policy, not a complaint.
_HYPOTHETICAL = _R(r"\b(kalau|kalo|klo|kalu|jika|jikalau|apabila|seandainya|misal\w*|if|takut|khawatir|kuatir|worried|afraid"
                   r"|sieun|wedi|lamun)\b"
                   r"(?:(?!\b(?:bisa|bs|boleh|apakah|gimana|gmn|bagaimana|apa|can|could|will)\b)[^.,?!\n]){0,40}"
                   # when it expires is asked, not a complaint that it has: "expired nya kapan?", "kapan exp nya"
                   r"|\b(expired|exp|kadaluarsa|kedaluwarsa|kadaluwarsa)\w*\s+(\w+\s+)?(kapan|tanggal|tgl|sampai|sampe)\b"
                   r"|\b(kapan|tanggal|tgl)\s+(\w+\s+)?(expired|exp|kadaluarsa|kedaluwarsa|kadaluwarsa)\w*")
# A question somewhere in a segment: what a point must have to be counted when it is unclear.
_QUESTION = _R(r"\b(apa\w*|berapa|brp|gimana|bagaimana|kapan|kenapa|mana|bisa|bs|boleh|ada|ready|minta|tolong"
               r"|cek|how|what|when|where|why|can|could|do|does|is|are|sabaraha|naon|kumaha|piro|opo|endi)\b")
_ASKING = _R(r"\?|\b(belum|kapan|mana|dimana|gimana|kenapa|kok|gak|apa|berapa|when|where|kah)\b|\b\w+kah\b")
# The amount an order comes to, asked: "totalnya brp", "harus transfer brp", "how much do I pay".
_TOTAL_ASKED = _R(r"\btotal\w*\b|\btotale\b|\btagihan\w*\b|\b(harus|perlu)\s+(di)?(bayar|transfer|tf|ditransfer)\b"
                  r"|\b(bayar|transfer|tf)\w*\s+(berapa|brp)\b|\bhow much (do i|should i|to|must i) (pay|transfer)\b"
                  r"|\bamount (due|to pay)\b")
_ORDER_WORD = _R(r"\b(pesanan|pesenan|orderan|order|invoice)\w*\b")
# Praise for what arrived ("bagus banget", "rapi"), not after a negation.
_PRAISE = _R(r"(?<!kurang )(?<!gak )(?<!ga )(?<!tidak )(?<!nggak )(?<!not )"
             r"\b(bagus|rapi|rapih|mantap|mantul|keren|cantik|puas|wangi|enak|lembut|halus|recommended|love it|great|rancak|apik"
             r"|nice|awesome)\b")
_REPLACED = _R(r"\b(diganti|digantiin|klaim|garansi)\b")
_PRODUCT_POINT = frozenset({"price", "stock"})
_SIZE_ASKED = _R(r"^\W*(size|ukuran|uk|no|nomor|nomer)\s*(nya\s+)?(apa|berapa|brp|yg mana|yang mana)\b")
# Questions a burst may ask again of another product or city, and the words that say so.
_ASKED_AGAIN = frozenset({"price", "stock", "shipping_cost"})
# Coming to the shop in person ("mau ke toko langsung", "datang langsung"), and asking for a person.
_VISIT = _R(r"\b(ke|datang|dateng|mampir|main)\s+(ke\s+)?(toko|tokonya|offline store|store)\b|\b(datang|dateng|mampir)\s+langsung\b")
_PERSON_ASKED = _R(r"\b(admin|cs|orang|manusia|human|person|agent|owner|pemilik)\w*\b")
# What another seller's ad says ("jual akun ... murah, cek bio, DM aja").
_AD_WORDS = _R(r"\b(murah|cek|bio|dm|follow|ig|promo|order sekarang|hubungi)\b|@|!!")
_FITS_OTHER = _R(r"\b(bisa|muat|cocok)\s+(dipasang|dipake|dipakai)\s+(di|ke)\s+(?!toko|sini|rumah)\w+")
# A size or amount alone, split from its product by a comma: "3 kg", "ukuran L", "yg 500gr".
_VARIANT_FRAGMENT = re.compile(r"(?:(?:yg|yang|warna|rasa)\s+[a-z]+\W*$)|(?:(?:yg|yang|ukuran|uk|size|the)\s+)?(?:\d+(?:[.,/]\d+)?(?:x\d+(?:[.,]\d+)?)*\s*[a-z]{0,6}|xs|s|m|l|xl|xxl|xxxl"
                               r"|small|medium|large|big|kecil|sedang|besar|jumbo|mini)(?:\s+(?:size|ukuran)(?:nya)?)?\W*",
                               re.I)
_TO_PLACE = _R(r"^\W*(kalau |kalo |klo |terus |trus |kl )?(ke|to|kirim ke|ongkir ke|antar ke|anter ke|ship to"
               r"|(sa|saya|aku|sy|beta|kita) (di|tinggal di|dari))\s+\w")
_LINK = re.compile(r"https?://\S+|\bwww\.\S+|\bwa\.me/\S+|\bt\.me/\S+|\bbit\.ly/\S+", re.I)
# Each or both of the products just named.
_EACH = _R(r"\b(masing2|masing|masing-masing|dua2nya|dua2|duanya|keduanya|dua-duanya|both|each|semuanya|semua)\b")
_ALSO = _R(r"^(sama|sm|kalo|kalau|klo|trus|terus|lalu|and|what about|how about)\b|\b(jg|juga|jga|too|also|sekalian|skalian)\b")
_WHAT_TIME = _R(r"\bjam\s+(brp|berapa)\b|\b(brp|berapa)\s+jam\b|\bwhat time\b")
_DURATION = _R(r"\b(berapa|brp)\s+(hari|lama|minggu|bulan|jam)\b|\bhow (long|many days)\b")
_HOW = _R(r"\b(gimana|gmn|bagaimana|piye|kumaha|how)\b")
_COURIERS_ASKED = _R(r"\b(which|what) (couriers?|shipping|delivery services?)\b|\b(kurir|ekspedisi|jasa kirim)\w*\s+(apa|mana)\b"
                     r"|\b(pakai|pake|via|lewat)\s+(kurir|ekspedisi|jasa kirim)\s+apa\b")
_ACCOUNT_ASKED = _R(r"\b(rekening|rek|norek|no\.? rek|nomor rekening|account number|bank account)\b")
# Shipping asked in English with its destination.
_SHIPPING_TO = _R(r"\b(shipping|delivery|postage|ongkir)\b[^?.!]*\bto\s+[a-z]|\b(deliver|ship|send)\w*\s+(it\s+)?to\s+[a-z]")
# A price question naming nothing: "how much?", "brp kak?", "berapa biayanya".
_BARE_PRICE = _R(r"\W*(how much( is it| does it cost)?|brp|berapa|harganya( berapa| brp)?|sabaraha|piro|pinten"
                 r"|(brp|berapa|barapa|berape|pire|pira|brapa) (harganya|hrgnya|hrg|harga|hargo)|(hargo|harga) (brp|berapa|brapa)"
                 r"|(berapa|brp) (biaya|ongkos|tarif)\w*|(biaya|ongkos|tarif)\w* (berapa|brp)"
                 r"|(berapa|brp|how much) per (kg|kilo))\W*(kak|gan|sis|min|ya)?\W*")
# What a courier's name alone after a shipping answer is misread as.
_COURIER_MISREAD = frozenset({"order_status", "other", "price", "stock", "shipping_cost"})
# "ada warna apa aja?", "warna lain?", "what colours?": the list of a product's variants.
_VARIANTS_ASKED = _R(r"\b(warna|varian|ukuran|size|model|motif)\w*\s+(apa|lain|lainnya)\b|\bwhat (colou?rs?|sizes)\b")
_COLOUR_NAMED = _R(r"\b(warna|colou?r|warnanya)\s+\w+")
# An order of their own that arrived, and a wish to exchange or return it.
_OWN_ORDER = _R(r"\bpesanan\s*(aku|saya|ku|sy)\b|\bpesananku\b|\b(udah|sudah|udh)\s+(di)?terima\b|INV-0001")
_EXCHANGE = _R(r"\b(tukar|tuker|ganti|retur|return|exchange)\w*\b")
# "oh iya aku yg batalin kemarin": the customer owning up to a cancellation the bot just reported, no request
_CANCELLED_IT_MYSELF = _R(r"\b(aku|saya|sy|sa|beta|gue|gw|ambo|kulo|awak)\s+(yg|yang|sing|nan)\s+(batal\w*|cancel\w*|ngebatalin|"
                          r"ngecancel|mbatalke)\b(\s+(kemarin|kemaren|kmrn|kmarin|td|tadi|kemaren2|dulu))?"
                          r"|^\W*(oh\s+)?(iya|iyo|oya|oiya)\W+(kemarin|kemaren|kmrn|td|tadi)\s+(aku|saya|sy|sa|beta)\s+"
                          r"(batal\w*|cancel\w*|ngebatalin|ngecancel)\b")
# The customer's own order asked after without its number ("pesanan saya gmn?", "paketku wes tekan
# durung?", Manado "kita pe orderan", Minang "pesanan ambo", "where's my laptop?"), and what makes
# such a question more than a status: a parcel late or lost, a request, a change.
_MY_ORDER = _R(r"\b(pesanan|pesenan|orderan|order|paket|kiriman)\s*(ku|saya|sy|aku|ambo|awak|beta|gue|gw|kulo|abdi|ulun)\b"
               r"|\b(pesananku|pesenanku|orderanku|orderku|paketku|kirimanku)\b"
               r"|\b(kita|sa|beta|ambo|saya|sy|aku|kita)\s+(pe|pu|pung|punya)\s+(pesanan|pesenan|orderan|order|paket)\b"
               r"|\b(yg|yang)\s+(saya|aku|sy|sa|beta)\s+(pesan|pesen|order|beli)\b[^?\n]*\bstatus\w*"
               r"|\b(where'?s|where is)\s+my\b|\bstatus of my\b|\bmy (order|parcel|package)\b")
_NOT_JUST_STATUS = _R(r"\b(belum|blm|blom|gak|ga|nggak|ndak|nda|tidak|tra|sonde|not|never)\s+(juga\s+)?(sampai|sampe|nyampe|"
                      r"datang|dateng|dtg|tiba|gerak|bergerak|kelacak|terlacak|update|diproses|dikirim|arrived|received)\w*"
                      r"|\b(tolong|mohon|please|minta|rusak|hilang|salah|kurang|cacat|pecah|lama|batal\w*|cancel\w*|ganti|"
                      r"ubah|alamat|tambah|pisah|dipisah|refund|retur\w*)\b|\b\d+\s*(hari|days?)\b|\bseminggu\b|\bminggu lalu\b")
# "aku order ya", "besok aku pesan": buying soon, not asking about an order.
_WILL_ORDER = _R(r"\b(aku|saya|sy|gw|gue|besok|nanti|langsung|oke|ok|mau)\s+(order|pesan|checkout|co|beli)\b"
                 r"(?!\s*(saya|aku|ku|kemarin|tadi|sudah|udah|belum|kok|nya))")
_THANKS_CUE = _R(r"\b(makasih|thanks|tq|thx|siap|oke|mantap|noted)\b")
_COD_ONLY = _R(r"\bcod\b|bayar di ?tempat|cash on delivery")
_CAN_ASK = _R(r"\b(bisa|boleh|bs|can|available|tersedia|melayani|layani)\b|\?")
# What a product is like, asked: its contents, origin, fit, what it works with.
_DETAIL_ASKED = _R(r"\bisi(nya)?\b[^?\n]*\bapa\b|\bcocok\b|\bdari mana\b|\b(pake|pakai)\s+\w+\s+(gak|ga|nda|ndak|nggak|tidak)\b"
                   r"|\b(bisa|iso|bs)\s+di(?!kirim|order|pesan|antar|ambil|bayar|cod|tf|transfer)[a-z]{3,}\b")
# A request for a person in a word, also a word of product names ("Wig Human Hair").
_PERSON_WORDS = frozenset({"human", "manusia", "admin", "orang", "person", "cs", "operator"})
_PRICE_WORDS = _R(r"\b(berapa|harga\w*|price|how much|cost)\b")
# Asking to be told when something sold out is back: "kabarin ya kalo udah restock", "let me know when it's back".
_TELL_ME_WHEN_BACK = _R(r"\b(kabarin|kabari|kabarkan|infoin|infokan|kasih (tau|tahu|kabar)|kasi tau|let me know|notify me"
                        r"|tell me)\b.*\b(restock|ready|ada|ado|aya|tersedia|available|back|datang|masuk)\b")
_STOCK_WORDS = _R(r"\b(ready|ada|stok|stock|tersedia|available|masih|habis|kosong|sisa|aya|ono|onok|araq|ade|ado|kadada|bedeh|bedhe|bede|enten)\b")
_OTHER_PAYMENT = _R(r"transfer|\btf\b|rekening|\brek\b|qris|gopay|ovo|dana|shopeepay|e-?wallet|kartu|credit|"
                    r"cicil|paylater|va\b|virtual|indomaret|alfamart|metode|methods|apa aja|cara bayar")
_GREETING_ONLY = frozenset({"ping", "pp", "halo", "salam", "kak", "permisi", "wr", "wb", "warahmatullahi",
                            "wabarakatuh", "admin", "toko", "?", "semua", "all"})
# Someone tagged in a comment ("@rina_23 liat ini").
_TAGGED = re.compile(r"(?<![\w.])@[A-Za-z0-9_.]{2,}")
_SALAM = _R(r"\bas+alamu\W?\s?[a']?alaikum|\bass?alamualaikum|\basw\b|\baskum\b|\bsalamualaikum")


def detect_language(text: str, previous: str | None = None) -> str:
    """'id' or 'en' for the whole message. With the conversation's language (`previous`), it
    changes only when the message is clearly in the other language: one English word in an
    Indonesian sentence ("ukuran L ready ga?") is still Indonesian."""
    # Order numbers and codes ("INV/20261126/MPL/38...") say nothing about the language.
    toks = re.findall(r"[a-z']+", re.sub(r"\S*\d\S*", " ", text.lower()))
    en = sum(t in _EN_WORDS for t in toks)
    idn = sum(t in _ID_WORDS for t in toks)
    all_english = bool(toks) and all(t in _EN_VOCAB for t in toks)
    clearly_en = (en >= 2 and en > 2 * idn) or (idn == 0 and all_english)
    clearly_id = idn >= 1 and idn >= en
    if previous == "en":
        return "id" if clearly_id else "en"
    if previous == "id":
        return "en" if en >= 2 and en > 2 * idn else "id"
    return "en" if clearly_en or (en > idn and en >= 2) else "id"


@dataclass
class _Answer:
    parts: list[str] = field(default_factory=list)  # answered points, in order
    missing: list[str] = field(default_factory=list)  # honest "couldn't find it" notes
    flags: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    recall: Mapping[str, Any] = field(default_factory=dict)  # what earlier turns established
    remember: dict[str, Any] = field(default_factory=dict)  # what this turn adds for the next
    price_asked: bool = False  # a price point of the same burst states the prices
    named: list[ProductMatch] = field(default_factory=list)  # the products the burst's points named so far
    custom: bool = False  # a shop's own answer was given in this burst
    waiting_order: bool = False  # the order answered about is not shipped yet
    restock_skus: list[str] = field(default_factory=list)  # sold out, and the customer asked to hear when it is back
    person_notes: bool = False  # answered, but asked for what only a person can do (note a restock by hand)


@dataclass(frozen=True)
class _CatalogueReading:
    """What a catalogue's names and variants mean to reading a message."""

    words: re.Pattern[str] | None  # its phrases of several words, and its words the normaliser does not know
    numbers: frozenset[str]  # numbers and codes in them ("20000" of "Powerbank 20000", "AC102")
    placed: re.Pattern[str] | None  # a city with the word beside it ("semen padang"): no destination
    pairs: frozenset[tuple[str, str]]  # two words side by side, one a complaint's or a person's ("anti bocor")
    shop_words: tuple[str, ...]  # the shop name's words no product has ("helm" of "Kito Helm Palembang")


_NO_CATALOGUE = _CatalogueReading(None, frozenset(), None, frozenset(), ())


def _phrase_pattern(phrases: set[str]) -> re.Pattern[str] | None:
    """One pattern of whole-word phrases, the longest tried first."""
    if not phrases:
        return None
    return re.compile(r"(?<![a-z])(?:" + "|".join(sorted(phrases, key=len, reverse=True)) + r")(?![a-z])", re.I)


class ReplyEngine:
    def __init__(self, pack: BrandPack, shop: ShopData | None = None, *, threshold: float | None = None) -> None:
        self.pack = pack
        self.shop = shop
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        examples = list(builtin_training_data())
        lexicon = dict(LEXICON)
        for ci in pack.custom_intents.values():
            examples.extend((ci.name, ex) for ex in ci.examples)
            lexicon[ci.name] = _keyword_forms(Normalizer(), ci.keywords)
        self.classifier = IntentClassifier(examples, lexicon=lexicon)
        # The shop's destinations are words as they are: "bagan siapiapi" is no "bahan" (material).
        normalizer = self.classifier.normalizer
        self.classifier.normalizer = normalizer.with_vocabulary(normalizer.vocabulary | self._destination_words())
        self._mirror = {h.lower() for h in pack.mirror_honorifics}
        self._catalogue_cache: tuple[Any, _CatalogueReading] | None = None
        # A custom intent's keyword in a message makes that point the custom intent: written as the
        # messages are read, by this normaliser ("pajak" is a word of it, not a typo of another).
        self._custom_cues = [(ci.name, _keyword_forms(self.classifier.normalizer, ci.keywords))
                             for ci in pack.custom_intents.values() if ci.keywords]

    def suggest(self, turn: Turn) -> str | None:
        """What the bot would have answered had it been sure of the intent: shown to the agent who
        takes a low-confidence handover, to send as is or edit (never sent by itself). None where
        even then it would hand over (a complaint, a request for a person, missing data)."""
        sure = copy.copy(self)  # the same classifier and pack; only the bar differs (threads share self)
        sure.threshold = 0.0
        decision = sure.decide(turn)
        return decision.reply if decision.action is Action.AUTO_REPLY else None

    @classmethod
    def default(cls, shop: ShopData | None = None) -> "ReplyEngine":
        return cls(load_brand_pack(DEFAULT_PACK), shop)

    @property
    def intents(self) -> tuple[str, ...]:
        return INTENTS + tuple(REFINED_INTENTS) + tuple(self.pack.custom_intents)

    # -- classification ------------------------------------------------------------
    def classify(self, text: str) -> tuple[str, float]:
        """Fast path: the primary intent of the whole text and its confidence."""
        return self.classifier.predict(text)

    def action_for(self, intent: str, confidence: float) -> Action:
        custom = self.pack.custom_intents.get(intent)
        if intent == "spam" and confidence >= self.threshold:
            return Action.IGNORE
        if custom is not None and confidence >= self.threshold:
            return Action(custom.action)
        if intent in ESCALATE_INTENTS or intent == "spam" or confidence < self.threshold:
            return Action.ESCALATE
        if (intent in _OPTIONAL_ANSWERED or intent == "warranty") and intent not in self.pack.intents:
            return Action.ESCALATE  # the pack has no answer for it: a person answers
        return Action.AUTO_REPLY

    def read(self, text: str, *, asked: bool = False) -> tuple[str, float]:
        """The finer intent of some text and its confidence: classified and refined as the shop's
        customer wrote it, less the shop's own product words (see `_without_catalogue`). `asked`:
        a question mark ended it in the burst ("pesanan beta su sampe ko?")."""
        plain = self._without_catalogue(text)
        return self.refine(text, *self.classify(plain), plain=plain, asked=asked)

    def refine(self, text: str, intent: str, confidence: float, *, plain: str | None = None,
               asked: bool = False) -> tuple[str, float]:
        """The finer intent of one point: a brand's custom intent whose keyword appears, a
        complaint word, or a clear cue phrase of a refined intent (model.REFINED_INTENTS).
        `plain` is the text without the catalogue's words, where complaint and other cues are
        looked for (a colour "Broken White" is no complaint)."""
        plain = text if plain is None else plain
        norm = " " + self.classifier.normalizer.text(plain) + " "
        low = " " + plain.lower() + " "
        if intent == "spam" and not _SPAM_CUE.search(low) and (asked or "?" in text) and not _AD_WORDS.search(low) \
                and len(norm.split()) <= 12:
            # "jual tandon air 1000 liter penguin kah?": a customer asking what we sell, not an ad
            if _SELL_ASKED.search(low) or _STOCK_WORDS.search(norm):
                return "stock", 0.9
            intent, confidence = "other", min(confidence, 0.5)  # and the cues below may tell what it asks
        if intent in ("abuse", "spam") and confidence >= self.threshold:
            return intent, confidence
        toks = norm.split()
        if toks and set(toks) <= _GREETING_ONLY and {"ping", "pp", "halo", "salam"} & set(toks):
            return "greeting", max(confidence, 0.9)  # "P", "ping", "Assalamualaikum kak"
        if _SPAM_CUE.search(low) and not _COMPLAINT_CUE.search(low):
            return "spam", max(confidence, 0.9)
        if _REGIONAL_GREETING.search(low) and len(toks) <= 4:
            return "greeting", max(confidence, 0.9)  # "Sampurasun teh", "Horas kak"
        if (owned := _CANCELLED_IT_MYSELF.search(low)) and not re.search(r"\b(tolong|mohon|mau|minta|bisa|please)\b", low[:owned.start()]):
            rest = (low[:owned.start()] + " " + low[owned.end():]).strip()
            if set(re.findall(r"\w+", rest)) - _FILLER - _GREETING_ONLY - {"oh", "iya", "iyo", "ooh", "o", "oalah", "ternyata"}:
                return self.refine(rest, *self.classify(rest))
            return "thanks", max(confidence, 0.9)
        # Cancel words only as written: spelling repair turns places into them ("batam" -> "batal").
        # (measurements as written: "lingkar kepala" though "kepala" is a word of a product's name)
        cue = next((name for name, rx in _CUES if rx.search(low) or (name != "order_change" and rx.search(norm))
                    or (name == "size_chart" and rx.search(text.lower()))), None)
        if cue == "delivery_time" and self._prices_courier(low) and not any(
                name == "delivery_time" and rx is not _INSTANT_COURIER and rx.search(low) for name, rx in _CUES):
            cue = None  # "bisa gosend?" at a shop whose rates have GoSend: the shipping answer
        if not cue and _COVER_ASKED.search(low) and _COMPLAINT_CUE.search(low) and _ASKING.search(low) and not any(
                c in ("garansi", "jaminan", "warranty") for _, cues in self._custom_cues for c in cues):
            return "warranty", max(confidence, 0.9)  # "ada garansi luntur gak kak?": what the warranty covers
        # A shop's own intent by its keyword, unless the customer cancels, changes, has paid or
        # wants money back: "batalke pesanan hampers" is a cancellation, not a hampers question.
        if self._custom_cues and not cue and _COMPLAINT_CUE.search(_COVER_ASKED.sub(" ", _HYPOTHETICAL.sub(" ", low))):
            # "cokelatku sampe meleleh semua 😭": a complaint, though "meleleh" is a keyword of the
            # shop's own storage answer
            return "complaint", max(confidence, 0.9)
        # (a question of the return policy is no shop's own answer: "kalo ... dak cocok setelah dirakit
        # bisa dikembalikan?" at a shop whose assembly answer has "dirakit")
        returns = " retur " in norm or " refund " in norm or bool(_FITS_OTHER.search(low))
        if self._custom_cues and cue not in _PERSON_CUES and not returns:
            raw_norm = " " + self.classifier.normalizer.text(text) + " "
            named: str | None = None
            variant_asked = False
            for name, cues in self._custom_cues:
                hit = [c for c in cues if f" {c} " in raw_norm]
                if not hit:
                    continue
                if self.shop is not None:
                    # the keyword as part of the name or variant of the product asked about ("tabung
                    # helium mini ready?" at a shop that also fills balloons with helium, "saron besi
                    # pelog ready?" at one that also tunes to pelog): a question about it
                    if named is None:
                        found = look_up_products(text, self.shop.products(), self._place_words()).matches
                        named = " " + " ".join(self.classifier.normalizer.text(f"{p.name} {p.variant or ''}")
                                               for m in found for p in m.products) + " "
                        # a product and its variant named, with a price or stock word: "laskar pelangi
                        # yg kondisi cukup ada?" asks after that book, whatever the shop's "kondisi" answer
                        variant_asked = any(m.variant_given for m in found) and bool(
                            _PRICE_WORDS.search(norm) or _STOCK_WORDS.search(norm))
                    if all(f" {c} " in named for c in hit) or (
                            variant_asked and self.pack.custom_intents[name].action == Action.AUTO_REPLY.value):
                        continue  # (what the shop sends to a person, "ada harga grosir?", still goes)
                return name, max(confidence, 0.9)
        if intent in self.pack.custom_intents and cue not in _PERSON_CUES:
            if self.shop is not None and (_PRICE_WORDS.search(norm) or _STOCK_WORDS.search(norm)
                                          or _SELL_ASKED.search(low)) and \
                    look_up_products(text, self.shop.products(), self._place_words()).matches:
                # none of its keywords, and a product of the catalogue with a price or stock word
                # ("panel mono 200wp ada ko?"): the shop's own intent only resembles it
                return ("price" if _PRICE_WORDS.search(norm) else "stock"), 0.9
            return intent, confidence
        if intent == "warranty" and cue is None and "warranty" not in self.pack.intents and "return_refund" in self.pack.intents \
                and re.search(r"\b(diganti|digantiin|ganti|tukar|retur)\b", low) and _HYPOTHETICAL.search(low) \
                and not re.search(r"\b(garansi\w*|warranty|guarantee)\b", low):
            return "return_refund", max(confidence, 0.9)  # "kalau botolnya pecah di jalan diganti ga?" where no warranty is given
        if intent == "warranty" and cue is None and re.search(r"\b(retur|return|refund|tukar|dikembalikan|balikin)\b", low) and not re.search(
                r"\b(garansi|warranty|guarantee|servis|service)\b", low):
            return "return_refund", max(confidence, 0.9)  # "kalau ada halaman sobek bisa retur?": the return policy
        if intent == "human" and _VISIT.search(low) and not _PERSON_ASKED.search(low):
            return "other", 0.9  # "mau ke toko langsung": coming to the shop in person, not asking for one
        if cue == "bargain" and not _COMPLAINT_CUE.search(low):
            return cue, max(confidence, 0.9)  # "bisa kurang?" is not a complaint about something missing
        if _COMPLAINT_CUE.search(_COVER_ASKED.sub(" ", _HYPOTHETICAL.sub(" ", low))) or _COMPLAINT_CUE.search(
                _COVER_ASKED.sub(" ", _HYPOTHETICAL.sub(" ", norm))):
            return "complaint", max(confidence, 0.9)
        # (praise as written: "parfumnya wangi banget" at a shop whose catalogue says "wangi")
        if intent == "complaint" and not cue and _PRAISE.search(text) and not _ASKING.search(low) \
                and not _COMPLAINT_CUE.search(low):
            return "thanks", max(confidence, 0.9)  # "tasnya bagus banget, jahitannya rapi": praise, not a complaint
        if (_RECEIVED.search(norm) or _RECEIVED.search(low)) and not _ASKING.search(norm) and not cue and not asked:
            # "paketnya udah diterima, thanks kak", "sudah saya terima dengan baik": a report and
            # a thank-you, not a question (nor, with its praise, a complaint).
            return "thanks", max(confidence, 0.9)
        if not cue and _TOTAL_ASKED.search(low) and (self._order_numbers(text) or _ORDER_WORD.search(low)):
            return "order_status", max(confidence, 0.9)  # "DDF/2611/022 totalnya brp?": the order's total
        if cue and not (intent in ("complaint", "human") and confidence >= self.threshold):
            return cue, max(confidence, 0.9)
        if cue == "business_hours" and intent == "human":
            return cue, max(confidence, 0.9)  # "adminnya online jam brp?" asks when, not for a person
        if intent == "return_refund" and _OWN_ORDER.search(low) and _EXCHANGE.search(low):
            return "return_request", max(confidence, 0.9)  # their own order to exchange: a person does it
        if intent == "order_status" and _WILL_ORDER.search(low) and " nopesanan " not in norm:
            # "besok aku order", "oke aku order ya": they will buy; no order to look up. What else
            # the text says decides ("..., transfer ke mana?" asks how to pay).
            rest = _WILL_ORDER.sub(" ", low)
            if set(re.findall(r"\w+", rest.lower())) - _FILLER - _GREETING_ONLY - {"aku", "saya", "besok", "nanti"}:
                return self.refine(rest, *self.classify(rest))
            return ("thanks", 0.9) if _THANKS_CUE.search(low) or "makasih" in norm else ("other", 0.0)
        if _HYPOTHETICAL.search(low) and (
                (intent in ("return_refund", "complaint", "warranty") and (confidence < self.threshold or intent == "complaint"))
                or ((confidence < self.threshold or intent == "other") and _REPLACED.search(_HYPOTHETICAL.sub(" ", plain)))):
            # "bisa retur gak kalo kopinya rusak pas sampe?", "kalau nanti sampai rusak bisa
            # diganti?": the "if" clause only sets the scene; the rest asks about the policy.
            rest = _HYPOTHETICAL.sub(" ", plain)
            asked, sure = self.classify(rest)
            if asked in ("return_refund", "warranty") and sure >= self.threshold:
                return asked, sure
            if _EXCHANGE.search(rest) or _REPLACED.search(rest):
                return "return_refund", 0.9  # "..., bisa diganti?"
            scene = _HYPOTHETICAL.search(low)
            if scene and _COMPLAINT_CUE.search(scene.group(0)) and _HOW.search(rest):
                return "return_refund", 0.9  # "kalau sampai pecah gimana?": what the policy is
        if intent == "stock" and not (_STOCK_WORDS.search(norm) or _STOCK_WORDS.search(low)) and _DETAIL_ASKED.search(low):
            # "isinya apa aja?", "bisa disambung karo lego?", "pake MSG nda?": about the product,
            # not whether it is in stock; the catalogue doesn't say
            return "product_detail", max(confidence, 0.9)
        if intent == "other" and confidence >= self.threshold and self.shop is not None and (
                _PRICE_WORDS.search(norm) or _STOCK_WORDS.search(norm)) \
                and look_up_products(text, self.shop.products(), self._place_words()).matches:
            # "pelampung anak umur 4 taon ada?": a product of the catalogue with a stock or price word
            return ("price" if _PRICE_WORDS.search(norm) else "stock"), 0.9
        if confidence < self.threshold and intent not in ("complaint", "human", "abuse"):
            if _SHIPPING_TO.search(low) or _COURIERS_ASKED.search(low):
                return "shipping_cost", 0.9  # "and shipping to Bandung?", "which couriers do you use?"
            if _PRICE_WORDS.search(norm) and re.search(r"\b(ke|to|ka)\b", low) and self._destination(text)[0]:
                return "shipping_cost", 0.9  # "ke bagan siapiapi bara?": how much to a city of the rates
            if _ACCOUNT_ASKED.search(low):
                return "payment", 0.9  # "rekening bca nya brp?": the account number
            if _COD_ONLY.search(low) and _CAN_ASK.search(low):
                return "payment", 0.9  # "bisa cod ke jakarta ga?"
            if self.shop is not None and (_PRICE_WORDS.search(norm) or _STOCK_WORDS.search(norm)):
                # A product of the catalogue named with a price or stock word: the shop's own
                # words (bean names, a kettle) are what the general classifier has not seen.
                lookup = look_up_products(text, self.shop.products(), self._place_words())
                if lookup.matches or lookup.category:
                    return ("price" if _PRICE_WORDS.search(norm) else "stock"), 0.9
        return intent, confidence

    def points(self, text: str) -> tuple[list[tuple[str, float, str]], str, float]:
        """Every point asked in the text as (intent, confidence, the words that asked it),
        plus the primary intent and the confidence the decision rests on."""
        whole, whole_conf = self.read(text)
        if whole_conf < self.threshold and set(self.classifier.normalizer.tokens(text)) <= {"kak", "?"}:
            whole, whole_conf = "greeting", 0.9  # "kak", "min?": calling the shop, like "P"
        if whole == "spam" and whole_conf >= self.threshold:
            return [(whole, whole_conf, text)], whole, whole_conf  # a link or a prize: the whole is spam
        pieces, start = [], 0
        for sep in _SPLIT_RE.finditer(text):
            pieces.append((text[start:sep.start()].strip(), "?" in sep.group(0)))
            start = sep.end()
        pieces.append((text[start:].strip(), False))
        asked = {seg for seg, question in pieces if question}
        # (what it is for, "buat souvenir nikahan", belongs to the question before it: no point of its own)
        # (filler, and a name or honorific alone, "mbak," / "kak": whom it is said to, not a point)
        said = [(s, question) for s, question in pieces if s and not set(re.findall(r"\w+", s.lower())) <= _FILLER
                and not set(self.classifier.normalizer.tokens(s)) <= {"kak"}]
        merged: list[tuple[str, bool]] = []
        for seg, question in said:
            if merged and _VARIANT_FRAGMENT.fullmatch(seg.strip()):
                # "do you have a folding anchor, 3 kg?": the size belongs to the product before it
                merged[-1] = (f"{merged[-1][0]} {seg}", merged[-1][1] or question)
                asked |= {merged[-1][0]} if merged[-1][1] else set()
            else:
                merged.append((seg, question))
        said = merged
        if len(said) <= 1:
            return [(whole, whole_conf, text)], whole, whole_conf
        segments = [s for s, question in said if not (_PURPOSE_ONLY.match(s) and not question)] or [said[0][0]]
        if len(segments) == 1:
            return [(whole, whole_conf, segments[0])], whole, whole_conf  # the question, read with what it is for
        found: list[tuple[str, float, str]] = []
        readings = [(seg, *self.read(seg, asked=seg in asked)) for seg in segments]
        if any(intent == "bargain" for _, intent, _ in readings):
            # "bisa nego? 6,5 jt deh": the amount offered is the bargain's, not a question of its own
            readings = [r for r in readings if r[1] == "bargain" or not _OFFER.match(r[0])] or readings
        asks_product = bool(_PRODUCT_POINT & {intent for _, intent, _ in readings})
        named_before: list[str] = []  # products named ahead of the question that asks about them
        for seg, intent, conf in readings:
            again = self._same_question_again(seg, intent, conf, found)
            if again:
                found.append(again)
                continue
            if intent in _PRODUCT_POINT and conf >= self.threshold and named_before:
                if len(named_before) == 1 and not self._names_products(seg) and not _BARE_PRICE.fullmatch(seg) \
                        and not self._names_a_variant(named_before[0]):
                    # "roller blind / yg 120x180 brp": the size of the product just named (but "wig
                    # twintail silver sama pink masih ada?" asks of two variants)
                    start = text.find(named_before[0])
                    end = text.find(seg, start) if start >= 0 else -1
                    # as written between them ("mesin kubota rd110 plus gearbox ready?" keeps its "plus")
                    found.append((intent, conf, text[start:end + len(seg)] if end >= 0 else f"{named_before[0]} {seg}"))
                else:
                    # "mukena rayon bali sama sajadah travel harganya brp": the question asks of both
                    found.extend((intent, 0.9, before) for before in named_before)
                    found.append((intent, conf, seg))
                named_before = []
                continue
            if (conf < self.threshold or (intent == "other" and self._only_names(seg))) \
                    and len(set(seg.lower().split()) - _FILLER) <= 5 and not _QUESTION.search(seg) \
                    and not re.search(re.escape(seg) + r"\s*\?", text) and self._names_products(seg):
                named_before.append(seg)  # (a product alone, no question of its own: "bantal dacron sm ...")
                continue
            if conf < self.threshold and found and found[-1][1] >= self.threshold \
                    and set(re.findall(r"\w+", seg.lower())) <= _MORE_OF_THE_SAME:
                continue  # "blm ada kabar" / "atau apa aja" after a clear question: more of the same question
            if asks_product and conf < self.threshold and _VARIANTS_ASKED.search(seg):
                intent, conf = "stock", 0.9  # "strap jam 22 mm ada?" / "warna apa aja": that product's variants
            if (intent == "other" and conf < 0.9) or (conf < self.threshold and (
                    len(seg.split()) <= 2 or not _QUESTION.search(seg))):
                continue  # a fragment we can't place ("aku di cimahi"); the whole-text reading still counts
            same = next((i for i, p in enumerate(found) if p[0] == intent), None)
            if same is None:
                found.append((intent, conf, seg))
            elif conf > found[same][1]:
                # "paketku dikirim pake apa? resinya dong": asked twice, the clearer words count
                found[same] = (intent, conf, found[same][2])
        if any(p[0] in _PRODUCT_POINT and p[1] >= self.threshold for p in found):
            # "anting mutiara / ready kah / barapa?": a bare "how much" beside a product asks its price
            found = [("price", 0.9, p[2]) if p[0] == "price" and p[1] < self.threshold and (
                _BARE_PRICE.fullmatch(p[2]) or _BARE_PRICE.fullmatch(self.classifier.normalizer.text(p[2]))) else p
                for p in found]
        same = next((i for i, p in enumerate(found) if p[0] == whole), None)
        if same is not None and whole_conf > found[same][1]:
            found[same] = (whole, whole_conf, found[same][2])
        if all(p[0] != whole for p in found) and not (whole == "order_status" and "thanks" in [p[0] for p in found]) \
                and not ((whole == "other" or (whole == "spam" and whole_conf < self.threshold)) and found) \
                and not (whole_conf < self.threshold and found and all(p[1] >= self.threshold for p in found) and (
                    whole in self.pack.custom_intents
                    or all(p[0] in ("price", "stock") and self._names_products(p[2]) for p in found))):
            # the parts were understood: "other", or an unsure "spam" ("tabe' kak / tempered glass
            # ada ji?"), adds nothing; nor does an unsure reading of the whole when its parts are the
            # shop's own intent (learnt from a few examples) or ask about products they name
            # ("shampoo khusus wig ada? / sama conditioner spray nya")
            found.insert(0, (whole, whole_conf, text))
        if any(p[0] == "shipping_cost" for p in found):
            # "Do you deliver to Balikpapan? how much?": the bare "how much" asks the shipping cost;
            # "..., pake lion parcel" names its courier (no parcel to track).
            couriers = {str(c): 0 for c in self.pack.facts.get("couriers") or ()}
            found = [p for p in found if not (p[0] == "price" and _BARE_PRICE.fullmatch(p[2])) and not (
                p[0] in _COURIER_MISREAD - {"shipping_cost"} and _named_courier(p[2], couriers)
                and not self._order_numbers(p[2]))]
        if "business_hours" in {p[0] for p in found}:
            # "hari minggu buka ga? jam brp": the time it opens, not a price
            found = [p for p in found if not (p[0] == "price" and _WHAT_TIME.search(p[2]))]
        if {"return_refund", "warranty"} & {p[0] for p in found} or any(p[0] in self.pack.custom_intents for p in found):
            # "bisa tukar ga? brp hari?": how long the policy allows, not a price; "bisa dibuatin
            # kacamata minus? brp lama jadinya": how long the shop's own service takes (its reply says)
            found = [p for p in found if not (p[0] == "price" and _DURATION.search(p[2]))]
        substantive = [p for p in found if p[0] not in ("greeting", "thanks")]
        if not substantive:
            greet_or_thanks = [p for p in found if p[0] in ("greeting", "thanks")] or [(whole, whole_conf, text)]
            first = greet_or_thanks[0]
            return greet_or_thanks, first[0], max(p[1] for p in greet_or_thanks)
        # Severity first: anything that needs a person decides the whole burst.
        for severe in _SEVERE:
            hit = next((p for p in substantive if p[0] == severe and p[1] >= self.threshold), None)
            if hit:
                return [hit] + [p for p in substantive if p is not hit], severe, hit[1]
        # So does what the shop sends to a person ("terima beli game bekas?" / "mau jual catan"),
        # unless the words are about a product of its catalogue (what the shop's few examples of it
        # say can resemble a question about one: "mo beli perahu jukung 4 meter").
        handed = next((p for p in substantive if p[1] >= self.threshold and p[0] in self.pack.custom_intents
                       and self.action_for(p[0], p[1]) is Action.ESCALATE and not self._names_products(p[2])
                       and (p[2] in asked or _QUESTION.search(p[2]))), None)  # (asked: "obat cacing kucing" only says what)
        if handed:
            return [handed] + [p for p in substantive if p is not handed], handed[0], handed[1]
        primary = whole if any(p[0] == whole for p in substantive) else substantive[0][0]
        # Answer in the order asked; the primary intent names the decision.
        ordered = sorted(substantive, key=lambda p: text.find(p[2]) if p[2] in text else 0)
        # Every point must be understood for the bot to answer: the weakest one decides.
        return ordered, primary, min(p[1] for p in ordered)

    def _same_question_again(self, segment: str, intent: str, conf: float,
                             found: list[tuple[str, float, str]]) -> tuple[str, float, str] | None:
        """"ongkir ke ambon brp" + "sama ke jayapura", "dasi SD brp" + "topi SMA jg": the price,
        stock or shipping question just asked, about another product or city (a point of its own,
        answered in its turn), unless the words ask something else of their own."""
        last = next((p for p in reversed(found) if p[0] in _ASKED_AGAIN), None)
        if last is None or len(segment.split()) > 8:
            return None
        also = bool(_ALSO.search(segment))
        if conf >= self.threshold and intent not in (last[0], "other") and not (also and not _QUESTION.search(segment)):
            return None
        if last[0] == "shipping_cost":
            city, unknown = self._destination(segment)
            before, _ = self._destination(last[2])
            # "mau kirim hampers buat mertua" names no other destination
            if before and ((city and city != before) or (unknown and also)):
                return ("shipping_cost", 0.9, segment)
            return None
        if self.shop is None or self._order_numbers(segment):
            return None
        catalogue, places = self.shop.products(), self._place_words()
        lookup = look_up_products(segment, catalogue, places)
        before = look_up_products(last[2], catalogue, places)
        if not lookup.named and len(before.matches) == 1 and also:
            # "kemei km 1990 yg gold ready?" / "yg hitam jg ada?": another variant of that product
            lookup = look_up_products(f"{before.matches[0].products[0].name} {segment}", catalogue, places)
            if not (lookup.matches and lookup.matches[0].variant_given):
                return None
        named = {p.sku for m in lookup.matches for p in m.products} or (
            {p.sku for g in lookup.category[1] for p in g} if lookup.category else set())
        if not named:
            return None
        asked = {p.sku for m in before.matches for p in m.products} or (
            {p.sku for g in before.category[1] for p in g} if before.category else set())
        if not asked or named == asked:
            return None  # the question before named none of our products, or these same ones
        return (last[0], 0.9, segment)

    def _prices_courier(self, low: str) -> bool:
        """The instant courier the text names is one the pack's rate table has."""
        named = {m.group(1).lower().replace("-", "") for m in _INSTANT_COURIER.finditer(low)}
        couriers = {str(c).lower().replace("-", "").replace(" ", "")
                    for rates in (self.pack.facts.get("shipping_rates") or {}).values() for c in rates}
        return any(n.replace(" ", "") in couriers or any(c.startswith(n) for c in couriers) for n in named)

    def _destination(self, *texts: str) -> tuple[str | None, str | None]:
        """The destination the first of `texts` that names one names: (a city of the pack's
        shipping_rates, None), or (None, the unknown place word)."""
        rates = self.pack.facts.get("shipping_rates") or {}
        aliases = self.pack.facts.get("city_aliases") or {}
        found = [find_city(self._without_placed_names(text), rates, aliases) for text in texts]
        # a known city anywhere first ("kirim bonsai ke luar jawa? / ke makassar brp?"), and no product
        # of the catalogue taken for a place ("kirim bonsai": what is sent, not where)
        city = next((c for c, _ in found if c), None)
        if city:
            return city, None
        unknown = next((u for _, u in found if u and not self._names_products(u)), None)
        return (None, unknown) if unknown else (None, None)

    def _names_products(self, segment: str) -> bool:
        if self.shop is None or self._order_numbers(segment):
            return False
        return bool(look_up_products(segment, self.shop.products(), self._place_words()).matches)

    def rating_request(self, lang: str, now: datetime) -> str | None:
        """The pack's request for a 1-5 rating, or None where the pack asks nothing."""
        if "rating_request" not in self.pack.messages:
            return None
        ctx = self.pack.base_context(lang, self.pack.honorific, None, now)
        return self.pack.render(self.pack.pick(self.pack.message_templates("rating_request", lang), str(now.date())), ctx)

    # -- telling the customer about a handover -----------------------------------------
    def handover_note(self, turn: Turn, decision: Decision, *, wait_minutes: int | None = None) -> str | None:
        """What the customer is told when a person takes over, or None to say nothing.

        Nothing for a public comment (an agent answers there), abuse, spam, or a decision that
        already says something (out of hours, "we'll check"). A complaint gets a calm
        acknowledgement without emoji, where the pack has one; anything else the handover note.
        The pipeline sends it once per handover.
        """
        if (
            decision.action is not Action.ESCALATE
            or turn.is_public_comment
            or decision.reply
            or {"abuse", "spam"} & set(decision.flags)
            or decision.intent in ("abuse", "spam")
        ):
            return None
        complaint = decision.intent == "complaint" or "priority" in decision.flags
        name = "complaint_ack" if complaint else "handover"
        if name not in self.pack.messages:
            return None
        text = turn.text or ""
        ctx = self.pack.base_context(decision.language, self._honorific(text), turn.customer_name, turn.now)
        template = self.pack.pick(self.pack.message_templates(name, decision.language), text + turn.now.date().isoformat())
        note = self.pack.render(template, {**ctx, "wait_minutes": wait_minutes})
        # Nothing cheerful in an answer to a complaint; a formal customer gets no emoji either.
        level = 0 if complaint or self._formal(text) else None
        return self.pack.apply_emoji_level(note, level)

    # -- the decision ---------------------------------------------------------------
    def decide(self, turn: Turn) -> Decision:
        pack = self.pack
        text = turn.text or ""
        recall = {k: v for k, v in (turn.memory or {}).items() if k in MEMORY_KEYS and v is not None}
        lang = detect_language(text, recall.get("language"))
        # A restock offer is answered in the next turn or not at all.
        offer = recall.pop("restock_offer", None)
        remember: dict[str, Any] = {**recall, "language": lang}
        honorific = self._honorific(text)
        formal = self._formal(text)
        points, primary, conf = self.points(self._masked(text))
        if conf < self.threshold or (recall.get("city") and primary in _COURIER_MISREAD - {"shipping_cost"}) or (
                primary == "other" and len(points) == 1 and self._only_names(points[0][2])):
            points, primary, conf = self._follow_up_points(points, primary, conf, recall)
            if conf < self.threshold and _BARE_PRICE.fullmatch(
                    " ".join(t for t in self.classifier.normalizer.tokens(text) if t != "kak")):
                # "bang / brp?" with nothing before it to ask about: which product (the pack's
                # question), however many of the shop's own examples hold a "berapa"
                points, primary, conf = [("price", 0.9, text)], "price", 0.9
            elif conf < self.threshold and ("order_status" in (p[0] for p in points) or primary == "other") \
                    and self._own_order_asked(turn, recall):
                # "kak pesanan saya gmn ya?" from a customer with an order: its status, the data's answer
                points, primary, conf = [("order_status", self.threshold, text)], "order_status", self.threshold
            elif conf < self.threshold and recall.get("product") and (asked := _TELL_ME_WHEN_BACK.search(text)):
                # "ok nanti aja deh / kabarin ya kalo yg cukup ada lagi": that variant's stock, told when back
                line = next(line for line in text.splitlines() if asked.group(0) in line)
                points, primary, conf = [("stock", 0.9, line)], "stock", 0.9
        elif "shipping_cost" in (p[0] for p in points) and recall.get("product") and not _SHIPPING_ASKED.search(
                self.classifier.normalizer.text(text)) and not _courier_named(text) and not any(self._destination(text)):
            # "ndak usah, kuning saja brp?" after the dry bag: no place, courier or shipping word, so
            # a price of the product just talked about, if it is one
            unsure = [(i, min(c, self.threshold / 2) if i == "shipping_cost" else c, seg) for i, c, seg in points]
            again = self._follow_up_points(unsure, primary, min(conf, self.threshold / 2), recall)
            if again[2] >= self.threshold:
                points, primary, conf = again
        if any(p[0] == "size_chart" for p in points):
            # "lingkar kepala aku 58 cm, size apa ya kak?": the size asked is the size chart's answer
            points = [("size_chart", max(c, self.threshold), seg) if i in _PRODUCT_POINT and _SIZE_ASKED.match(seg)
                      else (i, c, seg) for i, c, seg in points]
            points = [p for n, p in enumerate(points) if p[0] != "size_chart" or all(q[0] != "size_chart" for q in points[:n])]
            primary, conf = points[0][0] if primary in _PRODUCT_POINT else primary, min(p[1] for p in points)
        if any(p[0] == "price" and _TOTAL_ASKED.search(p[2]) for p in points) and (
                recall.get("order_number") or "order_status" in [p[0] for p in points]
                or self._find_order(turn, recall) is not None):
            # "totalnya berapa?" beside (or after) an order: the order's total, not a product's price
            points, primary, conf = _total_is_the_orders(points, primary)
        intents = tuple(dict.fromkeys(p[0] for p in points))
        conf_of = {p[0]: p[1] for p in points}
        is_open = pack.is_open(turn.now)
        flags: set[str] = set() if is_open else {"out_of_hours"}
        ctx = pack.base_context(lang, honorific, turn.customer_name, turn.now)
        seed = text + turn.now.date().isoformat()

        def msg(name: str, **extra: Any) -> str:
            return pack.render(pack.pick(pack.message_templates(name, lang), seed), {**ctx, **extra})

        numbers = self._order_numbers(text)
        city, _ = self._destination(text)
        if city:
            remember["city"] = city
        order_number = next((n for n in numbers if self.shop and self.shop.order_by_number(n)), None) or (
            numbers[0] if numbers else None)

        def finish(action: Action, reply: str | None, public: str | None, reason: str) -> Decision:
            level = 0 if formal else None
            reply = pack.apply_emoji_level(reply, level) if reply else None
            public = pack.apply_emoji_level(public, level) if public else None
            if order_number:
                remember["order_number"] = order_number
            return Decision(primary, intents, round(conf, 4), action, lang, reply,
                            public if turn.is_public_comment else None, frozenset(flags), reason,
                            order_number=order_number, memory=remember)

        if isinstance(offer, dict) and offer.get("skus") and _is_short_yes(text, str(offer.get("items") or "")):
            primary = "restock_request"
            reply = msg("restock_confirmed", items=offer.get("items") or "")
            decision = finish(Action.AUTO_REPLY, reply, None, "asked to hear when the sold-out item is back")
            return dataclasses.replace(decision, intents=("restock_request",), confidence=1.0,
                                       restock_skus=tuple(map(str, offer["skus"])))
        if isinstance(offer, dict) and _is_short_no(text):
            primary = "restock_declined"  # "ga usah kak": fine, anything else?
            reply = pack.render(pack.pick(pack.closings.get(lang) or pack.closings["id"], seed), ctx)
            return dataclasses.replace(finish(Action.AUTO_REPLY, reply, None, "declined the restock notice"),
                                       intents=("restock_declined",), confidence=1.0)
        action = self.action_for(primary, conf)
        if "abuse" in intents and conf_of["abuse"] >= self.threshold:
            primary = "abuse"
            flags.add("abuse")
            return finish(Action.ESCALATE, None, None, "abusive language: agent review, no bot reply")
        if action is Action.IGNORE:
            if primary == "spam":
                flags.add("spam")
            return finish(Action.IGNORE, None, None, f"{primary}: ignored")
        severe = next((i for i in ("complaint", "refund_status") if i in intents and conf_of[i] >= self.threshold), None)
        if severe:
            primary = severe
            flags.add("priority")
            # No bot reply to a complaint unless the pack opts in to an out-of-hours note, and
            # nothing in a public thread: an agent answers there.
            wants_note = not is_open and "complaint_out_of_hours" in pack.messages
            reply = msg("complaint_out_of_hours") if wants_note else None
            reason = ("complaint: escalated with priority" if severe == "complaint"
                      else "refund not received: escalated with priority")
            return finish(Action.ESCALATE, reply, None, reason)
        if turn.is_public_comment and _TAGGED.search(text) and not (_QUESTION.search(text) or "?" in text):
            # "@rina_23 liat ini lucu buat Kenzo 😍": friends called to a post; nothing to answer
            return finish(Action.IGNORE, None, None, "a comment tagging friends: nothing to answer")
        if "human" not in intents and "order_change" in intents and conf_of["order_change"] >= self.threshold:
            primary = "order_change"
            flags.add("order_change")
            reply = None if is_open else msg("out_of_hours")
            public = msg("public_reply") if not is_open else None
            return finish(Action.ESCALATE, reply, public,
                          f"cancel/change order{' ' + order_number if order_number else ''}: needs an agent")
        status_asked = next((p[2] for p in points if p[0] == "order_status" and p[1] >= self.threshold), None)
        if "payment_confirmation" in intents and (
                (status_asked and (_ASKING.search(status_asked) or re.search(re.escape(status_asked) + r"\s*\?", text)))
                or _ASKING.search(text) or re.search(r"\b(gmn|gmna|piye|kepriye|kumaha|pripun|kpn|knp)\b", text.lower())):
            paid = self._find_order(turn, recall)
            if paid is not None and paid.status not in ("pending_payment", "cancelled"):
                # "udh bayar kemarin, kapan dikirim?", "KD-24104 udah lunas kan?", "sampun dibayar nggih?":
                # asked, and the order shows the payment went through, so its status is the answer; a
                # payment reported ("ini bukti pelunasan SAU-1218") or still to check goes to agents below.
                points = [p for p in points if p[0] != "payment_confirmation"] or [("order_status", self.threshold, text)]
                if "order_status" not in (p[0] for p in points):
                    points.insert(0, ("order_status", self.threshold, text))
                points = [(i, max(c, self.threshold) if i == "order_status" else c, seg) for i, c, seg in points]
                intents = tuple(dict.fromkeys(p[0] for p in points))
                primary, conf = "order_status", min(p[1] for p in points)
                action = self.action_for(primary, conf)
        if "human" not in intents and "payment_confirmation" in intents:
            primary = "payment_confirmation"
            flags.add("payment_confirmation")
            reply = None
            if "payment_confirmation" in pack.intents:
                reply = pack.render(pack.pick(pack.intent_templates("payment_confirmation", "default", lang), seed), ctx)
            return finish(Action.ESCALATE, reply, msg("public_reply") if reply else None,
                          "payment confirmation: an agent checks the payment")
        if action is Action.ESCALATE:
            if conf < self.threshold:
                flags.add("low_confidence")
                reason = f"low confidence ({conf:.2f} < {self.threshold:.2f}) for {primary}"
            else:
                reason = f"{primary}: needs an agent"
            reply = None if is_open else msg("out_of_hours")
            public = msg("public_reply") if not is_open else None
            return finish(Action.ESCALATE, reply, public, reason)

        # Auto-reply: answer every point once, with one greeting and one closing.
        ans = _Answer(recall=recall, remember=remember, price_asked="price" in intents)
        for intent, _, segment in points:
            if intent in ("greeting", "thanks", "other") and len(points) > 1:
                continue
            self._answer(intent, turn, segment, lang, ctx, seed, ans, single=len(points) == 1)
        flags |= ans.flags
        only_thanks = intents == ("thanks",)
        lines: list[str] = []
        local = pack.local(turn.now)
        daypart = pack.daypart(local)
        salam = bool(_SALAM.search(text)) and "salam_reply" in pack.messages
        # Greet once per conversation and time of day (a salam is always answered).
        greeted = recall.get("greeted_on") == local.date().isoformat() and recall.get("greeted_daypart") == daypart
        if not only_thanks and (salam or not greeted):
            greet = pack.render(pack.greetings.get(lang, pack.greetings["id"])[daypart], ctx)
            if salam:
                greet = msg("salam_reply")  # "Assalamualaikum" is answered "Waalaikumsalam", not "Selamat pagi"
            lines.append(greet + (" " + ans.parts[0] if ans.parts else ""))
            lines.extend(ans.parts[1:])
            remember.update(greeted_on=local.date().isoformat(), greeted_daypart=daypart)
        else:
            lines.extend(ans.parts)
        lines.extend(ans.missing)
        if ans.missing or ans.person_notes:
            if not is_open:
                lines.append(msg("out_of_hours"))
            reply = "\n".join(lines)
            return finish(Action.ESCALATE, reply, msg("public_reply"),
                          "; ".join(dict.fromkeys(ans.reasons)) or "missing data")
        # The same status of an order not shipped yet, asked again ("kapan dikirim? sore iki iso?" after
        # "sudah dikemas"): the data has said all it can, a person answers rather than the bot repeating.
        # (A shipped order's status again is its tracking number again: "resinya udah ada?")
        said = hashlib.sha1("\n".join(ans.parts).encode()).hexdigest()[:12] if ans.parts else None
        if said and said == recall.get("answer") and intents == ("order_status",) and ans.waiting_order:
            flags.add("repeated_answer")
            return finish(Action.ESCALATE, None, None, "the same answer again: a person takes it from here")
        remember["answer"] = said
        # One closing, except after a thank-you, a greeting that already asks how we can help, or
        # a question of ours (the restock offer) that the customer is to answer.
        if not only_thanks and intents != ("greeting",) and "restock_offer" not in remember:
            lines.append(pack.render(pack.pick(pack.closings.get(lang) or pack.closings["id"], seed), ctx))
        reply = "\n".join(lines)
        decision = finish(Action.AUTO_REPLY, reply, msg("public_reply"),
                          f"answered {', '.join(i for i in intents)} (confidence {conf:.2f})")
        return dataclasses.replace(decision, restock_skus=tuple(ans.restock_skus)) if ans.restock_skus else decision

    # -- answers per intent ------------------------------------------------------------
    def _answer(self, intent: str, turn: Turn, segment: str, lang: str, ctx: dict[str, Any], seed: str, ans: _Answer,
                *, single: bool = True) -> None:
        pack = self.pack

        def render(case: str, **extra: Any) -> str:
            return pack.render(pack.pick(pack.intent_templates(intent, case, lang), seed), {**ctx, **extra})

        def missing(name: str, flag: str | None, reason: str, **extra: Any) -> None:
            tpl = pack.pick(pack.message_templates(name, lang), seed)
            note = pack.render(tpl, {**ctx, **extra})
            if note not in ans.missing:  # "ready? brp?" about an unknown product: say it once
                ans.missing.append(note)
            if flag:
                ans.flags.add(flag)
            ans.reasons.append(reason)

        if (intent in _OPTIONAL_ANSWERED or intent == "warranty") and intent not in pack.intents:
            # a point the pack has no answer for, beside others it has ("... ada garansinya kah?"): a person
            ans.person_notes = True
            ans.reasons.append(f"{intent}: the pack has no answer")
            return
        if self.shop and intent not in ("price", "stock", "shipping_cost", "order_status"):
            # "wetsuit seac nya cocok size apa?": the product a size, detail or custom question is
            # about is the one "yg M ready?" means next.
            catalogue = self.shop.products()
            # (words about the customer, "tinggi 172 berat 68", leave the product named)
            named = look_up_products(segment, catalogue, self._place_words()).matches or match_products(segment, catalogue)
            if len(named) == 1:
                ans.remember["product"] = named[0].products[0].name
                ans.remember["variant"] = _variant_words(named[0], segment) if named[0].variant_given else None
        custom = pack.custom_intents.get(intent)
        if custom is not None:
            by_lang = custom.templates
            templates = by_lang.get(lang) or by_lang.get("id") or ()
            if templates:
                ans.parts.append(pack.render(pack.pick(templates, seed), ctx))
                ans.custom = True
            return
        if intent in ("price", "stock"):
            lookup = CatalogueLookup()
            if self.shop:
                catalogue = self.shop.products()
                places = self._place_words()
                # The words that asked this point first ("hoodie navy ready?"), then the whole burst.
                lookup = look_up_products(segment, catalogue, places)
                if not lookup.named and not ans.named and ans.custom and not ans.recall.get("product"):
                    return  # "bisa bordir nama di dada? brp": the shop's own answer has the price
                if not lookup.named and ans.named:
                    # "filter udara ada?" / "v belt nya sekalian" / "harga brp": the products just
                    # asked about ("hampers ada?" / "yg box kayu brp?": its "Box Kayu")
                    narrowed = []
                    for m in dict.fromkeys(ans.named):
                        same_name = [p for p in catalogue if p.name == m.products[0].name]
                        follow = look_up_products(f"{m.products[0].name} {segment}", same_name, places)
                        single = len(follow.matches) == 1 and follow.matches[0].variant_given
                        narrowed.append(follow.matches[0] if single else m)  # else the variant named before
                    lookup = CatalogueLookup(tuple(dict.fromkeys(narrowed)))
                if not lookup.named:
                    lookup = look_up_products(turn.text, catalogue, places)
                by_kind_only = (not lookup.matches and lookup.category) or (
                    len(lookup.matches) == 1 and len(lookup.matches[0].query.split()) == 1
                    and not lookup.matches[0].variant_given)
                recalled = set(words(ans.recall.get("product") or "")) | {
                    t for p in catalogue if p.name == ans.recall.get("product") for t in words(p.variant or "")}
                if by_kind_only and ans.recall.get("product") and (
                        not lookup.matches or set(lookup.matches[0].query.split()) <= recalled):
                    # "set 3 nya ada?" after the toples' "Set 6": its variant, not a "Set ..." product
                    # (but "lem pipanyo, ado?" after the pipe is the glue: "lem" is no word of the pipe's)
                    follow = look_up_products(f"{ans.recall['product']} {segment}", catalogue, places)
                    if follow.matches and follow.matches[0].variant_given and len(follow.matches[0].products) == 1:
                        lookup = follow
                both = ans.recall.get("products") or []
                if not lookup.named and len(both) > 1 and _EACH.search(segment):
                    # "bara masing2?" after two products: each of them, as named
                    lookup = CatalogueLookup(tuple(dict.fromkeys(
                        m for name, variant in both
                        for m in look_up_products(f"{name} {variant or ''}", catalogue, places).matches[:1])))
                if not lookup.named and not ans.recall.get("product") and (among := self._one_of_those(segment, both)):
                    lookup = among  # "yg L ada?" after the paper bags' sizes: the one that has an L
                if not lookup.named and ans.recall.get("product"):
                    # "brp?" / "yg putih?" after a product was named: that product (and variant;
                    # "bubuknya?" after "yg 500gr?" is the 500gr one if that leaves one).
                    product, variant = ans.recall["product"], ans.recall.get("variant")
                    lookup = look_up_products(f"{product} {segment}", catalogue, places)
                    sibling = _sibling(product, segment, catalogue, places, variant)
                    if sibling is not None:
                        lookup, variant = sibling, None  # "yg 1.5 liter?" after "Toples ... 3 Liter"
                    if not (lookup.matches and lookup.matches[0].variant_given) and segment != turn.text:
                        # "PE 4 wae, regane piro?": the variant named in another part of the burst
                        whole = look_up_products(f"{product} {turn.text}", catalogue, places)
                        if whole.matches and whole.matches[0].variant_given and len(whole.matches[0].products) == 1:
                            lookup = whole
                    narrowed = look_up_products(f"{product} {variant} {segment}", catalogue, places) if variant else None
                    if narrowed and len(narrowed.matches) == 1 and len(narrowed.matches[0].products) == 1 and (
                            not lookup.matches or len(lookup.matches[0].products) > 1):
                        lookup = narrowed
                ans.named.extend(m for m in lookup.matches if m not in ans.named)
                if len(lookup.matches) == 1:
                    m = lookup.matches[0]
                    ans.remember["product"] = m.products[0].name
                    ans.remember["variant"] = _variant_words(m, segment) if m.variant_given else None
                # every product the burst named, for "masing2 brp?" next
                ans.remember["products"] = [[m.products[0].name, _variant_words(m, m.query) if m.variant_given else None]
                                            for m in ans.named[:4]]
                ans.remember["topic"] = intent
            if lookup.unknown or (not lookup.named and (self.shop is None or "which_product" not in pack.messages)):
                # Quote what they asked for only when the message is about that alone.
                query = lookup.unknown if single or lookup.unknown else ""
                missing("unknown_product", "unknown_product", "product not found in catalogue", query=query)
                return
            if not lookup.named:
                tpl = pack.pick(pack.message_templates("which_product", lang), seed)
                note = pack.render(tpl, ctx)
                if note not in ans.parts:
                    ans.parts.append(note)
                ans.reasons.append("asked which product")
                return
            if lookup.category:
                groups = lookup.category[1]
                # each product of the kind narrowed to the variant asked ("kursi teras warna coklat tua",
                # "panel surya 100wp")
                matches = [_narrowed(g, segment) for g in groups]
                if not any(m.variant_given for m in matches) and segment != turn.text:
                    matches = [_narrowed(g, turn.text) for g in groups]  # "... nu 5 kg?" / "sabaraha hargina?"
                # "beras pandan wangi 25kg": the products that have a 25 kg, not the others whole
                if any(m.variant_given for m in matches):
                    matches = [m for m, g in zip(matches, groups) if m.variant_given or mentions_variant(g, turn.text)]
                    matches = [m for m in matches if has_the_numbers(m.products, turn.text)] or matches
                # the products listed, for "yg L ada?" / "kalo yg tipe B?" next
                ans.remember["products"] = [[m.products[0].name, _variant_words(m, m.query) if m.variant_given else None]
                                            for m in matches[:4]]
                if intent == "price":
                    narrowed = tuple(m.products for m in matches)
                    ans.parts.append(render("found", items=_group_prices(narrowed, lang),
                                            **_first([ProductMatch(narrowed[0], "", False)])))
                    return
            else:
                matches = list(lookup.matches)
            sold_out_named = all(m.variant_given and all(p.stock <= 0 for p in m.products) for m in matches)
            if intent == "price":
                ans.parts.append(render("found", items=_price_items(matches, lang), **_first(matches)))
                if not sold_out_named:
                    return
                # "kalau yg ash grey?" priced: and said to be sold out, with what is in stock
            in_stock = [m for m in matches if any(p.stock > 0 for p in m.products)]
            if in_stock:
                # ("ada warna putih?" of a product that has none: its variants, so they see which it has)
                other_colour = bool(_COLOUR_NAMED.search(segment)) and not any(m.variant_given for m in in_stock)
                ans.parts.append(render("available", items=_stock_items(in_stock, lang, True,
                                                                        bool(_VARIANTS_ASKED.search(segment))
                                                                        or other_colour,
                                                                        priced=not ans.price_asked),
                                        **_first(in_stock)))
            else:
                # Sold out: offer what is in stock of the same product(s); a restock notice only
                # where the pack can send one.
                names = {m.products[0].name for m in matches}
                asked = {p.sku for m in matches for p in m.products}
                others = [p for p in (self.shop.products() if self.shop else ())
                          if p.name in names and p.sku not in asked and p.stock > 0]
                others_text = join_list([f"{p.name} {p.variant}".strip() if len(names) > 1 else (p.variant or p.name)
                                         for p in others[:6]], lang)
                items = _stock_items(matches, lang, False)
                ans.parts.append(pack.render(pack.pick(pack.intent_templates("stock", "sold_out", lang), seed),
                                             {**ctx, "items": items, "others": others_text, **_first(matches)}))
                can_notify = pack.offers_restock_notices and not turn.is_public_comment and len(asked) <= 3
                told_to_tell = bool(_TELL_ME_WHEN_BACK.search(turn.text))
                if can_notify:
                    # "kabarin ya kalo yg 1kg udah restock": asked for already, so no offer but the yes
                    name = "restock_confirmed" if told_to_tell else "restock_offer"
                    ans.parts.append(pack.render(pack.pick(pack.message_templates(name, lang), seed),
                                                 {**ctx, "items": items}))
                    if told_to_tell:
                        ans.restock_skus.extend(sorted(asked))
                    else:
                        ans.remember["restock_offer"] = {"skus": sorted(asked), "items": items}
                elif told_to_tell:
                    ans.person_notes = True  # no notices to promise: a person notes it
                    ans.reasons.append("asked to hear when a sold-out item is back; the pack sends no restock notices")
            return
        if intent == "shipping_cost":
            rates = pack.facts.get("shipping_rates", {})
            city, unknown = self._destination(segment, turn.text)
            if not city and not unknown and ans.recall.get("city") in rates and not _COURIERS_ASKED.search(segment):
                city = ans.recall["city"]  # "kalau pakai JNE brp?" after "ongkir ke medan"
            if city:
                ans.remember["city"] = city
                named = _named_courier(turn.text, rates[city])
                courier, cost = (named, rates[city][named]) if named else min(rates[city].items(), key=lambda kv: kv[1])
                missing_courier = None if named else _courier_named(segment) or _courier_named(turn.text)
                free_cities = pack.facts.get("free_shipping_cities")
                applies = bool(pack.facts.get("free_shipping_min")) and (
                    city in free_cities if isinstance(free_cities, list) else True)
                if missing_courier and missing_courier.lower() not in {c.lower() for c in rates[city]}:
                    # "kalo pake jnt?" at a shop without J&T: say so, and what it ships with
                    listed = join_list([f"{c} {rupiah(v)}" for c, v in sorted(rates[city].items(), key=lambda kv: kv[1])],
                                       lang)
                    text = (f"{missing_courier} belum tersedia ya {ctx.get('honorific') or 'kak'}; ke {city.title()} "
                            f"bisa pakai {listed} (per kg)." if lang == "id" else
                            f"We don't ship with {missing_courier}; to {city.title()} we use {listed} (per kg).")
                    ans.parts.append(text)
                    return
                ans.parts.append(render("known", city=city.title(), cost=cost, courier=courier,
                                        rates={k: rupiah(v) for k, v in rates[city].items()},
                                        free_shipping=pack.facts.get("free_shipping_min"),
                                        free_shipping_applies=applies))
            elif unknown:
                missing("unknown_city", None, "no shipping rate for destination", city=unknown.title())
            else:
                ans.parts.append(render("general"))
            return
        if intent == "order_status":
            order = self._find_order(turn, ans.recall)
            if order is None:
                nums = self._order_numbers(turn.text)
                missing("unknown_order", "unknown_order", "order not found",
                        order_number=nums[0] if nums else "")
                return
            ans.remember["order_number"] = order.number
            total = rupiah(order.total) if order.total is not None else ""
            found = render("found", order_number=order.number,
                           status=pack.order_status_text.get(order.status, {}).get(lang, order.status),
                           courier=order.courier or "", tracking_number=order.tracking_number or "", total=total)
            if total and total not in found and _TOTAL_ASKED.search(turn.text):
                # "totalnya brp?": the pack's sentence for it, or the plain one.
                found += " " + pack.render(pack.pick(pack.order_total_templates(lang), seed),
                                           {**ctx, "order_number": order.number, "total": total})
            ans.parts.append(found)
            ans.waiting_order = order.status in ("pending_payment", "paid", "packed")
            return
        if intent == "business_hours":
            ans.parts.append(render("default", open_now=pack.is_open(turn.now)))
            return
        if intent == "payment" and _COD_ONLY.search(segment) and not _OTHER_PAYMENT.search(segment):
            cod_cities = pack.facts.get("cod_cities")
            if isinstance(cod_cities, list):
                aliases = pack.facts.get("city_aliases") or {}
                city, unknown = self._destination(segment, turn.text)
                if not city and not unknown:
                    city = ans.recall.get("city")  # "kalau bayar COD bisa?" after "kirim ke makassar brp?"
                reached = {str(aliases.get(str(c).lower(), c)).lower() for c in cod_cities}
                if (city and city not in reached) or unknown:
                    # "bisa cod ke ruteng?": never "Bisa COD" where it doesn't reach
                    ans.parts.append(pack.render(pack.pick(pack.no_cod_templates(lang), seed),
                                                 {**ctx, "city": (city or unknown or "").title()}))
                    return
            if "cod" in pack.intents["payment"]:
                ans.parts.append(render("cod"))  # "bisa COD?": that answer, not every payment method
                return
        if intent in _ANSWERED or intent in _OPTIONAL_ANSWERED:
            ans.parts.append(render("default"))

    def _own_order_asked(self, turn: Turn, recall: Mapping[str, Any]) -> bool:
        """Their own order's status asked without its number, nothing wrong said, and an order to answer from."""
        low = (turn.text or "").lower()
        return bool(_MY_ORDER.search(low)) and not _NOT_JUST_STATUS.search(low) and not self._order_numbers(turn.text or "") \
            and not _COMPLAINT_CUE.search(low) and self._find_order(turn, recall) is not None

    def _find_order(self, turn: Turn, recall: Mapping[str, Any] | None = None) -> Order | None:
        if self.shop is None:
            return None
        # Every candidate the pack's patterns find, checked against the orders table (the truth).
        numbers = self._order_numbers(turn.text)
        for number in numbers:
            order = self.shop.order_by_number(number)
            if order is not None:
                return order
        if numbers:
            return None  # they named an order we don't have: don't answer about another one
        if recall and recall.get("order_number"):
            order = self.shop.order_by_number(str(recall["order_number"]))
            if order is not None:
                return order
        if turn.customer_phone:
            # The most recent one (the shop data lists them newest first), an open one first; a
            # cancelled one is still their order ("pesanan saya gimana?" is answered "dibatalkan").
            orders = self.shop.orders_by_phone(turn.customer_phone)
            open_orders = [o for o in orders if o.status != "cancelled"]
            if open_orders or orders:
                return (open_orders or orders)[0]
        return None

    def _destination_words(self) -> frozenset[str]:
        """The words of the cities and aliases of the pack's shipping rates."""
        facts = self.pack.facts
        return frozenset(w for place in (*(facts.get("shipping_rates") or ()), *(facts.get("city_aliases") or ()))
                         for w in re.findall(r"[a-z]+", str(place).lower()))

    def _place_words(self) -> tuple[str, ...]:
        """City names and aliases (destinations), the pack's honorifics ("capo alice brp dab?") and
        the words of the shop's name no product has ("helm" of "Kito Helm Palembang", "ban" of "Roda
        Jaya Ban & Velg": what the shop sells, which customers add to a product's name): never the
        words that tell products apart."""
        facts = self.pack.facts
        return (tuple(facts.get("shipping_rates") or ()) + tuple(facts.get("city_aliases") or ())
                + self.pack.mirror_honorifics + self._catalogue().shop_words)

    def _masked(self, text: str) -> str:
        """The text with order numbers replaced by one the normaliser reads as "an order number"
        (marketplace formats like 2411245ABCDEF would otherwise be unknown words)."""
        for start, end, _ in reversed(self._order_spans(text)):
            text = text[:start] + "INV-0001" + text[end:]
        return text

    def _order_spans(self, text: str) -> list[tuple[int, int, str]]:
        """Order-number candidates, less the numbers that are part of the shop's product names
        ("powerbank 20000" asks about a powerbank, not order 20000), unless an order has it."""
        spans = order_number_spans(text, self.pack.order_patterns)
        # (a link's digits are no order: "wa.me/6283122334455" stays a link, for the spam cues)
        links = [m.span() for m in _LINK.finditer(text)]
        spans = [span for span in spans if not any(start <= span[0] < end for start, end in links)]
        if self.shop is None or not spans:
            return spans
        in_names = self._catalogue().numbers
        names = {p.name for p in self.shop.products()}
        return [span for span in spans if (span[2] not in in_names and span[2].upper() not in in_names
                                           and not is_product_code(span[2], names))
                or self.shop.order_by_number(span[2]) is not None]

    def _order_numbers(self, text: str) -> list[str]:
        return [number for _, _, number in self._order_spans(text)]

    def _without_catalogue(self, text: str) -> str:
        """The text less the shop's product names and variants, for the classifier and the cue
        phrases: they say which product, not what is asked, and spelling repair must not turn
        "bergo" into "bego" (an insult) nor a colour "Broken White" read as a complaint."""
        reading = self._catalogue()
        # Two words of a name side by side, one of them a complaint's or a person's word ("anti
        # bocor" of "Cat Pelapis Anti Bocor", "human hair"): they name the product
        pairs = reading.pairs
        if pairs:
            found = list(re.finditer(r"[a-z]+", text.lower()))
            drop = {j for i in range(len(found) - 1) if (found[i].group(), found[i + 1].group()) in pairs
                    for j in (i, i + 1)}
            for j in sorted(drop, reverse=True):
                text = text[:found[j].start()] + " " + text[found[j].end():]
        return reading.words.sub(" ", text) if reading.words is not None else text

    def _catalogue(self) -> _CatalogueReading:
        """What the catalogue's names and variants mean to reading a message, built once per
        catalogue (see `_CatalogueReading`)."""
        if self.shop is None:
            return _NO_CATALOGUE
        products = self.shop.products()
        cached = self._catalogue_cache
        if cached is not None and cached[0] is products:  # the shop hands back the same catalogue
            return cached[1]
        names = {p.name for p in products} | {p.variant for p in products if p.variant}
        known = self.classifier.normalizer.known
        places = self._destination_words()
        phrases: set[str] = set()
        placed: set[str] = set()
        for name in names:
            tokens = re.findall(r"[a-z]+", name.lower())
            if len(tokens) > 1:
                phrases.add(r"\s+".join(tokens))
            phrases.update(t for t in tokens if len(t) >= 4 and t not in known)
            # a city with the word beside it in a name ("semen padang" of "Semen Padang PCC") names
            # the product, not where it goes
            for i, token in enumerate(tokens):
                if token in places:
                    placed.update(r"\s+".join(pair) for pair in (tokens[max(0, i - 1):i + 1], tokens[i:i + 2])
                                  if len(pair) == 2 and min(map(len, pair)) >= 3)
        phrases |= placed
        # and codes with digits ("AC102" of "Overgrip Yonex AC102"), as an order number is matched
        numbers = frozenset(w for name in names for w in words(name) if w.isdigit()) | frozenset(
            code.upper() for name in names for code in re.findall(r"\b(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*\b", name))
        pairs = frozenset(
            (a, b) for name in names for tokens in [re.findall(r"[a-z]+", name.lower())]
            for a, b in zip(tokens, tokens[1:]) if min(len(a), len(b)) >= 3
            and any(_COMPLAINT_CUE.search(w) or w in _PERSON_WORDS for w in (a, b)))
        named = {w for name in names for w in re.findall(r"[a-z]+", name.lower())}
        shop_words = tuple(w for w in re.findall(r"[a-z]+", self.pack.shop_name.lower()) if len(w) >= 3 and w not in named)
        reading = _CatalogueReading(_phrase_pattern(phrases), numbers, _phrase_pattern(placed), pairs, shop_words)
        self._catalogue_cache = (products, reading)
        return reading

    def _without_placed_names(self, text: str) -> str:
        """The text less the names with a city in them ("semen padang"): they name no destination."""
        placed = self._catalogue().placed
        return placed.sub(" ", text) if placed is not None else text

    def _follow_up_points(self, points: list[tuple[str, float, str]], primary: str, conf: float,
                          recall: Mapping[str, Any]) -> tuple[list[tuple[str, float, str]], str, float]:
        """Unclear points that name the shop's products, or a variant of the product just talked
        about ("kalo abu muda?", "yg 1kg ada?", "how much is it?"), are price or stock questions;
        a courier after a shipping answer ("kalau ninja xpress?") asks that courier's rate."""
        if any(p[0] in _SEVERE and p[1] >= self.threshold for p in points):
            return points, primary, conf
        rates = self.pack.facts.get("shipping_rates") or {}
        aliases = self.pack.facts.get("city_aliases") or {}
        city = recall.get("city")  # a shipping answer came before: another city or courier asks the same
        changed = []
        for intent, confidence, segment in points:
            shipping = city in rates and (_named_courier(segment, rates[city]) or any(find_city(segment, rates, aliases)))
            if shipping and len(segment.split()) <= 6 and intent in _COURIER_MISREAD and not self._order_numbers(segment):
                intent, confidence = "shipping_cost", 0.9  # "kalo lion parcel?" after a rate: not a parcel to track
            elif (confidence < self.threshold or intent in ("other", "spam")) and len(segment.split()) <= 5 \
                    and _TO_PLACE.match(segment) and find_city(segment, rates, aliases)[0]:
                intent, confidence = "shipping_cost", 0.9  # "ke labuan bajo" after a product: shipping there
            elif (confidence < self.threshold or (intent == "other" and self._only_names(segment))) \
                    and len(segment.split()) <= 12:
                # ("other" too: a product's name alone, "cepol jedai messy bun", after "ready? brp?")
                asked = ("shipping_cost" if shipping
                         else self._catalogue_question(segment, recall) if self.shop is not None else None)
                if asked:
                    intent, confidence = asked, 0.9
            if all(c[0] != intent for c in changed):
                changed.append((intent, confidence, segment))
        lowest = min(c[1] for c in changed)
        if lowest < self.threshold:
            return points, primary, conf
        first = changed[0][0] if primary not in [c[0] for c in changed] else primary
        return changed, first, lowest

    def _one_of_those(self, segment: str, listed: list[Any]) -> CatalogueLookup | None:
        """Of several products answered before, the one whose variant the segment names (and
        only that one): "yg L ada?" after two paper bags of which one comes in L."""
        if self.shop is None or len(listed) < 2 or len(segment.split()) > 6:
            return None
        catalogue, places = self.shop.products(), self._place_words()
        found = []
        for name, _ in listed:
            follow = look_up_products(f"{name} {segment}", [p for p in catalogue if p.name == name], places)
            if follow.matches and follow.matches[0].variant_given and not follow.unknown:
                found.append(follow)
        return found[0] if len(found) == 1 else None

    def _names_a_variant(self, segment: str) -> bool:
        if self.shop is None:
            return False
        lookup = look_up_products(segment, self.shop.products(), self._place_words())
        return any(m.variant_given for m in lookup.matches)

    def _only_names(self, segment: str) -> bool:
        """Nothing but the catalogue's words (and whom it is said to) in the segment."""
        rest = set(self.classifier.normalizer.tokens(self._without_catalogue(segment)))
        return bool(segment.strip()) and not rest - {"kak", "?", "angka"} - _FILLER

    def _catalogue_question(self, segment: str, recall: Mapping[str, Any]) -> str | None:
        """"price" or "stock" when the segment is about a product of the catalogue, else None."""
        assert self.shop is not None
        catalogue, places = self.shop.products(), self._place_words()
        norm = self.classifier.normalizer.text(segment)
        priced = _PRICE_WORDS.search(norm) or _PRICE_WORDS.search(segment.lower())
        # "yg 500gr?" after a price: its price; after a stock question, its stock.
        if not priced and not _STOCK_WORDS.search(norm) and _DETAIL_ASKED.search(segment):
            return None  # "isinya apa aja?", "pake MSG nda?": what the product is like, for a person
        asked = "price" if priced or (recall.get("topic") == "price" and not _STOCK_WORDS.search(norm)) else "stock"
        lookup = look_up_products(segment, catalogue, places)
        if lookup.matches or lookup.category:
            return asked
        product = recall.get("product")
        if not product and self._one_of_those(segment, recall.get("products") or []):
            return asked  # "kalo yg tipe B?" after two goats were priced: the one that is "Tipe B"
        if product and _VARIANTS_ASKED.search(segment):
            return "stock"  # "ada warna apa aja?": the variants of the product just talked about
        if product and _sibling(product, segment, catalogue, places, recall.get("variant")):
            return asked  # "yg 1.5 liter?" after the "... 3 Liter" one
        if product and not lookup.unknown:
            follow = look_up_products(f"{product} {segment}", catalogue, places)
            if follow.matches and (follow.matches[0].variant_given or asked == "price"):
                return asked
        return None

    # -- voice helpers --------------------------------------------------------------------
    def _honorific(self, text: str) -> str:
        toks = re.findall(r"[a-z]+", text.lower())
        for tok in toks:
            base = re.sub(r"(.)\1+$", r"\1", tok)  # "siss" -> "sis"
            for cand in (tok, base, tok.rstrip("t")):  # "sist" -> "sis"
                if cand in self._mirror:
                    return cand
        return self.pack.honorific

    @staticmethod
    def _formal(text: str) -> bool:
        toks = set(re.findall(r"[a-z]+", text.lower()))
        return len(toks & _FORMAL) >= 2 and not toks & {"kak", "min", "sis", "gan", "dong", "brp", "gak", "ga"}


_NOT_A_COURIER = frozenset({"kurir", "toko", "same", "instant", "gojek", "grab"})
# Couriers customers name, as they write them -> as shops write them.
_KNOWN_COURIERS = {"jne": "JNE", "jnt": "J&T", "j&t": "J&T", "sicepat": "SiCepat", "anteraja": "AnterAja",
                   "tiki": "TIKI", "ninja": "Ninja Xpress", "wahana": "Wahana", "idexpress": "ID Express",
                   "lion": "Lion Parcel", "pos": "POS", "sap": "SAP Express", "jet": "JET Express"}
_COURIER_WORD = re.compile(r"(?<![a-z0-9&])(" + "|".join(map(re.escape, _KNOWN_COURIERS)) + r")(?![a-z0-9&])")


def _courier_named(text: str) -> str | None:
    """A courier the customer named, whether or not the shop has it ("kalo pake jnt?")."""
    low = re.sub(r"\bkode ?pos\b|\bpostal\b", " ", text.lower())  # a postcode is no courier
    found = _COURIER_WORD.search(re.sub(r"\bsi cepat\b", "sicepat", re.sub(r"\banter aja\b", "anteraja", low)))
    return _KNOWN_COURIERS[found.group(1)] if found else None


def _total_is_the_orders(points: list[tuple[str, float, str]], primary: str
                         ) -> tuple[list[tuple[str, float, str]], str, float]:
    changed: list[tuple[str, float, str]] = []
    for intent, confidence, segment in points:
        if intent == "price" and _TOTAL_ASKED.search(segment):
            intent, confidence = "order_status", max(confidence, 0.9)
        if all(c[0] != intent for c in changed):
            changed.append((intent, confidence, segment))
    first = primary if primary in [c[0] for c in changed] else changed[0][0]
    return changed, first, min(c[1] for c in changed)


def _named_courier(text: str, rates: Mapping[str, int]) -> str | None:
    """The courier the customer named ("pakai JNE", "jnt", "j&t"), if we have its rate."""
    low = " " + re.sub(r"[^a-z0-9&]+", " ", text.lower()) + " "
    firsts = [str(c).lower().split()[0] for c in rates]
    for courier in rates:
        spellings = {courier.lower(), courier.lower().replace("&", "n"), courier.lower().replace("&", "")}
        first = courier.lower().split()[0]
        if len(first) >= 3 and firsts.count(first) == 1 and first not in _NOT_A_COURIER:
            spellings.add(first)  # "pake pos?" names Pos Indonesia, "lion" Lion Parcel
        if any(f" {sp} " in low for sp in spellings):
            return courier
    return None


def _sibling(product: str, segment: str, catalogue: Any, places: Any, variant: str | None = None
             ) -> CatalogueLookup | None:
    """The one product named like the one just talked about but with the segment's number where its
    name or variant has another ("yg 1.5 liter?" after "Toples Claris 3 Liter" is "Toples Claris 1.5
    Liter"; "yg 10 liter" after the "Mixer Fomac BKM-B20, 20 Liter" is the BKM-B10)."""
    said = [w for w in words(segment) if _is_number_word(w)]
    own = [w for w in words(f"{product} {variant or ''}") if _is_number_word(w)]
    if not said or not own or set(said) <= set(own):
        return None
    stripped = " ".join(w for w in words(product) if not any(c.isdigit() for c in w))
    found = look_up_products(f"{stripped} {segment}", catalogue, places)
    given = [m for m in found.matches if m.variant_given] if len(found.matches) > 1 else list(found.matches)
    if len(given) == 1 and given[0].products[0].name != product:
        return CatalogueLookup((given[0],))
    return None


def _is_number_word(word: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)?", word))


def _variant_words(match: ProductMatch, asked: str) -> str | None:
    """The variant they named: the one row's, or the words they used that every row matched
    shares ("yg 500gr?" of Biji 500gr and Bubuk 500gr: "500gr")."""
    if len(match.products) == 1:
        return match.products[0].variant
    shared = set.intersection(*(set(words(p.variant or "")) for p in match.products))
    named = [w for w in words(asked) if w in shared]
    return " ".join(dict.fromkeys(named)) or None


def _narrowed(group: tuple[Product, ...], asked: str) -> ProductMatch:
    """One product (its variants) as the words asked narrow it: the variant named, else all."""
    found = match_products(f"{group[0].name} {asked}", group)
    if found and found[0].variant_given:
        return ProductMatch(found[0].products, "", True)
    return ProductMatch(group, "", False)


def _first(matches: list[ProductMatch]) -> dict[str, Any]:
    p = matches[0].products[0]
    return {"product": p.name, "variant": p.variant or "", "price": rupiah(p.price), "stock": p.stock}


def _price_range(products: tuple[Product, ...] | list[Product]) -> str:
    prices = sorted({p.price for p in products})
    return rupiah(prices[0]) if len(prices) == 1 else f"{rupiah(prices[0])}–{rupiah(prices[-1])}"


def _price_items(matches: list[ProductMatch], lang: str) -> str:
    """Brief: one price per product, the variant's when they named one, else the range."""
    chunks = []
    for m in matches[:3]:
        name = m.products[0].name
        if len(m.products) == 1 and m.products[0].variant:  # the only row: its variant says what it is
            chunks.append(f"{name} {m.products[0].variant} {rupiah(m.products[0].price)}")
        else:
            chunks.append(f"{name} {_price_range(m.products)}")
    return join_list(chunks, lang)


def _group_prices(groups: tuple[tuple[Product, ...], ...], lang: str) -> str:
    """A kind of product ("harga batik?"): each product's name and price or price range."""
    chunks = [f"{g[0].name} {g[0].variant + ' ' if len(g) == 1 and g[0].variant else ''}{_price_range(g)}"
              for g in groups[:5]]
    if len(groups) > 5:
        chunks.append(f"{len(groups) - 5} {'produk lain' if lang == 'id' else 'more'}")
    return join_list(chunks, lang)


def _keyword_forms(normalizer: Normalizer, keywords: Iterable[str]) -> tuple[str, ...]:
    """A shop's keywords as `normalizer` reads messages. A keyword that reads as nothing but a
    number ("440" -> "angka") would match every number: left out."""
    return tuple(norm for norm in map(normalizer.text, keywords) if set(norm.split()) - _PLACEHOLDERS)


def _is_short_yes(text: str, items: str = "") -> bool:
    """A yes to the restock offer: yes words and chat ("iya kabarin ya teh kalo cream udh ada": the
    item's own words too), or a short ask to be told with no "no" in it ("iyo kabari jo kalo so ada")."""
    found = set(re.findall(r"[a-z]+", text.lower()))
    if not 0 < len(re.findall(r"[a-z]+", text.lower())) <= 10:
        return False
    item_words = set(re.findall(r"[a-z]+", items.lower()))
    if found <= _YES_WORDS | _YES_FILLER | item_words and found & _YES_WORDS:
        return True
    return bool(found & _NOTIFY_WORDS) and not found & _NO_WORDS and "?" not in text


def _is_short_no(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    return 0 < len(words) <= 6 and set(words) <= _NO_WORDS | _NO_FILLER and bool(set(words) & _NO_WORDS)


def _stock_items(matches: list[ProductMatch], lang: str, available: bool, variants_asked: bool = False,
                 priced: bool = False) -> str:
    """The products asked about; with `priced`, what the ready ones cost ("ready kak, Rp30.000"),
    which is what a customer asking "ada?" wants to know next."""
    chunks = []
    for m in matches[:3]:
        name = m.products[0].name
        shown = [p for p in m.products if (p.stock > 0) == available]
        price = f" ({_price_range(shown)})" if priced and shown else ""
        if len(m.products) == 1 or not any(p.variant for p in m.products):
            # a product of one row is named with its variant ("Abbey Road (Bekas) LP VG"), as priced
            variant = m.products[0].variant if len(m.products) == 1 and m.products[0].variant else ""
            chunks.append(f"{name} {variant}".strip() + price)
        else:
            word = "varian" if lang == "id" else "variants"
            listed = join_list([p.variant for p in shown[:8]], lang)
            chunks.append(f"{name} ({word} {listed}{', ' + price[2:-1] if price else ''})")
    return join_list(chunks, lang)


_QUERY_DROP = frozenset("""kak min sis gan ka kk ya yg yang ini itu ada ga gak nggak brp berapa harga hrg harganya
ready stok stock masih dong mau tanya nanya apa how much price of for the is do you have in still dan ready""".split())


def _product_query(text: str) -> str:
    words = [w for w in re.findall(r"[a-zA-Z0-9]+", text.lower()) if w not in _QUERY_DROP]
    return " ".join(words[:5])
