"""Photos as members' phones give them, for the tests of what a photo may show: a camera-sized
JPEG of a scene, with or without a code printed on something in it."""

from __future__ import annotations

import io

import numpy as np
import qrcode
import zxingcpp
from PIL import Image, ImageFilter, ImageOps

WECHAT = "https://u.wechat.com/EHk3bQ9xYz_AbCdEfGh"


def scene(width: int = 1280, height: int = 960, seed: int = 7) -> Image.Image:
    """A blurred, coloured picture with detail everywhere (as a photo has), not a flat fill."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (height // 16, width // 16, 3), dtype=np.uint8)
    picture = Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 25).convert("RGB")
    return Image.blend(picture, grain, 0.15).filter(ImageFilter.GaussianBlur(1))


def qr(text: str = WECHAT) -> Image.Image:
    return qrcode.make(text).get_image().convert("RGB")


def code(text: str, kind: zxingcpp.BarcodeFormat) -> Image.Image:
    return Image.fromarray(zxingcpp.create_barcode(text, kind).to_image(scale=6)).convert("RGB")


def jpeg(picture: Image.Image, quality: int = 80) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def photo_with(
    mark: Image.Image | None,
    *,
    side: int = 260,
    at: tuple[int, int] = (820, 560),
    turned: float = 0,
    inverted: bool = False,
    slanted: bool = False,
    quality: int = 80,
) -> bytes:
    """A camera-sized JPEG of a scene with ``mark`` (a code, say) printed in it ``side`` pixels
    wide: turned by ``turned`` degrees, light on dark, or seen at a slant as when the phone
    photographs a printed card."""
    picture = scene()
    if mark is not None:
        if inverted:
            mark = ImageOps.invert(mark)
        mark = mark.resize((side, round(side * mark.height / mark.width)))
        if slanted:
            w, h = mark.size
            # A quadrilateral → the mark's rectangle: the far edge shorter, as in perspective.
            mark = mark.transform(
                (w, h),
                Image.Transform.QUAD,
                (-w * 0.08, 0, -w * 0.02, h, w * 1.02, h, w * 1.08, 0),
                fillcolor=(255, 255, 255),
            )
        if turned:
            mark = mark.rotate(turned, expand=True, fillcolor=(255, 255, 255))
        picture.paste(mark, at)
    return jpeg(picture, quality)
