"""`readr import FILE...`: one command, dispatched on the kind of file.

Each importer lives in its own core module and is imported only when a file of its kind
is given (start-up time matters), with the signature
    import_files(store, paths: list[Path]) -> list[str]   # lines to report
(the catalogue's also takes `on_progress`, a callback the CLI draws as a progress bar) and
raises ReadrError (one line) on failure, leaving the library unchanged for that file.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import List

import typer

from ..errors import ReadrError
from .output import say, say_interrupted
from .progress import catalogue_progress
from .typer_app import app, store

# suffix -> (module, function)
IMPORTERS: dict[str, tuple[str, str]] = {
    ".md": ("readr.digest.importer", "import_files"),
    ".markdown": ("readr.digest.importer", "import_files"),
    ".bib": ("readr.bibtex", "import_files"),
    ".pdf": ("readr.pdfs.local", "import_files"),
    ".json": ("readr.catalogue", "import_files"),
    ".jsonl": ("readr.catalogue", "import_files"),
    ".xml": ("readr.catalogue", "import_files"),
    ".gz": ("readr.catalogue", "import_files"),
}


# Importers that take each file on its own (all or nothing per file) are called file by file, so
# that after Ctrl-C the command can say which files are in. The PDF importer yields a line per
# file as it goes; digest pages and BibTeX files go in together or not at all.
ONE_CALL_PER_FILE = frozenset({"readr.catalogue"})
LINE_PER_FILE = frozenset({"readr.pdfs.local"})


def importer_for(path: Path) -> tuple[str, str]:
    suffix = path.suffix.lower()
    if suffix not in IMPORTERS:
        known = ", ".join(sorted(IMPORTERS))
        raise ReadrError(f"don't know how to import {path.name}: expected one of {known}")
    return IMPORTERS[suffix]


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    files: List[Path] = typer.Argument(..., exists=True, readable=True, metavar="FILE"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar for big files."),
) -> None:
    """Import digest pages or reading lists (.md, or a folder), BibTeX, PDFs or arXiv catalogue files (.json, .xml).

    A folder (a GitBook, a Jekyll site) imports every Markdown page in it; a page without entries is skipped."""
    groups: dict[tuple[str, str], list[Path]] = {}
    for path in files:
        if path.is_dir():
            from ..digest.importer import markdown_files

            pages = markdown_files(path)
            if not pages:
                raise ReadrError(f"{path} holds no Markdown pages (.md) to import")
            groups.setdefault(IMPORTERS[".md"], []).extend(pages)
            continue
        groups.setdefault(importer_for(path), []).append(path)
    lib = store(ctx)
    done = 0
    try:
        for (module_name, function_name), paths in groups.items():
            function = getattr(importlib.import_module(module_name), function_name)
            calls = [[path] for path in paths] if module_name in ONE_CALL_PER_FILE else [paths]
            for batch in calls:
                finished = 0
                if module_name == "readr.catalogue":
                    with catalogue_progress(progress) as on_progress:
                        lines = function(lib, batch, on_progress=on_progress)
                else:
                    lines = function(lib, batch)
                for line in lines:
                    say(line)
                    if module_name in LINE_PER_FILE:
                        finished += 1
                        done += 1
                done += len(batch) - finished
    except KeyboardInterrupt:
        say_interrupted(done, len(files), "files", "imported")
        raise typer.Exit(130) from None
