"""The readr TUI's Textual app: the library screen as its default screen, the theme and the
keymap from the config, the command palette, and every failed worker turned into a notice."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ..config import Config, load_config
from ..errors import ReadrError
from ..sanitize import clean_line, clean_text
from ..store import Store
from .failures import worker_failure_notice
from .keys import APP_BINDINGS, check_keymap, normalize_keymap
from .screen import LibraryScreen

if TYPE_CHECKING:
    from textual.command import Provider


def _readr_commands() -> type[Provider]:
    """readr's palette commands, imported when the palette first opens."""
    from .commands import ReadrCommands

    return ReadrCommands


class ReadrApp(App):
    """readr's Textual app; build it with `make_app()`."""

    CSS_PATH = "app.tcss"
    TITLE = "readr"
    BINDINGS = [*APP_BINDINGS]
    ENABLE_COMMAND_PALETTE = True
    # False: text cursors never blink (snapshot tests: a blinking cursor is in one frame, not the next).
    cursor_blink = True
    COMMANDS = App.COMMANDS | {_readr_commands}

    def __init__(self, db_path: Path, *, demo: bool = False, config: Config | None = None,
                 client_factory: Callable | None = None):
        super().__init__()
        self.db_path = Path(db_path)
        self.demo = demo
        self.config = config if config is not None else load_config()
        self.client_factory = client_factory or _default_client
        self.store = Store(self.db_path)
        self.title = "readr demo" if demo else "readr"
        self.resume_gc_after_first_frame = False  # run_tui() pauses collections until then
        self.exiting = False  # quit has begun: no key opens anything any more

    def first_frame_shown(self) -> None:
        if self.resume_gc_after_first_frame:
            self.resume_gc_after_first_frame = False
            gc.freeze()
            gc.enable()

    def on_mount(self) -> None:
        try:
            self.theme = self.config.theme
        except Exception:
            self.notify(f"Unknown theme {self.config.theme!r}; using the default.", severity="warning")
        # One way to change the theme (the palette's Theme, or ctrl+t: the same picker), and
        # every change remembered in the config file.
        self.theme_changed_signal.subscribe(self, self._save_theme)
        if self.config.keymap:
            problems = check_keymap(self.config.keymap)
            if problems:
                self.notify("\n".join(problems), title="[keymap] in config.toml", severity="warning", timeout=20)
            self.set_keymap(normalize_keymap(self.config.keymap))

    def get_default_screen(self) -> Screen:
        # The library is the default screen, composed in the app's own start-up. Pushed from
        # on_mount instead, its first frame was painted inside Textual's start-up batch, where
        # nothing reaches the terminal, and showed ~100 ms later with the next repaint.
        return LibraryScreen(self.store, self.config, demo=self.demo)

    @property
    def library(self) -> LibraryScreen:
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                return screen
        raise LookupError("the library screen is not open")

    def notify(
        self, message: str, *, title: str = "", severity="information", timeout=None, markup: bool = False
    ) -> None:
        """Notifications often quote titles and tags: never parse them as markup, strip control chars."""
        super().notify(clean_text(str(message)), title=clean_line(title), severity=severity, timeout=timeout,
                       markup=False)

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.exiting = True
        super().exit(*args, **kwargs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys that arrive in the same burst as quit (a paste, a fast typist) open nothing on an
        # app that is closing: a screen pushed now would mount half-way and fail.
        return not self.exiting

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker of the TUI that fails ends here (screens relay theirs): a notice, not lost."""
        if event.state == WorkerState.ERROR:
            title, message = worker_failure_notice(event.worker, self.db_path)
            self.notify(message, title=title, severity="error", timeout=10)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if not self.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def action_help(self) -> None:
        from .dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.config.keymap))

    def _save_theme(self, theme) -> None:
        from ..config import save_setting
        from ..record import replace

        if theme.name == self.config.theme:
            return
        try:
            path = save_setting("theme", theme.name)
        except ReadrError as exc:
            self.notify(str(exc), title="Theme not saved", severity="warning")
            return
        self.config = replace(self.config, theme=theme.name)
        self.notify(f"Theme {theme.name} saved in {path}.", timeout=3)

    def on_unmount(self) -> None:
        self.store.close()


def _default_client():
    from ..arxiv_api import ArxivClient

    return ArxivClient()

