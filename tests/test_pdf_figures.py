"""readr figures: list the images of a PDF, save them (PNG / JPEG), link them from the summary."""

from __future__ import annotations

import hashlib
import json

import pytest

from readr.errors import ReadrError
from readr.pdfs import figures
from readr.pdfs.extract import Limits
from tests.conftest import make_record
from tests.pdf_samples import Image, Page, bomb_pdf, make_pdf, png_pixels

LIMITS = Limits(timeout=20)
KEY = "2104.00001"

RGB = bytes((x * 40 % 256, y * 60 % 256, (x + y) * 20 % 256) [i] for y in range(4) for x in range(5) for i in range(3))
GRAY = bytes(range(0, 240, 10))  # 6 x 4
ALPHA = bytes((i * 13) % 256 for i in range(20))  # 5 x 4
FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 40 + b"\xff\xd9"


def attach(store, data: bytes, key: str = KEY) -> None:
    store.upsert_arxiv(make_record(key, "Figures paper"))
    store.pdf_dir.mkdir(parents=True, exist_ok=True)
    path = store.pdf_dir / f"{key}v1.pdf"
    path.write_bytes(data)
    store.record_pdf(key, path.relative_to(store.data_dir).as_posix(), hashlib.sha256(data).hexdigest(), len(data), 1)


def figure_pdf() -> bytes:
    return make_pdf([
        Page(lines=["Page one has an RGB plot with alpha and a gray image"], images=[
            Image(5, 4, RGB, smask=ALPHA),
            Image(6, 4, GRAY, colorspace="/DeviceGray", compress=False),
        ]),
        Page(lines=["Page two: no images"]),
        Page(lines=["Page three: palette, CMYK, 1-bit and a JPEG"], images=[
            Image(4, 2, bytes([0, 1, 2, 1, 2, 0, 1, 1]), colorspace="[/Indexed /DeviceRGB 2 <ff000000ff000000ff>]"),
            Image(2, 1, bytes([0, 0, 0, 0, 255, 255, 255, 255]), colorspace="/DeviceCMYK"),
            Image(8, 2, bytes([0b10101010, 0b11110000]), colorspace="/DeviceGray", bits=1),
            Image(3, 3, FAKE_JPEG, filter_override="/DCTDecode"),
            Image(1, 1, b"\x00", colorspace="/DeviceGray", bits=8),  # a tiny mask-like image, not a figure
        ]),
    ])


def test_list_images_numbers_them_in_page_order(store):
    attach(store, figure_pdf())
    images = figures.list_images(store, KEY, LIMITS)
    assert [(i.index, i.page, i.width, i.height) for i in images] == [
        (1, 1, 5, 4), (2, 1, 6, 4), (3, 3, 4, 2), (4, 3, 2, 1), (5, 3, 8, 2), (6, 3, 3, 3), (7, 3, 1, 1),
    ]
    assert [i.colorspace for i in images] == [
        "DeviceRGB", "DeviceGray", "Indexed", "DeviceCMYK", "DeviceGray", "DeviceRGB", "DeviceGray",
    ]
    assert [i.format for i in images] == ["png", "png", "png", "png", "png", "jpg", "png"]
    assert [i.tiny for i in images] == [True] * 7  # these test images are all under 16 px
    assert images[0].has_alpha and not images[1].has_alpha


def test_extracted_images_have_exactly_the_pixels_of_the_pdf(store):
    attach(store, figure_pdf())
    results = figures.extract_images(store, KEY, [1, 2, 3, 4, 5, 6], LIMITS)
    assert all(r.error is None for r in results), results
    paths = {r.index: r.path for r in results}
    assert all(p.parent == store.assets_dir for p in paths.values())
    assert paths[1].name == f"{KEY}v1-p1-img1.png" and paths[6].name == f"{KEY}v1-p3-img6.jpg"

    width, height, depth, colour, rows, _ = png_pixels(paths[1].read_bytes())
    assert (width, height, depth, colour) == (5, 4, 8, 6)  # RGBA from the soft mask
    assert rows[0::4] == RGB[0::3] and rows[1::4] == RGB[1::3] and rows[2::4] == RGB[2::3] and rows[3::4] == ALPHA

    assert png_pixels(paths[2].read_bytes())[:5] == (6, 4, 8, 0, GRAY)

    width, height, depth, colour, rows, palette = png_pixels(paths[3].read_bytes())
    assert (depth, colour, rows) == (8, 3, bytes([0, 1, 2, 1, 2, 0, 1, 1]))
    assert palette == bytes.fromhex("ff000000ff000000ff")

    assert png_pixels(paths[4].read_bytes())[4] == bytes([255, 255, 255, 0, 0, 0])  # white, then black

    assert png_pixels(paths[5].read_bytes())[2:5] == (1, 0, bytes([0b10101010, 0b11110000]))

    assert paths[6].read_bytes() == FAKE_JPEG  # JPEG is saved as stored, not re-encoded


