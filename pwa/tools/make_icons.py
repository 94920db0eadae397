"""Draw the app's PNG icons with Pillow (the same picture as ``pwa/icons/icon.svg``): a white speech bubble
with a tick on the Party-red ground. Run ``python pwa/tools/make_icons.py`` after changing the drawing."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

RED = (183, 28, 28)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "icons"


def draw(size: int, maskable: bool) -> Image.Image:
    # Drawn at 4× and scaled down, which smooths the edges.
    big = size * 4
    image = Image.new("RGB", (big, big), RED) if maskable else Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    unit = big / 64
    if not maskable:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=14 * unit, fill=RED)
    # A maskable icon keeps its picture inside the central 80% safe zone.
    scale = 0.8 if maskable else 1.0
    offset = big * (1 - scale) / 2

    def p(x: float, y: float) -> tuple[float, float]:
        return (offset + x * unit * scale, offset + y * unit * scale)

    d.rounded_rectangle((*p(10, 16), *p(54, 44)), radius=4 * unit * scale, fill=WHITE)
    d.polygon([p(20, 43), p(30, 43), p(20, 52)], fill=WHITE)
    d.line([p(22, 30), p(29, 37), p(42, 24)], fill=RED, width=round(5 * unit * scale), joint="curve")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    # Two colours and their blends: a 32-colour palette keeps every file a few KB.
    for size in (192, 512):
        _small(draw(size, maskable=False)).save(OUT / f"icon-{size}.png", optimize=True)
    _small(draw(512, maskable=True)).save(OUT / "icon-maskable-512.png", optimize=True)


def _small(image: Image.Image) -> Image.Image:
    if image.mode == "RGBA":
        return image.quantize(colors=32, method=Image.Quantize.FASTOCTREE)
    return image.quantize(colors=32)


if __name__ == "__main__":
    main()
