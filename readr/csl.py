"""CSL-JSON export (`readr export --csl-json`): the format Zotero, Pandoc and citeproc read.

One item per paper, its `id` the paper's citation key (the same as in BibTeX export). An
imported .bib entry gives the item its type and the fields readr does not model (journal,
volume, pages, publisher, ...), decoded from LaTeX; readr's own title, authors, year and DOI are
used as in BibTeX export. arXiv papers without a journal are preprints (`article`, with
`arXiv:ID` as number, the way Zotero exports them).
"""

from __future__ import annotations

import json
import re
from typing import Any, Sequence

from .bibtex import _authors, _decoder, _text, assign_cite_keys, bib_value_text, paper_year, select_papers, split_dois

# BibTeX/biblatex entry type -> CSL type.
CSL_TYPES = {
    "article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
    "book": "book", "mvbook": "book", "booklet": "pamphlet", "inbook": "chapter", "incollection": "chapter",
    "bookinbook": "chapter", "suppbook": "chapter", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "mvproceedings": "book", "manual": "report", "techreport": "report",
    "report": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "unpublished": "manuscript", "online": "webpage", "electronic": "webpage", "www": "webpage",
    "patent": "patent", "dataset": "dataset", "software": "software", "periodical": "periodical",
    "reference": "book", "inreference": "entry-encyclopedia", "misc": "document",
}

# BibTeX field -> CSL variable, for the fields readr keeps but does not model (all strings).
CSL_TEXT_FIELDS = {
    "journal": "container-title", "journaltitle": "container-title", "booktitle": "container-title",
    "series": "collection-title", "volume": "volume", "number": "issue", "pages": "page",
    "publisher": "publisher", "address": "publisher-place", "location": "publisher-place",
    "institution": "publisher", "school": "publisher", "organization": "publisher", "edition": "edition",
    "isbn": "ISBN", "issn": "ISSN", "abstract": "abstract", "note": "note", "language": "language",
    "keywords": "keyword", "shortjournal": "container-title-short", "shorttitle": "title-short",
    "chapter": "chapter-number", "howpublished": "medium", "version": "version",
}


def csl_name(name: str) -> dict[str, str]:
    """`Ada Lovelace` -> family/given; `Ludwig van Beethoven` keeps `van` as a particle; a
    name readr holds as `Last, Jr` keeps the suffix."""
    name = " ".join(name.split())
    suffix = ""
    if "," in name:
        name, suffix = (part.strip() for part in name.split(",", 1))
    words = name.split()
    if len(words) < 2:
        return {"literal": name}
    index = len(words) - 1
    while index > 1 and words[index - 1][:1].islower():
        index -= 1  # "van der" belongs to the family name
    given, family = words[:index], words[index:]
    particle = [w for w in family[:-1] if w[:1].islower()]
    result = {"family": " ".join(family[len(particle):]), "given": " ".join(given)}
    if particle:
        result["non-dropping-particle"] = " ".join(particle)
    if suffix:
        result["suffix"] = suffix
    return result


def _latex_text(decoder, raw: str) -> str:
    return _text(decoder, bib_value_text(raw))


def csl_item(paper, cite_key: str, entry=None, decoder=None) -> dict[str, Any]:
    decoder = decoder or _decoder()
    fields = {name.lower(): value for name, value in (entry.fields if entry else [])}
    kind = CSL_TYPES.get(entry.entry_type, "document") if entry else ("article" if paper.arxiv_id else "webpage")
    if entry and entry.entry_type == "misc" and paper.arxiv_id:
        kind = "article"
    item: dict[str, Any] = {"id": cite_key, "type": kind, "title": paper.title or paper.key}
    if paper.authors:
        item["author"] = [csl_name(a) for a in paper.authors]
    if "editor" in fields:
        editors = _authors(decoder, bib_value_text(fields["editor"]))
        if editors and editors != paper.authors:
            item["editor"] = [csl_name(e) for e in editors]
    year = paper_year(paper)
    if year:
        date_parts: list[int] = [int(year)]
        published = paper.published or ""
        if re.match(r"\d{4}-\d{2}-\d{2}", published) and not entry:
            date_parts += [int(published[5:7]), int(published[8:10])]
        item["issued"] = {"date-parts": [date_parts]}
    notes = []
    for name, variable in CSL_TEXT_FIELDS.items():
        if name in fields and variable not in item:
            text = _latex_text(decoder, fields[name])
            if variable == "page":
                text = re.sub(r"\s*[-\u2013\u2014]+\s*", "-", text)
            if text:
                if variable == "note":
                    notes.append(text)
                else:
                    item[variable] = text
    container = str(item.get("container-title", ""))
    if paper.arxiv_id and re.match(r"(arxiv|corr\b|computing research repository)", container, re.IGNORECASE):
        # `journal = {arXiv preprint arXiv:...}` or DBLP's CoRR: a preprint, not a journal article.
        item["type"] = "article"
        for variable in ("container-title", "volume"):
            item.pop(variable, None)
    dois = split_dois(paper.doi)
    if dois:
        item["DOI"] = dois[0]
        if len(dois) > 1:
            notes.append(("Other DOI: " if len(dois) == 2 else "Other DOIs: ") + ", ".join(dois[1:]))
    if paper.arxiv_id:
        if "container-title" not in item:
            item.setdefault("publisher", "arXiv")
            item["number"] = f"arXiv:{paper.arxiv_id}"
        item["URL"] = f"https://arxiv.org/abs/{paper.arxiv_id}"
        if paper.journal_ref and "container-title" not in item:
            notes.append(paper.journal_ref)
    elif paper.url:
        item["URL"] = paper.url
    if paper.abstract and "abstract" not in item:
        item["abstract"] = paper.abstract
    if notes:
        item["note"] = ". ".join(notes)
    return item


def render_csl_json(papers: Sequence, keys: dict[str, str], entries: dict | None = None) -> str:
    entries = entries or {}
    decoder = _decoder()
    items = [csl_item(p, keys[p.key], entries.get(p.key), decoder) for p in sorted(papers, key=lambda p: keys[p.key])]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def export_csl_json(store, query: str = "", everything: bool = False) -> tuple[str, int]:
    """CSL-JSON for the papers readr.bibtex.select_papers chooses, with the BibTeX export's keys."""
    papers = select_papers(store, query, everything)
    keys = assign_cite_keys(store, papers)
    return render_csl_json(papers, keys, store.bib_entries([p.key for p in papers])), len(papers)


__all__ = ["CSL_TYPES", "csl_item", "csl_name", "export_csl_json", "render_csl_json"]
