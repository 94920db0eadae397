"""``/api/uploads/`` on a real server: a third-party tus client (tuspy) uploads in chunks of any size and resumes
after a cut connection without sending a byte twice, and an acknowledged chunk survives ``kill -9``."""
from __future__ import annotations

import io
import signal
from pathlib import Path

import httpx
import pytest
from tusclient import client as tus
from tusclient.exceptions import TusCommunicationError, TusUploadFailed

from tests.support.databases import new_database
from tests.support.faults import Faults
from tests.support.server import demo_app, serve, start_server
from tests.support.tus import PATCH, TUS, metadata, noisy_png

ME = {"X-Client-Id": "ab" * 16}


def uploaded_photo(url: str, upload_url: str) -> bytes:
    head = httpx.head(upload_url, headers={**TUS, **ME})
    assert head.status_code == 200 and head.headers["upload-offset"] == head.headers["upload-length"]
    photo = httpx.get(f"{url}/api/photos/{head.headers['upload-media-id']}", headers=ME)
    assert photo.status_code == 200 and photo.content[:2] == b"\xff\xd8"
    return photo.content


@pytest.mark.parametrize("chunk", [64 * 1024, 256 * 1024, 10 * 1024 * 1024])
def test_tuspy_uploads_a_photo_in_chunks_of_any_size(tmp_path: Path, chunk: int) -> None:
    data = noisy_png((700, 500))
    server = start_server(tmp_path)
    try:
        uploader = tus.TusClient(server.url + "/api/uploads/", headers=ME).uploader(
            file_stream=io.BytesIO(data), chunk_size=chunk, metadata={"kind": "photo", "filename": "现场.png"})
        uploader.upload()
        assert uploader.offset == len(data)
        uploaded_photo(server.url, uploader.url)
    finally:
        server.stop()


def test_tuspy_resumes_after_a_cut_without_sending_a_byte_twice(tmp_path: Path) -> None:
    data = noisy_png((900, 700))
    chunk = 256 * 1024
    assert len(data) > 3 * chunk
    faults = Faults(demo_app(new_database(tmp_path)))
    with serve(faults) as url:
        uploader = tus.TusClient(url + "/api/uploads/", headers=ME).uploader(
            file_stream=io.BytesIO(data), chunk_size=chunk, metadata={"kind": "photo"})
        uploader.upload_chunk()
        assert uploader.offset == chunk
        faults.cut("/api/uploads/", after_bytes=100_000)  # the second chunk loses its connection part-way
        with pytest.raises((TusUploadFailed, TusCommunicationError)):
            uploader.upload()
        # The bytes that arrived before the cut were kept: the server's offset is past the first chunk.
        kept = int(httpx.head(uploader.url, headers={**TUS, **ME}).headers["upload-offset"])
        assert chunk < kept <= chunk + 100_000
        resumed = tus.TusClient(url + "/api/uploads/", headers=ME).uploader(
            file_stream=io.BytesIO(data), chunk_size=chunk, url=uploader.url)
        assert resumed.offset == kept  # asked the server (HEAD), not started from zero
        resumed.upload()
        uploaded_photo(url, uploader.url)
        received = sum(n for path, n in faults.body_bytes.items() if path.startswith("/api/uploads/"))
        assert received == len(data), (received, len(data))


def test_an_acknowledged_chunk_survives_kill_9(tmp_path: Path) -> None:
    data = noisy_png((600, 400))
    server = start_server(tmp_path)
    try:
        created = httpx.post(server.url + "/api/uploads/", headers={
            **TUS, **ME, "Upload-Length": str(len(data)), "Upload-Metadata": metadata(kind="photo")})
        upload_url = server.url + created.headers["location"]
        acked = httpx.patch(upload_url, content=data[:150_000], headers={**PATCH, **ME, "Upload-Offset": "0"})
        assert acked.status_code == 204
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
    finally:
        server.stop()
    again = start_server(tmp_path, demo=False, db=server.db)
    try:
        upload_url = again.url + created.headers["location"]
        head = httpx.head(upload_url, headers={**TUS, **ME})
        assert head.status_code == 200 and head.headers["upload-offset"] == "150000"
        rest = httpx.patch(upload_url, content=data[150_000:], headers={**PATCH, **ME, "Upload-Offset": "150000"})
        assert rest.status_code == 204 and rest.headers["upload-media-id"]
        uploaded_photo(again.url, upload_url)
    finally:
        again.stop()
