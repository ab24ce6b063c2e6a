"""Progress bars on stderr for the core's progress callbacks (rich stays in the front end).
File names are shown as plain text, never as markup."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from rich.progress import TaskID

    from ..catalogue import ImportProgress


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
