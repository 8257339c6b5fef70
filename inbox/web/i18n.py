"""What agents read, in Indonesian (the default) and English, and how numbers and times look; no Flask."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

DEFAULT_LANGUAGE = "id"
# The shops are in Indonesia: agents read times in WIB whatever the server's zone.
SHOP_TIMEZONE = timezone(timedelta(hours=7), "WIB")
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "app.name": "Kotak Masuk",
        "nav.queue": "Antrean",
        "nav.logout": "Keluar",
        "login.title": "Masuk",
        "login.email": "E-mail",
        "login.password": "Kata sandi",
        "login.submit": "Masuk",
        "login.failed": "E-mail atau kata sandi salah.",
        "login.locked": "Terlalu banyak percobaan masuk. Coba lagi dalam 15 menit.",
        "nav.canned": "Jawaban cepat",
        "canned.title": "Jawaban cepat",
        "canned.help": "Agen menyisipkan jawaban ini dari halaman percakapan dengan satu klik.",
        "canned.shortcut": "Singkatan",
        "canned.text": "Teks",
        "canned.add": "Tambah atau ubah (singkatan yang sama menimpa teksnya)",
        "canned.save": "Simpan",
        "canned.delete": "Hapus",
        "canned.empty": "Belum ada jawaban cepat.",
        "canned.saved": "Jawaban /{shortcut} disimpan.",
        "canned.deleted": "Jawaban dihapus.",
        "canned.invalid": "Singkatan (maks. {shortcut} karakter) dan teks (maks. {text} karakter) wajib diisi.",
        "canned.admin_only": "Hanya admin yang dapat mengubah jawaban cepat.",
        "canned.not_found": "Jawaban tidak ditemukan.",
        "conv.window_closed": "Batas waktu balasan kanal ini sudah lewat sejak pesan terakhir pelanggan: balasan teks biasa akan ditolak sampai pelanggan menulis lagi.",
        "conv.window_open": "Balasan teks bisa dikirim sampai {time} (sekitar {hours} jam lagi).",
        "conv.post": "Komentar di postingan",
        "login.required": "Silakan masuk dulu.",
        "logout.done": "Anda sudah keluar.",
        "queue.title": "Antrean percakapan",
        "tab.waiting": "Menunggu",
        "tab.mine": "Milik saya",
        "tab.open": "Semua terbuka",
        "tab.resolved": "Selesai (terbaru)",
        "queue.empty": "Tidak ada percakapan di sini.",
        "queue.pages": "Halaman antrean",
        "event.hide": "Bot menyembunyikan komentar ini",
        "event.unhide": "Komentar ditampilkan lagi",
        "event.delete": "Komentar dihapus",
        "target.public_reply": "balasan publik",
        "target.private_reply": "pesan pribadi",
        "target.message": "pesan",
        "target.comment": "komentar publik",
        "conv.reply_target": "Balas sebagai",
        "msg.edited": "(diedit)",
        "msg.removed": "(dihapus pelanggan)",
        "search.label": "Cari percakapan",
        "search.placeholder": "Nama, nomor HP, no. pesanan atau isi pesan",
        "search.submit": "Cari",
        "search.reset": "Hapus filter",
        "filter.any_channel": "Semua kanal",
        "filter.any_agent": "Semua agen",
        "filter.no_agent": "Belum ada agen",
        "filter.priority": "Prioritas",
        "filter.any_priority": "Semua prioritas",
        "filter.priority_normal": "Biasa",
        "queue.no_match": "Tidak ada percakapan yang cocok dengan pencarian ini.",
        "queue.customer_replied": "Pelanggan membalas",
        "queue.unanswered_since": "Pesan pertama yang belum dijawab: {time} WIB",
        "queue.handed_over": "diserahkan {age} lalu",
        "queue.prev": "Sebelumnya",
        "queue.next": "Berikutnya",
        "queue.page_of": "Halaman {page} dari {pages} ({total} percakapan)",
        "queue.refresh": "Halaman ini diperbarui otomatis setiap 15 detik.",
        "col.customer": "Pelanggan",
        "col.channel": "Kanal",
        "col.status": "Status",
        "col.reason": "Alasan / tanda",
        "col.waiting": "Menunggu",
        "col.agent": "Agen",
        "stats.title": "24 jam terakhir",
        "stats.median": "Median respons pertama",
        "stats.of_turns": "dijawab dari {turns}",
        "stats.within_target": "Dijawab ≤ {target}",
        "stats.human_median": "Median respons agen pertama",
        "stats.human_within_target": "Dijawab agen ≤ {target}",
        "stats.unanswered": "Belum dijawab > {target}",
        "stats.breakdown": "Per kanal dan per agen",
        "stats.col_turns": "Giliran pelanggan",
        "stats.col_within": "≤ target",
        "stats.col_unanswered": "Belum dijawab",
        "status.bot": "Bot",
        "status.waiting": "Menunggu",
        "status.assigned": "Ditangani",
        "status.resolved": "Selesai",
        "priority.high": "Prioritas",
        "nobody": "—",
        "you": "Anda",
        "last_activity": "aktivitas {age} lalu",
        "conv.back": "← Kembali ke antrean",
        "conv.history": "Riwayat",
        "conv.orders": "Pesanan pelanggan",
        "conv.no_orders": "Tidak ada pesanan untuk nomor ini.",
        "conv.canned": "Jawaban cepat",
        "conv.no_canned": "Belum ada jawaban cepat.",
        "conv.canned_hint": "Klik untuk menyisipkan ke kotak balasan.",
        "conv.reply": "Balas",
        "conv.reply_placeholder": "Tulis balasan untuk pelanggan…",
        "conv.send": "Kirim",
        "conv.take": "Ambil percakapan",
        "conv.resolve": "Tandai selesai",
        "conv.assigned_to": "Ditangani oleh {name}",
        "conv.phone": "Telepon",
        "conv.no_messages": "Belum ada pesan.",
        "conv.reply_sent": "Balasan disimpan dan sedang dikirim.",
        "conv.reply_duplicate": "Balasan ini sudah terkirim sebelumnya; tidak dikirim dua kali.",
        "conv.taken": "Percakapan sekarang milik Anda.",
        "conv.resolved": "Percakapan ditandai selesai.",
        "conv.attachment": "Lampiran",
        "conv.photo": "Foto dari pelanggan",
        "sender.customer": "Pelanggan",
        "sender.bot": "Bot",
        "sender.agent": "Agen",
        "order.number": "No. pesanan",
        "order.status": "Status",
        "order.total": "Total",
        "delivery.pending": "menunggu kirim",
        "delivery.sending": "sedang dikirim",
        "delivery.retry": "dicoba ulang",
        "delivery.sent": "terkirim",
        "delivery.delivered": "diterima",
        "delivery.read": "dibaca",
        "delivery.failed": "gagal",
        "delivery.unknown": "status tidak diketahui",
        "flag.abuse": "kasar",
        "flag.spam": "spam",
        "flag.priority": "penting",
        "flag.send_failed": "gagal kirim",
        "flag.delivery_unknown": "pengiriman tak pasti",
        "flag.low_confidence": "bot ragu",
        "flag.out_of_hours": "di luar jam kerja",
        "flag.unknown_product": "produk tak dikenal",
        "flag.unknown_order": "pesanan tak dikenal",
        "flag.processing_failed": "gagal diproses",
        "channel.whatsapp_twilio": "WhatsApp",
        "channel.telegram": "Telegram",
        "channel.whatsapp_cloud": "WhatsApp Cloud",
        "channel.instagram": "Instagram",
        "channel.facebook": "Facebook",
        "channel.x": "X",
        "channel.webchat": "Obrolan web",
        "desk.taken_by_other": "Agen lain sudah mengambil percakapan ini.",
        "desk.empty_reply": "Balasan masih kosong.",
        "desk.too_long": "Balasan terlalu panjang.",
        "desk.not_found": "Percakapan tidak ditemukan.",
        "duration.seconds": "{n} dtk",
        "duration.minutes": "{n} mnt",
        "duration.hours": "{h} j {m} mnt",
        "duration.days": "{n} hr",
    },
    "en": {
        "app.name": "Inbox",
        "nav.queue": "Queue",
        "nav.logout": "Log out",
        "login.title": "Log in",
        "login.email": "E-mail",
        "login.password": "Password",
        "login.submit": "Log in",
        "login.failed": "Wrong e-mail or password.",
        "login.locked": "Too many login attempts. Try again in 15 minutes.",
        "nav.canned": "Canned answers",
        "canned.title": "Canned answers",
        "canned.help": "Agents insert these from a conversation page with one click.",
        "canned.shortcut": "Shortcut",
        "canned.text": "Text",
        "canned.add": "Add or change (the same shortcut replaces its text)",
        "canned.save": "Save",
        "canned.delete": "Delete",
        "canned.empty": "No canned answers yet.",
        "canned.saved": "Answer /{shortcut} saved.",
        "canned.deleted": "Answer deleted.",
        "canned.invalid": "A shortcut (at most {shortcut} characters) and a text (at most {text} characters) are required.",
        "canned.admin_only": "Only admins can change canned answers.",
        "canned.not_found": "No such answer.",
        "conv.window_closed": "This channel's reply window has passed since the customer's last message: a plain text reply will be refused until they write again.",
        "conv.window_open": "Text replies can be sent until {time} (about {hours} hours left).",
        "conv.post": "Comment on post",
        "login.required": "Please log in first.",
        "logout.done": "You have logged out.",
        "queue.title": "Conversation queue",
        "tab.waiting": "Waiting",
        "tab.mine": "Mine",
        "tab.open": "All open",
        "tab.resolved": "Resolved (recent)",
        "queue.empty": "No conversations here.",
        "queue.pages": "Queue pages",
        "event.hide": "The bot hid this comment",
        "event.unhide": "Comment shown again",
        "event.delete": "Comment deleted",
        "target.public_reply": "public reply",
        "target.private_reply": "private message",
        "target.message": "message",
        "target.comment": "public comment",
        "conv.reply_target": "Reply as",
        "msg.edited": "(edited)",
        "msg.removed": "(removed by the customer)",
        "search.label": "Search conversations",
        "search.placeholder": "Name, phone, order number or message text",
        "search.submit": "Search",
        "search.reset": "Clear filters",
        "filter.any_channel": "All channels",
        "filter.any_agent": "All agents",
        "filter.no_agent": "No agent yet",
        "filter.priority": "Priority",
        "filter.any_priority": "Any priority",
        "filter.priority_normal": "Normal",
        "queue.no_match": "No conversation matches this search.",
        "queue.customer_replied": "Customer replied",
        "queue.unanswered_since": "First unanswered message: {time} WIB",
        "queue.handed_over": "handed over {age} ago",
        "queue.prev": "Previous",
        "queue.next": "Next",
        "queue.page_of": "Page {page} of {pages} ({total} conversations)",
        "queue.refresh": "This page refreshes itself every 15 seconds.",
        "col.customer": "Customer",
        "col.channel": "Channel",
        "col.status": "Status",
        "col.reason": "Reason / flags",
        "col.waiting": "Waiting",
        "col.agent": "Agent",
        "stats.title": "Last 24 hours",
        "stats.median": "Median first response",
        "stats.of_turns": "answered of {turns}",
        "stats.within_target": "Answered ≤ {target}",
        "stats.human_median": "Median first agent response",
        "stats.human_within_target": "Answered by an agent ≤ {target}",
        "stats.unanswered": "Unanswered > {target}",
        "stats.breakdown": "Per channel and per agent",
        "stats.col_turns": "Customer turns",
        "stats.col_within": "≤ target",
        "stats.col_unanswered": "Unanswered",
        "status.bot": "Bot",
        "status.waiting": "Waiting",
        "status.assigned": "Assigned",
        "status.resolved": "Resolved",
        "priority.high": "Priority",
        "nobody": "—",
        "you": "You",
        "last_activity": "active {age} ago",
        "conv.back": "← Back to the queue",
        "conv.history": "History",
        "conv.orders": "Customer's orders",
        "conv.no_orders": "No orders for this number.",
        "conv.canned": "Canned answers",
        "conv.no_canned": "No canned answers yet.",
        "conv.canned_hint": "Click to insert into the reply box.",
        "conv.reply": "Reply",
        "conv.reply_placeholder": "Write a reply to the customer…",
        "conv.send": "Send",
        "conv.take": "Take conversation",
        "conv.resolve": "Mark resolved",
        "conv.assigned_to": "Assigned to {name}",
        "conv.phone": "Phone",
        "conv.no_messages": "No messages yet.",
        "conv.reply_sent": "Reply saved and being sent.",
        "conv.reply_duplicate": "This reply was already sent; it was not sent twice.",
        "conv.taken": "The conversation is now yours.",
        "conv.resolved": "Conversation marked resolved.",
        "conv.attachment": "Attachment",
        "conv.photo": "Photo from the customer",
        "sender.customer": "Customer",
        "sender.bot": "Bot",
        "sender.agent": "Agent",
        "order.number": "Order no.",
        "order.status": "Status",
        "order.total": "Total",
        "delivery.pending": "queued",
        "delivery.sending": "sending",
        "delivery.retry": "retrying",
        "delivery.sent": "sent",
        "delivery.delivered": "delivered",
        "delivery.read": "read",
        "delivery.failed": "failed",
        "delivery.unknown": "status unknown",
        "flag.abuse": "abusive",
        "flag.spam": "spam",
        "flag.priority": "urgent",
        "flag.send_failed": "send failed",
        "flag.delivery_unknown": "delivery unknown",
        "flag.low_confidence": "bot unsure",
        "flag.out_of_hours": "out of hours",
        "flag.unknown_product": "unknown product",
        "flag.unknown_order": "unknown order",
        "flag.processing_failed": "processing failed",
        "channel.whatsapp_twilio": "WhatsApp",
        "channel.telegram": "Telegram",
        "channel.whatsapp_cloud": "WhatsApp Cloud",
        "channel.instagram": "Instagram",
        "channel.facebook": "Facebook",
        "channel.x": "X",
        "channel.webchat": "Web chat",
        "desk.taken_by_other": "Another agent has already taken this conversation.",
        "desk.empty_reply": "The reply is empty.",
        "desk.too_long": "The reply is too long.",
        "desk.not_found": "No such conversation.",
        "duration.seconds": "{n} s",
        "duration.minutes": "{n} min",
        "duration.hours": "{h} h {m} min",
        "duration.days": "{n} d",
    },
}

# agent_desk raises English sentences; agents reading Indonesian get them translated.
DESK_ERROR_KEYS = {
    "another agent": "desk.taken_by_other",
    "reply is empty": "desk.empty_reply",
    "longer than": "desk.too_long",
}


def pick_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


def translate(lang: str, key: str, **values: Any) -> str:
    """The string for `key`; falls back to English, then to the key itself so a gap shows."""
    text = STRINGS.get(lang, {}).get(key) or STRINGS["en"].get(key) or key
    return text.format(**values) if values else text


def translate_optional(lang: str, key: str, fallback: str) -> str:
    """For open-ended values (flags, channels): a known key's text, else the raw value."""
    text = STRINGS.get(lang, {}).get(key)
    return text if text is not None else fallback


