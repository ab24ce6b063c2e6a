"""readr import paper.pdf: arXiv id from the file name, metadata or first page; local entries."""

from __future__ import annotations

import time

import pytest

from readr.errors import ReadrError
from readr.ids import ArxivId
from readr.pdfs import local
from tests.pdf_samples import HTML_PAGE, bomb_pdf, make_pdf, truncated

# 0704.0001 is in the replay server's corpus (real metadata from the Kaggle sample).
KNOWN = "0704.0001"
KNOWN_TITLE = "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"


@pytest.fixture
def remote(monkeypatch, arxiv_server):
    monkeypatch.setenv("READR_ARXIV_URL", arxiv_server.url)
    return arxiv_server


def test_ids_in_file_names():
    assert local.id_from_name("2302.07302v1") == ArxivId("2302.07302", 1)
    assert local.id_from_name("Smith et al - 2302.07302") == ArxivId("2302.07302", None)
    assert local.id_from_name("arXiv-1501.00001v12") == ArxivId("1501.00001", 12)
    assert local.id_from_name("hep-th_9901001v2") == ArxivId("hep-th/9901001", 2)
    assert local.id_from_name("math.GT_0309136") == ArxivId("math/0309136", None)
    for name in ("report-2023", "invoice 1234.56789.0", "thesis", "12345.6789", "0001.00001"):
        assert local.id_from_name(name) is None, name


def test_ids_in_text_need_an_arxiv_marker():
    assert local.id_from_text("arXiv:2302.07302v1 [cs.HC] 14 Feb 2023") == ArxivId("2302.07302", 1)
    assert local.id_from_text("see https://arxiv.org/abs/hep-ex/0406020 for") == ArxivId("hep-ex/0406020", None)
    assert local.id_from_text("doi:10.48550/arXiv.2101.00001") == ArxivId("2101.00001", None)
    assert local.id_from_text("Table 2302.07302 shows 1501.00001 values") is None


def test_import_with_the_id_in_the_file_name_fetches_arxiv_metadata(cli, store, remote, tmp_path):
    path = tmp_path / f"{KNOWN}v1.pdf"
    path.write_bytes(make_pdf(["Some first page", "body words: diphotonic ocelot"]))
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert f"added {KNOWN} (arXiv id from the file name)" in result.stderr
    paper = store.get(KNOWN)
    assert paper.title == KNOWN_TITLE and paper.status == "to-read" and paper.read_version == 1
    assert store.search("ocelot")[0].paper.key == KNOWN
    record = store.pdf_record(KNOWN)
    assert record.source == "local" and record.extract_status == "ok"
    copy = store.data_dir / record.path
    assert copy.read_bytes() == path.read_bytes() and copy.parent == store.pdf_dir
    path.unlink()  # the library keeps its own copy
    assert store.pdf_path(KNOWN) == copy


def test_import_finds_the_id_in_the_metadata_or_on_the_first_page(store, remote, tmp_path):
    by_meta = tmp_path / "paper.pdf"
    by_meta.write_bytes(make_pdf(["No id on this page"], title="whatever", info={"Subject": "arXiv:0704.0002v1"}))
    by_page = tmp_path / "download (3).pdf"
    by_page.write_bytes(make_pdf(["arXiv:0704.0003v2 [hep-th] 1 Apr 2007", "text"]))
    lines = list(local.import_files(store, [by_meta, by_page]))
    assert "0704.0002 (arXiv id from the PDF metadata)" in lines[0]
    assert "0704.0003 (arXiv id from the first page)" in lines[1]
    assert store.get("0704.0002").title != "whatever" and store.get("0704.0003").read_version == 2


