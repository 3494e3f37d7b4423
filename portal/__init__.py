"""The public handbook ("Cẩm nang chọn nghề – chọn trường"): read-only pages per province, the
printable PDF made from the same templates, and a chat box that talks to the bot.

Its own process (`python -m portal serve`), apart from the staff service: it has no login,
writes nothing to the catalog and may be exposed to everyone.
"""
