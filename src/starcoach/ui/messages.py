"""Messages that workers post to the screens (events in the past tense)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from starcoach.recording.events import FlowEvent, LevelMeasured


@dataclass
class FlowUpdated(Message):
    """The recording flow reported a step (``starcoach.recording.events``)."""

    event: FlowEvent

    def can_replace(self, message: Message) -> bool:
        """Only the latest microphone level matters."""
        return (
            isinstance(message, FlowUpdated)
            and isinstance(self.event, LevelMeasured)
            and isinstance(message.event, LevelMeasured)
        )
