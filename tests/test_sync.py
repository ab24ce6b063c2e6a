"""`readr sync` against git repositories on disk: bare remotes in temporary folders, file:// URLs."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readr.errors import ReadrError
from readr.maintenance import check
from readr.query import parse_query
from readr.record import replace
from readr.store import Store
from readr.sync import GitError, sync
from readr.sync.git import Git
from readr.sync.notes import parse, render
from readr.sync.round import repository_dir
from readr.store.team import LOCAL_KEY, Note

PAPER = {"arxiv_id": "2202.06709", "version": 2, "title": "How Do Vision Transformers Work?",
         "authors": ["Namuk Park", "Songkuk Kim"]}
OTHER = {"arxiv_id": "hep-th/9901001", "version": 1, "title": "An old-style paper", "authors": ["A. Person"]}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Reader")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "reader@example.org")


class ScriptedEditor:
    """$EDITOR as a script: keeps the text it was handed (`seen`) and saves `answer` in its place."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.answer("")

    def answer(self, text: str) -> None:
        (self.folder / "answer.txt").write_text(text, encoding="utf-8")

    def seen(self) -> str:
        return (self.folder / "seen.txt").read_text(encoding="utf-8")


@pytest.fixture
def editor_writes(tmp_path, monkeypatch) -> ScriptedEditor:
    folder = tmp_path / "editor"
    folder.mkdir()
    script = folder / "editor.py"
    script.write_text(
        f"#!{sys.executable}\nimport shutil, sys\n"
        f"shutil.copyfile(sys.argv[1], {str(folder / 'seen.txt')!r})\n"
        f"shutil.copyfile({str(folder / 'answer.txt')!r}, sys.argv[1])\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    return ScriptedEditor(folder)


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def remote(tmp_path) -> str:
    path = tmp_path / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path.as_uri()


@pytest.fixture
def libraries(tmp_path):
    opened: list[Store] = []

    def make(name: str) -> Store:
        (tmp_path / name).mkdir()
        lib = Store(tmp_path / name / "library.db")
        opened.append(lib)
        return lib

    yield make
    for lib in opened:
        lib.close()


def add_read(lib: Store, record: dict, summary: str, tags: list[str] = ()) -> None:
    lib.upsert_arxiv(record, status="reading")
    lib.set_summary(record["arxiv_id"], summary)
    if tags:
        lib.add_tags([record["arxiv_id"]], list(tags))
    lib.set_status([record["arxiv_id"]], "read")


def working_copy_is_clean(lib: Store) -> None:
    repo = repository_dir(lib)
    assert git("status", "--porcelain", cwd=repo) == ""
    for path in repo.rglob("*.md"):
        assert "<<<<<<<" not in path.read_text(encoding="utf-8")


def test_note_file_round_trips_exactly():
    note = Note(arxiv_id="hep-th/9901001", version=3, title="T: \"quoted\"", authors=("Émile", "李 四"),
                status="read", tags=("a b", "[red]x[/red]"), added_at="2024-01-01T00:00:00",
                read_at="2024-01-02T12:00:00", summary_updated_at="2024-01-02T12:00:00",
                summary="Line one with **a takeaway**.\n\n---\n\nA rule above, `code`, and \\*\\*escaped\\*\\*.\n")
    text = render(note)
    assert text.startswith('---\narxiv: "hep-th/9901001"\nversion: 3\n')
    assert parse(text.encode("utf-8"), "hep-th/9901001") == note


def test_two_readers_see_each_other_without_touching_their_own_summaries(libraries, remote):
    alice, bob = libraries("alice"), libraries("bob")
    add_read(alice, PAPER, "Alice: **MSAs flatten the loss**.", ["vision"])
    report = sync(alice, remote, "alice")
    assert (report.sent, report.team_changed) == (1, 0)

    report = sync(bob, remote, "bob")
    assert (report.sent, report.received, report.team_changed, report.readers) == (0, 0, 1, 1)
    # Alice's paper comes into Bob's library as a catalogue entry, off his reading list.
    paper = bob.get("2202.06709")
    assert paper.status is None and paper.summary == "" and paper.title == PAPER["title"]
    assert [n.to_json() for n in bob.team_notes("2202.06709")] == [{
        "reader": "alice", "status": "read", "tags": ["vision"], "summary": "Alice: **MSAs flatten the loss**.",
        "read_at": alice.get("2202.06709").read_at,
    }]

    add_read(bob, PAPER, "Bob disagrees.")
    assert sync(bob).sent == 1
    report = sync(alice)
    assert (report.sent, report.received, report.team_changed) == (0, 0, 1)
    assert alice.get("2202.06709").summary == "Alice: **MSAs flatten the loss**."
    assert [(n.reader, n.summary) for n in alice.team_notes("2202.06709")] == [("bob", "Bob disagrees.")]
    # Each reader's files in their own folder only.
    files = git("ls-tree", "-r", "--name-only", "HEAD", cwd=repository_dir(alice)).split()
    assert sorted(files) == ["readers/alice/2202.06709.md", "readers/bob/2202.06709.md"]


def test_three_readers_in_turn_and_a_teammate_removing_a_paper(libraries, remote):
    readers = {name: libraries(name) for name in ("ann", "ben", "cy")}
    for name, lib in readers.items():
        add_read(lib, PAPER, f"{name}'s summary")
        sync(lib, remote, name)
    sync(readers["ann"])
    assert [n.reader for n in readers["ann"].team_notes("2202.06709")] == ["ben", "cy"]
    readers["ben"].delete(["2202.06709"])
    sync(readers["ben"])
    report = sync(readers["ann"])
    assert report.team_changed == 1
    assert [n.reader for n in readers["ann"].team_notes("2202.06709")] == ["cy"]


def test_same_reader_on_a_new_machine_gets_the_whole_reading_state(libraries, remote):
    laptop, desktop = libraries("laptop"), libraries("desktop")
    add_read(laptop, PAPER, "Summary **with a takeaway**.", ["vision", "ml"])
    add_read(laptop, OTHER, "Old id.")
    laptop.upsert_arxiv({"arxiv_id": "2401.00003", "version": 1, "title": "To read"}, status="to-read")
    sync(laptop, remote, "alice")

    report = sync(desktop, remote, "alice")
    assert report.received == 3 and report.sent == 0
    for key in ("2202.06709", "hep-th/9901001", "2401.00003"):
        here, there = desktop.get(key), laptop.get(key)
        for name in ("status", "read_at", "summary", "tags", "takeaways", "read_version", "title", "added_at"):
            assert getattr(here, name) == getattr(there, name), (key, name)
    assert desktop.team_notes("2202.06709") == []  # her own notes are not a teammate's
    assert check(desktop).ok, check(desktop).lines()  # search index, takeaways and tag text in step

    # A change on one machine reaches the other; so does a removal.
    desktop.set_status(["2401.00003"], "dismissed")
    desktop.delete(["hep-th/9901001"])
    sync(desktop)
    report = sync(laptop)
    assert report.received == 2 and report.conflicts == []
    assert laptop.get("2401.00003").status == "dismissed"
    assert laptop.find("hep-th/9901001") is None


def test_one_summary_edited_on_two_machines_keeps_both_texts(libraries, remote, cli_for, editor_writes):
    laptop, desktop = libraries("laptop"), libraries("desktop")
    add_read(laptop, PAPER, "Before.", ["vision"])
    sync(laptop, remote, "alice")
    sync(desktop, remote, "alice")
    laptop.set_summary("2202.06709", "Laptop text.")
    laptop.add_tags(["2202.06709"], ["laptop"])
    desktop.set_summary("2202.06709", "Desktop text.")
    desktop.add_tags(["2202.06709"], ["desktop"])
    sync(laptop)
    report = sync(desktop)
    assert report.conflicts == ["2202.06709"]
    assert "both texts kept (readr show 2202.06709)" in report.line()
    assert desktop.get("2202.06709").summary == "Desktop text."
    assert desktop.summary_conflict("2202.06709") == "Laptop text."
    assert desktop.get("2202.06709").tags == ["desktop", "laptop", "vision"]
    working_copy_is_clean(desktop)

    # The laptop learns of it too: one state on both machines, both texts in it.
    sync(laptop)
    assert laptop.get("2202.06709").summary == "Desktop text."
    assert laptop.summary_conflict("2202.06709") == "Laptop text."
    working_copy_is_clean(laptop)
    shown = json.loads(cli_for(laptop)("show", "2202.06709", "--json").stdout)
    assert (shown["summary"], shown["summary_conflict"]) == ("Desktop text.", "Laptop text.")

    # Resolved on the laptop in the editor, resolved everywhere.
    editor_writes.answer("Desktop text.\n=======\n>>>>>>> the other machine's summary\n")
    result = cli_for(laptop)("sync", "--resolve", "2202.06709")
    assert result.exit_code == 1 and "the conflict markers are still in the summary" in result.output
    assert editor_writes.seen() == (
        "<<<<<<< this machine's summary (keep what you want of both texts, delete the marker lines)\n"
        "Desktop text.\n=======\nLaptop text.\n>>>>>>> the other machine's summary\n")
    assert laptop.summary_conflict("2202.06709") == "Laptop text."
    # The draft kept what she wrote; opening it again starts from it, not from both texts anew.
    editor_writes.answer("Desktop text. Laptop text.\n")
    result = cli_for(laptop)("note", "2202.06709", "--edit")
    assert result.exit_code == 0, result.output
    assert editor_writes.seen() == "Desktop text.\n=======\n>>>>>>> the other machine's summary\n"
    assert "edited on two machines, now resolved" in result.output
    assert laptop.summary_conflict("2202.06709") is None
    assert cli_for(laptop)("sync", "--resolve", "2202.06709").exit_code == 1
    sync(laptop)
    sync(desktop)
    assert desktop.summary_conflict("2202.06709") is None
    assert desktop.get("2202.06709").summary == "Desktop text. Laptop text."


def test_a_rejected_push_fetches_merges_and_retries(libraries, remote, monkeypatch):
    alice, bob = libraries("alice"), libraries("bob")
    sync(bob, remote, "bob")
    add_read(alice, PAPER, "Alice.")
    add_read(bob, OTHER, "Bob.")
    real_push = Git.push
    raced = []

    def push_after_bob(self, branch):
        if not raced and self.repo == repository_dir(alice):
            raced.append(True)
            sync(bob)  # bob pushes between alice's fetch and her push
        real_push(self, branch)

    monkeypatch.setattr(Git, "push", push_after_bob)
    report = sync(alice, remote, "alice")
    assert report.attempts == 2 and report.sent == 1 and report.team_changed == 1
    monkeypatch.setattr(Git, "push", real_push)
    sync(bob)
    assert [n.reader for n in bob.team_notes("2202.06709")] == ["alice"]
    assert [n.reader for n in alice.team_notes("hep-th/9901001")] == ["bob"]


def test_a_sync_killed_before_its_push_is_completed_by_the_next(libraries, remote, monkeypatch):
    laptop, desktop = libraries("laptop"), libraries("desktop")
    add_read(laptop, PAPER, "Laptop.")
    sync(laptop, remote, "alice")
    sync(desktop, remote, "alice")
    add_read(desktop, OTHER, "Written on the desktop.")

    real_push = Git.push

    def killed(self, branch):
        raise KeyboardInterrupt

    monkeypatch.setattr(Git, "push", killed)
    with pytest.raises(KeyboardInterrupt):
        sync(desktop)
    monkeypatch.setattr(Git, "push", real_push)
    assert desktop.get("hep-th/9901001").summary == "Written on the desktop."
    report = sync(desktop)
    assert report.sent == 1
    sync(laptop)
    assert laptop.get("hep-th/9901001").summary == "Written on the desktop."


@pytest.mark.parametrize("kind", ["missing", "not a repository"])
def test_an_unreachable_remote_or_not_a_repository_is_one_line_and_changes_nothing(libraries, tmp_path, kind):
    lib = libraries("alice")
    add_read(lib, PAPER, "Mine.")
    target = tmp_path / "nothing-here"
    if kind == "not a repository":
        target.mkdir()
        (target / "file.txt").write_text("hello")
    with pytest.raises(GitError) as caught:
        sync(lib, str(target), "alice")
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"cannot fetch from {target}")
    assert lib.get_meta("sync.remote") is None and lib.get_meta("sync.commit") is None
    assert lib.get("2202.06709").summary == "Mine."


