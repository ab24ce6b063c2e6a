"""PDF commands: pdf (download and index), figures (list, extract, link), open."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from ..errors import ReadrError
from ..sanitize import clean_text
from .output import console, echo_json, say
from .typer_app import app, store

LIMIT_OPTIONS_HELP = "Seconds one PDF may take to read before it is given up on."


def _limits(timeout: float, max_pages: int):
    from ..pdfs.extract import Limits

    return Limits(timeout=timeout, max_pages=max_pages)


@app.command("pdf")
def pdf_cmd(
    ctx: typer.Context,
    paper_ids: Optional[List[str]] = typer.Argument(None, metavar="ID", help="arXiv ids, URLs or readr keys."),
    list_all: bool = typer.Option(False, "--list", "-l", help="List the PDFs readr has, with what reading them gave."),
    force: bool = typer.Option(False, "--force", "-f", help="Download and read again, even after a recorded failure."),
    timeout: float = typer.Option(60.0, "--timeout", min=1.0, help=LIMIT_OPTIONS_HELP),
    max_pages: int = typer.Option(500, "--max-pages", min=1, help="Read at most this many pages of each PDF."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar for several files."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per paper."),
) -> None:
    """Download the PDF of the version you have and index its text for search.

    Files are checked to be PDFs, written atomically under the library's data folder, and read
    in a separate process with a time limit, a memory limit and a page cap. A PDF that cannot
    be read is recorded and not read again unless --force. Exits non-zero if any paper failed.
    """
    from ..pdfs.download import fetch_pdfs
    from .progress import pdf_progress

    lib = store(ctx)
    if list_all:
        _list_pdfs(lib, as_json)
        return
    if not paper_ids:
        raise ReadrError("give one or more paper ids (or --list)")

    refs = list(dict.fromkeys(paper_ids))

    def report(outcome) -> None:
        if as_json or (outcome.failed and len(paper_ids) == 1):
            return  # one paper: its failure is the command's one error line
        name = outcome.key or outcome.ref
        if outcome.status == "ok":
            line = f"{name}: {'downloaded, ' if outcome.downloaded else ''}{outcome.message}"
        else:
            line = f"{name}: {'error' if outcome.status == 'failed' else 'damaged'}: {outcome.message}"
        # Through sys.stderr as it is now: while the progress bar is live, rich prints it above the bar.
        sys.stderr.write(clean_text(line) + "\n")
        sys.stderr.flush()

    with pdf_progress(len(refs), enabled=progress and len(refs) > 1) as draw:

        def on_event(event) -> None:
            if event.kind == "done":
                report(event.outcome)
            if draw is not None:
                draw(event)

        outcomes = fetch_pdfs(lib, refs, limits=_limits(timeout, max_pages), force=force, on_event=on_event)
    if as_json:
        echo_json([o.to_json() for o in outcomes])
    failed = [o for o in outcomes if o.failed]
    if failed:
        if len(outcomes) == 1:
            raise ReadrError(f"{failed[0].key or failed[0].ref}: {failed[0].message}")
        raise ReadrError(f"{len(failed)} of {len(outcomes)} PDFs failed (see above)")


def _list_pdfs(lib, as_json: bool) -> None:
    records = lib.pdf_records()
    if as_json:
        echo_json([dict(r.to_json(), id=r.paper_key) for r in records])
        return
    if not records:
        say("no PDFs yet (readr pdf ID downloads one)")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for name in ("id", "version", "pages", "size", "text", "problem"):
        table.add_column(name, no_wrap=name != "problem", overflow="fold")
    for r in records:
        table.add_row(
            Text(clean_text(r.paper_key)), Text(f"v{r.version}" if r.version else ""), Text(str(r.pages or "")),
            Text(f"{r.size / 1e6:.1f} MB"), Text(r.extract_status), Text(clean_text(r.error or "")),
        )
    console().print(table)


@app.command("figures")
def figures_cmd(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., metavar="ID"),
    extract: Optional[List[str]] = typer.Option(
        None, "--extract", "-x", metavar="N", help="Save image N (also 1,4 or 2-5 or all) into the library's assets."
    ),
    insert: bool = typer.Option(
        False, "--insert", "-i", help="Append ![](...) links to the saved images to the summary."
    ),
    show_all: bool = typer.Option(False, "--all", "-a", help="Also list tiny images (glyphs, bullets, masks)."),
    timeout: float = typer.Option(60.0, "--timeout", min=1.0, help=LIMIT_OPTIONS_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the images in a paper's PDF; save chosen ones (PNG, or JPEG as stored) and link them.

    Only raster images can be saved: figures drawn as vector graphics are not images in a PDF.
    """
    from ..pdfs import figures

    lib = store(ctx)
    paper = lib.get(paper_id)
    if lib.pdf_path(paper.key) is None:
        if paper.arxiv_id is None:
            raise ReadrError(f"{paper.key} has no PDF")
        from ..pdfs.download import fetch_one

        say(f"{paper.key}: downloading the PDF first")
        outcome = fetch_one(lib, paper.key, limits=_limits(timeout, 500))
        if lib.pdf_path(paper.key) is None:
            raise ReadrError(f"{paper.key}: {outcome.message}")
    limits = _limits(timeout, 500)
    images = figures.list_images(lib, paper.key, limits)
    if insert and not extract:
        raise ReadrError("--insert needs --extract N (see the numbers with: readr figures ID)")
    if not extract:
        if as_json:
            echo_json([image.to_json() for image in images])
        else:
            _print_images(paper.key, images, show_all)
        return
    chosen = figures.parse_indices(extract, images)
    if not chosen:
        raise ReadrError("no image to save (this PDF has none readr can convert)")
    results = figures.extract_images(lib, paper.key, chosen, limits)
    saved = [r for r in results if r.path is not None]
    if insert and saved:
        figures.insert_links(lib, paper.key, saved)
    if as_json:
        echo_json([
            {"index": r.index, "page": r.page, "path": str(r.path) if r.path else None, "error": r.error,
             "link": figures.summary_link(lib, r) if r.path else None}
            for r in results
        ])
    else:
        for r in results:
            if r.path is not None:
                say(f"image {r.index} (page {r.page}): {r.path}")
            else:
                say(f"image {r.index}: error: {r.error}")
        if insert and saved:
            say(f"{paper.key}: linked {len(saved)} image(s) from the summary")
    failed = [r for r in results if r.path is None]
    if failed:
        raise ReadrError(f"{len(failed)} of {len(results)} images could not be saved")


