"""The try-it-yourself sandbox: a local fake of the platforms' APIs, and customers' webhooks signed
as the platforms sign them, so every channel's real path runs without a platform account.

On in the embedded default (SQLite, no REDIS_URL) and off otherwise unless INBOX_SANDBOX=1.
"""
