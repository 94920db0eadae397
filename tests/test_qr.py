"""Every QR the system prints is read by a real decoder (zxing-cpp) to exactly ``{base_url}/s/{code}``."""
from __future__ import annotations

import io
from pathlib import Path

import httpx
import pypdfium2
import zxingcpp
from PIL import Image

from server import qr
from tests.support.server import RunningServer


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def test_qr_png_and_svg_of_every_site_decode_to_the_site_url(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    sites = httpx.get(server.url + "/api/sites").json()["sites"]
    assert len(sites) >= 20
    page = browser.new_page(viewport={"width": 500, "height": 500})
    try:
        for site in sites:
            expected = f"{server.url}/s/{site['code']}"
            png = httpx.get(f"{server.url}/qr/{site['code']}.png")
            assert png.status_code == 200 and png.headers["content-type"] == "image/png"
            assert decode(Image.open(io.BytesIO(png.content))) == [expected]

            svg = httpx.get(f"{server.url}/qr/{site['code']}.svg")
            assert svg.headers["content-type"].startswith("image/svg+xml")
            page.set_content(f'<img src="{server.url}/qr/{site["code"]}.svg" style="width:400px;height:400px">')
            page.wait_for_function("document.images[0].complete && document.images[0].naturalWidth > 0")
            shot = Image.open(io.BytesIO(page.screenshot()))
            assert decode(shot) == [expected], site["code"]
    finally:
        page.close()


def test_poster_pdf_has_one_page_per_site_and_each_qr_decodes(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    community = "天鑫社区"
    sites = httpx.get(server.url + "/api/sites", params={"community": community}).json()["sites"]
    assert len(sites) >= 3
    page = browser.new_page()
    try:
        page.goto(f"{server.url}/posters?community={community}")
        page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        page.close()
    doc = pypdfium2.PdfDocument(pdf)
    assert len(doc) == len(sites)
    for i, site in enumerate(sites):
        rendered = doc[i].render(scale=2).to_pil()
        assert decode(rendered) == [f"{server.url}/s/{site['code']}"], site["code"]
        text = doc[i].get_textpage().get_text_range()
        assert site["name"] in text and "宝龙街道" in text


def test_single_poster_and_qr_use_the_configured_public_base_url(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    from tests.support.server import start_server

    running = start_server(tmp_path, base_url="https://m.example.cn")
    try:
        png = httpx.get(f"{running.url}/qr/BL-TX-002.png")
        assert decode(Image.open(io.BytesIO(png.content))) == ["https://m.example.cn/s/BL-TX-002"]
        page = browser.new_page()
        page.goto(f"{running.url}/posters/BL-TX-002")
        page.wait_for_function("document.images[0].complete && document.images[0].naturalWidth > 0")
        assert page.locator("[data-poster]").count() == 1
        assert "https://m.example.cn/s/BL-TX-002" in page.inner_text("body")
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        page.close()
        doc = pypdfium2.PdfDocument(pdf)
        assert len(doc) == 1
        assert decode(doc[0].render(scale=2).to_pil()) == ["https://m.example.cn/s/BL-TX-002"]
    finally:
        running.stop()


def test_qr_module_round_trips_long_codes() -> None:
    url = qr.site_url("http://127.0.0.1:8000/", "BL-LONG-CODE-0001")
    assert url == "http://127.0.0.1:8000/s/BL-LONG-CODE-0001"
    assert decode(Image.open(io.BytesIO(qr.png(url)))) == [url]
