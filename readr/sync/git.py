"""The `git` command, run without a shell, in the library's own clone of the shared repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..errors import ReadrError


class GitError(ReadrError):
    """git failed; the message is one line: what readr was doing and git's own last words."""


class PushRejected(GitError):
    """Someone pushed meanwhile: fetch, merge and try again."""


def _last_words(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.lower().startswith("fatal:"):
            return " ".join(line[len("fatal:"):].split())
    return " ".join(lines[-1].split()) if lines else "no message"


class Git:
    def __init__(self, repo: Path, lock_fd: int | None = None):
        """`lock_fd`: the library's sync lock, handed down to every git process, so that the lock
        stays held while a git of this round lives on (readr killed, git still running)."""
        self.repo = repo
        self.pass_fds = () if lock_fd is None else (lock_fd,)
        env = dict(os.environ)
        # Never wait on a password prompt in a terminal readr holds: git's credential helpers and
        # the ssh agent still answer; without them the fetch fails with one line.
        env["GIT_TERMINAL_PROMPT"] = "0"
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        env["LC_ALL"] = "C"  # git's messages in English, so a rejected push is recognised
        self.env = env

    def run(self, *args: str, doing: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            result = subprocess.run(
                ["git", *args], cwd=self.repo, env=self.env, capture_output=True, text=True,
                encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL, pass_fds=self.pass_fds,
            )
        except FileNotFoundError:
            raise GitError("readr sync needs the git command, which is not installed (or not on PATH)") from None
        if check and result.returncode != 0:
            raise GitError(f"{doing} failed: {_last_words(result.stderr)}")
        return result

    def out(self, *args: str, doing: str) -> str:
        return self.run(*args, doing=doing).stdout.strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, doing="", check=False).returncode == 0

    def push(self, branch: str) -> None:
        result = self.run("push", "-q", "origin", f"HEAD:refs/heads/{branch}", doing="pushing", check=False)
        if result.returncode == 0:
            return
        text = result.stderr.lower()
        if "[rejected]" in text or "fetch first" in text or "non-fast-forward" in text or "stale info" in text:
            raise PushRejected("the push was rejected: someone pushed meanwhile")
        raise GitError(f"pushing failed: {_last_words(result.stderr)}")
