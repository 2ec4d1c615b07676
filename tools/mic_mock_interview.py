"""A mock interview in the real app through a virtual microphone, printed as it happens.

Starts a virtual PulseAudio server (``tests/virtual_audio.py``), runs the app headless with the
real microphone path (sounddevice), speaker (pyttsx3/espeak-ng into a virtual sink) and Whisper,
and plays the demo's recorded answer for each question into the microphone, and the demo's
answer to the follow-up whenever the interviewer asks one. Each question, follow-up, answer as
heard and the first tip is printed; the session ends with the scorecard (Markdown) and the
history session it was saved to. Needs pulseaudio, pulseaudio-utils, libportaudio2, espeak-ng.

    .venv/bin/python tools/mic_mock_interview.py [--behavioral N] [--seed S] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from starcoach.adapters.audio_files import load_audio, save_wav  # noqa: E402
from starcoach.adapters.fixtures import DemoClips  # noqa: E402
from starcoach.core.mock_interview import load_mock_set, plan_mock_interview  # noqa: E402
from starcoach.reports.scorecard import scorecard_markdown  # noqa: E402
from starcoach.storage.paths import mock_set_file  # noqa: E402
from tests import virtual_audio as va  # noqa: E402


def say(who: str, text: str) -> None:
    """Print one line of the session, wrapped."""
    print(textwrap.fill(f"{who}: {text}", 96, subsequent_indent="    "), flush=True)


async def until(pilot, condition, tries: int = 3000) -> bool:
    """Let the app run until ``condition()`` holds (up to ``tries`` x 0.1 s)."""
    for _ in range(tries):
        if condition():
            return True
        await pilot.pause(0.1)
    return False


async def session(args: argparse.Namespace, folder: Path, wavs: Path) -> int:
    """Run the mock interview in the app; print it; 0 when it reached the scorecard."""
    from starcoach.services import InterviewOptions, build_services
    from starcoach.ui.app import InterviewApp
    from starcoach.ui.screens.interview import InterviewScreen
    from starcoach.ui.screens.scorecard import ScorecardScreen

    clips = DemoClips()
    options = InterviewOptions(silence_stop_s=2.5, max_answer_s=120, mock=True)
    services = build_services(options, data_dir=folder)
    plan = plan_mock_interview(services.question_sets, load_mock_set(mock_set_file()),
                               args.behavioral, args.seed, clips.keys("interview"))
    app = InterviewApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = InterviewScreen(services, plan.as_question_set(), options, mock=plan)
        app.push_screen(screen)
        for index, question in enumerate(plan.questions):
            await until(pilot, lambda i=index: screen.index == i)
            say("Interviewer", question.text)
            asked = 0
            while True:
                if not await until(pilot, lambda: screen.state in ("recording", "feedback",
                                                                   "failed") and (
                        screen.state != "recording" or screen.mic_live)):
                    return 1
                if screen.state != "recording":
                    break
                follow = screen.flow.follow_up
                clip = clips.follow_up_for(question.id) if follow else clips.get(
                    "interview", question.id)
                assert clip is not None
                wav = save_wav(wavs / f"{question.id}-{asked}.wav", load_audio(clip.path))
                va.play_into_mic(wav).wait(timeout=300)
                asked += 1
                await until(pilot, lambda: screen.state != "recording")
                await until(pilot, lambda: screen.state in ("feedback", "failed") or (
                    screen.flow.follow_up and screen.state == "recording" and screen.mic_live))
                if screen.state == "recording" and asked == 1:  # once, when first asked
                    text = str(screen.query_one("#question").render()).split("Follow-up: ")[-1]
                    say("Interviewer", f"(follow-up) {text}")
            if screen.state == "failed":
                say("App", str(screen.query_one("#status").render()))
                return 1
            analysis = screen.records[-1].analysis
            say("Candidate (heard)", analysis.transcript)
            tips = analysis.get("tips") or ["No tips: a strong answer."]
            say("Coach", tips[0])
            print(flush=True)
            await pilot.press("n")
        if not await until(pilot, lambda: isinstance(app.screen, ScorecardScreen)):
            return 1
        card = app.screen.card  # type: ignore[attr-defined]
        print(scorecard_markdown(card))
        screen.flow.join()
        await pilot.pause(1.0)
    from starcoach.storage.history import History

    with History.open(folder, read_only=True) as history:
        saved = [s for s in history.sessions() if history.scorecard(s.id)]
        print(f"Saved to the history: session {saved[-1].id if saved else '(none)'} in {folder}")
    return 0 if saved else 1


def main(argv: list[str] | None = None) -> int:
    """Start the virtual sound server, run the session, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--behavioral", type=int, default=2, help="behavioral questions")
    parser.add_argument("--seed", type=int, default=1, help="plan seed (default 1)")
    parser.add_argument("--data-dir", type=Path, help="history folder (default: a temporary one)")
    args = parser.parse_args(argv)
    if not va.available():
        print("mic_mock_interview: pulseaudio, pactl, paplay and parec are needed",
              file=sys.stderr)
        return 2
    env = va.start()
    os.environ.pop("PULSE_SERVER", None)
    os.environ.update(env)
    try:  # the interviewer speaks into the speaker sink, not into the microphone
        subprocess.run(["pactl", "set-default-sink", va.SPEAKER_SINK], env=va._client_env(),
                       check=True)
        with tempfile.TemporaryDirectory() as tmp:
            folder = args.data_dir or Path(tmp) / "data"
            return asyncio.run(session(args, folder, Path(tmp)))
    finally:
        va.stop()


if __name__ == "__main__":
    raise SystemExit(main())
