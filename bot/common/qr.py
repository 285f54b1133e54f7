"""A QR code drawn as a PNG, the same in the chat (/my_qr) and the member's Mini App."""

from __future__ import annotations

import io

import qrcode


def qr_png(text: str) -> bytes:
    """The QR code of ``text`` (a few milliseconds of drawing: call it off the event loop)."""
    image = qrcode.make(text, box_size=12, border=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
