"""Relevance ranking: readr's model beside arxiv-sanity-lite's, on real arXiv records, and its speed.

    python benchmarks/ranking.py                  # quality (~1 min), then speed (~5 min with cached libraries)
    python benchmarks/ranking.py --quality-only
    python benchmarks/ranking.py --speed-only --related-sizes 100000   # skip the 1M catalogue

Quality (a): the real Kaggle snapshot sample (tests/fixtures/metadata, 200 papers). Each
simulated reader keeps the papers of some archives and dismisses those of others; the papers are
split in two halves (stratified by archive, 10 random splits); on the training half the reader
triaged 70% of their kept and dismissed archives' papers and wrote summaries with takeaways for a
third of the kept ones. Figures: ROC AUC and recall at 50 (the share of relevant held-out papers
in the top 50 of the 100 ranked).

Quality (b), held out by week: every distinct real record in ../shared/fixtures (the Kaggle
sample, arXiv's .abs files from arxiv-browse, the recorded arXiv API feeds), oldest first, cut
into weeks of WEEK consecutive submissions. Readers are interested in some categories or title
words; of the papers of the weeks before, they keep 70% of those of interest and dismiss 40% of
the others, with noise (some kept though of no interest, some dismissed though of interest).
Each week from the third on is ranked by a model of the weeks before; ROC AUC and recall@50 of
the papers of interest, per reader and week.

* reference: arxiv-sanity-lite's method (compute.py / serve.py): tf-idf over title + abstract
  + authors, word 1-2-grams, sublinear tf, at most 20k features; one LinearSVC(C=0.01) of the
  kept papers against every other training paper;
* readr: readr.ranking.train, the code readr runs (kept against dismissed, background light,
  summaries weighing more).

Speed (synthetic records of benchmarks/synth.py; libraries cached in --workdir), wall and CPU
time: train() on 5,000 labelled and 50,000 background papers in memory; retraining as readr does
it from a 55,000-paper library (ranking.reader_model); scoring and explaining 2,000 new papers;
`readr list --status inbox --sort relevance` over a 10,000-paper inbox with a fresh cached model
(subprocesses, output to /dev/null, medians of 5 after a warm-up), with the scores cached and
not; the imports training and scoring pay; `readr related` (in process, warm) over catalogues
of 100k and 1M papers imported as benchmarks/run.py does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import synth  # noqa: E402
from readr import ranking  # noqa: E402
from readr.store import RankingRow  # noqa: E402

SAMPLE = ROOT / "tests/fixtures/metadata/kaggle_snapshot_sample/arxiv-metadata-oai-snapshot.head.jsonl"
# (kept archives, dismissed archives) of each simulated reader.
READERS = {
    "mathematician": ({"math"}, {"cond-mat", "astro-ph"}),
    "particle physicist": ({"hep-ph", "hep-th", "hep-ex", "hep-lat", "gr-qc"}, {"math", "cond-mat"}),
    "condensed matter": ({"cond-mat"}, {"hep-ph", "hep-th", "astro-ph", "math"}),
    "astronomer": ({"astro-ph", "gr-qc"}, {"cond-mat", "math", "physics"}),
}
SPLITS = 10
TRIAGED_SHARE = 0.7
SUMMARIZED_SHARE = 1 / 3
TOP = 50


def archive(categories: list[str]) -> str:
    return categories[0].split(".")[0] if categories else ""


def kaggle_rows(path: Path) -> list[RankingRow]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        rows.append(RankingRow(
            id=number, status=None, title=" ".join(record["title"].split()),
            abstract=" ".join(record["abstract"].split()),
            authors=[a.strip() for a in record["authors"].replace(" and ", ", ").split(",") if a.strip()],
            categories=record["categories"].split(), summary_chars=0, takeaways=0, tags=[],
        ))
    return rows


def split(rows: list[RankingRow], seed: int) -> tuple[list[RankingRow], list[RankingRow]]:
    rng = random.Random(seed)
    by_archive: dict[str, list[RankingRow]] = {}
    for row in rows:
        by_archive.setdefault(archive(row.categories), []).append(row)
    train, test = [], []
    for group in by_archive.values():
        group = group[:]
        rng.shuffle(group)
        half = len(group) // 2 + (rng.random() < 0.5 if len(group) % 2 else 0)
        train += group[:half]
        test += group[half:]
    return train, test


def triage(train: list[RankingRow], kept: set[str], dismissed: set[str], seed: int):
    """The simulated reader's history: (positives, negatives, background)."""
    rng = random.Random(seed)
    positives, negatives, background = [], [], []
    for row in train:
        where = archive(row.categories)
        if where in kept and rng.random() < TRIAGED_SHARE:
            summarized = rng.random() < SUMMARIZED_SHARE
            positives.append(RankingRow(**{**row.__dict__, "status": "read" if summarized else "to-read",
                                           "summary_chars": 400 if summarized else 0,
                                           "takeaways": 2 if summarized else 0}))
        elif where in dismissed and rng.random() < TRIAGED_SHARE:
            negatives.append(RankingRow(**{**row.__dict__, "status": "dismissed"}))
        else:
            background.append(row)
    return positives, negatives, background


