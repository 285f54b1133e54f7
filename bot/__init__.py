"""会会 (Huihui): a Telegram matchmaking assistant for trade unions."""
