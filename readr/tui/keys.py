"""Every key binding of the TUI, each with an id, so a config file can remap it.

A binding's `description` is its short footer label; its `tooltip` is the longer name the
command palette and the help screen show (`palette_name`), so both read from this one table.

`[keymap]` in config.toml maps a binding id to comma-separated keys, e.g. `"mark-read" = "x"`;
the app hands it to `App.set_keymap` on mount. The help screen (`?`) lists ids and keys.
Screens take a copy (`BINDINGS = [*MAIN_BINDINGS]`): Textual types BINDINGS as a list of any
BindingType, and a list of Binding is not one to a type checker.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding

# Bindings of the whole app (active on every screen).
APP_BINDINGS = [
    Binding("q", "quit", "Quit", show=False, id="quit",
            tooltip="Quit readr"),
    Binding("question_mark", "help", "Help", id="help",
            tooltip="Help: every key binding"),
    Binding("ctrl+t", "change_theme", "Theme", show=False, id="theme",
            tooltip="Theme (saved in config.toml)"),
]

# Bindings of the library screen.
MAIN_BINDINGS = [
    Binding("slash", "focus_search", "Search", id="search",
            tooltip="Search the library"),
    Binding("a", "add", "Add", id="add",
            tooltip="Add papers from arXiv (ids, URLs or a query)"),
    Binding("e", "edit", "Summary", id="edit",
            tooltip="Edit the summary"),
    Binding("E", "edit_external", "$EDITOR", show=False, id="edit-external",
            tooltip="Edit the summary in $EDITOR"),
    Binding("m", "edit_metadata", "Fix details", show=False, id="edit-metadata",
            tooltip="Fix the title, authors or year"),
    Binding("plus,T", "tag", "Tag", id="tag",
            tooltip="Tag the selected papers"),
    Binding("r", "status('read')", "Read", id="mark-read",
            tooltip="Mark read"),
    Binding("s", "status('reading')", "Reading", show=False, id="mark-reading",
            tooltip="Mark as reading"),
    Binding("w", "status('to-read')", "Keep", id="mark-to-read",
            tooltip="Keep to read"),
    Binding("d", "status('dismissed')", "Dismiss", show=False, id="dismiss",
            tooltip="Dismiss"),
    Binding("i", "status('inbox')", "Inbox", show=False, id="mark-inbox",
            tooltip="Move back to the inbox"),
    Binding("delete,D", "delete", "Delete", show=False, id="delete",
            tooltip="Delete from the library"),
    Binding("u", "undo", "Undo", id="undo",
            tooltip="Undo the last change"),
    Binding("p", "digest_preview", "Digest", id="digest-preview",
            tooltip="Preview the digest (of the read paper's week, else this week)"),
    Binding("f", "fetch_pdfs", "Get PDF", show=False, id="fetch-pdf",
            tooltip="Download the PDF, index its text"),
    Binding("o", "open_link", "Open PDF/link", show=False, id="open-link",
            tooltip="Open the PDF (else the web page)"),
    Binding("O", "open_web", "Open web page", show=False, id="open-web",
            tooltip="Open the web page in the browser"),
    Binding("S", "sync", "Sync", show=False, id="sync",
            tooltip="Sync with the team's git repository (readr sync)"),
    Binding("y", "copy_menu", "Copy", show=False, id="copy",
            tooltip="Copy the citation key, BibTeX entry, link or digest line…"),
    Binding("enter", "zoom", "Details", show=False, id="zoom",
            tooltip="Show details full screen"),
    Binding("1", "view('all')", "All", show=False, id="view-all",
            tooltip="View: All"),
    Binding("2", "view('inbox')", "Inbox", show=False, id="view-inbox",
            tooltip="View: Inbox"),
    Binding("3", "view('to-read')", "To read", show=False, id="view-to-read",
            tooltip="View: To read"),
    Binding("4", "view('reading')", "Reading", show=False, id="view-reading",
            tooltip="View: Reading"),
    Binding("5", "view('read')", "Read", show=False, id="view-read",
            tooltip="View: Read (by week)"),
    Binding("6", "view('dismissed')", "Dismissed", show=False, id="view-dismissed",
            tooltip="View: Dismissed"),
    Binding("7", "view('catalogue')", "Catalogue", show=False, id="view-catalogue",
            tooltip="View: Catalogue (every paper, bulk imports included)"),
    Binding("8", "view('team')", "Team", show=False, id="view-team",
            tooltip="View: Team (papers teammates have, from readr sync)"),
    Binding("v", "pick_tag_view", "Tag view", show=False, id="view-tag",
            tooltip="View: papers with a tag…"),
    Binding("right_square_bracket", "cycle_view(1)", "Next view", show=False, id="next-view",
            tooltip="Next view"),
    Binding("left_square_bracket", "cycle_view(-1)", "Previous view", show=False, id="previous-view",
            tooltip="Previous view"),
    Binding("b", "toggle_inbox_order", "Best first", show=False, id="inbox-order",
            tooltip="Inbox: best first (by relevance) / in arrival order"),
    Binding("R", "related", "More like this", show=False, id="related",
            tooltip="More like this: the papers most like this one"),
    Binding("escape", "clear", "Clear", show=False, id="clear",
            tooltip="Clear the search / selection"),
]

# Bindings of the paper list (when it has focus).
LIST_BINDINGS = [
    Binding("down,j", "cursor_down", "Down", show=False, id="cursor-down"),
    Binding("up,k", "cursor_up", "Up", show=False, id="cursor-up"),
    Binding("home,g", "cursor_first", "First", show=False, id="cursor-first",
            tooltip="Go to the first paper"),
    Binding("end,G", "cursor_last", "Last", show=False, id="cursor-last",
            tooltip="Go to the last paper"),
    Binding("pagedown,ctrl+d", "page_down", "Page down", show=False, id="page-down"),
    Binding("pageup,ctrl+u", "page_up", "Page up", show=False, id="page-up"),
    Binding("space", "toggle_select", "Select, move down", show=False, id="select",
            tooltip="Select / unselect the paper and move down"),
    Binding("ctrl+a", "select_all", "Select all", show=False, id="select-all",
            tooltip="Select every paper of the view (esc clears)"),
]

# The search box.
SEARCH_BINDINGS = [
    Binding("escape", "leave", "Back to list", id="search-leave"),
    Binding("down", "leave", "Back to list", show=False, id="search-down"),
]

# The summary editor.
EDITOR_BINDINGS = [
    Binding("ctrl+s", "save", "Save", priority=True, id="editor-save"),
    Binding("escape", "close", "Save & close", priority=True, id="editor-close"),
    Binding("ctrl+o", "toggle_preview", "Preview", priority=True, id="editor-preview"),
    Binding("ctrl+r", "revert", "Revert", priority=True, id="editor-revert"),
]

# The digest preview.
DIGEST_BINDINGS = [
    Binding("escape,q,p", "close", "Back", id="digest-close"),
    Binding("left,h,left_square_bracket", "week(-1)", "Previous", id="digest-previous-week",
            tooltip="Previous week (month on a month page)"),
    Binding("right,l,right_square_bracket", "week(1)", "Next", id="digest-next-week",
            tooltip="Next week (month on a month page)"),
    Binding("g", "go_to", "Go to date", id="digest-go-to",
            tooltip="Go to a date's week or a month: 2022-03-14, 2022-03, last, today"),
    Binding("m", "toggle_raw", "Markdown", id="digest-raw",
            tooltip="Markdown source"),
    Binding("a", "toggle_unsummarized", "With unsummarized", id="digest-all",
            tooltip="Include papers read without a summary (export --all)"),
    Binding("t", "this_week", "This week", show=False, id="digest-this-week"),
]

# Dialogs.
ADD_BINDINGS = [
    Binding("escape", "cancel", "Cancel", id="add-cancel"),
    Binding("ctrl+s", "add", "Add selected", priority=True, id="add-confirm"),
]
TAG_BINDINGS = [
    Binding("escape", "cancel", "Cancel", id="tag-cancel"),
    Binding("tab", "complete", "Complete", priority=True, id="tag-complete"),
]
METADATA_BINDINGS = [
    Binding("escape", "cancel", "Cancel", id="metadata-cancel"),
]
# The copy chooser (y): one key per thing to copy; the palette lists each too.
COPY_BINDINGS = [
    Binding("k", "pick('key')", "Citation key", id="copy-key",
            tooltip="Copy the citation key"),
    Binding("b", "pick('bibtex')", "BibTeX", id="copy-bibtex",
            tooltip="Copy the BibTeX entry"),
    Binding("l", "pick('link')", "Link", id="copy-link",
            tooltip="Copy the paper's link"),
    Binding("d", "pick('digest')", "Digest line", id="copy-digest",
            tooltip="Copy the paper's digest line"),
    Binding("escape,y", "cancel", "Cancel", id="copy-cancel"),
]
HELP_BINDINGS = [
    Binding("escape,question_mark,q", "close", "Close", id="help-close"),
    Binding("j,down", "scroll_down", "Down", show=False, id="help-down"),
    Binding("k,up", "scroll_up", "Up", show=False, id="help-up"),
]

ALL_GROUPS = [
    ("Everywhere", APP_BINDINGS),
    ("Library", MAIN_BINDINGS),
    ("Paper list", LIST_BINDINGS),
    ("Search box", SEARCH_BINDINGS),
    ("Summary editor", EDITOR_BINDINGS),
    ("Digest preview", DIGEST_BINDINGS),
    ("Add dialog", ADD_BINDINGS),
    ("Tag dialog", TAG_BINDINGS),
    ("Details dialog", METADATA_BINDINGS),
    ("Copy chooser", COPY_BINDINGS),
    ("Help", HELP_BINDINGS),
]


# Where bindings are active together, the binding tried first first: the focused widget's, then
# the screen's, then the app's (Textual's order; the editor's are priority bindings). A text
# field types printable keys before any binding of the screen or the app sees them.
CONTEXTS = [
    ("the library", [LIST_BINDINGS, MAIN_BINDINGS, APP_BINDINGS], False),
    ("the search box", [SEARCH_BINDINGS, MAIN_BINDINGS, APP_BINDINGS], True),
    ("the summary editor", [EDITOR_BINDINGS, APP_BINDINGS], True),
    ("the digest preview", [DIGEST_BINDINGS, APP_BINDINGS], False),
    ("the add dialog", [ADD_BINDINGS, APP_BINDINGS], True),
    ("the tag dialog", [TAG_BINDINGS, APP_BINDINGS], True),
    ("the help screen", [HELP_BINDINGS, APP_BINDINGS], False),
]
RENAMED_IDS = {"select-visible": "select-all", "toggle-theme": "theme"}


def palette_name(binding: Binding) -> str:
    """What the command palette and the help screen call a binding."""
    return binding.tooltip or binding.description


def binding_ids() -> set[str]:
    return {b.id for _, group in ALL_GROUPS for b in group if b.id}


def key_name(key: str) -> str:
    """A key as Textual names it: "?" is "question_mark", "+" is "plus" (as in BINDINGS)."""
    from textual.keys import _character_to_key

    key = key.strip()
    return _character_to_key(key) if len(key) == 1 else key


def normalize_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """Key names as Textual's set_keymap makes them ("x, ?" is "x,question_mark"), to compare
    them with BINDINGS; renamed binding ids under their new name."""
    out = {}
    for binding_id, keys in keymap.items():
        names = [key_name(k) for k in keys.split(",") if k.strip()]
        out[RENAMED_IDS.get(binding_id, binding_id)] = ",".join(names)
    return out


def keys_for(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The keys a binding answers to after remapping (as written in BINDINGS / the keymap)."""
    return normalize_keymap(keymap).get(binding.id or "") or binding.key


