"""The only place readr parses a PDF: `python -m readr.pdfs.worker`, one job per process.

The parent (readr.pdfs.extract) writes one JSON request on stdin and reads one JSON answer
from stdout. Before pypdf is even imported, this process caps its own address space
(RLIMIT_AS), CPU time (RLIMIT_CPU, a backstop should the parent die) and file sizes, so a
decompression bomb or a parser loop ends here, never in readr itself. The parent adds a
wall-clock timeout and kills the process when it runs over.

Requests:
  {"op": "text", "path": ..., "max_pages": N, "max_chars": N}
      -> {"ok": true, "pages": total, "pages_read": n, "page_errors": k, "text": ...,
          "first_page": ..., "metadata": {...}, "encrypted": bool, "truncated": bool}
  {"op": "images", "path": ..., "max_pages": N}
      -> {"ok": true, "pages": total, "images": [{"index", "page", "name", "width", "height", ...}]}
  {"op": "extract_images", "path": ..., "max_pages": N, "indices": [...], "out_dir": ..., "stem": ...}
      -> {"ok": true, "files": [{"index": i, "path": ...} | {"index": i, "error": ...}]}
Every failure is {"ok": false, "error": "<one line>", "kind": "..."}.
"""

from __future__ import annotations

import json
import logging
import re
import struct
import sys
import warnings
import zlib
from pathlib import Path
from typing import Any

from ..files import atomic_write_bytes

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

MAX_XOBJECT_DEPTH = 8
MAX_IMAGES = 2000


# --- limits ------------------------------------------------------------------------------------


