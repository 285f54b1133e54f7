"""Domain rules in plain Python: no Telegram, no SQL, so they can be tested on plain data."""
