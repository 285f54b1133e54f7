"""What a code in a photo is (bot.domain.photos.shows_a_code): a QR code or another matrix
code a phone could scan — small, turned, light on dark, photographed at a slant, in a
compressed JPEG, and the ways one is made to slip past a screen (coloured, pale, with an
avatar in the middle, mirrored, drawn in dots, without its white margin, blurred, a sticker of
its modules on nothing) — and not the bar code on a product, nor a photo with none, nor a file
that is no picture."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from itertools import pairwise

import pytest
import zxingcpp
from PIL import Image

from bot.common.pictures import read_picture
from bot.domain.photos import shows_a_code
from tests.pictures import WECHAT, code, jpeg, photo_with, qr, scene, sticker


@pytest.mark.parametrize(
    "how",
    [
        {},
        {"side": 150},  # in a corner of the picture, as small as a phone still scans
        {"turned": 30},
        {"inverted": True},
        {"slanted": True},
        {"quality": 40},
    ],
    ids=["plain", "small", "turned", "light-on-dark", "slanted", "compressed"],
)
def test_a_qr_code_in_a_photo_is_found(how: dict) -> None:
    assert shows_a_code(photo_with(qr(), **how))


@pytest.mark.parametrize(
    ("mark", "how"),
    [
        (qr(avatar=True), {}),
        (qr(dark=(25, 45, 110), light=(236, 222, 192)), {}),
        (qr(dark=(220, 30, 30)), {}),
        (qr(dark=(180, 180, 180), light=(215, 215, 215)), {}),
        (qr(dots=True), {"side": 300}),
        (qr(avatar=True), {"turned": 90}),
        (qr(), {"mirrored": True}),
        (qr(margin=0), {"side": 240}),
        (qr(margin=0, avatar=True), {"side": 240}),
        (qr(avatar=True), {"blurred": 3}),
        (qr(avatar=True), {"side": 200, "blurred": 2}),
    ],
    ids=[
        "wechat-avatar",
        "blue-on-beige",
        "red-on-white",
        "pale-grey",
        "round-dots",
        "turned-90",
        "mirrored",
        "no-margin",
        "no-margin-avatar",
        "blurred",
        "blurred-avatar-small",
    ],
)
def test_a_code_made_to_slip_past_is_found(mark: Image.Image, how: dict) -> None:
    """A code cropped to its modules in a busy photo is read with one threshold for the whole
    picture, a blurred one once sharpened: zxing's usual reading misses both."""
    assert shows_a_code(photo_with(mark, **how))


@pytest.mark.parametrize(
    "how",
    [{}, {"light": True}, {"palette": True}],
    ids=["webp-black-modules", "webp-white-modules", "png-palette"],
)
def test_a_sticker_of_a_codes_modules_on_nothing_is_found(how: dict) -> None:
    """Shown on the chat's light or dark background, not on the black a file keeps under its
    transparent pixels (where black modules would vanish)."""
    assert shows_a_code(sticker(**how))


def test_other_matrix_codes_and_a_png_screenshot_are_found() -> None:
    assert shows_a_code(
        photo_with(code("weixin://contacts/profile/abc", zxingcpp.BarcodeFormat.DataMatrix))
    )
    assert shows_a_code(photo_with(code("alipays://platformapi/pay", zxingcpp.BarcodeFormat.Aztec)))
    screenshot = io.BytesIO()
    qr("https://qr.alipay.com/fkx12345").save(screenshot, format="PNG")
    assert shows_a_code(screenshot.getvalue())


def test_a_photo_without_a_code_or_with_a_products_bar_code_shows_none() -> None:
    assert not shows_a_code(jpeg(scene()))
    assert not shows_a_code(photo_with(code("5901234123457", zxingcpp.BarcodeFormat.EAN13)))


def test_a_file_that_is_no_picture_shows_none() -> None:
    assert not shows_a_code(b"")
    assert not shows_a_code(b"\x00" * 1000)
    assert not shows_a_code(WECHAT.encode())
    whole = photo_with(qr())
    assert not shows_a_code(whole[: len(whole) // 3])  # cut short: no picture to read
    gif = io.BytesIO()
    qr().save(gif, format="GIF")
    assert not shows_a_code(gif.getvalue())  # not a photo format (photo_problem refuses it)


def test_a_huge_picture_is_read_at_a_phone_photos_size() -> None:
    big = scene(6000, 4000)
    big.paste(qr().resize((900, 900)), (4000, 2500))
    assert shows_a_code(jpeg(big))
    assert Image.open(io.BytesIO(jpeg(big))).size == (6000, 4000)


async def test_pictures_are_read_off_the_loop_one_at_a_time() -> None:
    """Members adding photos together, or one scripting uploads, take one core at most."""
    spans: list[tuple[float, float, str]] = []

    def read(content: bytes) -> bool:
        started = time.perf_counter()
        found = shows_a_code(content)
        spans.append((started, time.perf_counter(), threading.current_thread().name))
        return found

    pictures = [photo_with(qr()), photo_with(None), photo_with(qr(), turned=30)] * 2
    found = await asyncio.gather(*(read_picture(read, picture) for picture in pictures))
    assert found == [True, False, True] * 2
    assert all(name.startswith("picture-reader") for _, _, name in spans)
    spans.sort()
    assert all(end <= next_start for (_, end, _), (next_start, _, _) in pairwise(spans))