def desk_error_message(lang: str, error: str) -> str:
    for fragment, key in DESK_ERROR_KEYS.items():
        if fragment in error:
            return translate(lang, key)
    return error


INTENT_LABELS: dict[str, dict[str, str]] = {
    "id": {
        "greeting": "salam", "price": "harga", "stock": "stok", "shipping_cost": "ongkir",
        "order_status": "status pesanan", "payment": "pembayaran", "return_refund": "retur/refund",
        "warranty": "garansi", "complaint": "komplain", "human": "minta admin", "thanks": "terima kasih",
        "abuse": "kata kasar", "spam": "spam", "other": "pertanyaan lain",
    },
    "en": {
        "greeting": "greeting", "price": "price", "stock": "stock", "shipping_cost": "shipping cost",
        "order_status": "order status", "payment": "payment", "return_refund": "return/refund",
        "warranty": "warranty", "complaint": "complaint", "human": "asks for a person", "thanks": "thanks",
        "abuse": "abuse", "spam": "spam", "other": "other question",
    },
}
# The replies engine and the pipeline write handover reasons in English for logs; agents read
# them in their language. Unknown reasons show as written.
REASON_PATTERNS: list[tuple[re.Pattern[str], dict[str, str]]] = [
    (re.compile(r"^complaint\b"), {"id": "Komplain pelanggan", "en": "Customer complaint"}),
    (re.compile(r"^abusive language"), {"id": "Kata kasar: tinjau, bot tidak membalas", "en": "Abusive language: review, no bot reply"}),
    (re.compile(r"^low confidence \((?P<conf>[\d.]+) < [\d.]+\) for (?P<intent>\w+)"),
     {"id": "Bot ragu ({intent}, keyakinan {conf})", "en": "Bot unsure ({intent}, confidence {conf})"}),
    (re.compile(r"^(?P<intent>\w+): needs an agent"), {"id": "Perlu agen: {intent}", "en": "Needs an agent: {intent}"}),
    (re.compile(r"^product not found"), {"id": "Produk tidak ada di katalog", "en": "Product not in the catalogue"}),
    (re.compile(r"^order not found"), {"id": "Pesanan tidak ditemukan", "en": "Order not found"}),
    (re.compile(r"^no shipping rate"), {"id": "Tarif ongkir tujuan belum ada", "en": "No shipping rate for the destination"}),
    (re.compile(r"^the bot failed to process"), {"id": "Bot gagal memproses pesan ini", "en": "The bot failed to process this message"}),
    (re.compile(r"^reply not delivered: (?P<detail>.*)"), {"id": "Balasan gagal terkirim: {detail}", "en": "Reply not delivered: {detail}"}),
]


