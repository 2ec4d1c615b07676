"""End to end through the real audio path: pyttsx3 speaks the question, sounddevice records
the answer from a virtual PulseAudio microphone, Whisper transcribes it, the app shows feedback.

The question is spoken into the *same* sink the microphone records, as a laptop's speaker
leaks into its microphone: if recording overlapped the question, its words would appear in
the transcript.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from starcoach.core.questions import Question, QuestionSet
from starcoach.services import InterviewOptions, build_services
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.interview import InterviewScreen
from starcoach.ui.widgets.feedback import FeedbackView
from tests import virtual_audio as va

FIXTURES = Path(__file__).resolve().parents[1] / "audio_fixtures"
QUESTION = "Describe your favourite zebra and the purple mountain where it lives."
QUESTION_ONLY_WORDS = {"zebra", "purple", "mountain", "favourite", "favorite", "lives"}

pytestmark = [pytest.mark.device, pytest.mark.model, pytest.mark.slow]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def pick_fixture() -> tuple[Path, dict]:
    """The shortest recorded answer of 8 s or more (it plays in real time)."""
    found = []
    for js in sorted(FIXTURES.glob("*.json")):
        truth = json.loads(js.read_text())
        wav = js.with_suffix(".wav")
        if wav.exists() and 8 <= truth.get("duration_s", 0) <= 30 and truth.get("text"):
            found.append((truth["duration_s"], wav, truth))
    assert found, "no 8-30 s recorded answer in audio_fixtures/ (run tools/make_fixtures.py)"
    _, wav, truth = min(found, key=lambda item: item[0])
    return wav, truth


def set_default_sink(sink: str) -> None:
    subprocess.run(["pactl", "set-default-sink", sink], env=va._client_env(), check=True)


async def test_spoken_question_recorded_answer_and_feedback(virtual_audio, tmp_path: Path) -> None:
    wav, truth = pick_fixture()
    question = Question("e2e-zebra", QUESTION, "communication", "open", set_id="e2e")
    qset = QuestionSet("e2e", "End to end", "", tmp_path / "e2e.toml", (question,))
    options = InterviewOptions(question_set="e2e", count=1, silence_stop_s=2.5, max_answer_s=60)
    services = build_services(options, data_dir=tmp_path / "data")
    assert services.speaker is not None, "pyttsx3 with espeak-ng should be available"
    services.question_sets = [qset]
    set_default_sink(va.MIC_SINK)  # the question leaks into the microphone, as in a room
    app = InterviewApp(services)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, InterviewScreen)
            for _ in range(600):  # the question is read (several seconds), then the mic opens
                if screen.state == "recording" and screen.mic_live:
                    break
                await pilot.pause(0.05)
            assert screen.state == "recording" and screen.mic_live
            player = va.play_into_mic(wav)
            for _ in range(1200):
                if screen.state in ("feedback", "failed"):
                    break
                await pilot.pause(0.1)
            player.wait(timeout=5)
            assert screen.state == "feedback", str(screen.query_one("#status").render())
            analysis = screen.query_one(FeedbackView).analysis
    finally:
        set_default_sink(va.SPEAKER_SINK)
        services.speaker.close()
    heard = words(analysis.transcript)
    said = set(words(truth["text"]))
    assert not QUESTION_ONLY_WORDS & set(heard), f"question leaked into the answer: {heard}"
    overlap = sum(w in said for w in heard) / max(len(heard), 1)
    assert len(heard) >= 0.7 * len(words(truth["text"]))
    assert overlap >= 0.7, (overlap, analysis.transcript)
    assert analysis.pace.wpm is not None and analysis.pace.wpm > 60
    assert Path(screen.audio_path).stat().st_size > 16000 * 2 * truth["duration_s"] * 0.8
