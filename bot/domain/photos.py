"""A photo a member adds to their profile from the Mini App: what is refused before it is sent
to Telegram (which keeps members' photos), so the member hears why in their words rather
than Telegram's. The number of photos is the questionnaire's (the ``photos`` question's
maximum), the same as in the chat.

And a photo that shows a code: a WeChat (or any) QR code on a profile photo would hand every
member who sees the card a way to add the person elsewhere, before both liked each other, and
in a relayed photo it is contact details that no text check sees. Codes are read as a phone's
scanner reads them (zxing-cpp), so what it cannot read — a WeChat mini-program "sun" code,
an id written in the picture — is not found either."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, ImageFilter, UnidentifiedImageError

from bot.domain import N_
from bot.domain.free_text import Invalid

# sendPhoto: "The photo must be at most 10 MB in size. The photo's width and height must not
# exceed 10000 in total. Width and height ratio must be at most 20."
MAX_PHOTO_BYTES = 10_000_000
MAX_SIDES = 10_000
MAX_RATIO = 20
# The formats a phone's camera or gallery gives and Telegram takes as a photo.
FORMATS = frozenset({"JPEG", "PNG", "WEBP"})

TOO_LARGE = Invalid(
    N_("This photo is larger than {maximum} MB. Please choose a smaller one."),
    {"maximum": MAX_PHOTO_BYTES // 1_000_000},
)
NOT_A_PHOTO = Invalid(N_("This file is not a photo. Please choose a JPG, PNG or WebP picture."))
ODD_SHAPE = Invalid(N_("This picture is too long and narrow to show. Please choose another."))
NO_FILE = Invalid(N_("Please choose a photo first."))
SHOWS_A_CODE = Invalid(
    N_(
        "This photo shows a QR code. Contact details are exchanged only after you both like "
        "each other, so please choose a photo without one."
    )
)
# Read at most this many pixels on the longer side: Telegram's own photos are at most 2560,
# and a code a phone could scan off the card stays readable at this size.
CODE_SIDE = 2560
# QR codes of every kind, Data Matrix, Aztec, MaxiCode: not the bar codes on a product that may
# stand in the background of a photo.
MATRIX_CODES = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.AllMatrix)
# Sharpens a code blurred over a few pixels (Gaussian radius 2-3) back to one zxing reads.
SHARPEN = ImageFilter.UnsharpMask(radius=3, percent=200, threshold=0)


def too_many(maximum: int) -> Invalid:
    return Invalid(
        N_("You can have at most {maximum} photos. To add another, remove one first."),
        {"maximum": maximum},
    )


def photo_problem(content: bytes) -> Invalid | None:
    """Why this file cannot be a profile photo, or None: too large, not a picture in a format
    Telegram shows as a photo (told by decoding it, not by its name), or of a shape it refuses."""
    if not content:
        return NO_FILE
    if len(content) > MAX_PHOTO_BYTES:
        return TOO_LARGE
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, (width, height) = image.format, image.size
            if kind not in FORMATS:
                return NOT_A_PHOTO
            if width + height > MAX_SIDES or max(width, height) > MAX_RATIO * max(
                min(width, height), 1
            ):
                return ODD_SHAPE
            # The whole file must decode as that picture, not only its first bytes (verify()
            # checks nothing of a JPEG). A JPEG decodes at an eighth of its size: every byte is
            # still read, at a fraction of the time and memory.
            image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return NOT_A_PHOTO
    return None


def shows_a_code(content: bytes) -> bool:
    """Whether the picture shows a QR code or another matrix code (Data Matrix, Aztec, …) that
    a phone could scan. A file that is not a readable picture shows none (``photo_problem``
    says what is wrong with it)."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format not in FORMATS:
                return False
            image.draft("RGB", (CODE_SIDE, CODE_SIDE))
            views = _as_shown(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
    for view in views:
        if max(view.size) > CODE_SIDE:
            view.thumbnail((CODE_SIDE, CODE_SIDE))
        # A phone's scanner thresholds each point against those around it. A code with no
        # white margin in a busy photo (cropped to its modules) is found with one threshold for
        # the whole picture, and a blurred one (out of focus, or blurred on purpose) once its
        # edges are sharpened again, as a phone's camera does. These two passes, which every
        # picture without a code pays for, read it at its own size only.
        if (
            _reads(view, zxingcpp.Binarizer.LocalAverage, smaller=True)
            or _reads(view, zxingcpp.Binarizer.GlobalHistogram)
            or _reads(view.filter(SHARPEN), zxingcpp.Binarizer.LocalAverage)
        ):
            return True
    return False


def _reads(picture: Image.Image, binarizer: zxingcpp.Binarizer, *, smaller: bool = False) -> bool:
    """Whether zxing-cpp reads a matrix code in the picture (``smaller``: also in smaller
    copies of it, where a large code in a noisy picture may read better)."""
    found = zxingcpp.read_barcodes(
        picture, formats=MATRIX_CODES, binarizer=binarizer, try_downscale=smaller
    )
    return bool(found)


def _as_shown(image: Image.Image) -> list[Image.Image]:
    """The picture in grey as a member sees it. A transparent one (a sticker: a code's modules
    on nothing) is seen on the chat's background, light or dark: on white and on black, not on
    whatever colour the file keeps under its transparent pixels (often black, which hides a
    black code)."""
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        return [image.convert("L")]
    picture = image.convert("RGBA")
    alpha = picture.getchannel("A")
    if alpha.getextrema()[0] == 255:
        return [picture.convert("L")]
    return [
        Image.alpha_composite(Image.new("RGBA", picture.size, ground), picture).convert("L")
        for ground in ((255, 255, 255, 255), (0, 0, 0, 255))
    ]


def profile_photo_problem(content: bytes) -> Invalid | None:
    """Why this file cannot be a profile photo (``photo_problem``), or that it shows a code;
    None if it may be one. A broadcast's photo may show a code (an event's sign-up, say): only
    ``photo_problem`` applies to it."""
    problem = photo_problem(content)
    if problem is None and shows_a_code(content):
        return SHOWS_A_CODE
    return problem
