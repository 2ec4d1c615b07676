"""The demo in the app: the interview and call screens' recordings get the matching answers.

These pin the contract between the screens' recording file names and
``DemoClips.for_recording`` (``<stamp>-<question id>.wav``, ``<stamp>-call-<scenario>-<turn>.wav``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starcoach.adapters.fixtures import (
    DemoClips,
    DemoRecorder,
    SilentSpeaker,
    demo_recorder_factory,
)
from starcoach.core.calls import load_scenarios
from starcoach.services import InterviewOptions, Services, fixture_services
from starcoach.storage.paths import calls_dir
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.call import CallScreen
from starcoach.ui.screens.interview import InterviewScreen
from tests.fakes import ScriptTranscriber


def demo_services(tmp_path: Path, picked: list[DemoRecorder]) -> Services:
    services = fixture_services(InterviewOptions(question_set="behavioral", count=2),
                                answers=[], realtime=False, data_dir=tmp_path / "data",
                                transcriber=ScriptTranscriber("one two three four five six"))
    services.speaker = SilentSpeaker()
    make: Callable[[Path], DemoRecorder] = demo_recorder_factory(DemoClips(), realtime=False)

    def logged(path: Path) -> DemoRecorder:
        recorder = make(path)
        picked.append(recorder)
        return recorder

    services.make_recorder = logged
    return services


async def wait_for_picks(pilot, picked: list[DemoRecorder], count: int) -> None:
    for _ in range(300):
        if len(picked) >= count:
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{len(picked)} recordings started, expected {count}")


async def test_interview_questions_get_their_own_answers(tmp_path: Path) -> None:
    picked: list[DemoRecorder] = []
    services = demo_services(tmp_path, picked)
    app = InterviewApp(services)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("enter")  # the highlighted set: behavioral
        await wait_for_picks(pilot, picked, 1)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        first = screen.questions[0]
        assert (picked[0].clip.kind, picked[0].clip.key) == ("interview", first.id)
        for _ in range(300):
            if screen.state in {"feedback", "failed"}:
                break
            await pilot.pause(0.05)
        # a follow-up answer, if the interviewer asked one, is the demo's answer to it
        assert all(p.clip.kind == "follow_up" and p.clip.key in (first.id, "any")
                   for p in picked[1:])
        answered = len(picked)
        await pilot.press("n")
        await wait_for_picks(pilot, picked, answered + 1)
        assert (picked[answered].clip.kind, picked[answered].clip.key) == (
            "interview", screen.questions[1].id)
        assert picked[0].wav_path.exists()  # the answer is kept, as from a microphone


async def test_call_turns_get_the_call_answers(tmp_path: Path) -> None:
    picked: list[DemoRecorder] = []
    services = demo_services(tmp_path, picked)
    scenario = load_scenarios(calls_dir())[0]
    app = InterviewApp(services)
    async with app.run_test(size=(100, 32)) as pilot:
        app.push_screen(CallScreen(services, scenario))
        await wait_for_picks(pilot, picked, 1)
        assert (picked[0].clip.kind, picked[0].clip.key) == ("call", f"{scenario.id}-1")
