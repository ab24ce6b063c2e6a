"""The ranking's bad input and faults that tests/test_ranking.py leaves out: a library of 100,000
dismissed papers, a retraining killed for real (SIGKILL in the middle of the SVM's fit) or failing,
and a stale model used while the new one cannot be trained. (No history, only positives or only
negatives, papers without abstracts, corrupt and outdated caches: tests/test_ranking.py.)"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from readr import ranking
from tests.test_ranking import fill

KILL_IN_FIT = r"""
import os, signal, sys
import sklearn.svm
from readr import ranking
from readr.store import Store

def killed(self, *args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

sklearn.svm.LinearSVC.fit = killed
lib = Store(sys.argv[1])
ranking.rank(lib, lib.list_papers(statuses=["inbox"]))
"""


def add_dismissed_in_bulk(lib, count: int) -> None:
    """`count` dismissed papers, loaded as a catalogue import (no per-row index triggers) and
    dismissed in one statement: seconds, not minutes."""
    rng = random.Random(5)
    words = "graph laser protein model data system theory cavity enzyme node vertex photon".split()
    loader = lib.catalogue_loader(count, mode="rebuild")
    loader.begin()
    rows = []
    for i in range(count):
        author = f"Author {i % 500}"
        rows.append((f"2301.{i:05d}", 1, " ".join(rng.sample(words, 3)), json.dumps([author]), author, "", "cs.LG",
                     '["cs.LG"]', None, None, None, None, None, None, None))
    loader.add(rows)
    loader.finish()
    with lib.write() as conn:
        conn.execute("UPDATE papers SET status = 'dismissed' WHERE arxiv_id LIKE '2301.%'")


def test_a_hundred_thousand_dismissed_papers_rank_without_an_error(store):
    add_dismissed_in_bulk(store, 100_000)
    for i in range(3):
        store.upsert_arxiv({"arxiv_id": f"2104.0000{i}", "version": 1, "title": f"New {i}", "authors": [],
                            "abstract": "", "categories": []}, status="inbox")
    only_dismissed = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert only_dismissed.note is not None and "you have 0 kept, 100000 dismissed" in only_dismissed.note
    inbox = fill(store)
    result = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert result.note is None
    keys = [s.paper.key for s in result.papers]
    assert set(keys[:6]) == set(inbox["graphs"])


def test_a_retraining_killed_in_the_middle_leaves_the_old_model_in_use(store, db_path):
    inbox = fill(store)
    first = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    old = store.ranking_model(ranking.READER_MODEL)
    store.set_status([inbox["proteins"][0]], "dismissed")  # the triage changed: the next rank retrains
    root = Path(__file__).resolve().parent.parent
    killed = subprocess.run(
        [sys.executable, "-c", KILL_IN_FIT, str(db_path)], cwd=root, capture_output=True, text=True, timeout=120,
        env=dict(os.environ, PYTHONPATH=str(root)),
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert store.ranking_model(ranking.READER_MODEL) == old  # saved only after training, in one statement
    stale = ranking.reader_model(store, retrain=False)
    assert isinstance(stale, ranking.Model)
    again = ranking.rank(store, store.list_papers(statuses=["inbox"]), model=stale)
    before = {s.paper.key: s.score for s in first.papers}
    assert all(before[s.paper.key] == s.score for s in again.papers)
    # The next rank that may train does, and caches the new model.
    ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert store.ranking_model(ranking.READER_MODEL)[0] == store.triage_fingerprint() != old[0]


def test_a_retraining_that_fails_keeps_ranking_with_the_old_model(store, monkeypatch):
    inbox = fill(store)
    first = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    old = store.ranking_model(ranking.READER_MODEL)
    store.set_status([inbox["proteins"][0]], "dismissed")

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(ranking, "train", out_of_memory)
    result = ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert result.note is None
    before = {s.paper.key: s.score for s in first.papers}
    assert all(before[s.paper.key] == s.score for s in result.papers)
    assert store.ranking_model(ranking.READER_MODEL) == old


def test_without_a_model_a_failed_training_is_reported(store, monkeypatch):
    fill(store)

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(ranking, "train", out_of_memory)
    with pytest.raises(MemoryError):  # the TUI shows it as "ranking failed", in arrival order
        ranking.rank(store, store.list_papers(statuses=["inbox"]))
    assert store.ranking_model(ranking.READER_MODEL) is None
