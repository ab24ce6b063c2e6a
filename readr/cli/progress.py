"""Progress bars on stderr for the core's progress callbacks (rich stays in the front end).
File names are shown as plain text, never as markup."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from rich.progress import TaskID

    from ..catalogue import ImportProgress
    from ..pdfs.download import PdfEvent


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


@contextmanager
def catalogue_progress(enabled: bool) -> Iterator[Callable[[ImportProgress], None] | None]:
    """A callback for `readr.catalogue.import_files` that draws one bar per file, or None."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[papers]:>12,} papers", markup=False),
        TimeRemainingColumn(),
        console=Console(stderr=True, markup=False, emoji=False, highlight=False),
        transient=False,
    )
    tasks: dict[str, TaskID] = {}

    def update(event: ImportProgress) -> None:
        label = _short(event.name) + (" (indexing)" if event.stage == "indexing" else "")
        task = tasks.get(event.name)
        if task is None:
            task = tasks[event.name] = bar.add_task(label, total=event.total_bytes, papers=0)
        bar.update(task, completed=event.done_bytes, papers=event.papers, description=label)

    bar.start()
    try:
        yield update
    finally:
        bar.stop()


@contextmanager
def pdf_progress(total: int, enabled: bool) -> Iterator[Callable[[PdfEvent], None] | None]:
    """A callback for `readr.pdfs.download.fetch_pdfs` that draws one bar on stderr: files done,
    and the stage or the bytes of the current file. None when disabled; on a stream that is not
    a terminal the bar draws nothing."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..sanitize import clean_line

    console = Console(stderr=True, markup=False, emoji=False, highlight=False)
    bar = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}", markup=False),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )
    files = bar.add_task("PDFs", total=total, detail="")
    current = [""]

    def update(event: PdfEvent) -> None:
        if event.kind == "start":
            current[0] = clean_line(event.ref)[:40]
            bar.update(files, detail=current[0])
        elif event.kind == "stage":
            bar.update(files, detail=f"{current[0]}: {event.stage}")
        elif event.kind == "bytes":
            total_mb = f" of {event.total_bytes / 1e6:.1f} MB" if event.total_bytes else ""
            bar.update(files, detail=f"{current[0]}: {event.done_bytes / 1e6:.1f} MB{total_mb}")
        elif event.kind == "done":
            bar.advance(files)

    bar.start()
    try:
        yield update
    finally:
        bar.update(files, detail="")
        bar.stop()