BINDINGS_BY_ID = {b.id: b for _, group in ALL_GROUPS for b in group if b.id}


def keymap_of(owner: object) -> Mapping[str, str]:
    """The [keymap] of the app (its config's), of a Config, or a keymap itself; {} for an app
    without a config."""
    if isinstance(owner, Mapping):
        return owner
    config = getattr(owner, "config", owner)
    keymap = getattr(config, "keymap", None)
    return keymap if isinstance(keymap, Mapping) else {}


def key_of(owner: object, binding_id: str, *, capitalized: bool = False) -> str:
    """The first key of a binding as the reader has it after [keymap] remapping, as the screen
    shows keys ("e", "esc", "+", "ctrl+s"): every hint that names a key takes it from here, so a
    remap changes the hint. `owner` as for `keymap_of`. `capitalized`: a key name as the word
    that starts a clause ("Esc closes"); a one-character key stays as it is (E is another key)."""
    first = keys_for(BINDINGS_BY_ID[binding_id], keymap_of(owner)).split(",")[0]
    key = display_keys(first)
    return key[:1].upper() + key[1:] if capitalized and len(key) > 1 else key


def display_keys(keys: str) -> str:
    """"question_mark,ctrl+a" as "?, ctrl+a": single characters as typed, other names in full."""
    from textual.keys import KEY_DISPLAY_ALIASES, format_key

    def shown(key: str) -> str:
        key = key.strip()
        if key == "escape":
            return "esc"
        if key in KEY_DISPLAY_ALIASES or key in ("up", "down", "left", "right"):
            return key  # enter, tab, arrows: their names, not glyphs
        character = format_key(key)
        return character if len(character) == 1 else key

    return ", ".join(shown(k) for k in keys.split(","))


