"""Shared fixtures: the virtual sound server (see tests/audio_support.py)."""

from __future__ import annotations

from tests.audio_support import virtual_audio  # noqa: F401
