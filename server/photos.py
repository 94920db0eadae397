"""Photos: prove an upload is an image by decoding it, then re-encode it as a plain JPEG and a small rendition.

Re-encoding writes only pixels. Pillow would carry some metadata across on its own (a JPEG comment is copied from
the source into the new file), so the image's ``info`` is emptied before saving: no EXIF (GPS position, camera
serial, time), no JPEG COM comment, no XMP, no PNG text chunks, no ICC profile. The EXIF orientation is applied
to the pixels first, so a phone photo still stands the right way up.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# What a phone or a browser canvas produces; anything else (a PDF, a script, a TIFF bomb) is refused.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP"}

# The rendition for lists and timelines: a thumbnail shown at ~100 CSS px is sharp on a 3x screen at 320 px.
SMALL_EDGE = 320
SMALL_MAX_BYTES = 30 * 1024
_SMALL_QUALITIES = (75, 65, 55, 45, 35)


class NotAnImage(ValueError):
    """The upload could not be decoded as a picture."""


class TooManyPixels(ValueError):
    """The picture decodes to more pixels than the server will hold in memory."""


@dataclass(frozen=True)
class Reencoded:
    jpeg: bytes
    width: int
    height: int
    sha256: str
    small: bytes


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow warns (then fails) on decompression bombs; both mean "refuse", never "crash".
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise NotAnImage(image.format or "unknown")
            width, height = image.size
            if width * height > max_pixels:
                raise TooManyPixels(f"{width}x{height}")
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise TooManyPixels(str(exc)) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            if isinstance(exc, (NotAnImage, TooManyPixels)):
                raise
            raise NotAnImage(str(exc)) from None
    return image


def _flat_rgb(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        # Transparent parts become white rather than black.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    else:
        image = image.copy()
    # Nothing of the source's metadata may reach the saved file (see the module's docstring).
    image.info.clear()
    return image


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def small_rendition(image: Image.Image) -> bytes:
    """A JPEG of ``image`` with a long edge of at most ``SMALL_EDGE`` px and at most ``SMALL_MAX_BYTES``."""
    small = image.copy()
    small.thumbnail((SMALL_EDGE, SMALL_EDGE), Image.Resampling.LANCZOS)
    while True:
        for quality in _SMALL_QUALITIES:
            data = _jpeg(small, quality)
            if len(data) <= SMALL_MAX_BYTES:
                return data
        # Even the lowest quality is too large (pure noise): fewer pixels, then try again.
        small = small.resize((max(1, small.width * 3 // 4), max(1, small.height * 3 // 4)), Image.Resampling.LANCZOS)


def reencode(data: bytes, *, long_edge: int, max_pixels: int, quality: int) -> Reencoded:
    """Decode ``data`` fully and return it as a JPEG whose long edge is at most ``long_edge``, with its rendition."""
    image = _flat_rgb(_decode(data, max_pixels))
    image.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS)
    jpeg = _jpeg(image, quality)
    return Reencoded(jpeg, image.width, image.height, hashlib.sha256(jpeg).hexdigest(), small_rendition(image))


def rendition_of(jpeg: bytes) -> bytes:
    """The small rendition of a stored photo (one stored before renditions were made at upload)."""
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return small_rendition(_flat_rgb(image))
