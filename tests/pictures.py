"""Photos as members' phones give them, for the tests of what a photo may show: a camera-sized
JPEG of a scene, with or without a code printed on something in it."""

from __future__ import annotations

import io

import numpy as np
import qrcode
import zxingcpp
from PIL import Image, ImageFilter, ImageOps
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M
from qrcode.image.styledpil import StyledPilImage
from qrcode.image.styles.moduledrawers.pil import CircleModuleDrawer

WECHAT = "https://u.wechat.com/EHk3bQ9xYz_AbCdEfGh"


def scene(width: int = 1280, height: int = 960, seed: int = 7) -> Image.Image:
    """A blurred, coloured picture with detail everywhere (as a photo has), not a flat fill."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (height // 16, width // 16, 3), dtype=np.uint8)
    picture = Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)
    # Grain as a camera's, from the same seed each time (PIL's effect_noise has none).
    noise = rng.normal(128, 25, (height, width)).clip(0, 255).astype(np.uint8)
    grain = Image.fromarray(noise).convert("RGB")
    return Image.blend(picture, grain, 0.15).filter(ImageFilter.GaussianBlur(1))


def qr(
    text: str = WECHAT,
    *,
    margin: int = 4,
    avatar: bool = False,
    dark: tuple[int, int, int] = (0, 0, 0),
    light: tuple[int, int, int] = (255, 255, 255),
    dots: bool = False,
) -> Image.Image:
    """A QR code with ``margin`` modules of ``light`` around it; with an ``avatar`` in the
    middle as WeChat's own codes have (and their highest error correction, which the avatar's
    hidden modules need); drawn in round ``dots`` as a "beautified" code is."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_H if avatar else ERROR_CORRECT_M,
        border=margin,
    )
    code.add_data(text)
    if dots:
        made = code.make_image(image_factory=StyledPilImage, module_drawer=CircleModuleDrawer())
        picture = made.get_image().convert("RGB")
    else:
        picture = code.make_image(fill_color=dark, back_color=light).get_image().convert("RGB")
    if avatar:
        side = picture.width * 3 // 10
        rim = Image.new("RGB", (side + 12, side + 12), (255, 255, 255))
        rim.paste(scene(side, side, seed=3), (6, 6))
        picture.paste(rim, ((picture.width - rim.width) // 2, (picture.height - rim.height) // 2))
    return picture


def sticker(*, light: bool = False, palette: bool = False) -> bytes:
    """A 512x512 sticker of a QR code's modules on nothing (transparent), as a WebP, or as a PNG
    with a ``palette`` whose transparent colour is black: black modules, or ``light`` (white)
    ones that show on the chat's dark background. Under the transparent pixels the file keeps
    black, as sticker tools (and WebP's encoder) leave it."""
    modules = np.asarray(qr(margin=2).resize((512, 512), Image.Resampling.NEAREST).convert("L"))
    out = io.BytesIO()
    if palette:
        picture = Image.fromarray((modules >= 128).astype(np.uint8), "P")
        picture.putpalette([0, 0, 0, 0, 0, 0])
        picture.save(out, format="PNG", transparency=1)
        return out.getvalue()
    pixels = np.zeros((512, 512, 4), np.uint8)
    pixels[modules < 128] = (255, 255, 255, 255) if light else (0, 0, 0, 255)
    Image.fromarray(pixels, "RGBA").save(out, format="WEBP", lossless=True)
    return out.getvalue()


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
    mirrored: bool = False,
    blurred: float = 0,
    quality: int = 80,
) -> bytes:
    """A camera-sized JPEG of a scene with ``mark`` (a code, say) printed in it ``side`` pixels
    wide: turned by ``turned`` degrees, light on dark, seen at a slant as when the phone
    photographs a printed card, mirrored (a selfie camera's picture), or the whole photo
    ``blurred`` (a Gaussian blur of that radius)."""
    picture = scene()
    if mark is not None:
        if inverted:
            mark = ImageOps.invert(mark)
        if mirrored:
            mark = ImageOps.mirror(mark)
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
    if blurred:
        picture = picture.filter(ImageFilter.GaussianBlur(blurred))
    return jpeg(picture, quality)