def describe_reason(lang: str, reason: str | None) -> str:
    if not reason:
        return ""
    labels = INTENT_LABELS.get(lang, INTENT_LABELS["en"])
    for pattern, texts in REASON_PATTERNS:
        match = pattern.match(reason)
        if match:
            values = match.groupdict()
            if "intent" in values:
                values["intent"] = labels.get(values["intent"], values["intent"])
            return texts.get(lang, texts["en"]).format(**values)
    return reason


def format_duration(lang: str, seconds: float | None) -> str:
    """Compact, as agents scan a queue: '45 dtk', '3 mnt', '2 j 5 mnt', '1 hr'."""
    if seconds is None:
        return translate(lang, "nobody")
    seconds = max(0, int(seconds))
    if seconds < 60:
        return translate(lang, "duration.seconds", n=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return translate(lang, "duration.minutes", n=minutes)
    if minutes < 24 * 60:
        return translate(lang, "duration.hours", h=minutes // 60, m=minutes % 60)
    return translate(lang, "duration.days", n=minutes // (24 * 60))


def format_local_time(moment: datetime | None) -> str:
    return moment.astimezone(SHOP_TIMEZONE).strftime("%d/%m %H:%M") if moment else ""


def format_rupiah(amount: int | None) -> str:
    """Indonesian grouping: Rp 150.000."""
    return "—" if amount is None else "Rp " + f"{amount:,}".replace(",", ".")
