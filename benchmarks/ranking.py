"""Relevance ranking: readr's model beside arxiv-sanity-lite's, on real arXiv records, and its speed.

    python benchmarks/ranking.py                # quality on the Kaggle sample, then speed (~2 min)
    python benchmarks/ranking.py --quality-only

Quality. The records are the real Kaggle snapshot sample (tests/fixtures/metadata, 200 papers).
Each simulated reader keeps the papers of some archives and dismisses those of others; the rest
is background. The papers are split in two halves (stratified by archive, 10 random splits);
on the training half the reader triaged 70% of their kept and dismissed archives' papers (the
other 30% stay untriaged, as in a real inbox) and wrote summaries with takeaways for a third
of the kept ones. Both methods learn from the training half and rank the held-out half; a
held-out paper counts as relevant when it is of a kept archive. Figures: ROC AUC, and recall
at 50 (the share of relevant held-out papers in the top 50 of the 100 ranked; the sample is too
small for weeks, so the held-out half plays one week).

* reference: arxiv-sanity-lite's method (compute.py / serve.py): tf-idf over title + abstract
  + authors, word 1-2-grams, sublinear tf, at most 20k features; one LinearSVC(C=0.01) of the
  kept papers against every other training paper;
* readr: readr.ranking.train, the code readr runs (kept against dismissed, background light,
  summaries weighing more).

Speed (synthetic records of benchmarks/synth.py, the size the issue names): retraining with
5,000 labelled and 50,000 background papers, scoring 2,000 new papers with a trained model,
and `readr list --status inbox --sort relevance` wall time over a 10,000-paper inbox with a
fresh cached model (a subprocess, after a warm-up run).
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


def synthetic_rows(n: int, start: int = 0) -> list[RankingRow]:
    rows = []
    for number, record in enumerate(synth.papers(n)):
        rows.append(RankingRow(
            id=start + number, status=None, title=record["title"], abstract=" ".join(record["abstract"].split()),
            authors=[a.strip() for a in record["authors"].split(",")], categories=record["categories"].split(),
            summary_chars=0, takeaways=0, tags=[],
        ))
    return rows


def speed(workdir: Path) -> list[tuple[str, float, str]]:
    rows = synthetic_rows(57_000)
    rng = random.Random(1)
    labelled = rows[:5000]
    positives = [RankingRow(**{**r.__dict__, "status": "read"}) for r in labelled if rng.random() < 0.4]
    negatives = [RankingRow(**{**r.__dict__, "status": "dismissed"}) for r in labelled if r not in positives]
    # Each positive must have something in common: the synthetic words are drawn from windows of one
    # Zipf list, so kept papers are those of the first categories.
    background, new = rows[5000:55_000], rows[55_000:57_000]
    started = time.perf_counter()
    model = ranking.train(positives, negatives, background)
    trained = time.perf_counter() - started
    assert isinstance(model, ranking.Model)
    started = time.perf_counter()
    model.scores(new)
    model.reasons(new)
    scored = time.perf_counter() - started
    wall = list_wall_time(workdir)
    return [
        ("retrain, 5,000 labelled + 50,000 background", trained, "≤ 5 s"),
        ("score and explain 2,000 new papers (cached model)", scored, "≤ 0.5 s"),
        ("`readr list --status inbox --sort relevance`, 10,000-paper inbox, fresh model (wall)", wall, "≤ 0.5 s"),
    ]


def list_wall_time(workdir: Path) -> float:
    from readr.store import Store

    db = workdir / "inbox10k.db"
    if not db.exists():
        with Store(db) as lib:
            records = list(synth.papers(10_300))
            for number, record in enumerate(records):
                status = "inbox" if number >= 300 else ("to-read" if number % 3 else "dismissed")
                lib.upsert_arxiv({
                    "arxiv_id": record["id"], "title": record["title"], "abstract": record["abstract"],
                    "authors": record["authors"].split(", "), "categories": record["categories"].split(),
                    "latest_version": 1,
                }, status=status)
    with Store(db) as lib:
        ranking.reader_model(lib)  # the fresh cached model
    command = [sys.executable, "-m", "readr", "--db", str(db), "list", "--status", "inbox", "--sort", "relevance",
               "-n", "10000", "--json"]
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "readr-bench-ranking")
    args = parser.parse_args()
    print(f"Quality: Kaggle sample ({SAMPLE.name}), {SPLITS} held-out splits per reader, mean figures\n")
    print("| reader | reference AUC | readr AUC | reference recall@50 | readr recall@50 |")
    print("|---|---|---|---|---|")
    table = quality()
    for reader, ref_auc, ref_recall, readr_auc, readr_recall in table:
        print(f"| {reader} | {ref_auc:.3f} | {readr_auc:.3f} | {ref_recall:.3f} | {readr_recall:.3f} |")
    means = [statistics.mean(column) for column in list(zip(*table))[1:]]
    print(f"| mean | {means[0]:.3f} | {means[2]:.3f} | {means[1]:.3f} | {means[3]:.3f} |")
    if args.quality_only:
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"\nSpeed ({os.cpu_count()} cores)\n")
    print("| what | time | goal |")
    print("|---|---|---|")
    for what, seconds, goal in speed(args.workdir):
        print(f"| {what} | {seconds:.2f} s | {goal} |")


if __name__ == "__main__":
    main()
