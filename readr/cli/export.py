"""`readr export`: the weekly digest (Markdown) or BibTeX."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import ReadrError
from ..weeks import WHEN_HELP
from ..wording import plural
from .output import say
from .typer_app import app, store


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    args: Optional[List[str]] = typer.Argument(
        None, metavar="WHEN|QUERY",
        help=f"With --week (the default) or --month: the week or month to export ({WHEN_HELP}; "
        "a month also as YYYY-MM). With --bibtex or --csl-json: a search selecting the papers (tag:, status:, "
        "week: ... as in readr search).",
    ),
    week: bool = typer.Option(
        False, "--week", "-w", help="The digest of the week WHEN (default: this week)."
    ),
    month: bool = typer.Option(
        False, "--month", "-m", help="A page titled '# YYYY-M' with every week of the month WHEN (default: this month)."
    ),
    bibtex: bool = typer.Option(
        False, "--bibtex", help="BibTeX for the papers QUERY selects (default: every paper on the reading list "
        "except dismissed ones; --all: every paper, catalogue entries too). Imported .bib entries come back "
        "with their type and fields.",
    ),
    csl_json: bool = typer.Option(
        False, "--csl-json", help="CSL-JSON (Zotero, Pandoc) for the same papers as --bibtex, with the same keys.",
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", "-o", dir_okay=False, metavar="FILE",
        help="Write to FILE (atomically) instead of stdout; local images are copied to an assets folder "
        "beside it and linked there (publish both). On stdout they are linked by their absolute path "
        "on this computer.",
    ),
    front_matter: bool = typer.Option(
        False, "--front-matter", help="Start with the front-matter block (its text: front_matter in the config)."
    ),
    include_unsummarized: bool = typer.Option(
        False, "--include-unsummarized", help="Also list papers read without a summary, as a bare title line.",
    ),
    everything: bool = typer.Option(
        False, "--all", "-a", help="With --bibtex or --csl-json: every paper, dismissed ones and catalogue entries "
        "too. With a digest: the same as --include-unsummarized.",
    ),
    team: bool = typer.Option(
        False, "--team", help="The team's digest (readr sync): every paper anyone read, once, each summary "
        "attributed to its reader.",
    ),
) -> None:
    """Export the weekly digest as Markdown (or BibTeX with --bibtex, CSL-JSON with --csl-json)."""
    from ..config import load_config
    from ..sanitize import clean_text

    words = list(args or [])
    if sum([week, month, bibtex, csl_json]) > 1:
        raise ReadrError("choose one of --week, --month, --bibtex and --csl-json")
    lib = store(ctx)
    if bibtex or csl_json:
        flag = "--bibtex" if bibtex else "--csl-json"
        if front_matter or include_unsummarized or team:
            raise ReadrError(
                f"--front-matter, --include-unsummarized and --team apply to the Markdown digest, not {flag}"
            )
        if bibtex:
            from ..bibtex import export_bibtex as export_citations
        else:
            from ..csl import export_csl_json as export_citations

        query = " ".join(words)
        text, count = export_citations(lib, query, everything=everything)
        _emit(clean_text(text) if count else ("" if bibtex else "[]\n"), out)
        what = plural(count, "BibTeX entry", "BibTeX entries") if bibtex else plural(count, "CSL-JSON item")
        if query.strip():
            chosen = f"the papers {query!r} selects" + (", catalogue entries too" if everything else "")
        elif everything:
            chosen = "every paper in the library"
        else:
            chosen = "the reading list without dismissed papers; --all exports every paper"
        say(f"{what} ({chosen})" + (f" written to {out}" if out else ""))
        return
    include_unsummarized = include_unsummarized or everything

    from ..digest.assets import AssetCopier, AssetLinker
    from ..digest.export import day_label, render_month, render_week
    from ..weeks import month_of, week_of

    config = load_config()
    matter = config.front_matter if front_matter else None
    if out is not None:
        assets = AssetCopier(Path(out), search_dirs=[lib.data_dir])
    else:
        assets = AssetLinker(search_dirs=[lib.data_dir])
    if len(words) > 1:
        what = "month" if month else "week"
        raise ReadrError(f"--{what} takes one {what} ({WHEN_HELP}), got {' '.join(words)!r}")
    when = words[0] if words else None
    if month:
        year, number = month_of(when)
        text, weeks = render_month(
            lib, year, number, week_start=config.week_start, include_unsummarized=include_unsummarized,
            front_matter=matter, assets=assets, team=team,
        )
        count = sum(len(w.entries) for w in weeks)
        what = f"{plural(count, 'paper')} in {plural(len(weeks), 'week')} of {year}-{number}"
        if not text:
            what = f"no papers in {year}-{number}; nothing written"
    else:
        first, _ = week_of(when, config.week_start)
        text, digest = render_week(
            lib, first, week_start=config.week_start, include_unsummarized=include_unsummarized,
            front_matter=matter, assets=assets, team=team,
        )
        what = f"{plural(len(digest.entries), 'paper')} in the week of {day_label(digest.label)}"
        if not text:
            hidden = len(lib.read_between(digest.first, digest.last))
            what = f"no papers in the week of {day_label(digest.label)}" + (
                f" ({hidden} read without a summary: --include-unsummarized lists them)" if hidden else ""
            ) + "; nothing written"
    if not text:
        say(what)
        return
    _emit(text, out)
    for missing in assets.missing:
        say(f"image not found, link kept as it was: {missing}")
    images = plural(len(assets.copied), "image")
    if assets.copied and out is not None:
        say(f"{images} copied to {assets.folder}")
    elif assets.copied:
        say(f"{images} linked by {'their paths' if len(assets.copied) != 1 else 'its path'} on this computer; "
            "to publish the page, export with -o FILE, which copies images to an assets folder beside it")
    say(what + (f", written to {out}" if out else ""))


def _emit(text: str, out: Optional[Path]) -> None:
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from ..digest.export import write_atomic

    try:
        write_atomic(out, text)
    except OSError as exc:
        raise ReadrError(f"cannot write {out}: {exc.strerror or exc}") from None
