"""One `readr sync` round: fetch, merge, bring the others' notes in, write this reader's, commit, push.

readr keeps its own clone of the shared repository beside the library (`library.files/sync`).
Each round checks that clone out at the remote's branch (git rewrites only the files that
differ), so git itself never merges: the only files two parties can both change are one
reader's own, edited on two machines, and readr merges those note by note (three-way, against
the notes the last completed sync shared, kept in the library with that sync's commit). A
summary edited on both machines keeps both texts: the library keeps this machine's as the
summary and the other's beside it (and in the file, as `summary_conflict`), until the reader
resolves it. The commit of this reader's files then goes on top of the remote's branch and is
pushed as a fast-forward; a rejected push starts the round again.

The work follows what changed, not the size of the repository: the files `git diff` names
between the last completed sync's commit and the remote's are the only ones read (every file
only on a first sync), the reader's notes are compared with the last shared state as text and
only those that differ are merged and written, and one commit of them is pushed.

The reader's follows (readr.sync.follows) merge the same way, as a set; with `publish`, the
team's digest pages (readr.sync.publish) are rendered from the merged notes into the same commit.

The library is written in one transaction before the push, and the merge base only after it,
so a round killed at any point is completed by the next: whatever was merged in is merged
again to the same result, and nothing of this machine's is taken for already shared. A marker
in the clone's .git folder says a round did not finish; the next resets the clone in full, and
removes the lock files a killed git leaves behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator

from ..record import field, field_names, record, replace
from ..clock import clock
from ..errors import ReadrError
from ..sanitize import clean_line
from ..store import Store
from ..store.team import Note
from ..wording import plural
from . import follows as follow_files
from .git import Git, GitError, PushRejected
from .notes import READERS_DIR, BadNote, file_name, key_of_file, parse, read_file, render, valid_reader_name

DEFAULT_BRANCH = "main"
UNFINISHED = "readr-round-unfinished"  # in the clone's .git folder
ATTEMPTS = 5
Progress = Callable[[str], None]


def _no_progress(stage: str) -> None:
    pass


@record
class SyncReport:
    reader: str
    remote: str
    sent: int = 0  # this reader's notes changed in the repository
    received: int = 0  # this reader's notes changed from their other machines
    team_changed: int = 0  # teammates' notes added, changed or removed
    readers: int = 0  # teammates in the repository
    conflicts: list[str] = field(default_factory=list)  # papers whose summary now has two texts
    skipped: list[str] = field(default_factory=list)  # one line per file that could not be read
    attempts: int = 1
    follows: int = 0  # follows added or removed here from the reader's other machines
    pages: int | None = None  # digest pages written or removed (sync --publish), else None

    def line(self) -> str:
        parts = [
            f"{plural(self.sent, 'note')} sent",
            f"{plural(self.received, 'note')} from your other machines",
            f"{plural(self.team_changed, 'teammate note')} from {plural(self.readers, 'reader')}",
        ]
        if self.follows:
            parts.append(f"{plural(self.follows, 'follow')} from your other machines")
        if self.pages is not None:
            parts.append(f"{plural(self.pages, 'digest page')} updated")
        text = f"synced as {self.reader} with {self.remote}: " + ", ".join(parts)
        if self.conflicts:
            text += (f"; {plural(len(self.conflicts), 'summary', 'summaries')} edited on two machines, both "
                     f"texts kept (readr show {self.conflicts[0]})")
        if self.skipped:
            text += f"; {plural(len(self.skipped), 'file')} skipped"
        return text


def repository_dir(store: Store) -> Path:
    return store.data_dir / "sync"


def _remote_address(remote: str) -> str:
    """A path to a repository becomes absolute (the next sync may run from another folder)."""
    if "://" in remote or remote.startswith("git@") or (":" in remote.split("/", 1)[0] and not os.path.exists(remote)):
        return remote
    return str(Path(remote).expanduser().resolve())


@record
class _Lock:
    path: Path
    handle: int = -1

    def __enter__(self) -> "_Lock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.handle)
            raise ReadrError("another readr sync of this library is running; try again when it has finished") from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        os.close(self.handle)


def sync(store: Store, remote: str | None = None, reader: str | None = None, publish: bool | None = None,
         progress: Progress | None = None) -> SyncReport:
    """Run one round; the first time, `remote` and `reader` are required and then remembered,
    as is `publish` (keep the team's digest pages in the repository: readr.sync.publish).
    `progress` is called with each stage of the round ("fetching", "merging 12 notes", ...)."""
    saved_remote, saved_reader = store.get_meta("sync.remote"), store.get_meta("sync.reader")
    if reader is not None:
        reader = reader.strip()
        if not valid_reader_name(reader):
            raise ReadrError(f"{reader!r} cannot be a reader's name: use letters, digits, '.', '_' and '-' "
                             "(at most 64, starting with a letter or digit)")
        if saved_reader and reader != saved_reader and store.sync_base():
            raise ReadrError(f"this library syncs as {saved_reader}; it cannot become {reader}")
    reader = reader or saved_reader
    address = _remote_address(remote) if remote else saved_remote
    if not address or not reader:
        raise ReadrError("no shared repository yet: run readr sync REMOTE --as NAME once (REMOTE: a git URL or path)")
    publishing = publish if publish is not None else store.get_meta("sync.publish") == "1"
    with _Lock(store.data_dir / "sync.lock") as lock:
        report = _Round(store, address, reader, publishing, progress or _no_progress, lock.handle).run()
        store.set_meta("sync.remote", address)
        store.set_meta("sync.reader", reader)
        if publish is not None:
            store.set_meta("sync.publish", "1" if publish else "0")
    return report


def _merge_field(name: str, base: object, ours: object, theirs: object) -> tuple[object, bool]:
    """(value, whether both machines changed a summary to different texts)."""
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    if name == "tags":
        base_set = set(base) if isinstance(base, tuple) else set()
        ours_t = ours if isinstance(ours, tuple) else ()
        theirs_t = theirs if isinstance(theirs, tuple) else ()
        kept = [t for t in ours_t if t in theirs_t or t not in base_set]
        kept += [t for t in theirs_t if t not in base_set and t not in kept]
        return tuple(sorted(kept, key=str.lower)), False
    if name == "summary":
        if not ours:
            return theirs, False
        if not theirs:
            return ours, False
        return ours, True
    return ours, False  # a status or a date set differently on each machine: this machine's stands


def merge_notes(base: Note | None, ours: Note | None, theirs: Note | None) -> tuple[Note | None, bool]:
    """The three-way merge of one of this reader's notes; True when the summary kept two texts."""
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    if ours is None or theirs is None:
        return ours or theirs, False  # removed on one machine, changed on the other: keep the changes
    values: dict[str, object] = {}
    conflict = False
    for name in field_names(Note):
        if name in ("arxiv_id", "other_summary"):
            continue
        value, clash = _merge_field(name, getattr(base, name, None), getattr(ours, name), getattr(theirs, name))
        values[name] = value
        conflict = conflict or clash
    base_other = base.other_summary if base is not None else None
    other: str | None
    if conflict:
        other = theirs.summary
    elif ours.other_summary == base_other:
        other = theirs.other_summary  # resolved (or found) on the other machine only
    elif theirs.other_summary == base_other:
        other = ours.other_summary
    else:
        other = ours.other_summary if ours.other_summary is not None else theirs.other_summary
    merged = replace(ours, **values)
    return replace(merged, other_summary=other), conflict


class _Round:
    def __init__(self, store: Store, remote: str, reader: str, publish: bool = False,
                 progress: Progress = _no_progress, lock_fd: int | None = None):
        self.store = store
        self.remote = remote
        self.reader = reader
        self.publish = publish
        self.progress = progress
        self.repo = repository_dir(store)
        self.lock_fd = lock_fd
        self.git = Git(self.repo, lock_fd)
        self.config: dict[str, str] = {}  # the clone's remote and the committer's name, as git has them
        self.report = SyncReport(reader=reader, remote=remote)

    # --- the local clone ----------------------------------------------------------------------

    def _init_repository(self) -> None:
        if self.repo.is_symlink() or (self.repo.exists() and not (self.repo / ".git").is_dir()):
            raise ReadrError(f"{self.repo} is in the way of readr's clone of the shared repository; move it away")
        if not self.repo.exists():
            self._create_repository()
        self._remove_stale_locks()
        configured = self.git.run("config", "--get-regexp", r"^(remote\.origin\.url|user\.name|user\.email)$",
                                  doing="", check=False).stdout
        self.config = {name: value for name, _, value in (line.partition(" ") for line in configured.splitlines())}
        if self.config.get("remote.origin.url") != self.remote:
            self.git.run("config", "remote.origin.url", self.remote, doing="setting the remote")

    def _create_repository(self) -> None:
        """A new clone, made beside its place and moved in whole: a round killed meanwhile leaves
        no half-made clone in the way of the next."""
        partial = self.repo.with_name(self.repo.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        git = Git(partial, self.lock_fd)
        git.run("init", "-q", doing="creating the local clone")
        # Teammates' symbolic links are checked out as plain files holding the link's text;
        # git's housekeeping runs inside the round (a kill ends it too), never left behind.
        # Index version 4 and the untracked cache: git's advice for trees of many files.
        for name, value in (("core.symlinks", "false"), ("core.autocrlf", "false"), ("gc.autoDetach", "false"),
                            ("index.version", "4"), ("core.untrackedCache", "true"),
                            ("remote.origin.url", self.remote)):
            git.run("config", name, value, doing="configuring the local clone")
        os.rename(partial, self.repo)

    def _remove_stale_locks(self) -> None:
        """Locks a git killed with readr left in its clone (only this round, holding the library's
        sync lock, runs git there): each would stop every later round."""
        meta = self.repo / ".git"
        stale = [meta / name for name in ("index.lock", "HEAD.lock", "ORIG_HEAD.lock", "FETCH_HEAD.lock",
                                          "packed-refs.lock", "config.lock", "shallow.lock")]
        stale += (meta / "refs").rglob("*.lock")
        for path in stale:
            if path.is_file() and not path.is_symlink():
                path.unlink()

    def _fetch(self) -> tuple[str, str | None, str | None]:
        """(branch, its commit on the remote or None for an empty repository, the commit of
        this clone's branch of that name or None)."""
        result = self.git.run("fetch", "-q", "--prune", "origin", "+refs/heads/*:refs/remotes/origin/*",
                              doing="fetching", check=False)
        if result.returncode != 0:
            from .git import _last_words

            raise GitError(f"cannot fetch from {self.remote}: {_last_words(result.stderr)}")
        tips: dict[str, str] = {}
        local: dict[str, str] = {}
        for line in self.git.out("for-each-ref", "--format=%(refname) %(objectname)", "refs/remotes/origin/",
                                 "refs/heads/", doing="listing branches").splitlines():
            ref, _, objectname = line.partition(" ")
            if ref.startswith("refs/heads/"):
                local[ref[len("refs/heads/"):]] = objectname
            elif ref != "refs/remotes/origin/HEAD":
                tips[ref[len("refs/remotes/origin/"):]] = objectname
        branch = DEFAULT_BRANCH if DEFAULT_BRANCH in tips or len(tips) != 1 else next(iter(tips))
        return branch, tips.get(branch), local.get(branch)

    def _last_sync_commit(self, commit: str | None) -> str | None:
        """The commit the last completed sync left the branch at, when this clone has it; a
        GitError when the remote's branch is not of its history."""
        last = self.store.get_meta("sync.commit")
        if not last or last == commit:
            return last or None
        if commit is not None:
            found = self.git.run("merge-base", last, commit, doing="", check=False).returncode
            if found == 0:
                return last
        if not self.git.ok("cat-file", "-e", f"{last}^{{commit}}"):
            return None  # a clone made afresh: nothing to compare with, every file is read
        raise GitError(f"{self.remote} holds a history unrelated to this library's last sync (was it replaced "
                       "or emptied?); nothing was changed")

    def _checkout(self, branch: str, commit: str | None, clean: bool) -> None:
        """The clone at the remote's branch: git rewrites the files that differ (and with `clean`,
        removes files it does not track: after an interrupted round, or before reading every file)."""
        if commit is None:  # an empty remote: start the branch from nothing
            self.git.run("symbolic-ref", "HEAD", f"refs/heads/{branch}", doing="starting the branch")
            if self.git.ok("rev-parse", "-q", "--verify", f"refs/heads/{branch}"):
                self.git.run("update-ref", "-d", f"refs/heads/{branch}", doing="starting the branch")
            self.git.run("read-tree", "--empty", doing="starting the branch")
            clean = True
        else:
            self.git.run("checkout", "-q", "-f", "-B", branch, commit, doing="checking out the shared notes")
        if clean:
            self.git.run("clean", "-q", "-f", "-d", "-x", doing="cleaning the local clone")

    def _on_branch(self, branch: str) -> bool:
        try:
            return (self.repo / ".git" / "HEAD").read_text(encoding="utf-8").strip() == f"ref: refs/heads/{branch}"
        except (OSError, UnicodeDecodeError):
            return False

    # --- notes --------------------------------------------------------------------------------

    def _skip(self, where: str, why: str) -> None:
        self.report.skipped.append(f"skipped {clean_line(where)[:200]}: {why}")

    def _reader_dirs(self) -> Iterator[tuple[str, Path]]:
        root = self.repo / READERS_DIR
        if not root.is_dir() or root.is_symlink():
            return
        for entry in sorted(os.scandir(root), key=lambda e: e.name):
            if not valid_reader_name(entry.name):
                self._skip(f"{READERS_DIR}/{ascii(entry.name)[1:-1]}", "not a reader's name")
            elif not entry.is_dir(follow_symlinks=False):
                self._skip(f"{READERS_DIR}/{entry.name}", "not a folder")
            else:
                yield entry.name, Path(entry.path)

    def _read_note(self, reader: str, path: Path) -> Note | None:
        where = f"{READERS_DIR}/{reader}/{ascii(path.name)[1:-1]}"
        arxiv_id = key_of_file(path.name)
        if arxiv_id is None:
            self._skip(where, "the name is not an arXiv id (or a web-, pdf- or bib- key) followed by .md")
            return None
        try:
            return parse(read_file(path), arxiv_id)
        except BadNote as exc:
            self._skip(where, str(exc))
            return None

    def _read_folder(self, reader: str, folder: Path) -> tuple[dict[str, Note], set[str]]:
        """The notes in a reader's folder, and the file names that could not be read."""
        notes: dict[str, Note] = {}
        unreadable: set[str] = set()
        if not folder.is_dir() or folder.is_symlink():
            return notes, unreadable
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            note = self._read_note(reader, Path(entry.path))
            if note is None:
                unreadable.add(entry.name)
            else:
                notes[note.arxiv_id] = note
        return notes, unreadable

    def _changed_since_last_sync(self, last: str | None, commit: str | None) -> dict[str, set[str]] | None:
        """The note files changed from the last completed sync's commit to `commit`, as file
        names by reader folder; None when there is no such commit to compare with (then every
        folder is read in full)."""
        if last is None or commit is None:
            return None
        if last == commit:
            return {}
        names = self.git.out("diff", "--name-only", "--no-renames", "-z", last, commit, "--", f"{READERS_DIR}/",
                             doing="listing changed notes")
        changed: dict[str, set[str]] = {}
        for name in names.split("\0"):
            parts = name.split("/")
            if len(parts) == 3:
                changed.setdefault(parts[1], set()).add(parts[2])
        return changed

    def _own_changes_in_repository(self, own_dir: Path, changed: dict[str, set[str]] | None
                                   ) -> tuple[dict[str, Note | None] | None, set[str]]:
        """This reader's notes the remote's branch holds other than as the last completed sync
        left them (its files hold that sync's merge base: only the files changed since are read),
        by arXiv id (None: removed); None for all of them (no last sync to compare with: every
        file read). Also the file names that could not be read."""
        if changed is None or (os.path.lexists(own_dir) and (own_dir.is_symlink() or not own_dir.is_dir())):
            return None, set()
        notes: dict[str, Note | None] = {}
        unreadable: set[str] = set()
        for name in sorted(changed.get(self.reader, ())):
            arxiv_id = key_of_file(name)
            path = own_dir / name
            if not os.path.lexists(path):
                if arxiv_id:
                    notes[arxiv_id] = None
                continue
            note = self._read_note(self.reader, path)
            if note is None:
                unreadable.add(name)
            else:
                notes[note.arxiv_id] = note
        return notes, unreadable

    def _team_changes(self, changed: dict[str, set[str]] | None
                      ) -> tuple[dict[str, list[Note]], list[tuple[str, str]], list[str]]:
        """Teammates' notes to store, (reader, id) pairs to drop, readers whose notes are all replaced."""
        team: dict[str, list[Note]] = {}
        removed: list[tuple[str, str]] = []
        replaced: list[str] = []
        readers = 0
        known = set(self.store.team_readers())
        present: set[str] = set()
        for reader, folder in self._reader_dirs():
            if reader == self.reader:
                continue
            readers += 1
            present.add(reader)
            if changed is None or reader not in known:
                notes, _ = self._read_folder(reader, folder)
                team[reader] = list(notes.values())
                replaced.append(reader)
                self.report.team_changed += len(notes)
                continue
            for name in sorted(changed.get(reader, ())):
                path = folder / name
                if not os.path.lexists(path):
                    arxiv_id = key_of_file(name)
                    if arxiv_id:
                        removed.append((reader, arxiv_id))
                        self.report.team_changed += 1
                    continue
                note = self._read_note(reader, path)
                if note is not None:
                    team.setdefault(reader, []).append(note)
                    self.report.team_changed += 1
        for gone in known - present:
            replaced.append(gone)  # a teammate's whole folder was removed
            self.report.team_changed += len(self.store.team_paper_keys(gone))
        self.report.readers = readers
        return team, removed, replaced

    # --- the round ----------------------------------------------------------------------------

    def run(self) -> SyncReport:
        self._init_repository()
        for attempt in range(1, ATTEMPTS + 1):
            self.report = SyncReport(reader=self.reader, remote=self.remote, attempts=attempt)
            try:
                self._attempt()
                return self.report
            except PushRejected:
                if attempt == ATTEMPTS:
                    raise GitError(f"the push to {self.remote} was rejected {ATTEMPTS} times (others keep pushing); "
                                   "your changes are kept, run readr sync again") from None
        raise AssertionError("unreachable")

    def _attempt(self) -> None:
        self.progress("fetching")
        branch, commit, local_tip = self._fetch()
        last = self._last_sync_commit(commit)
        # Present from here until the round is recorded: a round that did not finish (killed,
        # push rejected, an error) may have left files half-written, and the next resets all.
        unfinished = self.repo / ".git" / UNFINISHED
        interrupted = unfinished.exists()
        unfinished.touch()
        if interrupted or local_tip != commit or not self._on_branch(branch):
            self._checkout(branch, commit, clean=interrupted or last is None)
        changed = self._changed_since_last_sync(last, commit)
        own_dir = self.repo / READERS_DIR / self.reader
        base_texts = self.store.sync_base_texts()
        ours_texts = self.store.own_note_texts()
        theirs_changed, unreadable = self._own_changes_in_repository(own_dir, changed)
        if theirs_changed is None:
            theirs, unreadable = self._read_folder(self.reader, own_dir)
            candidates = set(base_texts) | set(ours_texts) | set(theirs)
            in_branch = set(theirs)
        else:
            # Unchanged on both sides since the last sync: nothing to merge.
            candidates = set(theirs_changed) | (set(base_texts) ^ set(ours_texts))
            candidates |= {key for key, text in ours_texts.items() if base_texts.get(key, text) != text}
            in_branch = {key for key in base_texts if key not in theirs_changed}
            in_branch |= {key for key, note in theirs_changed.items() if note is not None}
        self.progress(f"merging {plural(len(set(ours_texts) | in_branch), 'note')}")
        base = {key: Note.from_json(base_texts[key]) for key in candidates if key in base_texts}
        ours = {key: Note.from_json(ours_texts[key]) for key in candidates if key in ours_texts}
        if theirs_changed is not None:
            theirs = {key: note for key, note in base.items() if key not in theirs_changed}
            theirs.update({key: note for key, note in theirs_changed.items() if note is not None})
        in_repository = dict(theirs)
        changed_here: list[Note] = []
        removed_here: list[str] = []
        for arxiv_id in sorted(candidates):
            if arxiv_id not in theirs and file_name(arxiv_id) in unreadable:
                theirs_note: Note | None = ours.get(arxiv_id)  # an unreadable file changes nothing here
            else:
                theirs_note = theirs.get(arxiv_id)
            note, conflict = merge_notes(base.get(arxiv_id), ours.get(arxiv_id), theirs_note)
            if conflict:
                self.report.conflicts.append(arxiv_id)
            if note != ours.get(arxiv_id):
                if note is None:
                    removed_here.append(arxiv_id)
                else:
                    changed_here.append(note)
        self.report.received = len(changed_here) + len(removed_here)
        team, team_removed, team_replaced = self._team_changes(changed)
        self.progress("writing")
        follows = self._merge_follows()
        if changed_here or removed_here or team or team_removed or team_replaced:
            self.store.apply_sync(changed_here, removed_here, team, team_removed, team_replaced)

        written_texts = ours_texts
        if changed_here or removed_here:
            # As the library now holds them (it may normalise what it stored): the next merge's base.
            written_texts = {key: text for key, text in ours_texts.items() if key not in removed_here}
            written_texts.update(self.store.own_note_texts(only=[note.arxiv_id for note in changed_here]))
        written = {key: Note.from_json(written_texts[key]) for key in candidates if key in written_texts}
        self._write_own(own_dir, {key: written.get(key) for key in candidates}, in_repository, unreadable)
        paths = [f"{READERS_DIR}/{self.reader}"]
        if follows or os.path.lexists(self.repo / follow_files.file_path(self.reader)):
            self._write_follows(follows)
            paths.append(follow_files.file_path(self.reader))
        if self.publish:
            from .publish import DIGEST_DIR, SUMMARY_FILE, write_pages

            write_pages(self.store, self.repo, self.reader)
            paths += [DIGEST_DIR, SUMMARY_FILE]
        self.git.run("add", "-A", "--", *paths, doing="staging your notes")
        staged = self.git.out("diff", "--cached", "--name-only", doing="listing your changes").splitlines()
        notes = [name for name in staged if name.startswith(f"{READERS_DIR}/")]
        follows_staged = follow_files.file_path(self.reader) in staged
        if self.publish:
            self.report.pages = len(staged) - len(notes) - follows_staged
        head = commit or ""
        if staged:
            self.report.sent = len(notes)
            what = [plural(len(notes), "note") + " changed"] if notes else []
            what += ["follows changed"] if follows_staged else []
            what += ["digest pages updated"] if self.report.pages else []
            self._commit(f"{self.reader}: {', '.join(what)}")
            self.progress("pushing")
            self.git.push(branch)
            head = self.git.out("rev-parse", "HEAD", doing="reading the commit")
        self.store.set_sync_base(written_texts, clock.now_iso(), head, previous=base_texts)
        self.store.set_meta("sync.follows", json.dumps(sorted(follows), ensure_ascii=False))
        unfinished.unlink()

    def _merge_follows(self) -> set[tuple[str, str]]:
        """The reader's follows merged with their file (from their other machines), applied to
        the library; never a teammate's."""
        ours = self.store.follow_pairs()
        saved = self.store.get_meta("sync.follows")
        base = {(kind, value) for kind, value in json.loads(saved)} if saved else None
        where = follow_files.file_path(self.reader)
        path = self.repo / where
        theirs: set[tuple[str, str]] = set()
        if os.path.lexists(path):
            try:
                theirs, bad = follow_files.parse(read_file(path))
            except BadNote as exc:
                self._skip(where, str(exc))
                return ours  # an unreadable file changes nothing here, and is written anew
            for line in bad:
                self._skip(where, line)
        merged = follow_files.merge(base, ours, theirs)
        if merged != ours:
            self.report.follows = len(merged ^ ours)
            self.store.replace_follows(merged)
        return merged

    def _write_follows(self, follows: set[tuple[str, str]]) -> None:
        path = self.repo / follow_files.file_path(self.reader)
        if os.path.lexists(path.parent) and (path.parent.is_symlink() or not path.parent.is_dir()):
            os.unlink(path.parent)
        path.parent.mkdir(exist_ok=True)
        if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                os.unlink(path)
        path.write_text(follow_files.render(self.reader, follows), encoding="utf-8")

    def _write_own(self, own_dir: Path, notes: dict[str, Note | None], in_repository: dict[str, Note],
                   unreadable: set[str]) -> None:
        """Write the notes (None: remove its file) that differ from the files the branch holds
        (`in_repository`); a file that could not be read is left as it is."""
        if os.path.lexists(own_dir) and (own_dir.is_symlink() or not own_dir.is_dir()):
            os.unlink(own_dir)
            in_repository = {}
        own_dir.mkdir(parents=True, exist_ok=True)
        for arxiv_id, note in notes.items():
            name = file_name(arxiv_id)
            if name in unreadable or in_repository.get(arxiv_id) == note:
                continue
            path = own_dir / name
            if note is not None:
                path.write_bytes(render(note).encode("utf-8"))
            elif path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif os.path.lexists(path):
                os.unlink(path)

    def _commit(self, message: str) -> None:
        identity: list[str] = []
        if "user.email" not in self.config:
            identity += ["-c", f"user.email={self.reader}@readr.invalid"]
        if "user.name" not in self.config:
            identity += ["-c", f"user.name={self.reader}"]
        self.git.run(*identity, "commit", "-q", "--no-verify", "-m", message, doing="committing your notes")
