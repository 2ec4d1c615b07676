"""The follow-up flow end to end through the real audio path: pyttsx3 reads the question, a
generic answer is played into the virtual PulseAudio microphone, Whisper transcribes it, the
interviewer reads a follow-up aloud (captured from the virtual speaker), a specific answer is
played into the microphone, and the feedback covers both."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from starcoach.adapters.audio_files import load_audio, load_wav, save_wav
from starcoach.adapters.fixtures import DemoClips
from starcoach.core.analysis.contract import to_json
from starcoach.core.questions import Question, QuestionSet
from starcoach.services import InterviewOptions, build_services
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.interview import InterviewScreen
from tests import virtual_audio as va

pytestmark = [pytest.mark.device, pytest.mark.model, pytest.mark.slow]

QUESTION = Question("saying-no", "Tell me about a time you had to say no to a customer.",
                    "communication", "behavioral", set_id="e2e")


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def demo_wav(kind: str, tmp_path: Path) -> tuple[Path, str]:
    """A demo answer (Ogg Opus in the package) as a WAV paplay can play."""
    clip = DemoClips().get(kind, QUESTION.id)
    assert clip is not None, f"no demo {kind} answer for {QUESTION.id}"
    return save_wav(tmp_path / f"{kind}.wav", load_audio(clip.path)), clip.text


async def until(pilot, condition, what: str, tries: int = 1200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"never happened: {what}")


async def test_follow_up_through_the_virtual_microphone(virtual_audio, tmp_path: Path) -> None:
    first_wav, first_text = demo_wav("interview", tmp_path)
    second_wav, second_text = demo_wav("follow_up", tmp_path)
    qset = QuestionSet("e2e", "End to end", "", tmp_path / "e2e.toml", (QUESTION,))
    options = InterviewOptions(question_set="e2e", count=1, silence_stop_s=2.5, max_answer_s=60)
    services = build_services(options, data_dir=tmp_path / "data")
    assert services.speaker is not None, "pyttsx3 with espeak-ng should be available"
    services.question_sets = [qset]
    subprocess.run(["pactl", "set-default-sink", va.SPEAKER_SINK], env=va._client_env(),
                   check=True)
    spoken = tmp_path / "speaker.wav"
    capture = va.capture_speaker(spoken)
    app = InterviewApp(services)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, InterviewScreen)
            await until(pilot, lambda: screen.state == "recording" and screen.mic_live,
                        "microphone open for the answer")
            va.play_into_mic(first_wav).wait(timeout=60)
            await until(pilot, lambda: screen.flow.follow_up and screen.state == "recording"
                        and screen.mic_live, "microphone open for the follow-up answer")
            asked = str(screen.query_one("#question").render())
            assert "\n\nFollow-up: " in asked  # shown under the question while it is answered
            va.play_into_mic(second_wav).wait(timeout=60)
            await until(pilot, lambda: screen.state in ("feedback", "failed"), "feedback")
            assert screen.state == "feedback", str(screen.query_one("#status").render())
            analysis = screen.records[-1].analysis
    finally:
        capture.terminate()
        capture.wait(timeout=5)
        services.speaker.close()
    analysis = to_json(analysis)
    follow = analysis["follow_up"]
    # the generic answer gives no story end: the follow-up asks for it, the story answers it
    assert follow["gap"] in ("generic", "missing_result") and follow["filled"] is True
    assert f"Follow-up: {follow['text']}" in asked
    heard_second = words(follow["analysis"]["transcript"])
    assert len(heard_second & words(second_text)) >= 0.7 * len(words(second_text))
    assert words(analysis["transcript"]) >= heard_second  # the feedback covers both answers
    first_heard = words(" ".join(w["text"] for w in analysis["words"]))  # the first answer's
    assert "warranty" not in first_heard and len(first_heard & words(first_text)) >= 10
    recorded = services.answers_dir.glob("*-saying-no*.wav")  # the answer and the follow-up's
    assert sorted(p.name.endswith("-saying-no-follow-up-1.wav") for p in recorded) == [False, True]
    speech = load_wav(spoken).samples
    assert float(np.sqrt(np.mean(np.square(speech)))) > 0.001  # question and follow-up heard
