"""A one-line input level meter."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

FLOOR_DB = -60.0


class LevelMeter(Widget):
    """Shows the microphone level in dBFS as a bar, green / yellow / red."""

    DEFAULT_CSS = """
    LevelMeter { height: 1; width: 1fr; }
    """
    level_dbfs: reactive[float] = reactive(FLOOR_DB)

    def render(self) -> Text:
        width = max(self.size.width - 12, 10)
        fraction = min(max((self.level_dbfs - FLOOR_DB) / -FLOOR_DB, 0.0), 1.0)
        filled = int(round(fraction * width))
        style = "red" if self.level_dbfs > -3 else "yellow" if self.level_dbfs > -12 else "green"
        bar = Text("Mic ", style="bold")
        bar.append("█" * filled, style=style)
        bar.append("░" * (width - filled), style="dim")
        bar.append(f" {max(self.level_dbfs, FLOOR_DB):5.0f} dB")
        return bar
