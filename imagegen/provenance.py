"""Provenance inside image files: how an image was made, added WITHOUT re-encoding its pixels.

    data = embed(png_bytes, "png", info)     # info: prompt, negative_prompt, provider, model, options, seed, ...
    read(data) == {"parameters": "a fox\\nNegative prompt: ...\\nSteps: 30, ...", "imagegen": info}

- PNG: a `parameters` text chunk in the AUTOMATIC1111 form (tEXt, or iTXt when the text is not latin-1)
  and an iTXt `imagegen` chunk holding `info` as JSON, both just before the first IDAT, so tools that read
  only the chunks before the pixels (`Image.open(f).info["parameters"]`, A1111's PNG Info) see them.
- JPEG: an APP1 XMP packet (after SOI / APP0 JFIF / APP1 Exif) with `imagegen:parameters`, `imagegen:json`
  and the prompt as `dc:description`. (No EXIF UserComment, which A1111 itself writes for JPEG.)
- WEBP: the same XMP packet as an `XMP ` chunk; a simple (VP8/VP8L) file becomes extended (VP8X).
- GIF: the same XMP packet as the standard "XMP DataXMP" application extension (raw packet plus the 258-byte
  magic trailer) just after the global color table, where exiftool and Adobe tools read it; frames untouched.

Embedding again replaces what an earlier `embed` added (never duplicates). The file is returned unchanged
when it carries C2PA content credentials (changing any byte would break their signature) or another
tool's XMP packet; `read` then finds nothing, and the export manifest still carries the same information.
`info` must not hold secrets: it is written into the file as is (build it from history rows).
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from datetime import date
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PARAMETERS, IMAGEGEN = "parameters", "imagegen"
NS = "urn:x-imagegen:xmp:1.0/"
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
MAX_JPEG_SEGMENT = 65533
_KNOWN = {"steps": "Steps", "num_inference_steps": "Steps", "sampler": "Sampler", "scheduler": "Sampler",
          "cfg_scale": "CFG scale", "guidance_scale": "CFG scale"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- the text ------------------------------------------------------------------------------------------


def _quote(value: Any) -> str:
    """A1111 quoting: JSON-quote values holding a comma, colon or newline; dicts/lists as JSON."""
    if isinstance(value, (dict, list, tuple)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if any(c in text for c in ",:\n") else text


def parameters_text(info: dict) -> str:
    """`prompt`, then `Negative prompt: ...` when any, then `Steps: 30, Sampler: ..., Model: provider/model, ...`."""
    options = {key: value for key, value in dict(info.get("options") or {}).items() if value is not None}
    fields: dict[str, Any] = {}
    for key, name in _KNOWN.items():  # in A1111's order
        if key in options:
            fields.setdefault(name, options.pop(key))
    seed = info.get("seed") if info.get("seed") is not None else options.get("seed")
    options.pop("seed", None)
    if seed is not None:
        fields["Seed"] = seed
    width, height = options.get("width"), options.get("height")
    if options.get("size"):
        fields["Size"] = str(options.pop("size")).replace("*", "x")
    elif width and height:
        fields["Size"] = f"{options.pop('width')}x{options.pop('height')}"
    model = "/".join(str(part) for part in (info.get("provider"), info.get("model")) if part)
    if model:
        fields["Model"] = model
    for key, value in options.items():
        fields.setdefault(key.replace("_", " ").capitalize(), value)
    if info.get("emulated"):
        fields["Emulated"] = True
    lines = [str(info.get("prompt") or "")]
    if info.get("negative_prompt"):
        lines.append(f"Negative prompt: {info['negative_prompt']}")
    if fields:
        lines.append(", ".join(f"{key}: {_quote(value)}" for key, value in fields.items()))
    return "\n".join(lines)


def _json(info: dict) -> str:
    def default(value):
        return value.isoformat() if isinstance(value, date) else str(value)

    return json.dumps(info, ensure_ascii=False, sort_keys=True, default=default)


def _xmp(parameters: str, payload: str) -> bytes:
    def x(text: str) -> str:
        return escape(_NOT_XML.sub("\ufffd", text))

    prompt = parameters.split("\nNegative prompt:", 1)[0]
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:imagegen="{NS}"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="imagegen">\n'
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{x(prompt)}</rdf:li></rdf:Alt></dc:description>\n'
        f"<imagegen:parameters>{x(parameters)}</imagegen:parameters>\n"
        f"<imagegen:json>{x(payload)}</imagegen:json>\n"
        '</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>'
    ).encode()


def _is_ours(xmp: bytes) -> bool:
    return NS.encode() in xmp


def _read_xmp(xmp: bytes) -> dict:
    if not _is_ours(xmp) or b"<!DOCTYPE" in xmp or b"<!ENTITY" in xmp:
        return {}
    try:
        root = ElementTree.fromstring(xmp.strip(b"\x00 \r\n\t"))
    except ElementTree.ParseError:
        return {}
    return _result(root.findtext(f".//{{{NS}}}parameters"), root.findtext(f".//{{{NS}}}json"))


def _result(parameters: str | None, payload: str | None) -> dict:
    result: dict[str, Any] = {}
    if parameters is not None:
        result[PARAMETERS] = parameters
    if payload is not None:
        try:
            result[IMAGEGEN] = json.loads(payload)
        except ValueError:
            pass
    return result


# --- PNG -----------------------------------------------------------------------------------------------


def _png_chunks(value: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """[(type, data, raw chunk bytes)], checking the structure (not the CRCs, which are kept as they are)."""
    if not value.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos < len(value):
        if pos + 12 > len(value):
            raise ValueError("truncated PNG chunk")
        (length,), kind = struct.unpack(">I", value[pos:pos + 4]), value[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(value):
            raise ValueError("truncated PNG chunk")
        chunks.append((kind, value[pos + 8:pos + 8 + length], value[pos:end]))
        pos = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or not any(kind == b"IDAT" for kind, _, _ in chunks):
        raise ValueError("PNG file without IHDR or IDAT")
    return chunks


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_text(keyword: str, text: str, international: bool = False) -> bytes:
    text = text.replace("\x00", "")
    if not international:
        try:
            return _png_chunk(b"tEXt", keyword.encode("latin-1") + b"\x00" + text.encode("latin-1"))
        except UnicodeEncodeError:
            pass
    return _png_chunk(b"iTXt", keyword.encode("latin-1") + b"\x00\x00\x00\x00\x00" + text.encode("utf-8"))


def _png_text_value(kind: bytes, data: bytes) -> tuple[str, str] | None:
    keyword, _, rest = data.partition(b"\x00")
    try:
        if kind == b"tEXt":
            return keyword.decode("latin-1"), rest.decode("latin-1")
        if kind == b"zTXt":
            return keyword.decode("latin-1"), zlib.decompress(rest[1:]).decode("latin-1")
        if kind == b"iTXt":
            compressed, rest = rest[0], rest[2:]
            rest = rest.split(b"\x00", 2)[2]  # language tag, translated keyword
            return keyword.decode("latin-1"), (zlib.decompress(rest) if compressed else rest).decode("utf-8")
    except (IndexError, ValueError, zlib.error):
        return None
    return None


def _png_embed(value: bytes, parameters: str, payload: str) -> bytes:
    chunks = _png_chunks(value)
    if any(kind == b"caBX" for kind, _, _ in chunks):
        return value
    kept = [(kind, raw) for kind, data, raw in chunks
            if kind not in (b"tEXt", b"zTXt", b"iTXt") or data.split(b"\x00", 1)[0] not in (b"parameters", b"imagegen")]
    first_idat = next(index for index, (kind, _) in enumerate(kept) if kind == b"IDAT")
    ours = [_png_text(PARAMETERS, parameters), _png_text(IMAGEGEN, payload, international=True)]
    raws = [raw for _, raw in kept]
    return PNG_SIGNATURE + b"".join(raws[:first_idat] + ours + raws[first_idat:])


def _png_read(value: bytes) -> dict:
    texts = dict(filter(None, (_png_text_value(kind, data) for kind, data, _ in _png_chunks(value))))
    return _result(texts.get(PARAMETERS), texts.get(IMAGEGEN))


# --- JPEG ----------------------------------------------------------------------------------------------


def _jpeg_segments(value: bytes) -> tuple[list[tuple[int, bytes, bytes]], bytes]:
    """([(marker, data, raw segment)] from after SOI up to SOS, the rest of the file from SOS on)."""
    if not value.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG file")
    segments, pos = [], 2
    while True:
        while value[pos:pos + 2] == b"\xff\xff":  # fill bytes
            pos += 1
        if pos + 4 > len(value) or value[pos] != 0xFF:
            raise ValueError("malformed JPEG segment")
        marker = value[pos + 1]
        if marker == 0xDA:
            return segments, value[pos:]
        (length,) = struct.unpack(">H", value[pos + 2:pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(value):
            raise ValueError("truncated JPEG segment")
        segments.append((marker, value[pos + 4:end], value[pos:end]))
        pos = end


def _jpeg_embed(value: bytes, xmp: bytes) -> bytes:
    segments, rest = _jpeg_segments(value)
    if any(marker == 0xEB and data.startswith(b"JP") and b"c2pa" in data for marker, data, _ in segments):
        return value
    xmps = [data for marker, data, _ in segments if marker == 0xE1 and data.startswith(XMP_HEADER)]
    if any(not _is_ours(data) for data in xmps) or len(XMP_HEADER) + len(xmp) > MAX_JPEG_SEGMENT:
        return value
    kept = [(marker, data, raw) for marker, data, raw in segments
            if not (marker == 0xE1 and data.startswith(XMP_HEADER))]
    at = 0
    while at < len(kept) and (kept[at][0] == 0xE0 or (kept[at][0] == 0xE1 and kept[at][1].startswith(b"Exif"))):
        at += 1
    segment = b"\xff\xe1" + struct.pack(">H", 2 + len(XMP_HEADER) + len(xmp)) + XMP_HEADER + xmp
    raws = [raw for _, _, raw in kept]
    return b"\xff\xd8" + b"".join(raws[:at]) + segment + b"".join(raws[at:]) + rest


def _jpeg_read(value: bytes) -> dict:
    segments, _ = _jpeg_segments(value)
    for marker, data, _ in segments:
        if marker == 0xE1 and data.startswith(XMP_HEADER) and _is_ours(data):
            return _read_xmp(data[len(XMP_HEADER):])
    return {}


# --- WEBP ----------------------------------------------------------------------------------------------


def _webp_chunks(value: bytes) -> list[tuple[bytes, bytes]]:
    if len(value) < 12 or value[:4] != b"RIFF" or value[8:12] != b"WEBP":
        raise ValueError("not a WEBP file")
    chunks, pos = [], 12
    while pos + 8 <= len(value):
        kind, (size,) = value[pos:pos + 4], struct.unpack("<I", value[pos + 4:pos + 8])
        if pos + 8 + size > len(value):
            raise ValueError("truncated WEBP chunk")
        chunks.append((kind, value[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    if not chunks or chunks[0][0] not in (b"VP8 ", b"VP8L", b"VP8X"):
        raise ValueError("WEBP file without an image chunk")
    return chunks


def _webp_vp8x(kind: bytes, data: bytes) -> bytes:
    """The VP8X chunk data for a simple WEBP: XMP flag, alpha flag when VP8L says so, canvas size."""
    if kind == b"VP8L":
        bits = int.from_bytes(data[1:5], "little")
        width, height, alpha = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, (bits >> 28) & 1
    else:
        if data[3:6] != b"\x9d\x01\x2a":
            raise ValueError("malformed VP8 frame")
        width, height = (struct.unpack("<H", data[6:8])[0] & 0x3FFF), (struct.unpack("<H", data[8:10])[0] & 0x3FFF)
        alpha = 0
    flags = 0x04 | (0x10 if alpha else 0)
    return bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")


def _webp_embed(value: bytes, xmp: bytes) -> bytes:
    chunks = _webp_chunks(value)
    if any(kind == b"C2PA" for kind, _ in chunks):
        return value
    if any(kind == b"XMP " and not _is_ours(data) for kind, data in chunks):
        return value
    chunks = [(kind, data) for kind, data in chunks if kind != b"XMP "]
    if chunks[0][0] == b"VP8X":
        chunks[0] = (b"VP8X", bytes([chunks[0][1][0] | 0x04]) + chunks[0][1][1:])
    else:
        chunks.insert(0, (b"VP8X", _webp_vp8x(*chunks[0])))
    chunks.append((b"XMP ", xmp))
    body = b"WEBP" + b"".join(kind + struct.pack("<I", len(data)) + data + b"\x00" * (len(data) & 1)
                              for kind, data in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _webp_read(value: bytes) -> dict:
    for kind, data in _webp_chunks(value):
        if kind == b"XMP ":
            return _read_xmp(data)
    return {}


# --- GIF -----------------------------------------------------------------------------------------------
GIF_XMP_ID = b"XMP DataXMP"
GIF_XMP_TRAILER = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"  # lands any sub-block reader on the end


def _gif_sub_blocks(value: bytes, pos: int) -> int:
    """The position just after the sub-blocks (and their terminator) starting at `pos`."""
    while True:
        if pos >= len(value):
            raise ValueError("truncated GIF block")
        size = value[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _gif_blocks(value: bytes) -> tuple[int, list[tuple[int, int]]]:
    """(end of the header and global color table, [(start, end) of each block before the trailer])."""
    if len(value) < 13 or value[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF file")
    head = 13 + (3 << ((value[10] & 7) + 1) if value[10] & 0x80 else 0)
    blocks, pos = [], head
    while pos < len(value) and value[pos] != 0x3B:
        start = pos
        if value[pos] == 0x21:  # extension: label, then sub-blocks
            pos = _gif_sub_blocks(value, pos + 2)
        elif value[pos] == 0x2C:  # image: descriptor, local color table, LZW code size, sub-blocks
            if pos + 10 > len(value):
                raise ValueError("truncated GIF image descriptor")
            flags = value[pos + 9]
            pos = _gif_sub_blocks(value, pos + 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1)
        else:
            raise ValueError("malformed GIF block")
        blocks.append((start, pos))
    if not blocks:
        raise ValueError("GIF file without an image")
    return head, blocks


def _gif_xmps(value: bytes, blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(start, end) for start, end in blocks
            if value[start + 1] == 0xFF and value[start + 2:start + 14] == b"\x0b" + GIF_XMP_ID]


def _gif_embed(value: bytes, xmp: bytes) -> bytes:
    head, blocks = _gif_blocks(value)
    xmps = _gif_xmps(value, blocks)
    if any(not _is_ours(value[start:end]) for start, end in xmps):
        return value  # another tool's XMP packet: leave the file as it is
    ours = b"\x21\xff\x0b" + GIF_XMP_ID + xmp + GIF_XMP_TRAILER
    kept = [value[start:end] for start, end in blocks if (start, end) not in xmps]
    return value[:6].replace(b"87a", b"89a") + value[6:head] + ours + b"".join(kept) + b"\x3b"


def _gif_read(value: bytes) -> dict:
    _, blocks = _gif_blocks(value)
    for start, end in _gif_xmps(value, blocks):
        return _read_xmp(value[start + 14:end - len(GIF_XMP_TRAILER)])
    return {}


# --- the API -------------------------------------------------------------------------------------------


def _format(value: bytes, fmt: str | None = None) -> str:
    detected = ("png" if value.startswith(PNG_SIGNATURE) else "jpeg" if value.startswith(b"\xff\xd8")
                else "webp" if value[:4] == b"RIFF" and value[8:12] == b"WEBP"
                else "gif" if value[:6] in (b"GIF87a", b"GIF89a") else None)
    wanted = {"jpg": "jpeg"}.get((fmt or "").lower(), (fmt or "").lower()) or detected
    if detected is None or wanted != detected:
        raise ValueError(f"the bytes are not a {fmt or 'PNG, JPEG, WEBP or GIF'} image")
    return detected


def embed(value: bytes, fmt: str, info: dict) -> bytes:
    """The same image with `parameters_text(info)` and `info` (as JSON) added; the pixel data is untouched."""
    fmt = _format(value, fmt)
    parameters, payload = parameters_text(info), _json(info)
    if fmt == "png":
        return _png_embed(value, parameters, payload)
    xmp = _xmp(parameters, payload)
    return {"jpeg": _jpeg_embed, "webp": _webp_embed, "gif": _gif_embed}[fmt](value, xmp)


def read(value: bytes) -> dict:
    """What `embed` added: {"parameters": str, "imagegen": dict}, or {} when there is none."""
    fmt = _format(value)
    return {"png": _png_read, "jpeg": _jpeg_read, "webp": _webp_read, "gif": _gif_read}[fmt](value)