def test_without_an_id_the_pdf_becomes_a_local_entry_titled_from_its_metadata_or_first_page(store, tmp_path):
    titled = tmp_path / "scan_0001.pdf"
    titled.write_bytes(make_pdf(["ignored first line here"], title="Notes on Gardening", author="Ann Smith; Bo Li"))
    untitled = tmp_path / "scan_0002.pdf"
    untitled.write_bytes(
        make_pdf(["\n(c) 2024\nA Study of Hedgehog Migration\nby someone"], title="Microsoft Word - draft.docx")
    )
    lines = list(local.import_files(store, [titled, untitled]))
    assert len(lines) == 2 and all("no arXiv id found" in line for line in lines)
    first = store.search("Gardening")[0].paper
    assert first.title == "Notes on Gardening" and first.authors == ["Ann Smith", "Bo Li"]
    assert first.key.startswith("pdf-") and first.arxiv_id is None and first.status == "to-read"
    second = store.search("Hedgehog")[0].paper
    assert second.title == "A Study of Hedgehog Migration"
    # Importing the same file again changes nothing.
    again = list(local.import_files(store, [titled]))
    assert "already had" in again[0] and store.counts()["to-read"] == 2


def test_an_id_arxiv_does_not_know_gives_a_local_entry(store, remote, tmp_path):
    path = tmp_path / "2501.99999v1.pdf"
    path.write_bytes(make_pdf(["An Unknown Preprint Title", "body"]))
    [line] = list(local.import_files(store, [path]))
    assert "imported as a local entry" in line
    assert store.search("Unknown Preprint")[0].paper.source == "local"


def test_offline_the_arxiv_paper_is_kept_with_the_title_from_the_pdf(store, tmp_path, closed_port, monkeypatch):
    monkeypatch.setenv("READR_ARXIV_URL", f"http://127.0.0.1:{closed_port}")
    path = tmp_path / "2302.07302v1.pdf"
    path.write_bytes(make_pdf(["Offline Title Of A Paper", "body"], title="Offline Title Of A Paper"))
    [line] = list(local.import_files(store, [path]))
    assert "could not be reached" in line and "readr refresh" in line
    paper = store.get("2302.07302")
    assert paper.title == "Offline Title Of A Paper" and paper.read_version == 1


@pytest.mark.parametrize("data, words", [(b"", "empty"), (HTML_PAGE, "HTML"), (b"%PDF-1.4\n%%EOF", "")])
def test_broken_files_are_errors_and_change_nothing(cli, store, tmp_path, data, words):
    path = tmp_path / "notes.pdf"
    path.write_bytes(data)
    result = cli("import", str(path))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("readr: error: notes.pdf: ") and words in result.stderr
    assert store.counts()["all"] == 0
    assert not store.pdf_dir.exists() or list(store.pdf_dir.iterdir()) == []


def test_a_truncated_or_hostile_file_with_an_id_is_imported_but_reported(cli, store, remote, tmp_path):
    cut = tmp_path / f"{KNOWN}.pdf"
    cut.write_bytes(truncated(make_pdf(["words " * 300] * 3), 0.4))
    result = cli("import", str(cut))
    assert result.exit_code == 1 and "readr: error:" in result.stderr
    assert store.get(KNOWN).title == KNOWN_TITLE  # the paper is known even though its text is not
    assert store.pdf_record(KNOWN).extract_status == "failed"


def test_several_files_one_bad_the_others_are_imported_and_the_command_fails(cli, store, tmp_path):
    good = tmp_path / "good.pdf"
    good.write_bytes(make_pdf(["A Perfectly Fine Document", "text"]))
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(bomb_pdf(100))
    html = tmp_path / "page.pdf"
    html.write_bytes(HTML_PAGE)
    started = time.monotonic()
    result = cli("import", str(bomb), str(good), str(html))
    assert time.monotonic() - started < 60
    assert result.exit_code == 1
    assert "A Perfectly Fine Document" in result.stderr
    assert "2 of 3 PDFs had problems" in result.stderr
    assert [p.title for p in store.list_papers()] == ["A Perfectly Fine Document"]


def test_import_is_generator_shaped_for_the_dispatcher(store, tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"")
    with pytest.raises(ReadrError):
        list(local.import_files(store, [path]))
