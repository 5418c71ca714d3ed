"""Provenance embedded in PNG / JPEG / WEBP / GIF without touching the pixels, readable by Pillow and by `read`."""

from __future__ import annotations

import io
import json
import struct
import zlib
from xml.etree import ElementTree

import pytest
from PIL import Image

from imagegen import provenance
from imagegen.provenance import embed, parameters_text, read

INFO = {
    "prompt": "a red fox in the snow, watercolor", "negative_prompt": "blurry, lowres",
    "provider": "bedrock", "model": "stability.stable-diffusion-xl-v1",
    "options": {"steps": 30, "sampler": "K_EULER", "cfg_scale": 7, "width": 1024, "height": 1024,
                "style_preset": "photographic", "seed": 999},
    "seed": 123, "run_id": 4, "generation_id": 9, "created_at": "2025-01-10T12:00:00+00:00", "emulated": False,
}
UNICODE = {**INFO, "prompt": "un renard roux « été » — 赤い狐 🦊", "negative_prompt": "floue"}
A1111 = ("a red fox in the snow, watercolor\nNegative prompt: blurry, lowres\n"
         "Steps: 30, Sampler: K_EULER, CFG scale: 7, Seed: 123, Size: 1024x1024, "
         "Model: bedrock/stability.stable-diffusion-xl-v1, Style preset: photographic")


def encode(fmt: str, mode: str = "RGB", size=(40, 24), **save) -> bytes:
    image = Image.new(mode, size, (200, 60, 20, 128)[: len(mode)])
    for x in range(size[0]):
        image.putpixel((x, x % size[1]), (x * 5 % 256, 255 - x, 30, 255)[: len(mode)])
    out = io.BytesIO()
    image.save(out, fmt.upper(), **save)
    return out.getvalue()


def pixels(value: bytes) -> tuple:
    with Image.open(io.BytesIO(value)) as image:
        return image.mode, image.size, image.tobytes()


