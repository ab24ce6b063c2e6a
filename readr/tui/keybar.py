"""The key hints at the bottom of the library screen: Textual's Footer, drawn as one widget.

Textual's `Footer` mounts a widget per key and rebuilds all of them at every change of the
active bindings (focus moves, screens open). The library screen changes its bindings four or
five times while it starts, and with ten keys that cost about 300 ms of a 1 s start-up on a
2-core machine (measured: Textual 8.2.8). `KeyBar` shows the same keys in the same styles
(the footer component classes of the theme), reads the bindings once per repaint, and handles
clicks and hover itself.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget

BORDER = "▏"  # Textual's "vkey" left border, as the Footer draws it before the palette key


class KeyBar(Widget, can_focus=False):
    """The shown bindings of the screen (key, then description), the palette key on the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keybar--key",
        "keybar--description",
        "keybar--item",
        "keybar--hover",
        "keybar--border",
    }
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .keybar--item {
            background: $footer-item-background;
        }
        & > .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keybar--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .keybar--border {
            color: $foreground 20%;
            background: $footer-item-background;
        }
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # (first cell, end cell, key) of each key drawn last, for clicks and hover.
        self._spans: list[tuple[int, int, str]] = []
        self._hover: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        self.refresh()

    # --- what to show ---------------------------------------------------------------------------

    def items(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        """The shown bindings, one per action in the order they are active (enabled flags), and
        the command palette binding if it is shown."""
        try:
            active = self.screen.active_bindings
        except Exception:  # noqa: BLE001 - not attached yet
            return [], None
        by_action: dict[str, tuple[Binding, bool]] = {}
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = (binding, enabled)
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                palette = (found[1], found[2])
        return list(by_action.values()), palette

    # --- drawing ----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != 0 or width <= 0:
            return Strip.blank(width, base)
        keys, palette = self.items()
        item = base + self.get_component_rich_style("keybar--item")
        # Partial styles: a transparent key background lets the hover background through.
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        description_style = self.get_component_rich_style("keybar--description", partial=True)
        hover = self.get_component_rich_style("keybar--hover")
        dim = Style(dim=True)

        def parts(binding: Binding, enabled: bool, cell: int, compact: bool) -> list[Segment]:
            shown = self.app.get_key_display(binding)
            key_text = shown if compact else f" {shown} "
            description = binding.description
            hovered = self._hover is not None and self._hover == cell
            outer = item + hover if hovered else item
            if not enabled:
                outer = outer + dim
            if description:
                text = f" {description}" if compact else f"{description} "
                return [Segment(key_text, outer + key_style), Segment(text, outer + description_style)]
            return [Segment(shown, outer + key_style)]

        right: list[Segment] = []
        if palette is not None:
            shown = self.app.get_key_display(palette[0])
            start = max(0, width - (1 + len(shown) + 1 + len(palette[0].description) + 1))
            right = [Segment(BORDER, self.get_component_rich_style("keybar--border"))]
            right += parts(*palette, cell=start, compact=True)
            right.append(Segment(" ", item + hover if self._hover == start else item))
        right_width = sum(len(s.text) for s in right)
        room = max(0, width - right_width)
        left: list[Segment] = []
        spans: list[tuple[int, int, str]] = []
        used = 0
        for binding, enabled in keys:
            segments = parts(binding, enabled, cell=used, compact=False)
            size = sum(len(s.text) for s in segments)
            if used >= room:
                break
            spans.append((used, min(used + size, room), binding.key))
            left += segments
            used += size
        if palette is not None:
            spans.append((room, width, palette[0].key))
        self._spans = spans
        strip = Strip(left).crop(0, room) if used > room else Strip(left)
        filler = [Segment(" " * (room - min(used, room)), base)] if room > used else []
        return Strip([*strip, *filler, *right]).crop(0, width)

    # --- mouse ----------------------------------------------------------------------------------

    def _key_at(self, x: int) -> tuple[int, str] | None:
        for start, end, key in self._spans:
            if start <= x < end:
                return start, key
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        found = self._key_at(event.x)
        cell = found[0] if found else None
        if cell != self._hover:
            self._hover = cell
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        found = self._key_at(event.x)
        if found is None:
            return
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.key == found[1] and not enabled:
                self.app.bell()
                return
        self.app.simulate_key(found[1])
