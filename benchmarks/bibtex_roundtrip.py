"""BibTeX round trip, field by field: `readr import FILE.bib` into a fresh library, then
`readr export --bibtex`, and compare every entry with what the file had.

    python benchmarks/bibtex_roundtrip.py                      # the files in tests/fixtures/bibtex
    python benchmarks/bibtex_roundtrip.py path/to/refs.bib ...  # any others

Per file: entries, entries merged into another entry of the file as the same paper (same arXiv
id, DOI, or normalised title and year), entries exported under their own key, entries whose
type survives (of those exported), fields whose value survives (of the fields of the exported
entries; a value survives when it means the same text: @string macros expanded, outer braces or
quotes removed), and the fields that did not, by name. Entries are matched by citation key.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures" / "bibtex"


@dataclass
class RoundTrip:
    name: str
    entries: int = 0
    merged: int = 0
    exported: int = 0
    types_kept: int = 0
    fields: int = 0
    fields_kept: int = 0
    lost: Counter = field(default_factory=Counter)  # field name -> entries where its value changed
    types_lost: Counter = field(default_factory=Counter)  # "type -> type"

    @property
    def type_share(self) -> float:
        return 100.0 * self.types_kept / self.exported if self.exported else 100.0

    @property
    def field_share(self) -> float:
        return 100.0 * self.fields_kept / self.fields if self.fields else 100.0


def _entries(text: str):
    """(key -> (type, {field name lower: value text})) for a .bib text, values as they read."""
    import bibtexparser

    from readr.bibtex import bib_value_text

    library = bibtexparser.parse_string(text, parse_stack=[])
    strings = {s.key.lower(): str(s.value) for s in library.strings}
    found = {}
    for entry in library.entries:
        values = {f.key.lower(): " ".join(bib_value_text(str(f.value), strings).split()) for f in entry.fields}
        found.setdefault(entry.key, (entry.entry_type.lower(), values))
    return found


def round_trip(path: Path) -> RoundTrip:
    from readr.bibtex import export_bibtex, import_files
    from readr.store import Store

    text = path.read_text(encoding="utf-8", errors="replace")
    before = _entries(text)
    result = RoundTrip(path.name, entries=len(before))
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "library.db") as store:
        report = import_files(store, [path])
        merged_line = next((line for line in report if "merged" in line), "")
        words = merged_line.split("merged ")
        result.merged = int(words[1].split()[0]) if len(words) > 1 and words[1].split()[0].isdigit() else 0
        exported, _ = export_bibtex(store)
    after = _entries(exported)
    for key, (kind, values) in before.items():
        if key not in after:
            continue
        result.exported += 1
        new_kind, new_values = after[key]
        if new_kind == kind:
            result.types_kept += 1
        else:
            result.types_lost[f"{kind} -> {new_kind}"] += 1
        for name, value in values.items():
            result.fields += 1
            if new_values.get(name) == value:
                result.fields_kept += 1
            else:
                result.lost[name] += 1
    return result


def table(results: list[RoundTrip]) -> str:
    lines = [
        "| file | entries | merged as duplicates | exported under own key | type kept | field values kept |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.entries} | {r.merged} | {r.exported} | {r.types_kept}/{r.exported} "
            f"({r.type_share:.1f}%) | {r.fields_kept}/{r.fields} ({r.field_share:.1f}%) |"
        )
    for r in results:
        if r.lost or r.types_lost:
            changed = ", ".join(f"{name} ({n})" for name, n in r.lost.most_common())
            types = ", ".join(f"{t} ({n})" for t, n in r.types_lost.most_common())
            lines.append(f"\n{r.name}: changed fields: {changed or 'none'}; changed types: {types or 'none'}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or sorted(FIXTURES.glob("*.bib"))
    print(table([round_trip(p) for p in paths]))


if __name__ == "__main__":
    main(sys.argv[1:])
