"""Domain rules in plain Python: no Telegram, no SQL, so they can be tested on plain data."""


def N_(message: str) -> str:
    """Marks member-facing text for the message catalogs; it is translated where it is shown."""
    return message