def _winners(keymap: dict[str, str]) -> tuple[dict[tuple[str, str], str], set[tuple[str, str, str, str]]]:
    """For each (context, key) the binding id a key press runs, and every (context, key, winner,
    loser) where a binding is shadowed by another on the same key."""
    winners: dict[tuple[str, str], str] = {}
    shadowed: set[tuple[str, str, str, str]] = set()
    remapped = normalize_keymap(keymap)
    for context, groups, typing in CONTEXTS:
        for level, group in enumerate(groups):
            # In one widget's bindings a remapped key replaces the binding that had it (Textual's
            # apply_keymap); otherwise the first binding of a key runs.
            for binding in sorted(group, key=lambda b: b.id not in remapped):
                for key in keys_for(binding, keymap).split(","):
                    if typing and level > 0 and len(key_name(key)) == 1:
                        continue  # typed into the text field
                    slot = (context, key_name(key))
                    if slot in winners:
                        if winners[slot] != binding.id:
                            shadowed.add((*slot, winners[slot], binding.id or ""))
                    else:
                        winners[slot] = binding.id or ""
    return winners, shadowed


def check_keymap(keymap: dict[str, str]) -> list[str]:
    """What a [keymap] breaks, one line each (reported at start; not fatal): ids that name no
    binding, a key given to two bindings where both are active (the first one wins), and a
    binding left with no key that reaches it. What the default keys already do on purpose
    (q closes the digest preview rather than quitting) is not reported."""
    problems = []
    known = binding_ids()
    unknown = sorted(k for k in keymap if k not in known and k not in RENAMED_IDS)
    if unknown:
        help_key = key_of(keymap, "help")
        problems.append("Unknown binding ids: " + ", ".join(unknown) + f" ({help_key} lists them).")
    for old, new in RENAMED_IDS.items():
        if old in keymap:
            problems.append(f"{old!r} is now called {new!r}; rename it in [keymap].")
    winners, shadowed = _winners(keymap)
    default_winners, default_shadowed = _winners({})
    clashes: dict[tuple[str, str, str], list[str]] = {}
    for context, key, winner, loser in sorted(shadowed - default_shadowed):
        clashes.setdefault((key, winner, loser), []).append(context)
    for (key, winner, loser), contexts in clashes.items():
        where = ", ".join(contexts)
        problems.append(f"{display_keys(key)} is bound to {winner} and to {loser} ({where}): {winner} runs.")
    reached = set(winners.values())
    for binding_id in sorted(set(default_winners.values()) - reached):
        note = " (ctrl+q still quits)" if binding_id == "quit" else ""
        problems.append(f"{binding_id} has no key left that reaches it{note}.")
    return problems
