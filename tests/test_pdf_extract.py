"""Text extraction in the isolated worker: good files, broken and hostile files, limits, recording."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from readr.pdfs import extract
from readr.pdfs.extract import ExtractionError, Limits, extract_text, index_pdf, normalize_text
from tests.conftest import make_record
from tests.pdf_samples import HTML_PAGE, bomb_pdf, make_pdf, operator_storm_pdf, truncated

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "pdfs"
FAST = Limits(timeout=20)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_text_metadata_and_pages_of_a_generated_pdf(tmp_path):
    path = write(tmp_path, "ok.pdf", make_pdf(
        ["Quasicrystals grow slowly\nsecond line", "The zebrafish appears on page two"],
        title="A Made-Up Paper", author="Ada Lovelace; Charles Babbage",
    ))
    result = extract_text(path, FAST)
    assert result.pages == 2 and result.pages_read == 2
    assert "Quasicrystals grow slowly" in result.text and "zebrafish" in result.text
    assert result.text.index("Quasicrystals") < result.text.index("zebrafish")
    assert "zebrafish" not in result.first_page and "Quasicrystals" in result.first_page
    assert result.metadata["title"] == "A Made-Up Paper"
    assert result.metadata["author"] == "Ada Lovelace; Charles Babbage"
    assert result.damage == [] and not result.truncated


def test_page_cap_keeps_only_the_first_pages(tmp_path):
    path = write(tmp_path, "long.pdf", make_pdf([f"page number {i} word{i}x" for i in range(1, 8)]))
    result = extract_text(path, Limits(timeout=20, max_pages=3))
    assert result.pages == 7 and result.pages_read == 3 and result.truncated
    assert "word3x" in result.text and "word4x" not in result.text


@pytest.mark.parametrize(
    "name, data, kind, words",
    [
        ("empty.pdf", b"", "empty", "empty"),
        ("page.pdf", HTML_PAGE, "html", "HTML"),
        ("notes.pdf", b"just some text, not a PDF at all\n" * 10, "not-pdf", "%PDF"),
    ],
)
def test_files_that_are_not_pdfs_are_refused_without_starting_the_worker(
    tmp_path, monkeypatch, name, data, kind, words
):
    monkeypatch.setattr(extract, "run_worker", lambda *a, **k: pytest.fail("the worker must not run"))
    with pytest.raises(ExtractionError) as caught:
        extract_text(write(tmp_path, name, data), FAST)
    assert caught.value.kind == kind and words in str(caught.value)


def test_the_worker_itself_refuses_html_and_empty_files(tmp_path):
    # Defence in depth: the worker checks too (the file may change between check and read).
    for name, data, kind in (("a.pdf", b"", "empty"), ("b.pdf", HTML_PAGE, "html")):
        with pytest.raises(ExtractionError) as caught:
            extract.run_worker({"op": "text", "path": str(write(tmp_path, name, data))}, FAST)
        assert caught.value.kind == kind


def test_a_truncated_pdf_is_a_clean_error(tmp_path):
    whole = make_pdf(["Some words on a page " * 20] * 4)
    path = write(tmp_path, "cut.pdf", truncated(whole, 0.4))
    with pytest.raises(ExtractionError) as caught:
        extract_text(path, FAST)
    assert "\n" not in str(caught.value) and str(caught.value)


def test_a_decompression_bomb_stops_at_a_safety_limit_quickly(tmp_path):
    path = write(tmp_path, "bomb.pdf", bomb_pdf(200))  # 200 MB of content in ~200 kB
    assert path.stat().st_size < 1_000_000
    started = time.monotonic()
    with pytest.raises(ExtractionError) as caught:
        extract_text(path, FAST)
    assert caught.value.kind == "limit" and "decompression bomb" in str(caught.value)
    assert time.monotonic() - started < 15


def test_the_memory_limit_holds_where_pypdf_own_limits_do_not(tmp_path):
    # 70 MB inflated stays under pypdf's 75 MB cap; a 150 MB address space cannot hold it.
    bomb = write(tmp_path, "bomb70.pdf", bomb_pdf(70))
    small = write(tmp_path, "small.pdf", make_pdf(["fits easily"]))
    tight = Limits(timeout=30, memory_mb=150)
    assert "fits easily" in extract_text(small, tight).text  # the cap itself leaves room for normal work
    with pytest.raises(ExtractionError) as caught:
        extract_text(bomb, tight)
    assert caught.value.kind == "memory" and "memory" in str(caught.value)


def test_a_pdf_that_takes_too_long_is_killed_at_the_wall_clock_limit(tmp_path):
    path = write(tmp_path, "storm.pdf", operator_storm_pdf())  # millions of text operators: seconds of work
    started = time.monotonic()
    with pytest.raises(ExtractionError) as caught:
        extract_text(path, Limits(timeout=1.5))
    elapsed = time.monotonic() - started
    assert caught.value.kind == "timeout" and "1.5 s" in str(caught.value)
    assert elapsed < 6


def test_a_crashing_worker_is_reported_not_raised(tmp_path, monkeypatch):
    import signal
    import subprocess

    def crash(*args, **kwargs):
        return subprocess.CompletedProcess(args, -signal.SIGSEGV, b"", b"")

    monkeypatch.setattr(extract.subprocess, "run", crash)
    with pytest.raises(ExtractionError) as caught:
        extract.run_worker({"op": "text", "path": "x"}, FAST)
    assert caught.value.kind == "crash" and "SIGSEGV" in str(caught.value)


def test_normalize_text_folds_ligatures_joins_hyphenated_words_and_strips_controls():
    text = "The e\ufb03cient algo-\nrithm of Hartree-\nFock\x1b]0;pwned\x07 works\n\n\n\nwell"
    clean = normalize_text(text)
    assert "efficient" in clean and "algorithm" in clean and "Hartree-Fock" in clean
    assert "\x1b" not in clean and "\x07" not in clean and "\n\n\n" not in clean


# --- recording in the library ------------------------------------------------------------------


def _attach(store, key: str, data: bytes) -> None:
    store.pdf_dir.mkdir(parents=True, exist_ok=True)
    path = store.pdf_dir / f"{key}.pdf"
    path.write_bytes(data)
    import hashlib

    store.record_pdf(key, path.relative_to(store.data_dir).as_posix(), hashlib.sha256(data).hexdigest(), len(data), 1)


def test_index_pdf_makes_body_words_searchable(store):
    store.upsert_arxiv(make_record("2101.00001", "Plain title", abstract="Nothing special."))
    _attach(store, "2101.00001", make_pdf(["Introduction", "Deep in the body: xylophonist results"]))
    outcome = index_pdf(store, "2101.00001", FAST)
    assert outcome.status == "ok" and outcome.pages == 2
    hits = store.search("xylophonist", snippets=True)
    assert [h.paper.key for h in hits] == ["2101.00001"]
    assert hits[0].match.field == "fulltext"
    record = store.pdf_record("2101.00001")
    assert record.extract_status == "ok" and record.pages == 2 and record.error is None


def test_a_failure_is_recorded_and_not_retried_until_forced(store, monkeypatch):
    store.upsert_arxiv(make_record("2101.00002", "Broken file paper"))
    _attach(store, "2101.00002", truncated(make_pdf(["text " * 300] * 3), 0.3))
    first = index_pdf(store, "2101.00002", FAST)
    assert first.status == "failed" and not first.cached
    record = store.pdf_record("2101.00002")
    assert record.extract_status == "failed" and record.error == first.message

    calls = []
    real = extract.run_worker
    monkeypatch.setattr(extract, "run_worker", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = index_pdf(store, "2101.00002", FAST)
    assert again.status == "failed" and again.cached and "--force" in again.message
    assert calls == []  # no second run of the worker for the same file
    forced = index_pdf(store, "2101.00002", FAST, force=True)
    assert forced.status == "failed" and len(calls) == 1
    # The rest of the library is untouched.
    assert store.get("2101.00002").title == "Broken file paper"
    assert store.search("Broken")[0].paper.key == "2101.00002"


def test_a_failed_extraction_keeps_text_from_before(store):
    store.upsert_arxiv(make_record("2101.00003", "Keeps text"))
    _attach(store, "2101.00003", make_pdf(["the marmoset paragraph"]))
    assert index_pdf(store, "2101.00003", FAST).status == "ok"
    _attach(store, "2101.00003", b"")  # a new, empty file: the record starts over as pending
    assert store.pdf_record("2101.00003").extract_status == "pending"
    assert index_pdf(store, "2101.00003", FAST).status == "failed"
    assert store.search("marmoset")[0].paper.key == "2101.00003"


def test_text_is_indexed_again_when_the_paper_was_deleted_and_added_back(store):
    store.upsert_arxiv(make_record("2101.00004", "Comes back"))
    _attach(store, "2101.00004", make_pdf(["an okapi sentence"]))
    assert index_pdf(store, "2101.00004", FAST).status == "ok"
    store.delete(["2101.00004"])
    store.upsert_arxiv(make_record("2101.00004", "Comes back"))
    assert store.search("okapi") == []
    assert store.pdf_record("2101.00004").needs_extraction
    assert index_pdf(store, "2101.00004", FAST).status == "ok"
    assert store.search("okapi")[0].paper.key == "2101.00004"


def test_undo_of_a_status_change_keeps_the_pdf_and_its_text(store):
    store.upsert_arxiv(make_record("2101.00005", "Undo me"))
    _attach(store, "2101.00005", make_pdf(["a capybara sentence"]))
    index_pdf(store, "2101.00005", FAST)
    snapshot = store.snapshot(["2101.00005"])
    store.set_status(["2101.00005"], "read")
    store.restore(snapshot)
    assert store.pdf_record("2101.00005").extract_status == "ok"
    assert store.search("capybara")[0].paper.key == "2101.00005"


# --- the shared fixtures (real arXiv, broken and encrypted PDFs), when present -------------------


def _shared(folder: str) -> list[Path]:
    directory = SHARED / folder
    if not directory.is_dir():
        pytest.skip(f"{directory} is not here")
    return sorted(directory.glob("*.pdf"))


@pytest.mark.parametrize("folder", ["bad", "encrypted"])
def test_every_shared_broken_or_locked_pdf_gives_a_clean_recorded_failure(store, folder):
    for number, path in enumerate(_shared(folder), start=1):
        key = f"2102.{number:05d}"
        store.upsert_arxiv(make_record(key, f"{folder} {path.stem}"))
        _attach(store, key, path.read_bytes())
        started = time.monotonic()
        outcome = index_pdf(store, key, FAST)
        assert time.monotonic() - started < FAST.timeout + 5
        assert "\n" not in outcome.message and outcome.message
        if path.stem in ("unencrypted", "r3-empty-password"):  # readable controls
            assert outcome.status == "ok", (path.name, outcome.message)
            assert "asdfzxcv" in store.fulltext(key)
        elif folder == "encrypted":
            assert outcome.status == "failed" and "password" in outcome.message, (path.name, outcome.message)
        else:
            assert outcome.status in ("failed", "damaged"), (path.name, outcome.message)
            assert "damaged" in outcome.message or "no text" in outcome.message
        record = store.pdf_record(key)
        assert record.extract_status == outcome.status and (record.error is None) == (outcome.status == "ok")