def _print_images(key: str, images, show_all: bool = False) -> None:
    from rich.table import Table
    from rich.text import Text

    hidden = 0 if show_all else sum(1 for image in images if image.tiny)
    images = images if show_all else [image for image in images if not image.tiny]
    if not images:
        note = f" ({hidden} tiny ones hidden; --all shows them)" if hidden else ""
        say(f"{key}: the PDF has no images{note} (figures drawn as vector graphics are not images)")
        return
    table = Table(title=Text(f"Images in the PDF of {key}"))
    for name in ("#", "page", "size", "colours", "saves as"):
        table.add_column(name, no_wrap=True)
    for image in images:
        table.add_row(
            Text(str(image.index)), Text(str(image.page)),
            Text(f"{image.width}\u00d7{image.height}" if image.width else "?"),
            Text(f"{image.colorspace} {image.bits}-bit" + (" +alpha" if image.has_alpha else "")),
            Text(image.format or f"(cannot save: {', '.join(image.filters) or image.error or 'unsupported'})"),
        )
    console().print(table)
    if hidden:
        say(f"{hidden} tiny image(s) hidden (--all shows them)")
    say("save with: readr figures ID --extract N [--insert]")


@app.command("open")
def open_cmd(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., metavar="ID"),
    web: bool = typer.Option(False, "--web", "-w", help="Open the web page even if there is a PDF."),
) -> None:
    """Open the paper's PDF in your viewer ($READR_PDF_VIEWER or the system's), else its page in the browser."""
    from ..pdfs.open import open_paper

    opened = open_paper(store(ctx), paper_id, prefer="url" if web else "pdf")
    say(f"opened {opened.target}")