def png_chunks(value: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos < len(value):
        (length,), kind = struct.unpack(">I", value[pos:pos + 4]), value[pos + 4:pos + 8]
        data, (crc,) = value[pos + 8:pos + 8 + length], struct.unpack(">I", value[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        chunks.append((kind, data))
        pos += 12 + length
    return chunks


def test_parameters_text_in_the_a1111_form():
    assert parameters_text(INFO) == A1111
    assert parameters_text({"prompt": "an owl", "provider": "openai", "model": "gpt-image-1",
                            "options": {"size": "1024x1536", "quality": "high", "note": "a, b: c"},
                            "emulated": True}) == (
        'an owl\nSize: 1024x1536, Model: openai/gpt-image-1, Quality: high, Note: "a, b: c", Emulated: True')
    assert parameters_text({"prompt": "just this"}) == "just this"
    assert parameters_text({"prompt": "x", "options": {"guidance_scale": 5, "num_inference_steps": 20,
                                                       "seed": 7}}) == "x\nSteps: 20, CFG scale: 5, Seed: 7"


@pytest.mark.parametrize("info", [INFO, UNICODE], ids=["latin", "unicode"])
def test_png_gets_text_chunks_other_tools_read(info):
    original = encode("png")
    value = embed(original, "png", info)
    assert pixels(value) == pixels(original)
    with Image.open(io.BytesIO(value)) as image:  # before load(): the chunks come before IDAT
        assert image.info["parameters"] == parameters_text(info)
        assert json.loads(image.info["imagegen"]) == info
        assert image.text["parameters"] == parameters_text(info)
    kinds = [kind for kind, _ in png_chunks(value)]  # every CRC checked
    assert kinds.index(b"IDAT") > max(i for i, kind in enumerate(kinds) if kind in (b"tEXt", b"iTXt"))
    parameters_kind = b"tEXt" if info is INFO else b"iTXt"
    assert [k for k, d in png_chunks(value) if d.startswith(b"parameters\x00")] == [parameters_kind]
    assert read(value) == {"parameters": parameters_text(info), "imagegen": info}


def test_embedding_twice_replaces_and_never_duplicates():
    original = encode("png", "RGBA")
    once = embed(original, "png", INFO)
    assert embed(once, "png", INFO) == once
    changed = embed(once, "png", UNICODE)
    keywords = [data.split(b"\x00")[0] for kind, data in png_chunks(changed) if kind in (b"tEXt", b"iTXt")]
    assert sorted(keywords) == [b"imagegen", b"parameters"]
    assert read(changed)["imagegen"] == UNICODE and pixels(changed) == pixels(original)
    for fmt in ("jpeg", "webp"):
        first = embed(encode(fmt), fmt, INFO)
        assert embed(first, fmt, INFO) == first
        again = embed(first, fmt, UNICODE)
        assert again.count(provenance.NS.encode()) == first.count(provenance.NS.encode()) > 0
        assert read(again)["imagegen"] == UNICODE


def xmp_segments(value: bytes) -> list[bytes]:
    found, pos = [], 2
    while value[pos + 1] != 0xDA:
        (length,) = struct.unpack(">H", value[pos + 2:pos + 4])
        data = value[pos + 4:pos + 2 + length]
        if value[pos + 1] == 0xE1 and data.startswith(provenance.XMP_HEADER):
            found.append(data[len(provenance.XMP_HEADER):])
        pos += 2 + length
    return found


@pytest.mark.parametrize("info", [INFO, UNICODE], ids=["latin", "unicode"])
def test_jpeg_gets_an_xmp_packet(info):
    original = encode("jpeg", quality=90)
    value = embed(original, "jpeg", info)
    assert pixels(value) == pixels(original) and value[2:4] == b"\xff\xe0"  # JFIF APP0 stays first
    (packet,) = xmp_segments(value)
    root = ElementTree.fromstring(packet)
    ns = {"ig": provenance.NS, "dc": "http://purl.org/dc/elements/1.1/",
          "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
    assert root.findtext(".//ig:parameters", namespaces=ns) == parameters_text(info)
    assert json.loads(root.findtext(".//ig:json", namespaces=ns)) == info
    assert root.findtext(".//dc:description/rdf:Alt/rdf:li", namespaces=ns) == info["prompt"]
    assert read(value) == {"parameters": parameters_text(info), "imagegen": info}


def test_jpeg_with_exif_keeps_it_and_markup_in_prompts_is_escaped():
    exif = Image.Exif()
    exif[0x0131] = "some camera app"
    original = encode("jpeg", exif=exif.tobytes())
    info = {**INFO, "prompt": 'a <b>"fox"</b> & </imagegen:json><!ENTITY x "y"> \x07bell'}
    value = embed(original, "jpeg", info)
    assert value[value.index(b"\xff\xe1"):][4:8] == b"Exif"  # Exif first, then the XMP
    with Image.open(io.BytesIO(value)) as image:
        assert image.getexif()[0x0131] == "some camera app"
    result = read(value)
    assert result["imagegen"] == info and result["parameters"].startswith('a <b>"fox"</b> & </imagegen:json>')


@pytest.mark.parametrize("save", [{"lossless": True}, {"quality": 80}], ids=["lossless", "lossy"])
@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_webp_gets_an_xmp_chunk(mode, save):
    original = encode("webp", mode, **save)
    value = embed(original, "webp", UNICODE)
    assert pixels(value) == pixels(original)  # libwebp also checks the VP8X canvas size against the image
    assert value[12:16] == b"VP8X" and value[20] & 0x04
    assert struct.unpack("<I", value[4:8])[0] == len(value) - 8
    with Image.open(io.BytesIO(value)) as image:
        assert provenance.NS.encode() in image.info["xmp"]
    assert read(value) == {"parameters": parameters_text(UNICODE), "imagegen": UNICODE}


def animated_gif(frames: int = 3) -> bytes:
    images = [Image.new("RGB", (40, 24), (60 * index, 90, 200)) for index in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=120, loop=0, comment=b"kept")
    return out.getvalue()


def frames_of(value: bytes) -> list[bytes]:
    frames = []
    with Image.open(io.BytesIO(value)) as image:
        for index in range(image.n_frames):
            image.seek(index)
            frames.append(image.convert("RGB").tobytes())
    return frames


def test_gif_gets_an_xmp_application_extension_and_keeps_every_frame():
    original = animated_gif()
    value = embed(original, "gif", UNICODE)
    assert frames_of(value) == frames_of(original) and len(frames_of(value)) == 3
    with Image.open(io.BytesIO(value)) as image:
        assert (image.info["loop"], image.info["duration"], image.info["comment"]) == (0, 120, b"kept")
    assert b"XMP DataXMP" in value
    assert read(value) == {"parameters": parameters_text(UNICODE), "imagegen": UNICODE}
    again = embed(value, "gif", INFO)
    assert again.count(b"XMP DataXMP") == 1 and read(again)["imagegen"] == INFO
    assert read(original) == {}


def test_images_with_credentials_or_foreign_xmp_are_left_alone():
    png = encode("png")
    at = png.index(b"IEND") - 4
    signed = png[:at] + struct.pack(">I", 4) + b"caBXjumb" + struct.pack(">I", zlib.crc32(b"caBXjumb")) + png[at:]
    assert embed(signed, "png", INFO) == signed and read(signed) == {}
    jpeg = encode("jpeg")
    foreign = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>"
    segment = b"\xff\xe1" + struct.pack(">H", 2 + len(provenance.XMP_HEADER) + len(foreign))
    tagged = jpeg[:2] + segment + provenance.XMP_HEADER + foreign + jpeg[2:]
    assert embed(tagged, "jpeg", INFO) == tagged and read(tagged) == {}
    gif = animated_gif(1)
    foreign_gif = gif[:-1] + b"\x21\xff\x0bXMP DataXMP" + foreign + provenance.GIF_XMP_TRAILER + b"\x3b"
    assert embed(foreign_gif, "gif", INFO) == foreign_gif and read(foreign_gif) == {}


def test_wrong_or_broken_input_is_refused():
    png = encode("png")
    assert read(png) == {} and read(encode("jpeg")) == {} and read(encode("webp")) == {}
    broken = ((b"not an image", "png"), (png, "jpeg"), (png[:40], "png"), (b"\xff\xd8\xff\xe0\x00", "jpg"),
              (animated_gif()[:-30], "gif"), (png, "gif"))
    for value, fmt in broken:
        with pytest.raises(ValueError):
            embed(value, fmt, INFO)
    assert embed(encode("jpeg"), "JPG", INFO)
