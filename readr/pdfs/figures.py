"""`readr figures ID`: list the images in a paper's PDF, save chosen ones into the library's
assets folder, and link them from the summary so the week's digest carries them.

Images are read in the PDF worker (same limits as text extraction). JPEG images are saved as
they are stored in the PDF (.jpg: no re-encoding, no loss); every other supported kind is
decoded and written as PNG. Summary links are relative to the library's data folder
(`assets/<file>.png`), which is where `readr export --out` looks for local images.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ..record import field, record
from ..errors import ReadrError
from ..sanitize import clean_line
from .extract import DEFAULT_LIMITS, Limits, check_pdf_file, run_worker

MIN_SIDE = 16


@record
class ImageInfo:
    index: int
    page: int
    width: int = 0
    height: int = 0
    bits: int = 0
    colorspace: str = ""
    filters: list[str] = field(default_factory=list)
    format: str | None = None  # png | jpg, or None when readr cannot save it
    has_alpha: bool = False
    error: str | None = None

    @property
    def tiny(self) -> bool:
        """Smaller than MIN_SIDE pixels on a side: glyphs, bullets, masks - never a figure."""
        return self.width < MIN_SIDE or self.height < MIN_SIDE

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index, "page": self.page, "width": self.width, "height": self.height,
            "bits": self.bits, "colorspace": self.colorspace, "filters": self.filters, "format": self.format,
            "has_alpha": self.has_alpha, "error": self.error,
        }


@record
class Extracted:
    index: int
    page: int | None
    path: Path | None = None
    error: str | None = None


def _pdf_of(store, ref: str) -> tuple[Any, Path]:
    paper = store.get(ref)
    path = store.pdf_path(paper.key)
    if path is None:
        raise ReadrError(f"{paper.key} has no PDF yet; run: readr pdf {paper.key}")
    check_pdf_file(path)
    return paper, path


def list_images(store, ref: str, limits: Limits = DEFAULT_LIMITS) -> list[ImageInfo]:
    """Every image the pages of a paper's PDF draw, numbered from 1 in page order."""
    _, path = _pdf_of(store, ref)
    answer = run_worker({"op": "images", "path": str(path.resolve())}, limits)
    images = []
    for item in answer.get("images") or []:
        images.append(ImageInfo(
            index=int(item.get("index") or 0), page=int(item.get("page") or 0),
            width=int(item.get("width") or 0), height=int(item.get("height") or 0), bits=int(item.get("bits") or 0),
            colorspace=clean_line(item.get("colorspace")), filters=[clean_line(f) for f in item.get("filters") or []],
            format=item.get("format") if item.get("format") in ("png", "jpg") else None,
            has_alpha=bool(item.get("has_alpha")), error=clean_line(item.get("error")) or None,
        ))
    return images


def parse_indices(values: Iterable[str], available: list[ImageInfo]) -> list[int]:
    """'3', '1,4', '2-5' or 'all' (every image readr can save, tiny ones left out) -> image numbers."""
    known = {image.index for image in available}
    chosen: list[int] = []
    for value in values:
        for part in str(value).replace(" ", "").split(","):
            if not part:
                continue
            if part.lower() == "all":
                chosen += [i.index for i in available if i.format and not i.tiny]
                continue
            low, sep, high = part.partition("-")
            try:
                numbers = range(int(low), int(high) + 1) if sep else [int(low)]
            except ValueError:
                raise ReadrError(f"{part!r} is not an image number (use e.g. 3, 1,4, 2-5 or all)") from None
            for number in numbers:
                if number not in known:
                    top = max(known) if known else 0
                    raise ReadrError(
                        f"there is no image {number}; this PDF has {top} image(s)" if top
                        else "this PDF has no images"
                    )
                chosen.append(number)
    return list(dict.fromkeys(chosen))


def extract_images(store, ref: str, indices: list[int], limits: Limits = DEFAULT_LIMITS) -> list[Extracted]:
    """Save the chosen images into the library's assets folder (atomically)."""
    paper, path = _pdf_of(store, ref)
    from .download import pdf_filename

    record = store.pdf_record(paper.key)
    stem = pdf_filename(paper.key, record.version if record else None)[: -len(".pdf")]
    out_dir = store.assets_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    answer = run_worker(
        {"op": "extract_images", "path": str(path.resolve()), "indices": sorted(set(indices)),
         "out_dir": str(out_dir.resolve()), "stem": stem},
        limits,
    )
    results = []
    for item in answer.get("files") or []:
        target = Path(item["path"]) if item.get("path") else None
        if target is not None and target.resolve().parent != out_dir.resolve():  # pragma: no cover - worker bug
            target, item["error"] = None, "refused a path outside the assets folder"
        results.append(Extracted(int(item["index"]), item.get("page"), target, clean_line(item.get("error")) or None))
    order = {number: position for position, number in enumerate(indices)}
    results.sort(key=lambda r: order.get(r.index, len(order)))
    return results


def summary_link(store, extracted: Extracted) -> str:
    assert extracted.path is not None
    relative = extracted.path.resolve().relative_to(store.data_dir.resolve()).as_posix()
    alt = f"Figure from page {extracted.page}" if extracted.page else "Figure"
    return f"![{alt}]({relative})"


def insert_links(store, ref: str, extracted: list[Extracted]):
    """Append a Markdown image link per saved image to the summary (each once). Returns the paper."""
    paper = store.get(ref)
    links = [summary_link(store, e) for e in extracted if e.path is not None]
    new = [link for link in links if link not in paper.summary]
    if not new:
        return paper
    summary = paper.summary.rstrip()
    summary = (summary + "\n\n" if summary else "") + "\n\n".join(new)
    return store.set_summary(paper.key, summary)
