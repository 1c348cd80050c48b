"""A checkbox that says on or off in its shape (☑/☐), not only in its colour."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    """`Checkbox` drawn as ☑ (on) or ☐ (off), readable without colour."""

    @property
    def _button(self) -> Content:
        return Content.styled("☑" if self.value else "☐", "bold")