def arxiv_sanity_scores(positives, negatives, background, test) -> list[float]:
    """arxiv-sanity-lite's compute.py + serve.py: tf-idf (title, abstract, authors), SVM of kept vs all."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    def text(row: RankingRow) -> str:
        return f"{row.title} {row.abstract} {' '.join(row.authors)}"

    train = [*positives, *negatives, *background]
    vectorizer = TfidfVectorizer(
        input="content", encoding="utf-8", decode_error="replace", strip_accents="unicode", lowercase=True,
        analyzer="word", stop_words="english", token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
        ngram_range=(1, 2), max_features=20000, norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True,
        max_df=0.1, min_df=1,
    )
    matrix = vectorizer.fit_transform([text(r) for r in train])
    labels = np.asarray([1] * len(positives) + [0] * (len(train) - len(positives)))
    svm = LinearSVC(class_weight="balanced", verbose=False, max_iter=10000, tol=1e-6, C=0.01)
    svm.fit(matrix, labels)
    return list(svm.decision_function(vectorizer.transform([text(r) for r in test])))


def readr_scores(positives, negatives, background, test) -> list[float]:
    model = ranking.train(positives, negatives, background)
    assert isinstance(model, ranking.Model), model
    return list(model.scores(test))


def recall_at(scores: list[float], relevant: list[bool], top: int) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:top]
    return sum(relevant[i] for i in order) / max(1, sum(relevant))


def quality() -> list[tuple[str, float, float, float, float]]:
    from sklearn.metrics import roc_auc_score

    rows = kaggle_rows(SAMPLE)
    table = []
    for reader, (kept, dismissed) in READERS.items():
        figures: dict[str, list[tuple[float, float]]] = {"reference": [], "readr": []}
        for seed in range(SPLITS):
            train, test = split(rows, seed)
            positives, negatives, background = triage(train, kept, dismissed, seed)
            relevant = [archive(r.categories) in kept for r in test]
            for name, method in (("reference", arxiv_sanity_scores), ("readr", readr_scores)):
                scores = method(positives, negatives, background, test)
                figures[name].append((roc_auc_score(relevant, scores), recall_at(scores, relevant, TOP)))
        table.append((
            reader,
            statistics.mean(a for a, _ in figures["reference"]), statistics.mean(r for _, r in figures["reference"]),
            statistics.mean(a for a, _ in figures["readr"]), statistics.mean(r for _, r in figures["readr"]),
        ))
    return table


# --- quality by week, on every real record at hand -----------------------------------------------

SHARED = Path(os.environ.get("READR_SHARED", ROOT.parent / "shared")) / "fixtures"
WEEK = 200  # papers in one simulated week (consecutive submissions: the real records are too few per calendar week)
FIRST_TEST_WEEK = 2  # the reader has triaged at least two weeks before the first one ranked
KEEP_SEEN, DISMISS_SEEN = 0.7, 0.4  # of the papers of interest kept, of the others dismissed
NOISE_KEEP, NOISE_DISMISS = 0.02, 0.05  # papers kept though of no interest, dismissed though of interest


def _interest(categories: set[str], title: str) -> dict[str, bool]:
    archives = {c.split(".")[0] for c in categories}
    words = set(title.lower().replace("-", " ").split())
    return {
        "theorist (hep-th, gr-qc, hep-ph)": bool(archives & {"hep-th", "gr-qc", "hep-ph"}),
        "condensed matter (cond-mat, supr-con)": bool(archives & {"cond-mat", "supr-con"}),
        "mathematician (math, math-ph)": bool(archives & {"math", "math-ph", "alg-geom", "funct-an"}),
        "astronomer (astro-ph)": "astro-ph" in archives,
        "topic: quantum (title words, any field)": bool(words & {"quantum", "entanglement", "qubit", "qubits",
                                                                 "decoherence", "entangled"}),
    }


def _abs_records(folder: Path) -> list[dict]:
    """arXiv's own .abs metadata files (arxiv-browse's test set)."""
    import email.utils

    records = []
    for path in sorted(folder.rglob("*.abs")):
        text = path.read_text(encoding="utf-8", errors="replace")
        parts = text.split("\\\\")
        if len(parts) < 4:
            continue
        head, abstract = parts[1], parts[2]
        fields: dict[str, str] = {}
        key = None
        for line in head.splitlines():
            if line.startswith("  ") and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, value = line.split(":", 1)
                key = key.strip()
                fields.setdefault(key, value.strip())
        date = fields.get("Date", "").split("(")[0].strip()
        try:
            when = email.utils.parsedate_to_datetime(date).date().isoformat()
        except (TypeError, ValueError):
            continue
        if "Title" not in fields or "Categories" not in fields:
            continue
        records.append({"id": fields.get("arXiv", path.stem), "title": fields["Title"],
                        "authors": fields.get("Authors", ""), "categories": fields["Categories"].split(),
                        "abstract": " ".join(abstract.split()), "date": when})
    return records


def _kaggle_records(path: Path) -> list[dict]:
    import email.utils

    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        records.append({"id": r["id"], "title": " ".join(r["title"].split()), "authors": r["authors"],
                        "categories": r["categories"].split(), "abstract": " ".join(r["abstract"].split()),
                        "date": email.utils.parsedate_to_datetime(r["versions"][0]["created"]).date().isoformat()})
    return records


def _atom_records(folder: Path) -> list[dict]:
    """Entries of the recorded arXiv API responses."""
    from lxml import etree

    atom = "{http://www.w3.org/2005/Atom}"
    records = []
    for path in sorted([*folder.rglob("*.xml"), *folder.rglob("*.atom")]):
        try:
            root = etree.parse(str(path)).getroot()
        except etree.XMLSyntaxError:
            continue
        for entry in root.iter(f"{atom}entry"):
            ident = (entry.findtext(f"{atom}id") or "").rsplit("/abs/", 1)[-1].split("v")[0]
            title, summary = entry.findtext(f"{atom}title"), entry.findtext(f"{atom}summary")
            published = entry.findtext(f"{atom}published") or ""
            if not ident or not title or not summary or not published:
                continue
            records.append({
                "id": ident, "title": " ".join(title.split()),
                "authors": ", ".join(a.findtext(f"{atom}name") or "" for a in entry.iter(f"{atom}author")),
                "categories": [c.get("term") for c in entry.iter(f"{atom}category") if c.get("term")],
                "abstract": " ".join(summary.split()), "date": published[:10],
            })
    return records


def real_records() -> tuple[list[RankingRow], list[dict], str]:
    """Every distinct real arXiv record in the fixtures, oldest first: (rows, records, provenance)."""
    sources = [
        ("Kaggle snapshot sample", _kaggle_records(SAMPLE)),
        ("arxiv-browse .abs files", _abs_records(SHARED / "metadata" / "arxiv-browse_abs_files")),
        ("recorded arXiv API feeds", _atom_records(SHARED / "arxiv_api")),
    ]
    seen: dict[str, dict] = {}
    counts = []
    for name, records in sources:
        new = [r for r in records if r["id"] not in seen and r["abstract"] and r["title"]]
        for r in new:
            seen[r["id"]] = r
        counts.append(f"{len(new)} from {name}")
    records = sorted(seen.values(), key=lambda r: (r["date"], r["id"]))
    rows = [RankingRow(id=n, status=None, title=r["title"], abstract=r["abstract"],
                       authors=[a.strip() for a in r["authors"].replace(" and ", ", ").split(",") if a.strip()],
                       categories=r["categories"], summary_chars=0, takeaways=0, tags=[])
            for n, r in enumerate(records)]
    return rows, records, f"{len(rows)} real records ({', '.join(counts)})"


def weekly_triage(rows: list[RankingRow], interest: list[bool], seed: int):
    """The simulated reader's history over `rows` (the weeks before the one ranked), with noise."""
    rng = random.Random(seed)
    positives, negatives, background = [], [], []
    for row, wanted in zip(rows, interest):
        draw = rng.random()
        if (wanted and draw < KEEP_SEEN) or (not wanted and draw < NOISE_KEEP):
            summarized = rng.random() < SUMMARIZED_SHARE
            positives.append(RankingRow(**{**row.__dict__, "status": "read" if summarized else "to-read",
                                           "summary_chars": 400 if summarized else 0,
                                           "takeaways": 2 if summarized else 0}))
        elif (not wanted and draw < NOISE_KEEP + DISMISS_SEEN) or (wanted and draw < KEEP_SEEN + NOISE_DISMISS):
            negatives.append(RankingRow(**{**row.__dict__, "status": "dismissed"}))
        else:
            background.append(row)
    return positives, negatives, background