def apply_limits(memory_mb: int | None, cpu_seconds: int | None, file_mb: int | None) -> None:
    """Cap this process. Where a limit does not exist (RLIMIT_AS on macOS), the parent's
    wall-clock timeout still holds."""
    if resource is None:  # pragma: no cover - not a POSIX system
        return

    def lower(which: int, value: int) -> None:
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, hard))
        except (ValueError, OSError):  # pragma: no cover - platform without this limit
            pass

    lower(resource.RLIMIT_CORE, 0)
    if memory_mb:
        lower(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    if cpu_seconds:
        lower(resource.RLIMIT_CPU, cpu_seconds)
    if file_mb:
        lower(resource.RLIMIT_FSIZE, file_mb * 1024 * 1024)


# --- opening -----------------------------------------------------------------------------------


class Failure(Exception):
    def __init__(self, message: str, kind: str = "invalid"):
        super().__init__(message)
        self.kind = kind


# pypdf recovers from much damage and reports it as log warnings. Those that mean the file is
# structurally broken make the result "damaged" (text kept, failure recorded); others, such as
# a missing optional font library, are harmless.
_DAMAGE = re.compile(
    r"xref|startxref|decompress|invalid|malformed|corrupt|broken|unexpected|object stream|eof|"
    r"unbalanced|could not|cannot|failed|wrong|missing|not found|illegal|truncat",
    re.IGNORECASE,
)
_HARMLESS = re.compile(r"fontTools|cryptography|pycryptodome|Pillow|PIL\b|is required to", re.IGNORECASE)
DAMAGE: list[str] = []


class _Collect(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = " ".join(record.getMessage().split())
        except Exception:
            return
        if len(DAMAGE) < 50 and _DAMAGE.search(message) and not _HARMLESS.search(message):
            message = message[:160]
            if message not in DAMAGE:
                DAMAGE.append(message)


def _listen() -> None:
    warnings.simplefilter("ignore")  # pypdf's Python warnings are deprecations: noise
    logger = logging.getLogger("pypdf")
    logger.handlers[:] = [_Collect(level=logging.WARNING)]
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def open_pdf(path: str):
    _listen()
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    with open(path, "rb") as handle:
        head = handle.read(1024)
    if not head:
        raise Failure("the file is empty (0 bytes)", "empty")
    if b"%PDF-" not in head:
        start = head.lstrip()[:15].lower()
        if start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
            raise Failure("not a PDF: the file is an HTML page", "html")
        raise Failure("not a PDF: it does not start with %PDF", "not-pdf")
    reader = PdfReader(path, strict=False)
    encrypted = bool(reader.is_encrypted)
    if encrypted:
        try:
            ok = reader.decrypt("")
        except Exception as exc:  # missing crypto backend, unsupported algorithm
            raise Failure(f"the PDF is encrypted and cannot be opened ({_describe(exc)})", "encrypted") from None
        if not ok:
            raise Failure("the PDF is password-protected", "encrypted")
        try:
            len(reader.pages)
        except FileNotDecryptedError:
            raise Failure("the PDF is password-protected", "encrypted") from None
    return reader, encrypted


def _is_limit(exc: BaseException) -> bool:
    from pypdf.errors import LimitReachedError

    return isinstance(exc, LimitReachedError)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    if not text:
        return name
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{name}: {text}"


def _metadata(reader) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        info = reader.metadata or {}
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer"):
            value = info.get(key)
            if value is not None:
                text = str(value).strip()
                if text:
                    out[key[1:].lower()] = text[:2000]
    except Exception:
        pass
    return out


# --- text --------------------------------------------------------------------------------------

MAX_FRAGMENTS = 5000
# The title's font is this much larger than the body's at least; a page whose largest text is
# barely larger (a section heading on a page from the middle of a paper) has no title.
TITLE_SIZE_RATIO = 1.12
_STAMP = re.compile(r"arXiv:\s*\d|arXiv:[a-z-]+/\d", re.IGNORECASE)


def _fragment_collector(fragments: list[tuple[float, float, bool, str]]):
    """A pypdf visitor_text that records (font size on the page, baseline y, turned, text) of each
    piece of text shown: the size is the font size times the vertical scale of text and page matrices."""

    def visit(text, cm, tm, font_dict, font_size) -> None:
        if len(fragments) >= MAX_FRAGMENTS or not text:
            return
        try:
            a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            size = float(font_size) * (c * c + d * d) ** 0.5
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            fragments.append((round(size, 1), float(y), abs(b) > abs(a), str(text)[:500]))
        except (TypeError, ValueError, IndexError):
            pass

    return visit


def largest_text(fragments: list[tuple[float, float, bool, str]]) -> str:
    """The title of a first page: its largest upright text, whole lines in reading order, if that
    text is clearly larger than the body text; else "". Margin stamps (turned) are left out."""
    upright = [f for f in fragments if not f[2] and f[3].strip() and not _STAMP.search(f[3])]
    if not upright:
        return ""
    chars: dict[float, int] = {}
    for size, _, _, text in upright:
        chars[size] = chars.get(size, 0) + len(text.strip())
    body = max(chars, key=lambda size: chars[size])
    for size in sorted(chars, reverse=True)[:3]:
        if size < body * TITLE_SIZE_RATIO:
            return ""
        title = _block_of_size(upright, size)
        letters = sum(ch.isalpha() for ch in title)
        if len(title) >= 6 and letters >= len(title) / 2:
            return title
    return ""


def _block_of_size(fragments: list[tuple[float, float, bool, str]], size: float) -> str:
    """The first run of lines set in `size` (within half a point): footnote marks in a smaller
    size inside it are skipped; a line of another size, or a gap of more than two lines, ends it."""
    lines: list[str] = []
    last_y: float | None = None
    for frag_size, y, _, text in fragments:
        if abs(frag_size - size) > 0.5:
            if lines and any(ch.isalpha() for ch in text):
                break
            continue
        if last_y is not None and abs(y - last_y) > 2.5 * size:
            break
        if last_y is None or abs(y - last_y) > 0.3 * size:
            lines.append(text)
        else:
            lines[-1] += text  # the same line, in pieces (kerning, small caps)
        last_y = y
    title = ""
    for line in (" ".join(line.split()) for line in lines):
        if title.endswith("-") and line[:1].islower():
            title = title[:-1] + line  # a word split at the line end
        elif title.endswith("-"):
            title += line  # "Real-" "World": a hyphenated name
        else:
            title = f"{title} {line}" if title else line
    return " ".join(title.split())[:500]


def op_text(request: dict[str, Any]) -> dict[str, Any]:
    reader, encrypted = open_pdf(request["path"])
    max_pages = int(request.get("max_pages") or 500)
    max_chars = int(request.get("max_chars") or 5_000_000)
    try:
        total = len(reader.pages)
    except Exception as exc:
        raise Failure(f"cannot read the page tree ({_describe(exc)})") from None
    if total == 0:
        raise Failure("the PDF has no pages")
    parts: list[str] = []
    size = 0
    read = 0
    errors: list[str] = []
    limits_hit: list[str] = []
    truncated = total > max_pages
    first_page = ""
    fragments: list[tuple[float, float, bool, str]] = []
    for number in range(min(total, max_pages)):
        try:
            if number == 0:
                text = reader.pages[0].extract_text(visitor_text=_fragment_collector(fragments)) or ""
            else:
                text = reader.pages[number].extract_text() or ""
        except MemoryError:
            raise
        except RecursionError:
            errors.append(f"page {number + 1}: too deeply nested")
            continue
        except Exception as exc:
            if _is_limit(exc):
                limits_hit.append(f"page {number + 1}: {' '.join(str(exc).split())[:160]}")
            errors.append(f"page {number + 1}: {_describe(exc)}")
            continue
        read += 1
        if number == 0:
            first_page = text[:20_000]
        if size + len(text) > max_chars:
            parts.append(text[: max_chars - size])
            truncated = True
            break
        parts.append(text)
        size += len(text)
    if read == 0:
        if limits_hit:
            raise Failure(f"the PDF exceeds a safety limit, a decompression bomb? ({limits_hit[0]})", "limit")
        detail = errors[0] if errors else "no page could be read"
        raise Failure(f"no text could be extracted ({detail})")
    return {
        "ok": True,
        "pages": total,
        "pages_read": read,
        "page_errors": len(errors),
        "first_error": errors[0] if errors else None,
        "truncated": truncated,
        "encrypted": encrypted,
        "damage": DAMAGE[:5],
        "metadata": _metadata(reader),
        "first_page": first_page,
        "large_text": largest_text(fragments),
        "text": "\n\f\n".join(parts),
    }


# --- images ------------------------------------------------------------------------------------


def _resolve(obj):
    try:
        return obj.get_object() if obj is not None else None
    except Exception:
        return None


def _filters(xobj) -> list[str]:
    value = _resolve(xobj.get("/Filter"))
    if value is None:
        return []
    if isinstance(value, list):
        return [str(_resolve(v)) for v in value]
    return [str(value)]


def _page_images(page, max_images: int):
    """(name, xobject) of every image a page draws, Form XObjects included, each object once."""
    seen: set[tuple[int | None, int | None]] = set()
    found: list[tuple[str, Any]] = []

    def walk(resources, prefix: str, depth: int) -> None:
        if depth > MAX_XOBJECT_DEPTH or len(found) >= max_images:
            return
        resources = _resolve(resources)
        if resources is None or not hasattr(resources, "get"):
            return
        xobjects = _resolve(resources.get("/XObject"))
        if xobjects is None or not hasattr(xobjects, "items"):
            return
        for key, ref in list(xobjects.items()):
            if len(found) >= max_images:
                return
            ident = (getattr(ref, "idnum", None), getattr(ref, "generation", None))
            if ident[0] is not None:
                if ident in seen:
                    continue
                seen.add(ident)
            xobj = _resolve(ref)
            if xobj is None or not hasattr(xobj, "get"):
                continue
            subtype = str(_resolve(xobj.get("/Subtype")))
            if subtype == "/Image":
                found.append((prefix + str(key), xobj))
            elif subtype == "/Form":
                walk(xobj.get("/Resources"), prefix + str(key), depth + 1)

    walk(page.get("/Resources"), "", 0)
    return found


def _colorspace(xobj) -> tuple[str, int, Any]:
    """(family, components, detail) of an image's colour space; detail is the palette for Indexed."""
    if xobj.get("/ImageMask"):
        return "ImageMask", 1, None
    cs = _resolve(xobj.get("/ColorSpace"))
    return _family(cs, 0)


def _family(cs, depth: int) -> tuple[str, int, Any]:
    if depth > 4:
        return "unknown", 0, None
    if cs is None:
        return "unknown", 0, None
    if isinstance(cs, list):
        if not cs:
            return "unknown", 0, None
        head = str(_resolve(cs[0]))
        if head == "/ICCBased" and len(cs) > 1:
            stream = _resolve(cs[1])
            n = int(_resolve(stream.get("/N")) or 0) if stream is not None else 0
            return {1: "DeviceGray", 3: "DeviceRGB", 4: "DeviceCMYK"}.get(n, "unknown"), n, None
        if head == "/Indexed" and len(cs) >= 4:
            base, base_n, _ = _family(_resolve(cs[1]), depth + 1)
            lookup = _resolve(cs[3])
            if hasattr(lookup, "get_data"):
                data = lookup.get_data()
            elif isinstance(lookup, (bytes, str)) or hasattr(lookup, "original_bytes"):
                data = getattr(lookup, "original_bytes", None) or (
                    lookup.encode("latin-1") if isinstance(lookup, str) else bytes(lookup)
                )
            else:
                data = b""
            return "Indexed", 1, (base, base_n, int(_resolve(cs[2]) or 0), bytes(data))
        if head in ("/CalRGB", "/CalGray", "/Lab", "/Separation", "/DeviceN", "/Pattern"):
            return {"/CalRGB": ("DeviceRGB", 3, None), "/CalGray": ("DeviceGray", 1, None)}.get(
                head, (head[1:], 0, None)
            )
        return _family(_resolve(cs[0]), depth + 1)
    name = str(cs)
    return {
        "/DeviceGray": ("DeviceGray", 1, None),
        "/G": ("DeviceGray", 1, None),
        "/DeviceRGB": ("DeviceRGB", 3, None),
        "/RGB": ("DeviceRGB", 3, None),
        "/DeviceCMYK": ("DeviceCMYK", 4, None),
        "/CMYK": ("DeviceCMYK", 4, None),
        "/CalRGB": ("DeviceRGB", 3, None),
        "/CalGray": ("DeviceGray", 1, None),
    }.get(name, (name.lstrip("/"), 0, None))


def _describe_image(index: int, page: int, name: str, xobj) -> dict[str, Any]:
    filters = _filters(xobj)
    family, components, _ = _colorspace(xobj)
    width = int(_resolve(xobj.get("/Width")) or 0)
    height = int(_resolve(xobj.get("/Height")) or 0)
    bits = int(_resolve(xobj.get("/BitsPerComponent")) or (1 if xobj.get("/ImageMask") else 8))
    last = filters[-1] if filters else ""
    if last in ("/DCTDecode", "/DCT"):
        fmt = "jpg"
    elif last in ("/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"):
        fmt = None
    else:
        fmt = "png" if _png_supported(family, bits) else None
    return {
        "index": index,
        "page": page,
        "name": name,
        "width": width,
        "height": height,
        "bits": bits,
        "colorspace": family,
        "filters": [f.lstrip("/") for f in filters],
        "format": fmt,
        "has_alpha": _resolve(xobj.get("/SMask")) is not None,
    }


def _png_supported(family: str, bits: int) -> bool:
    if family in ("DeviceGray", "ImageMask"):
        return bits in (1, 2, 4, 8, 16)
    if family in ("DeviceRGB", "DeviceCMYK"):
        return bits in (8, 16) if family == "DeviceRGB" else bits == 8
    if family == "Indexed":
        return bits in (1, 2, 4, 8)
    return False


def _all_images(reader, max_pages: int):
    try:
        total = len(reader.pages)
    except Exception as exc:
        raise Failure(f"cannot read the page tree ({_describe(exc)})") from None
    index = 0
    for number in range(min(total, max_pages)):
        try:
            images = _page_images(reader.pages[number], MAX_IMAGES - index)
        except MemoryError:
            raise
        except Exception:
            continue  # a broken page hides its images, not the others'
        for name, xobj in images:
            index += 1
            yield index, number + 1, name, xobj
        if index >= MAX_IMAGES:
            return


def op_images(request: dict[str, Any]) -> dict[str, Any]:
    reader, _ = open_pdf(request["path"])
    max_pages = int(request.get("max_pages") or 500)
    images = []
    for index, page, name, xobj in _all_images(reader, max_pages):
        try:
            images.append(_describe_image(index, page, name, xobj))
        except MemoryError:
            raise
        except Exception as exc:
            images.append({"index": index, "page": page, "name": name, "format": None, "error": _describe(exc)})
    return {"ok": True, "pages": len(reader.pages), "images": images}


def op_extract_images(request: dict[str, Any]) -> dict[str, Any]:
    reader, _ = open_pdf(request["path"])
    max_pages = int(request.get("max_pages") or 500)
    wanted = {int(i) for i in request.get("indices") or []}
    out_dir = Path(request["out_dir"])
    stem = request["stem"]
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[int, dict[str, Any]] = {}
    for index, page, _name, xobj in _all_images(reader, max_pages):
        if index not in wanted:
            continue
        try:
            data, ext = image_bytes(xobj)
            target = out_dir / f"{stem}-p{page}-img{index}.{ext}"
            atomic_write_bytes(target, data)
            files[index] = {"index": index, "page": page, "path": str(target)}
        except MemoryError:
            raise
        except Failure as exc:
            files[index] = {"index": index, "page": page, "error": str(exc)}
        except Exception as exc:
            files[index] = {"index": index, "page": page, "error": _describe(exc)}
    for index in sorted(wanted - set(files)):
        files[index] = {"index": index, "error": "no such image"}
    return {"ok": True, "files": [files[i] for i in sorted(files)]}


# --- image encoding ----------------------------------------------------------------------------


def image_bytes(xobj) -> tuple[bytes, str]:
    """The image as file bytes and extension: JPEG as stored (no re-encoding), the rest as PNG."""
    filters = _filters(xobj)
    last = filters[-1] if filters else ""
    if last in ("/DCTDecode", "/DCT"):
        data = bytes(xobj.get_data())  # pypdf leaves DCT data encoded: the JPEG file itself
        if not data.startswith(b"\xff\xd8"):
            raise Failure("the JPEG data of this image is damaged")
        return data, "jpg"
    if last in ("/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"):
        raise Failure(f"cannot convert {last[1:]} images to PNG")
    family, components, detail = _colorspace(xobj)
    width = int(_resolve(xobj.get("/Width")) or 0)
    height = int(_resolve(xobj.get("/Height")) or 0)
    bits = int(_resolve(xobj.get("/BitsPerComponent")) or (1 if family == "ImageMask" else 8))
    if width <= 0 or height <= 0 or width > 30_000 or height > 30_000:
        raise Failure(f"bad image size {width}x{height}")
    if not _png_supported(family, bits):
        raise Failure(f"cannot convert {family} images with {bits} bits per component to PNG")
    data = bytes(xobj.get_data())
    decode = _resolve(xobj.get("/Decode"))
    inverted = isinstance(decode, list) and len(decode) >= 2 and float(decode[0]) > float(decode[1])
    if family == "ImageMask":
        # A stencil mask paints where the sample is 0 (1 with /Decode [1 0]): painted shows black.
        return encode_png(width, height, bits, 0, _pad_rows(data, width, height, 1, bits, invert=inverted)), "png"
    if family == "DeviceGray":
        rows = _pad_rows(data, width, height, 1, bits, invert=inverted)
        alpha = _smask(xobj, width, height) if bits == 8 else None
        if alpha is not None:
            return encode_png(width, height, 8, 4, _interleave(b"".join(rows), alpha, width, height, 1)), "png"
        return encode_png(width, height, bits, 0, rows), "png"
    if family == "DeviceRGB":
        rows = _pad_rows(data, width, height, 3, bits)
        alpha = _smask(xobj, width, height) if bits == 8 else None
        if alpha is not None:
            return encode_png(width, height, 8, 6, _interleave(b"".join(rows), alpha, width, height, 3)), "png"
        return encode_png(width, height, bits, 2, rows), "png"
    if family == "DeviceCMYK":
        rows = _pad_rows(data, width, height, 4, 8)
        rgb = _cmyk_to_rgb(b"".join(rows), inverted)
        return encode_png(width, height, 8, 2, _rows_of(rgb, width * 3, height)), "png"
    if family == "Indexed":
        base, base_n, hival, lookup = detail
        palette = _palette(base, base_n, hival, lookup)
        rows = _pad_rows(data, width, height, 1, bits)
        return encode_png(width, height, bits, 3, rows, palette=palette), "png"
    raise Failure(f"cannot convert {family} images to PNG")


def _pad_rows(data: bytes, width: int, height: int, comps: int, bits: int, invert: bool = False) -> list[bytes]:
    row_len = (width * comps * bits + 7) // 8
    need = row_len * height
    if len(data) < need:
        data = data + b"\0" * (need - len(data))
    if invert:
        data = data[:need].translate(_INVERT)  # every sample becomes max - sample, at any depth
    return [data[i * row_len : (i + 1) * row_len] for i in range(height)]


_INVERT = bytes(255 - b for b in range(256))


def _rows_of(data: bytes, row_len: int, height: int) -> list[bytes]:
    return [data[i * row_len : (i + 1) * row_len] for i in range(height)]


def _smask(xobj, width: int, height: int) -> bytes | None:
    smask = _resolve(xobj.get("/SMask"))
    if smask is None or not hasattr(smask, "get_data"):
        return None
    if int(_resolve(smask.get("/Width")) or 0) != width or int(_resolve(smask.get("/Height")) or 0) != height:
        return None
    if int(_resolve(smask.get("/BitsPerComponent")) or 8) != 8:
        return None
    if _filters(smask)[-1:] in (["/DCTDecode"], ["/JPXDecode"]):
        return None
    alpha = bytes(smask.get_data())
    need = width * height
    return alpha[:need] + b"\xff" * max(0, need - len(alpha))


def _interleave(pixels: bytes, alpha: bytes, width: int, height: int, comps: int) -> list[bytes]:
    out = bytearray(width * height * (comps + 1))
    step = comps + 1
    for c in range(comps):
        out[c::step] = pixels[c::comps]
    out[comps::step] = alpha
    return _rows_of(bytes(out), width * step, height)


def _cmyk_to_rgb(data: bytes, inverted: bool) -> bytes:
    if inverted:  # Adobe's inverted CMYK
        data = data.translate(_INVERT)
    out = bytearray(len(data) // 4 * 3)
    c, m, y, k = data[0::4], data[1::4], data[2::4], data[3::4]
    out[0::3] = bytes((255 - a) * (255 - b) // 255 for a, b in zip(c, k))
    out[1::3] = bytes((255 - a) * (255 - b) // 255 for a, b in zip(m, k))
    out[2::3] = bytes((255 - a) * (255 - b) // 255 for a, b in zip(y, k))
    return bytes(out)


def _palette(base: str, base_n: int, hival: int, lookup: bytes) -> bytes:
    entries = min(hival + 1, 256)
    if base == "DeviceRGB":
        data = lookup[: entries * 3]
        return data + b"\0" * (entries * 3 - len(data))
    if base == "DeviceGray":
        data = lookup[:entries] + b"\0" * max(0, entries - len(lookup))
        return bytes(v for g in data for v in (g, g, g))
    if base == "DeviceCMYK":
        data = lookup[: entries * 4]
        data = data + b"\0" * (entries * 4 - len(data))
        return _cmyk_to_rgb(data, False)
    raise Failure(f"cannot convert indexed images over {base} to PNG")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def encode_png(
    width: int, height: int, bits: int, colour_type: int, rows: list[bytes], palette: bytes | None = None
) -> bytes:
    """A PNG from unfiltered rows (each row already packed and padded to a byte)."""
    raw = b"".join(b"\0" + row for row in rows)
    parts = [
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bits, colour_type, 0, 0, 0)),
    ]
    if palette is not None:
        parts.append(_chunk(b"PLTE", palette))
    parts.append(_chunk(b"IDAT", zlib.compress(raw, 6)))
    parts.append(_chunk(b"IEND", b""))
    return b"".join(parts)


# --- main --------------------------------------------------------------------------------------

OPS = {"text": op_text, "images": op_images, "extract_images": op_extract_images}


def run(request: dict[str, Any]) -> dict[str, Any]:
    op = OPS.get(request.get("op", ""))
    if op is None:
        return {"ok": False, "error": f"unknown worker operation {request.get('op')!r}", "kind": "usage"}
    try:
        return op(request)
    except Failure as exc:
        return {"ok": False, "error": str(exc), "kind": exc.kind}
    except MemoryError:
        return {"ok": False, "error": "ran out of memory (the file may be a decompression bomb)", "kind": "memory"}
    except RecursionError:
        return {"ok": False, "error": "the PDF is nested too deeply to read", "kind": "invalid"}
    except FileNotFoundError:
        return {"ok": False, "error": "the file is gone", "kind": "missing"}
    except Exception as exc:
        if _is_limit(exc):
            return {"ok": False, "error": f"the PDF exceeds a safety limit ({_describe(exc)})", "kind": "limit"}
        return {"ok": False, "error": f"cannot read the PDF ({_describe(exc)})", "kind": "invalid"}


def main() -> int:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    apply_limits(request.get("memory_mb"), request.get("cpu_seconds"), request.get("file_mb"))
    sys.setrecursionlimit(5000)
    # A bomb may need all of RLIMIT_AS; keep a little reserve so the answer can still be written.
    reserve = bytearray(4 * 1024 * 1024)
    try:
        answer = run(request)
    except MemoryError:
        answer = {"ok": False, "error": "ran out of memory", "kind": "memory"}
    del reserve
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=True).encode("ascii"))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
