"""What `readr sync --publish` adds to a round: the same incremental round (10 of the reader's
notes changed) with and without publishing, on a team repository in a temporary folder.

    python benchmarks/sync_publish.py                  # 4 readers x 1,000 read notes over 12 months
    python benchmarks/sync_publish.py 10 2000          # READERS NOTES_PER_READER

The baseline is the round without --publish; the figure is the round with it (rendering every
month page from the library and naming each paper from its first reader's note, then writing
only the pages whose text changed). Wall time, best of 3 rounds each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(readers: int = 4, per_reader: int = 1000) -> None:
    from readr.clock import clock
    from readr.store import Store
    from readr.sync import sync

    for role in ("AUTHOR", "COMMITTER"):
        os.environ.setdefault(f"GIT_{role}_NAME", "Benchmark")
        os.environ.setdefault(f"GIT_{role}_EMAIL", "bench@example.org")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        remote = root / "team.git"
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        libraries = []
        start = datetime(2024, 1, 1, 9, 0)
        for number in range(readers):
            (root / f"r{number}").mkdir()
            lib = Store(root / f"r{number}" / "library.db")
            for index in range(per_reader):
                shared = f"2402.{index + 1:05d}"
                arxiv_id = f"2401.{(number * per_reader + index) % 99999 + 1:05d}" if index % 2 else shared
                clock.fix(start + timedelta(hours=index * 8760 // per_reader))
                lib.upsert_arxiv({"arxiv_id": arxiv_id, "version": 1, "title": f"Paper {arxiv_id}",
                                  "authors": ["A. Author"]}, status="reading")
                lib.set_summary(arxiv_id, f"Reader {number} on {arxiv_id}: **a takeaway**.")
                lib.set_status([arxiv_id], "read")
            libraries.append(lib)
            sync(lib, remote.as_uri(), f"r{number}", publish=True)
        me = libraries[0]
        sync(me)
        mine = sorted(me.own_notes())

        def timed_round(publish: bool, generation: int) -> float:
            for arxiv_id in mine[:10]:
                me.set_summary(arxiv_id, f"Changed summary {generation} of {arxiv_id}.")
            began = time.perf_counter()
            report = sync(me, publish=publish)
            elapsed = time.perf_counter() - began
            assert report.sent == 10, report.line()
            return elapsed

        without = min(timed_round(False, g) for g in range(3))
        with_pages = min(timed_round(True, g) for g in range(3, 6))
        pages = len(list((root / "r0" / "library.files" / "sync" / "digest").glob("*.md")))
        print(f"{readers} readers x {per_reader:,} read notes, {pages} month pages; 10 notes changed per round")
        print(f"  round without --publish (baseline): {without:6.2f} s")
        print(f"  round with --publish:               {with_pages:6.2f} s  (+{with_pages - without:.2f} s)")
        for lib in libraries:
            lib.close()


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
