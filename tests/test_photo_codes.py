"""What a code in a photo is (bot.domain.photos.shows_a_code): a QR code or another matrix
code a phone could scan — small, turned, light on dark, photographed at a slant, in a
compressed JPEG — and not the bar code on a product, nor a photo with none, nor a file that
is no picture."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from bot.domain.photos import shows_a_code
from tests.pictures import WECHAT, code, jpeg, photo_with, qr, scene


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