def test_insert_links_append_relative_links_the_digest_export_finds(store):
    attach(store, figure_pdf())
    store.set_summary(KEY, "My notes with a **takeaway**.")
    saved = figures.extract_images(store, KEY, [2, 1], LIMITS)
    paper = figures.insert_links(store, KEY, saved)
    assert paper.summary.startswith("My notes with a **takeaway**.\n\n")
    assert f"![Figure from page 1](assets/{KEY}v1-p1-img2.png)" in paper.summary
    assert paper.summary.index("img2") < paper.summary.index("img1")  # in the order asked for
    assert paper.takeaways == ["takeaway"]
    again = figures.insert_links(store, KEY, saved)
    assert again.summary == paper.summary  # each link once
    from readr.digest.assets import AssetCopier  # the digest exporter resolves them against the data folder

    copier = AssetCopier(store.data_dir.parent / "out" / "page.md", search_dirs=[store.data_dir])
    rewritten = copier.rewrite(paper.summary)
    assert not copier.missing and len(copier.copied) == 2 and "assets/" in rewritten


def test_parse_indices():
    images = [figures.ImageInfo(index=i, page=1, width=200, height=100, format="png" if i != 3 else None)
              for i in (1, 2, 3, 4)]
    images.append(figures.ImageInfo(index=5, page=1, width=1, height=1, format="png"))
    assert figures.parse_indices(["2"], images) == [2]
    assert figures.parse_indices(["4,1", "2-3", "1"], images) == [4, 1, 2, 3]
    assert figures.parse_indices(["all"], images) == [1, 2, 4]  # not the unsavable one, not the tiny one
    assert figures.parse_indices(["5"], images) == [5]  # asked for by number: fine
    with pytest.raises(ReadrError, match="no image 9"):
        figures.parse_indices(["9"], images)
    with pytest.raises(ReadrError, match="not an image number"):
        figures.parse_indices(["x"], images)


def test_a_hostile_pdf_cannot_hurt_the_figure_listing(store):
    attach(store, bomb_pdf(100))
    assert figures.list_images(store, KEY, LIMITS) == []


def test_readr_figures_lists_extracts_and_inserts(cli, store):
    attach(store, figure_pdf())
    listed = cli("figures", KEY, "--json")
    assert listed.exit_code == 0, listed.output
    assert [i["index"] for i in json.loads(listed.stdout)] == [1, 2, 3, 4, 5, 6, 7]
    table = cli("figures", KEY)  # every test image is tiny: hidden unless --all
    assert table.exit_code == 0 and "7 tiny ones hidden" in table.stderr
    table = cli("figures", KEY, "--all")
    assert table.exit_code == 0 and "DeviceGray" in table.stdout and "--extract" in table.stderr
    saved = cli("figures", KEY, "--extract", "1,6", "--insert")
    assert saved.exit_code == 0, saved.output
    assert "linked 2 image(s)" in saved.stderr
    summary = store.get(KEY).summary
    assert f"assets/{KEY}v1-p1-img1.png" in summary and f"assets/{KEY}v1-p3-img6.jpg" in summary
    assert (store.assets_dir / f"{KEY}v1-p1-img1.png").is_file()
    bad = cli("figures", KEY, "--extract", "12")
    assert bad.exit_code == 1 and "no image 12" in bad.stderr
    lonely = cli("figures", KEY, "--insert")
    assert lonely.exit_code == 1 and "--extract" in lonely.stderr


def test_readr_figures_without_a_pdf_or_arxiv_id_is_a_clear_error(cli, store):
    store.add_web("https://example.org/post", "A post")
    result = cli("figures", "https://example.org/post")
    assert result.exit_code == 1 and "has no PDF" in result.stderr
