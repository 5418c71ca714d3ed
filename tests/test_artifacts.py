import base64
import io

import pytest
from PIL import Image

from imagegen.artifacts import ImageArtifact
from imagegen.errors import ProviderError


def encoded(fmt: str, size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt,name,mime,ext", [
    ("PNG", "png", "image/png", "png"), ("JPEG", "jpeg", "image/jpeg", "jpg"), ("WEBP", "webp", "image/webp", "webp"),
    ("GIF", "gif", "image/gif", "gif"),
])
def test_format_size_and_mime_are_measured_from_the_bytes(fmt, name, mime, ext):
    artifact = ImageArtifact(encoded(fmt), meta={"format": "lies", "width": 9999})
    assert (artifact.format, artifact.mime_type, artifact.width, artifact.height) == (name, mime, 40, 30)
    assert artifact.name.endswith("." + ext)
    assert base64.b64decode(artifact.base64) == artifact.value
    assert artifact.to_text() == f"Image, format: {name}, size: {len(artifact.value)} bytes, 40x30"


def test_meta_has_every_documented_key_and_a_fresh_warning_list():
    a, b = ImageArtifact(encoded("PNG")), ImageArtifact(encoded("PNG"))
    assert set(a.meta) >= {"provider", "model", "prompt", "negative_prompt", "seed", "revised_prompt", "warnings",
                           "latency_ms", "options", "emulated"}
    a.meta["warnings"].append("x")
    assert b.meta["warnings"] == []


def test_name_keeps_a_given_stem_and_fixes_the_extension():
    assert ImageArtifact(encoded("JPEG"), name="dog.png").name == "dog.jpg"


def test_unreadable_bytes_and_unsupported_formats_are_provider_errors():
    with pytest.raises(ProviderError, match="not a readable image"):
        ImageArtifact(b"<html>rate limited</html>")
    with pytest.raises(ProviderError, match="only PNG, JPEG, WEBP and GIF"):
        ImageArtifact(encoded("BMP"))
