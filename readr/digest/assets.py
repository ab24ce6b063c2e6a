"""Local images of an exported page: copy them into an assets folder next to the page and
point the summary's links there. Remote images (http:, https:, data:, //host) stay as they are.

A relative image path is looked up against the folder of the page the entry was imported
from, then the library's data folder, then the current folder. Only regular files with an
image extension are copied: a page imported from a stranger must not be able to publish
`~/.ssh/id_rsa` by naming it as an image.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from urllib.parse import quote, unquote

from ..record import field, record

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".tif", ".tiff", ".avif", ".ico"}
)
# ![alt](dest "title") with dest either <...> or without spaces; and <img ... src="...">.
_MD_IMAGE = re.compile(r"(!\[(?:\\.|[^\]\\])*\]\(\s*)(<[^>\n]*>|[^)\s]+)((?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\))")
_HTML_IMAGE = re.compile(r"(<img\b[^>]*?\bsrc\s*=\s*)(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_REMOTE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:|//|#)")


@record
class AssetCopier:
    page: Path
    search_dirs: list[Path] = field(default_factory=list)
    folder_name: str = "assets"
    copied: dict[Path, str] = field(default_factory=dict)  # source -> link written
    missing: list[str] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.page.parent / self.folder_name

    def rewrite(self, summary: str, base_dir: str | None = None) -> str:
        def md(match: re.Match[str]) -> str:
            dest = match.group(2)
            angle = dest.startswith("<")
            raw = dest[1:-1] if angle else dest
            new = self._localize(raw, base_dir)
            if new is None:
                return match.group(0)
            return match.group(1) + new + match.group(3)

        def html(match: re.Match[str]) -> str:
            quote_char = match.group(2)[0]
            new = self._localize(match.group(2)[1:-1], base_dir)
            if new is None:
                return match.group(0)
            return match.group(1) + quote_char + new + quote_char

        return _HTML_IMAGE.sub(html, _MD_IMAGE.sub(md, summary))

    def _find(self, raw: str, base_dir: str | None) -> Path | None:
        name = unquote(raw.replace("\\", "/") if "\\" in raw and "/" not in raw else raw)
        candidate = Path(name).expanduser()
        bases = ([Path(base_dir)] if base_dir else []) + list(self.search_dirs) + [Path.cwd()]
        options = [candidate] if candidate.is_absolute() else [b / candidate for b in bases]
        for option in options:
            if option.suffix.lower() in IMAGE_SUFFIXES and option.is_file():
                # Judge the file itself, not the name of a symlink to it ("x.png" -> ~/.ssh/id_rsa).
                resolved = option.resolve()
                if resolved.suffix.lower() in IMAGE_SUFFIXES and resolved.is_file():
                    return resolved
        return None

    def _localize(self, raw: str, base_dir: str | None) -> str | None:
        if not raw or _REMOTE.match(raw):
            return None
        source = self._find(raw, base_dir)
        if source is None:
            if raw not in self.missing:
                self.missing.append(raw)
            return None
        if source in self.copied:
            return self.copied[source]
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / source.name
        if target.exists() and target.resolve() != source:
            if target.read_bytes() != source.read_bytes():
                digest = hashlib.sha1(source.read_bytes()).hexdigest()[:8]
                target = self.folder / f"{source.stem}-{digest}{source.suffix}"
        if not target.exists():
            shutil.copyfile(source, target)
        link = quote(f"{self.folder_name}/{target.name}", safe="/-_.~")
        self.copied[source] = link
        return link


@record
class AssetLinker(AssetCopier):
    """For a page written to stdout, whose folder is unknown: summaries are kept as written,
    except images that exist only in the library's folder (`readr figures --insert` puts them
    there), which no relative link can reach from elsewhere: those are linked by their absolute
    path on this computer, and listed in `copied`. Publishing needs copies (`export -o FILE`)."""

    page: Path = Path("-")

    def _localize(self, raw: str, base_dir: str | None) -> str | None:
        if not raw or _REMOTE.match(raw) or Path(unquote(raw)).expanduser().is_absolute():
            return None
        if base_dir and (Path(base_dir) / unquote(raw)).exists():
            return None  # relative to the page it was imported from: valid where that page lives
        source = AssetCopier(self.page, search_dirs=self.search_dirs)._find(raw, None)
        if source is None or not any(_inside(source, folder) for folder in self.search_dirs):
            return None
        link = quote(source.as_posix(), safe="/-_.~")
        self.copied[source] = link
        return link


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True