def quality_by_week(rows: list[RankingRow], records: list[dict]) -> list[tuple]:
    """(reader, week, relevant papers in it, reference AUC, readr AUC, reference recall@50, readr recall@50)."""
    from sklearn.metrics import roc_auc_score

    interests = [_interest(set(r["categories"]), r["title"]) for r in records]
    table = []
    weeks = [(start, min(start + WEEK, len(rows))) for start in range(0, len(rows), WEEK)]
    weeks = [w for w in weeks if w[1] - w[0] >= WEEK // 2]
    for number, reader in enumerate(interests[0]):
        wanted = [i[reader] for i in interests]
        for week, (start, end) in enumerate(weeks[FIRST_TEST_WEEK:], FIRST_TEST_WEEK):
            relevant = wanted[start:end]
            if not any(relevant) or all(relevant):
                continue
            positives, negatives, background = weekly_triage(rows[:start], wanted[:start], seed=number * 100 + week)
            test = rows[start:end]
            figures = []
            for method in (arxiv_sanity_scores, readr_scores):
                scores = method(positives, negatives, background, test)
                figures.append((roc_auc_score(relevant, scores), recall_at(scores, relevant, TOP)))
            table.append((reader, week, sum(relevant), figures[0][0], figures[1][0], figures[0][1], figures[1][1]))
    return table


# --- speed --------------------------------------------------------------------------------------

def synthetic_rows(n: int, start: int = 0) -> list[RankingRow]:
    rows = []
    for number, record in enumerate(synth.papers(n)):
        rows.append(RankingRow(
            id=start + number, status=None, title=record["title"], abstract=" ".join(record["abstract"].split()),
            authors=[a.strip() for a in record["authors"].split(",")], categories=record["categories"].split(),
            summary_chars=0, takeaways=0, tags=[],
        ))
    return rows


class Timer:
    """Wall and CPU seconds of a block: on a shared machine the CPU time shows the work itself."""

    def __enter__(self) -> "Timer":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


Row = tuple[str, str, str, str]  # what, wall, CPU, goal


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def speed_in_memory() -> list[Row]:
    """train() on 5,000 labelled and 50,000 background papers (all of them, no sampling), then
    scoring and explaining 2,000 new ones: the model's own work, rows already in memory."""
    import sklearn.svm  # noqa: F401  (its import is timed on its own, see import_rows)

    rows = synthetic_rows(57_000)
    rng = random.Random(1)
    labelled = rows[:5000]
    kept = {r.id for r in labelled if rng.random() < 0.4}
    positives = [RankingRow(**{**r.__dict__, "status": "read"}) for r in labelled if r.id in kept]
    negatives = [RankingRow(**{**r.__dict__, "status": "dismissed"}) for r in labelled if r.id not in kept]
    background, new = rows[5000:55_000], rows[55_000:57_000]
    with Timer() as trained:
        model = ranking.train(positives, negatives, background)
    assert isinstance(model, ranking.Model)
    with Timer() as scored:
        matrix = model.vectors(new)
        model.scores_of(matrix)
        model.reasons_of(matrix, [r.authors for r in new])
    return [
        ("train(): 5,000 labelled + 50,000 background papers, all used (rows in memory)",
         seconds(trained.wall), seconds(trained.cpu), "≤ 5 s"),
        ("score and explain 2,000 new papers with a trained model", seconds(scored.wall), seconds(scored.cpu),
         "≤ 0.5 s"),
    ]


def _library(path: Path, n: int, statuses) -> Path:
    """A library of `n` synthetic papers imported as a catalogue, then `statuses(number)` applied
    (None leaves a paper in the catalogue). Cached in the workdir."""
    from readr.catalogue import import_files
    from readr.store import Store

    if path.exists():
        return path
    source = path.with_suffix(".jsonl")
    synth.write_kaggle(source, n)
    partial = path.with_name(path.name + ".partial")
    with Store(partial) as lib:
        import_files(lib, [source])
        by_status: dict[str, list[str]] = {}
        for number, record in enumerate(synth.papers(n)):
            status = statuses(number)
            if status:
                by_status.setdefault(status, []).append(record["id"])
        for status, keys in by_status.items():
            for start in range(0, len(keys), 500):
                lib.set_status(keys[start : start + 500], status)
    source.unlink()
    partial.replace(path)
    return path


def speed_retrain(workdir: Path) -> list[Row]:
    """Retraining as readr does it (ranking.reader_model): the triage and the background read from
    a 55,000-paper library (5,000 labelled: 2,000 kept, 3,000 dismissed; 50,000 in the catalogue),
    the newest MAX_BACKGROUND of the background used."""
    from readr.store import Store

    import sklearn.svm  # noqa: F401

    db = _library(workdir / "retrain-55k.db", 55_000,
                  lambda n: None if n >= 5000 else ("to-read" if n % 5 < 2 else "dismissed"))
    with Store(db) as lib:
        times = []
        for _ in range(3):
            lib.conn.execute("DELETE FROM ranking_models")
            with Timer() as t:
                model = ranking.reader_model(lib)
            assert isinstance(model, ranking.Model), model
            times.append(t)
    best = min(times, key=lambda t: t.wall)
    return [(f"retrain as readr does: 5,000 labelled + 50,000 background in the library (reads them, "
             f"uses the newest {ranking.MAX_BACKGROUND:,} of the background), best of 3",
             seconds(best.wall), seconds(best.cpu), "≤ 5 s")]


def _child_times(command: list[str], runs: int = 5, prepare=None, config: Path | None = None) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of a child process, after a warm-up run (with
    `config` as its config.toml: READR_CONFIG)."""
    env = dict(os.environ)
    if config is not None:
        env["READR_CONFIG"] = str(config)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as in an install
    subprocess.run(command, check=True, capture_output=True, env=env)
    walls, cpus = [], []
    for _ in range(runs):
        if prepare:
            prepare()
        before = os.times()
        started = time.perf_counter()
        with open(os.devnull, "wb") as out:
            subprocess.run(command, check=True, stdout=out, stderr=subprocess.DEVNULL, env=env)
        walls.append(time.perf_counter() - started)
        after = os.times()
        cpus.append(after.children_user - before.children_user + after.children_system - before.children_system)
    return statistics.median(walls), statistics.median(cpus)


def speed_list(workdir: Path) -> list[Row]:
    """`readr list --status inbox --sort relevance` over a 10,000-paper inbox with a fresh cached
    model, output to a file: the reader model's scores cached (a second listing) and not (the
    first listing after a retraining scores all 10,000)."""
    from readr.store import Store

    db = _library(workdir / "inbox10k.db", 10_300,
                  lambda n: "inbox" if n >= 300 else ("to-read" if n % 3 else "dismissed"))
    with Store(db) as lib:
        ranking.reader_model(lib)  # the fresh cached model
    no_rules = workdir / "no-rules.toml"
    no_rules.write_text("")
    with_rules = workdir / "rules.toml"
    with_rules.write_text('[rank.mute]\nauthors = ["Chen Petrova28"]\ncategories = ["hep-ph"]\n'
                          '[rank.boost]\nwords = ["segmentation", "neural network"]\ncategories = ["cs.CL"]\n')

    def forget_scores() -> None:
        with Store(db) as lib, lib.write() as conn:
            conn.execute("DELETE FROM ranking_models WHERE name = ?", (ranking.READER_MODEL + ranking.SCORE_CACHE,))

    def retrain() -> None:
        with Store(db) as lib:
            with lib.write() as conn:
                conn.execute("DELETE FROM ranking_models")
            ranking.reader_model(lib)

    base = [sys.executable, "-m", "readr", "--db", str(db), "list", "--status", "inbox", "--sort", "relevance"]
    rows = []
    for extra in (["--json"], [], ["-n", "10000", "--json"]):
        wall, cpu = _child_times(base + extra, config=no_rules)
        command = " ".join(["readr list --status inbox --sort relevance", *extra])
        rows.append((f"`{command} > file`, 10,000-paper inbox, scores cached", seconds(wall), seconds(cpu),
                     "≤ 0.5 s"))
    wall, cpu = _child_times(base + ["--json"], prepare=retrain, config=no_rules)
    rows.append(("the same with --json, first listing after a retraining (training cached the inbox's scores)",
                 seconds(wall), seconds(cpu), "≤ 0.5 s"))
    wall, cpu = _child_times(base + ["--json"], prepare=forget_scores, config=no_rules)
    rows.append(("the same with --json, the scores cache deleted (all 10,000 scored)",
                 seconds(wall), seconds(cpu), ""))
    wall, cpu = _child_times(base + ["--json"], config=with_rules)
    rows.append(("the same with --json, scores cached, 5 mute/boost rules (authors, words, categories)",
                 seconds(wall), seconds(cpu), "≤ 0.5 s"))
    plain = [sys.executable, "-m", "readr", "--db", str(db), "list", "--status", "inbox", "--json"]
    wall, cpu = _child_times(plain, config=no_rules)
    rows.append(("floor: `readr list --status inbox --json` (arrival order)", seconds(wall), seconds(cpu), ""))
    return rows


def import_rows() -> list[Row]:
    """What a process pays to import what training and scoring use (medians of 5)."""
    rows = []
    for what, code in (("numpy (scoring)", "import numpy"),
                       ("numpy + scikit-learn's LinearSVC + scipy.sparse (training)",
                        "import numpy, scipy.sparse, sklearn.svm")):
        wall, cpu = _child_times([sys.executable, "-c", code])
        rows.append((f"import {what}", seconds(wall), seconds(cpu), ""))
    return rows


def speed_related(workdir: Path, sizes: list[int], queries: int = 40) -> list[Row]:
    """`readr related ID` (ranking.related, in process, warm) for random papers of a catalogue of
    each size, built like benchmarks/run.py's (synthetic Kaggle file, `readr import`)."""
    from readr.store import Store

    rows = []
    for n in sizes:
        db = _library(workdir / f"catalogue-{n}.db", n, lambda number: None)
        with Store(db) as lib:
            rng = random.Random(3)
            top = lib.conn.execute("SELECT max(id) FROM papers").fetchone()[0]
            keys = [lib.conn.execute("SELECT key FROM papers WHERE id >= ? LIMIT 1", (rng.randrange(1, top),))
                    .fetchone()[0] for _ in range(queries)]
            ranking.related(lib, keys[0])
            walls, cpus = [], []
            for key in keys:
                with Timer() as t:
                    ranking.related(lib, key, limit=10)
                walls.append(t.wall)
                cpus.append(t.cpu)
        walls.sort()
        cpus.sort()
        p95 = min(len(walls) - 1, round(0.95 * (len(walls) - 1)))
        rows.append((f"`readr related ID` over a {n:,}-paper catalogue, p50 / p95 of {queries} papers",
                     f"{seconds(walls[len(walls) // 2])} / {seconds(walls[p95])}",
                     f"{seconds(cpus[len(cpus) // 2])} / {seconds(cpus[p95])}", "p95 ≤ 1 s" if n >= 1_000_000 else ""))
        wall, cpu = _child_times([sys.executable, "-m", "readr", "--db", str(db), "related", keys[1], "--json"])
        rows.append((f"the whole `readr related ID --json` process, {n:,} papers (median of 5)", seconds(wall),
                     seconds(cpu), ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--related-sizes", default="100000,1000000",
                        help="catalogue sizes for `related` (built once in --workdir; 1M takes ~15 min)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "readr-bench-ranking")
    args = parser.parse_args()
    if not args.speed_only:
        print_quality()
    if args.quality_only:
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"\n### Speed ({os.cpu_count()} cores; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          "at the start: on a shared machine the CPU column shows the work itself)\n")
    print("| what | wall | CPU | goal |")
    print("|---|---|---|---|")
    sizes = [int(x) for x in args.related_sizes.split(",") if x]
    for section in (speed_in_memory, lambda: speed_retrain(args.workdir), lambda: speed_list(args.workdir),
                    import_rows, lambda: speed_related(args.workdir, sizes)):
        for what, wall, cpu, goal in section():
            print(f"| {what} | {wall} | {cpu} | {goal} |", flush=True)
    load = os.getloadavg()
    print(f"\nload average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


def print_quality() -> None:
    print(f"### Quality (a): Kaggle sample ({SAMPLE.name}), {SPLITS} random halves per reader, mean figures\n")
    print("| reader | reference AUC | readr AUC | reference recall@50 | readr recall@50 |")
    print("|---|---|---|---|---|")
    table = quality()
    for reader, ref_auc, ref_recall, readr_auc, readr_recall in table:
        print(f"| {reader} | {ref_auc:.3f} | {readr_auc:.3f} | {ref_recall:.3f} | {readr_recall:.3f} |")
    means = [statistics.mean(column) for column in list(zip(*table))[1:]]
    print(f"| mean | {means[0]:.3f} | {means[2]:.3f} | {means[1]:.3f} | {means[3]:.3f} |")
    rows, records, provenance = real_records()
    print(f"\n### Quality (b): by week, {provenance}, {records[0]['date']} to {records[-1]['date']}\n")
    print(f"Oldest first, cut into weeks of {WEEK} consecutive submissions; each week from the "
          f"{FIRST_TEST_WEEK + 1}rd on is ranked by a model of the weeks before it. Goal: readr at least the "
          "reference's figures.\n")
    print("| reader | week | relevant | reference AUC | readr AUC | reference recall@50 | readr recall@50 |")
    print("|---|---|---|---|---|---|---|")
    weekly = quality_by_week(rows, records)
    for reader, week, relevant, ref_auc, readr_auc, ref_recall, readr_recall in weekly:
        print(f"| {reader} | {week + 1} | {relevant} | {ref_auc:.3f} | {readr_auc:.3f} | {ref_recall:.3f} | "
              f"{readr_recall:.3f} |")
    means = [statistics.mean(column) for column in list(zip(*weekly))[3:]]
    print(f"| mean of {len(weekly)} reader-weeks | | | {means[0]:.3f} | {means[1]:.3f} | {means[2]:.3f} | "
          f"{means[3]:.3f} |")
    better = sum(r[4] >= r[3] for r in weekly), sum(r[6] >= r[5] for r in weekly)
    print(f"\nreadr at least the reference in {better[0]} of {len(weekly)} reader-weeks by AUC, "
          f"{better[1]} of {len(weekly)} by recall@50.")


if __name__ == "__main__":
    main()
