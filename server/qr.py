"""QR codes for sites: the short URL ``{base_url}/s/{code}`` as SVG or PNG."""
from __future__ import annotations

import io

import qrcode
import qrcode.constants
import qrcode.image.svg


def site_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/s/{code}"


def _make(data: str) -> qrcode.QRCode:
    # Level M survives a scuffed poster; a short URL keeps the code low-density enough to scan from a metre.
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=10)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def svg(data: str) -> bytes:
    """A standalone SVG: one path, black on white, scalable for print."""
    image = _make(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    buf = io.BytesIO()
    image.save(buf)
    return buf.getvalue()


def png(data: str, box_size: int = 10) -> bytes:
    qr = _make(data)
    qr.box_size = box_size
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()
