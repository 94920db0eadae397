"""Photos: prove an upload is an image by decoding it, then re-encode it as a plain JPEG.

Re-encoding writes only pixels: EXIF (GPS position, camera serial, time) and any other metadata are gone.
The EXIF orientation is applied to the pixels first, so a phone photo still stands the right way up.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# What a phone or a browser canvas produces; anything else (a PDF, a script, a TIFF bomb) is refused.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP"}


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


def reencode(data: bytes, *, long_edge: int, max_pixels: int, quality: int) -> Reencoded:
    """Decode ``data`` fully and return it as a JPEG whose long edge is at most ``long_edge``."""
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
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        # Transparent parts become white rather than black.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    jpeg = out.getvalue()
    return Reencoded(jpeg, image.width, image.height, hashlib.sha256(jpeg).hexdigest())
