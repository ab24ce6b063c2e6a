"""PDFs made on the fly for the PDF tests (no PDF file is ever committed).

`make_pdf` writes a small valid PDF by hand: pages of text in a standard font, optional images
(raw or Flate-compressed pixels, with an optional soft mask) and an /Info dictionary, with a
correct cross-reference table. The other helpers make hostile files from it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field


@dataclass
class Image:
    width: int
    height: int
    data: bytes  # raw samples, rows packed and padded to a byte
    # or "/DeviceGray", "/DeviceCMYK", or a raw array like "[/Indexed /DeviceRGB 1 <ff000000ff00>]"
    colorspace: str = "/DeviceRGB"
    bits: int = 8
    compress: bool = True
    smask: bytes | None = None  # 8-bit alpha, width*height bytes
    filter_override: str | None = None  # e.g. "/DCTDecode": data is stored as is


@dataclass
class Page:
    lines: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    # Font size of each line (as a title page has them); None: every line in 11 pt, 14 pt apart.
    sizes: list[float] | None = None
    # Set the sizes as pdfTeX does not, but other producers do: a 1 pt font scaled by the text matrix.
    sizes_by_matrix: bool = False
    # A line of text turned 90 degrees, as arXiv stamps the margin of page 1 ("arXiv:2101.00001v1 ...").
    margin_stamp: str | None = None


def _escape(text: str) -> bytes:
    raw = text.encode("latin-1", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _pdf_string(text: str) -> bytes:
    return b"(" + _escape(text) + b")"


class _Writer:
    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.objects.append(body)
        return len(self.objects)

    def reserve(self) -> int:
        self.objects.append(b"")
        return len(self.objects)

    def set(self, number: int, body: bytes) -> None:
        self.objects[number - 1] = body

    def stream(self, dictionary: bytes, data: bytes) -> int:
        return self.add(dictionary[:-2] + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")

    def render(self, root: int, info: int | None) -> bytes:
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        trailer = b"<< /Size %d /Root %d 0 R" % (len(self.objects) + 1, root)
        if info:
            trailer += b" /Info %d 0 R" % info
        out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def make_pdf(pages: list[Page] | list[str], title: str | None = None, author: str | None = None,
             compress: bool = True, info: dict[str, str] | None = None) -> bytes:
    """A valid PDF; each page is a Page or a string (its lines split on newlines)."""
    w = _Writer()
    catalog = w.reserve()
    pages_obj = w.reserve()
    font = w.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for page in pages:
        if isinstance(page, str):
            page = Page(lines=page.split("\n"))
        if page.sizes is None:
            content = bytearray(b"BT /F1 11 Tf 14 TL 72 740 Td\n")
            for line in page.lines:
                content += _pdf_string(line) + b" Tj T*\n"
        else:
            content = bytearray(b"BT\n")
            y = 740.0
            for line, size in zip(page.lines, page.sizes):
                if page.sizes_by_matrix:
                    content += b"/F1 1 Tf %g 0 0 %g 72 %g Tm " % (size, size, y)
                else:
                    content += b"/F1 %g Tf 1 0 0 1 72 %g Tm " % (size, y)
                content += _pdf_string(line) + b" Tj\n"
                y -= size * 1.3
        content += b"ET\n"
        if page.margin_stamp:
            content += b"BT /F1 20 Tf 0 1 -1 0 40 200 Tm " + _pdf_string(page.margin_stamp) + b" Tj ET\n"
        xobjects = []
        for number, image in enumerate(page.images, start=1):
            ref = _image(w, image)
            xobjects.append(b"/Im%d %d 0 R" % (number, ref))
            content += b"q %d 0 0 %d 72 %d cm /Im%d Do Q\n" % (image.width, image.height, 100 + 10 * number, number)
        data = bytes(content)
        if compress:
            contents = w.stream(b"<< /Filter /FlateDecode >>", zlib.compress(data))
        else:
            contents = w.stream(b"<< >>", data)
        resources = b"<< /Font << /F1 %d 0 R >>" % font
        if xobjects:
            resources += b" /XObject << " + b" ".join(xobjects) + b" >>"
        resources += b" >>"
        kids.append(w.add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources " % pages_obj
            + resources + b" /Contents %d 0 R >>" % contents
        ))
    kid_refs = b" ".join(b"%d 0 R" % k for k in kids)
    w.set(pages_obj, b"<< /Type /Pages /Kids [" + kid_refs + b"] /Count %d >>" % len(kids))
    w.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj)
    fields = dict(info or {})
    if title:
        fields["Title"] = title
    if author:
        fields["Author"] = author
    info_ref = None
    if fields:
        entries = b"".join(b" /" + name.encode() + b" " + _pdf_string(value) for name, value in fields.items())
        info_ref = w.add(b"<<" + entries + b" >>")
    return w.render(catalog, info_ref)


def _image(w: _Writer, image: Image) -> int:
    smask = b""
    if image.smask is not None:
        ref = w.stream(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode >>" % (image.width, image.height),
            zlib.compress(image.smask),
        )
        smask = b" /SMask %d 0 R" % ref
    data = image.data
    filt = b""
    if image.filter_override:
        filt = b" /Filter " + image.filter_override.encode()
    elif image.compress:
        data = zlib.compress(data)
        filt = b" /Filter /FlateDecode"
    return w.stream(
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent %d%s%s >>"
        % (image.width, image.height, image.colorspace.encode(), image.bits, filt, smask),
        data,
    )


def bomb_pdf(megabytes: int = 200, body: bytes = b" ", prefix: bytes = b"") -> bytes:
    """A one-page PDF whose content stream inflates from a few hundred kB to `megabytes` MB."""
    w = _Writer()
    catalog = w.reserve()
    pages_obj = w.reserve()
    compressor = zlib.compressobj(9)
    chunk = body * (1024 * 1024 // len(body))
    packed = bytearray(compressor.compress(prefix))
    for _ in range(megabytes):
        packed += compressor.compress(chunk)
    packed += compressor.flush()
    contents = w.stream(b"<< /Filter /FlateDecode >>", bytes(packed))
    font = w.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    page = w.add(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
        b"/Contents %d 0 R >>" % (pages_obj, font, contents)
    )
    w.set(pages_obj, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    w.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj)
    return w.render(catalog, None)


def operator_storm_pdf(operators: int = 3_000_000) -> bytes:
    """A small file whose one page holds millions of text operators: slow to extract (a CPU bomb)."""
    return bomb_pdf(megabytes=max(1, operators * 8 // (1024 * 1024)), body=b"(a) Tj\n ", prefix=b"BT /F1 9 Tf\n")


def truncated(pdf: bytes, keep: float = 0.5) -> bytes:
    return pdf[: int(len(pdf) * keep)]


HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>arXiv is down for maintenance</title></head>"
    b"<body><h1>We are upgrading arXiv</h1></body></html>\n"
)


def png_pixels(png: bytes) -> tuple[int, int, int, int, bytes, bytes | None]:
    """(width, height, bit depth, colour type, raw rows without filter bytes, palette) of a PNG
    readr wrote (filter type 0 only), checking the signature and every chunk's CRC."""
    import struct

    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, palette, header = 8, b"", None, None
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None
    width, height, depth, colour, *_ = header
    raw = zlib.decompress(idat)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    row = (width * channels * depth + 7) // 8
    assert len(raw) == (row + 1) * height
    rows = b""
    for y in range(height):
        assert raw[y * (row + 1)] == 0, "readr writes filter type 0"
        rows += raw[y * (row + 1) + 1 : (y + 1) * (row + 1)]
    return width, height, depth, colour, rows, palette