def test_a_remote_with_unrelated_history_is_refused(libraries, remote, tmp_path):
    lib = libraries("alice")
    add_read(lib, PAPER, "Mine.")
    sync(lib, remote, "alice")
    commit = lib.get_meta("sync.commit")
    # The remote is replaced by a repository with a history of its own.
    other = tmp_path / "other"
    other.mkdir()
    git("init", "-q", "-b", "main", cwd=other)
    (other / "README.md").write_text("another project\n")
    git("add", "README.md", cwd=other)
    git("commit", "-q", "-m", "unrelated", cwd=other)
    git("push", "-q", "--force", remote, "main:main", cwd=other)
    with pytest.raises(GitError, match="unrelated to this library's last sync"):
        sync(lib)
    assert lib.get_meta("sync.commit") == commit


def test_two_syncs_of_one_library_at_once_the_second_refuses(libraries, remote):
    lib = libraries("alice")
    lib.data_dir.mkdir(parents=True, exist_ok=True)
    with open(lib.data_dir / "sync.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ReadrError, match="another readr sync of this library is running"):
            sync(lib, remote, "alice")
    sync(lib, remote, "alice")


def test_malformed_and_hostile_teammate_files_are_skipped_one_line_each(libraries, remote, tmp_path):
    alice = libraries("alice")
    sync(alice, remote, "alice")
    clone = tmp_path / "mallory"
    git("clone", "-q", remote, str(clone), cwd=tmp_path)
    folder = clone / "readers" / "mallory"
    folder.mkdir(parents=True)
    good = Note(arxiv_id="2202.06709", title="[bold red]Title[/]", status="read", read_at="2024-05-01T12:00:00",
                summary="\x1b[31mred\x1b[0m [link=file:///etc/passwd]click[/link]")
    (folder / "2202.06709.md").write_text(render(good), encoding="utf-8")
    (folder / "2101.00001.md").write_text("no front matter here\n")
    (folder / "2101.00002.md").write_bytes(b"---\narxiv: \"2101.00002\"\nstatus: read\n---\n\xff\xfe not utf-8\n")
    (folder / "2101.00003.md").write_bytes(b"---\narxiv: \"2101.00003\"\nstatus: read\n---\n" + b"x" * 1_100_000)
    (folder / "not-an-id.md").write_text(render(Note(arxiv_id="2101.00004", status="read")))
    (folder / "2101.00005.md").write_text(render(Note(arxiv_id="2101.99999", status="read")))
    os.symlink("/etc/passwd", folder / "2101.00006.md")
    (clone / "readers" / "[red]bad name").mkdir()
    (clone / "readers" / "[red]bad name" / "2101.00007.md").write_text(render(Note(arxiv_id="2101.00007")))
    os.symlink("/etc", clone / "readers" / "evil")
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", "mallory", cwd=clone)
    git("push", "-q", "origin", "HEAD:main", cwd=clone)

    report = sync(alice)
    assert [n.reader for n in alice.team_notes("2202.06709")] == ["mallory"]
    note = alice.team_notes("2202.06709")[0]
    assert note.summary == "[31mred[0m [link=file:///etc/passwd]click[/link]"  # escapes gone, markup text
    assert alice.get("2202.06709").title == "[bold red]Title[/]" and alice.get("2202.06709").status is None
    skipped = "\n".join(report.skipped)
    assert len(report.skipped) == 8, skipped
    for name, why in [
        ("readers/mallory/2101.00001.md", "no front matter"),
        ("readers/mallory/2101.00002.md", "not UTF-8"),
        ("readers/mallory/2101.00003.md", "larger than 1 MB"),
        ("readers/mallory/not-an-id.md", "not an arXiv id"),
        ("readers/mallory/2101.00005.md", "is not '2101.00005'"),
        ("readers/mallory/2101.00006.md", "no front matter"),  # a symlink arrives as a file of its target's name
        ("readers/[red]bad name", "not a reader's name"),
        ("readers/evil", "not a folder"),  # a symlink to a folder outside: never followed
    ]:
        assert any(line.startswith(f"skipped {name}: ") and why in line for line in report.skipped), (name, skipped)
    assert all("\n" not in line for line in report.skipped)
    assert not any(os.path.islink(p) for p in repository_dir(alice).rglob("*"))


def test_cli_sync_remembers_the_remote_and_prints_one_line(cli, db_path, remote, tmp_path):
    cli("add", "--help")  # the library exists
    result = cli("sync")
    assert result.exit_code == 1 and "readr sync REMOTE --as NAME" in result.output
    result = cli("sync", remote, "--as", "../etc")
    assert result.exit_code == 1 and "cannot be a reader's name" in result.output
    result = cli("sync", remote, "--as", "alice")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == [
        f"synced as alice with {remote}: 0 notes sent, 0 notes from your other machines, "
        "0 teammate notes from 0 readers"
    ]
    result = cli("sync")
    assert result.exit_code == 0 and result.stdout.startswith("synced as alice with ")
    result = cli("sync", str(tmp_path / "missing"))
    assert result.exit_code == 1 and "cannot fetch from" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_show_json_lists_teammates_notes(libraries, remote, cli_for):
    alice, bob = libraries("alice"), libraries("bob")
    add_read(alice, PAPER, "Alice's.", ["vision"])
    add_read(bob, PAPER, "Bob's.")
    sync(alice, remote, "alice")
    sync(bob, remote, "bob")
    shown = json.loads(cli_for(bob)("show", "2202.06709", "--json").stdout)
    assert shown["summary"] == "Bob's."
    assert [(t["reader"], t["status"], t["tags"], t["summary"]) for t in shown["team"]] == [
        ("alice", "read", ["vision"], "Alice's.")
    ]
    assert shown["team"][0]["read_at"] == alice.get("2202.06709").read_at
    text = cli_for(bob)("show", "2202.06709").stdout
    assert "alice (read, read " in text and "Alice's." in text


@pytest.fixture
def cli_for():
    from typer.testing import CliRunner

    from readr.cli import app

    def make(lib: Store):
        def run(*args: str):
            return CliRunner().invoke(app, ["--db", str(lib.path), *args])

        return run

    return make


def test_team_digest_lists_every_paper_once_with_each_summary_attributed(libraries, remote, cli_for):
    alice, bob = libraries("alice"), libraries("bob")
    add_read(alice, PAPER, "Alice: **attention smooths**.")
    add_read(bob, PAPER, "- Bob's list item\n- second")
    add_read(bob, OTHER, "Only Bob read this.")
    bob.upsert_arxiv({"arxiv_id": "2401.00003", "version": 1, "title": "Bob is reading"}, status="reading")
    sync(alice, remote, "alice")
    sync(bob, remote, "bob")
    sync(alice)
    result = cli_for(alice)("export", "--week", "--team")
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.count("How Do Vision Transformers Work?") == 1
    assert "*alice:* Alice: **attention smooths**.\n\n*bob:*\n\n- Bob's list item\n- second" in page
    assert "[**An old-style paper**](https://arxiv.org/abs/hep-th/9901001) *bob:* Only Bob read this." in page
    assert "Bob is reading" not in page
    assert "2 papers in the week of" in result.stderr
    # Without --team, the reader's own digest as before.
    own = cli_for(alice)("export", "--week").stdout
    assert "bob" not in own and "Alice: **attention smooths**." in own


def test_reader_filter_finds_the_papers_a_teammate_has(libraries, remote, cli_for):
    alice, bob = libraries("alice"), libraries("bob")
    add_read(alice, PAPER, "Alice on transformers.")
    alice.upsert_arxiv({"arxiv_id": "2401.00003", "version": 1, "title": "Alice is reading this"}, status="reading")
    add_read(bob, OTHER, "Only Bob read this.")
    add_read(bob, PAPER, "Bob on transformers too.")
    sync(alice, remote, "alice")
    sync(bob, remote, "bob")

    def keys(text: str, **options) -> list[str]:
        return sorted(hit.paper.key for hit in bob.search(text, **options))

    assert keys("reader:alice") == ["2202.06709", "2401.00003"]
    assert keys("reader:alice transformers") == ["2202.06709"]
    assert keys("reader:alice status:read") == ["2202.06709"]  # Bob's own status
    assert keys("reader:alice", include_catalogue=False) == ["2202.06709"]  # on Bob's reading list
    assert keys("reader:carol") == []
    assert keys("reader:Alice") == []  # names are folder names, matched as written
    assert bob.count_matches(parse_query("reader:alice")) == 2

    result = cli_for(bob)("search", "reader:alice")
    assert result.exit_code == 0, result.output
    listed = [line.split("\t")[0] for line in result.stdout.splitlines()]  # piped: one paper a line
    assert listed == ["2202.06709", "2401.00003"]
    result = cli_for(bob)("search", "reader:")
    assert result.exit_code != 0 and "reader: needs a value, e.g. reader:alice" in result.output


def test_web_entries_and_local_pdfs_sync_under_their_stable_keys(libraries, remote):
    laptop, desktop = libraries("laptop"), libraries("desktop")
    page, _ = laptop.add_web("https://example.org/posts/attention?x=1&y=2", "A blog post on attention")
    laptop.set_summary(page.key, "The post, **summarised**.")
    laptop.set_status([page.key], "read")
    assert laptop.add_local("pdf-0123456789ab", "A scanned report", authors=["R. Author"])
    report = sync(laptop, remote, "alice")
    assert report.sent == 2
    files = git("ls-tree", "-r", "--name-only", "HEAD", cwd=repository_dir(laptop)).split()
    assert sorted(files) == sorted([f"readers/alice/{page.key}.md", "readers/alice/pdf-0123456789ab.md"])
    text = (repository_dir(laptop) / "readers" / "alice" / f"{page.key}.md").read_text(encoding="utf-8")
    assert f'key: "{page.key}"\nsource: "web"\nurl: "https://example.org/posts/attention?x=1&y=2"\n' in text
    assert "arxiv:" not in text

    report = sync(desktop, remote, "alice")
    assert report.received == 2
    there = desktop.get(page.key)
    assert (there.url, there.title, there.status, there.summary, there.source) == (
        "https://example.org/posts/attention?x=1&y=2", "A blog post on attention", "read", "The post, **summarised**.",
        "web")
    assert there.takeaways == ["summarised"]
    local = desktop.get("pdf-0123456789ab")
    assert (local.title, local.authors, local.status, local.source, local.latest_version) == (
        "A scanned report", ["R. Author"], "to-read", "local", None)

    # Both machines change them; they converge, and the web page's summary conflict is kept like any other.
    desktop.set_status(["pdf-0123456789ab"], "reading")
    desktop.set_summary(page.key, "Desktop's take.")
    laptop.set_summary(page.key, "Laptop's take.")
    sync(desktop)
    report = sync(laptop)
    assert report.conflicts == [page.key]
    sync(desktop)
    for lib in (laptop, desktop):
        assert lib.get("pdf-0123456789ab").status == "reading"
        assert (lib.get(page.key).summary, lib.summary_conflict(page.key)) == ("Laptop's take.", "Desktop's take.")
    assert laptop.own_notes() == desktop.own_notes()

    # A teammate gets them as catalogue entries, with the web page's link.
    bob = libraries("bob")
    sync(bob, remote, "bob")
    assert bob.get(page.key).status is None and bob.get(page.key).url.startswith("https://example.org/")
    assert [n.reader for n in bob.team_notes("pdf-0123456789ab")] == ["alice"]


def test_hostile_keys_of_papers_without_an_arxiv_id_stay_inside_the_folders(libraries, remote, tmp_path):
    alice = libraries("alice")
    sync(alice, remote, "alice")
    clone = tmp_path / "mallory"
    git("clone", "-q", remote, str(clone), cwd=tmp_path)
    folder = clone / "readers" / "mallory"
    folder.mkdir(parents=True)
    good = Note(arxiv_id="web-00112233aa", source="web", url="https://evil.example/\x1b]8;;x\x07", status="read",
                title="\x1b[2JA web page", summary="fine")
    (folder / "web-00112233aa.md").write_text(render(good), encoding="utf-8")
    (folder / "web-0011223344.md").write_text(
        render(good).replace('key: "web-00112233aa"', 'key: "../../../etc/passwd"'), encoding="utf-8")
    (folder / "pdf-00112233aa.md").write_text(render(replace(good, arxiv_id="pdf-00112233aa", source="arxiv")))
    (folder / "web-XYZ.md").write_text(render(replace(good, arxiv_id="web-XYZ")))
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", "mallory", cwd=clone)
    git("push", "-q", "origin", "HEAD:main", cwd=clone)

    report = sync(alice)
    skipped = "\n".join(report.skipped)
    assert "readers/mallory/web-0011223344.md: its key '../../../etc/passwd' is not 'web-0011223344'" in skipped
    assert "readers/mallory/pdf-00112233aa.md: source 'arxiv' is not one of local" in skipped
    assert "readers/mallory/web-XYZ.md: the name is not an arXiv id" in skipped
    paper = alice.get("web-00112233aa")
    assert paper.title == "[2JA web page" and paper.url == "https://evil.example/]8;;x" and paper.status is None
    assert [n.reader for n in alice.team_notes("web-00112233aa")] == ["mallory"]
    assert alice.find("../../../etc/passwd") is None


def test_publish_keeps_month_pages_and_a_gitbook_summary_that_never_conflict(libraries, remote, cli_for):
    from datetime import datetime

    from readr.clock import clock

    readers = {name: libraries(name) for name in ("ann", "ben", "cy")}
    clock.fix(datetime(2024, 4, 30, 10, 0))  # a Tuesday: its week ends on Sunday 2024-5-5, in May's page
    add_read(readers["ann"], PAPER, "Ann: **attention smooths**.")
    clock.fix(datetime(2024, 5, 1, 10, 0))
    add_read(readers["ben"], PAPER, "Ben agrees.")
    add_read(readers["cy"], OTHER, "Cy on strings.")
    clock.fix(datetime(2024, 6, 10, 10, 0))
    add_read(readers["cy"], {"arxiv_id": "2401.00003", "version": 1, "title": "June's paper"}, "Cy in June.")
    # Each publishes in turn, twice round: every round lands on top of the others' pushes.
    for turn in range(2):
        for name, lib in readers.items():
            report = sync(lib, remote, name, publish=True) if turn == 0 else sync(lib)
            assert report.pages is not None and "digest page" in report.line()
    repo = repository_dir(readers["cy"])
    files = sorted(git("ls-tree", "-r", "--name-only", "HEAD", cwd=repo).split())
    published = [f for f in files if not f.startswith("readers/")]
    assert published == ["SUMMARY.md", "digest/2024-05.md", "digest/2024-06.md"]
    assert (repo / "SUMMARY.md").read_text() == (
        "# Summary\n\n## Reading digest\n\n* [2024-6](digest/2024-06.md)\n* [2024-5](digest/2024-05.md)\n")
    may = (repo / "digest" / "2024-05.md").read_text()
    assert may.startswith("# 2024-5\n\n### 2024-5-5:\n\n[**How Do Vision Transformers Work?**]")
    assert "*ann:* Ann: **attention smooths**.\n\n*ben:* Ben agrees." in may
    assert "*cy:* Cy on strings." in may and "June" not in may
    assert git("log", "--merges", "--oneline", cwd=repo) == ""
    working_copy_is_clean(readers["cy"])

    # The pages are the same whoever renders them: a round with nothing new commits nothing.
    head = git("rev-parse", "HEAD", cwd=repo)
    for lib in readers.values():
        report = sync(lib)
        assert (report.sent, report.pages) == (0, 0), git("show", "HEAD", cwd=repository_dir(lib))
    assert git("ls-remote", remote, "refs/heads/main", cwd=repo).split()[0] == head.strip()

    # A title corrected by its reader reaches the teammates' catalogue entries: still one page.
    readers["cy"].edit_metadata("hep-th/9901001", title="An old-style paper, corrected")
    sync(readers["cy"])
    for lib in readers.values():
        sync(lib)
    assert "An old-style paper, corrected" in (repo / "digest" / "2024-05.md").read_text()
    assert sync(readers["ann"]).pages == 0 and sync(readers["ben"]).pages == 0

    # A change by one reader is in the page after their next round; a reader not publishing
    # leaves the pages alone, and the next publisher's round brings them up to date.
    dan = libraries("dan")
    clock.fix(datetime(2024, 6, 11, 10, 0))
    add_read(dan, OTHER, "Dan read it too.")
    report = sync(dan, remote, "dan")
    assert report.pages is None and "digest page" not in report.line()
    june_before = git("show", "HEAD:digest/2024-06.md", cwd=repository_dir(dan))
    assert "Dan" not in june_before
    assert sync(readers["ann"]).pages == 1
    june = (repository_dir(readers["ann"]) / "digest" / "2024-06.md").read_text()
    assert "*dan:* Dan read it too." in june and "*cy:* Cy in June." in june
    # --no-publish is remembered too.
    assert sync(readers["ann"], publish=False).pages is None
    assert readers["ann"].get_meta("sync.publish") == "0"
    result = cli_for(readers["ben"])("sync", "--no-publish")
    assert result.exit_code == 0 and "digest page" not in result.stdout


def test_follows_sync_between_one_readers_machines_and_never_to_teammates(libraries, remote):
    laptop, desktop, bob = libraries("laptop"), libraries("desktop"), libraries("bob")
    laptop.add_follow("category", "cs.LG")
    laptop.add_follow("author", "Yann LeCun")
    bob.add_follow("category", "hep-th")
    sync(bob, remote, "bob")
    sync(laptop, remote, "alice")
    repo = repository_dir(laptop)
    assert (repo / "follows" / "alice.md").read_text() == (
        "# Feeds alice follows (readr follow; readr fetch pulls them)\n\n- author Yann LeCun\n- category cs.LG\n")
    desktop.add_follow("query", "ti:diffusion")
    report = sync(desktop, remote, "alice")
    assert report.follows == 2 and "2 follows from your other machines" in report.line()
    assert desktop.follow_pairs() == {("category", "cs.LG"), ("author", "Yann LeCun"), ("query", "ti:diffusion")}

    # A removal on one machine reaches the other; an addition on the other is kept.
    desktop.remove_follow("author", "Yann LeCun")
    sync(desktop)
    laptop.add_follow("category", "cs.CL")
    sync(laptop)
    sync(desktop)
    expected = {("category", "cs.LG"), ("category", "cs.CL"), ("query", "ti:diffusion")}
    assert laptop.follow_pairs() == desktop.follow_pairs() == expected
    # Bob's follows are his: never alice's, and alice's never his.
    sync(bob)
    assert bob.follow_pairs() == {("category", "hep-th")}
    assert ("category", "hep-th") not in laptop.follow_pairs()


def test_a_hand_edited_follows_file_keeps_its_good_lines(libraries, remote, tmp_path):
    lib = libraries("alice")
    lib.add_follow("category", "cs.LG")
    sync(lib, remote, "alice")
    clone = tmp_path / "edit"
    git("clone", "-q", "-b", "main", remote, str(clone), cwd=tmp_path)
    (clone / "follows" / "alice.md").write_text(
        "# mine\n\n- category cs.LG\n- category not a category\n- planet Mars\n* author \x1b[31mA. Person\n")
    git("commit", "-qam", "by hand", cwd=clone)
    git("push", "-q", "origin", "HEAD:main", cwd=clone)
    report = sync(lib)
    assert lib.follow_pairs() == {("category", "cs.LG"), ("author", "[31mA. Person")}
    assert [line.split(":")[0] for line in report.skipped] == ["skipped follows/alice.md"] * 2
    assert "line 4" in report.skipped[0] and "line 5" in report.skipped[1]


def test_resolve_keep_settles_without_an_editor(libraries, remote, cli_for):
    laptop, desktop = libraries("laptop"), libraries("desktop")
    add_read(laptop, PAPER, "Before.")
    sync(laptop, remote, "alice")
    sync(desktop, remote, "alice")
    laptop.set_summary("2202.06709", "Laptop **text**.")
    desktop.set_summary("2202.06709", "Desktop text.")
    sync(laptop)
    sync(desktop)
    result = cli_for(desktop)("sync", "--resolve", "2202.06709", "--keep", "other")
    assert result.exit_code == 0, result.output
    paper = desktop.get("2202.06709")
    assert (paper.summary, paper.takeaways, desktop.summary_conflict(paper.key)) == ("Laptop **text**.", ["text"], None)
    assert cli_for(desktop)("sync", "--keep", "this").exit_code == 1
    result = cli_for(desktop)("sync", "--resolve", "2202.06709", "--keep", "both")
    assert result.exit_code == 1 and "keep 'this' machine's text or the 'other' one" in result.output
    result = cli_for(desktop)("sync", "--resolve", "2202.06709", "--keep", "this")
    assert result.exit_code == 1 and "no second text" in result.output
    sync(desktop)
    sync(laptop)
    assert laptop.summary_conflict("2202.06709") is None and laptop.get("2202.06709").summary == "Laptop **text**."


def test_sync_reports_its_stages_to_a_progress_callback(libraries, remote):
    alice = libraries("alice")
    add_read(alice, PAPER, "Mine.")
    stages: list[str] = []
    sync(alice, remote, "alice", progress=stages.append)
    assert stages == ["fetching", "merging 1 note", "writing", "pushing"]
    stages.clear()
    sync(alice, progress=stages.append)
    assert stages == ["fetching", "merging 1 note", "writing"]  # nothing to push


def test_own_notes_as_sqlite_writes_them_are_the_notes_the_library_holds(libraries):
    lib = libraries("alice")
    add_read(lib, PAPER, "Ünïcödé \"quoted\" \\ back\nslash **take**\ttab", ["Zeta", "alpha", "Élan", "b c"])
    add_read(lib, OTHER, "")
    lib.upsert_arxiv({"arxiv_id": "2401.00003", "title": "No version", "authors": []}, status="inbox")
    lib.upsert_arxiv({"arxiv_id": "2401.00004", "version": 1, "title": "Catalogue only"}, status=None)
    texts = lib.own_note_texts()
    assert sorted(texts) == ["2202.06709", "2401.00003", "hep-th/9901001"]
    notes = {key: Note.from_json(text) for key, text in texts.items()}
    paper = lib.get("2202.06709")
    assert notes["2202.06709"] == Note(
        arxiv_id="2202.06709", version=2, title=PAPER["title"], authors=tuple(PAPER["authors"]), status="read",
        tags=tuple(paper.tags), added_at=paper.added_at, read_at=paper.read_at,
        summary_updated_at=notes["2202.06709"].summary_updated_at, summary=paper.summary,
    )
    assert paper.tags == ["alpha", "b c", "Zeta", "Élan"]
    assert notes["2401.00003"].version is None and notes["2401.00003"].authors == ()
    assert lib.own_note_texts(only=["hep-th/9901001", "2401.00004"]) == {"hep-th/9901001": texts["hep-th/9901001"]}
    assert lib.own_note_texts(only=[]) == {}


def test_sql_written_notes_of_papers_without_an_arxiv_id_are_those_named_by_a_local_key(libraries):
    lib = libraries("alice")
    page, _ = lib.add_web("https://example.org/a-post", "A post")
    lib.set_summary(page.key, "Read **it**.")
    keys = ["pdf-0123456789ab", "pdf-0123456789AB", "pdf-01234", "doc-0123456789ab", "pdf-" + "a" * 65,
            "bib-" + "b" * 64]
    for key in keys:
        assert lib.add_local(key, f"Local {key[:8]}", authors=["R. Author"])
    texts = lib.own_note_texts()
    assert sorted(texts) == sorted([page.key, "pdf-0123456789ab", "bib-" + "b" * 64])
    assert sorted(texts) == sorted(key for key in [page.key, *keys] if LOCAL_KEY.match(key))
    assert Note.from_json(texts[page.key]) == Note(
        arxiv_id=page.key, title="A post", status="to-read", added_at=lib.get(page.key).added_at,
        summary_updated_at=lib.get(page.key).summary_updated_at, summary="Read **it**.", source="web",
        url="https://example.org/a-post",
    )
    local = Note.from_json(texts["pdf-0123456789ab"])
    assert (local.version, local.source, local.url, local.authors) == (None, "local", None, ("R. Author",))
    assert lib.own_note_texts(only=["pdf-0123456789ab", "pdf-01234"]) == {
        "pdf-0123456789ab": texts["pdf-0123456789ab"]}
