"""The interviewer who listens, in the interview room (Pilot): an answer missing its result gets
a spoken follow-up, the second answer is recorded, and the feedback covers both; k skips the
follow-up, t starts the question afresh, and follow-ups can be switched off."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from starcoach.adapters.audio_files import load_wav, save_wav
from starcoach.adapters.fixtures import RecordingSpeaker
from starcoach.core.analysis.contract import to_json
from starcoach.core.followups import FollowUpSettings
from starcoach.core.models import AudioClip
from starcoach.services import InterviewOptions, Services, fixture_services
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.interview import InterviewScreen
from starcoach.ui.widgets.feedback import FeedbackView
from tests.fakes import ScriptTranscriber, burst_wav, wait_for_screen_state
from tests.ui_support import HeldMicrophone, wait_until

NO_RESULT = ("Last winter I worked the front desk at a small hotel . A guest on a business "
             "trip had lost his phone charger before a big meeting . I had to help him fast . "
             "First I checked our lost and found . Then I went out on my lunch break and "
             "bought him one with my own money .")
RESULT = "In the end he thanked me and gave us a five star review the next day ."
FOLLOW_UP = "And how did that turn out for the customer?"


class TwoScripts(ScriptTranscriber):
    """The answer's words for the answer, the follow-up answer's words for the follow-up."""

    def __init__(self) -> None:
        super().__init__(NO_RESULT)
        self.scripts = (NO_RESULT.split(), RESULT.split())

    def use(self, follow_up: bool) -> None:
        self.script = self.scripts[follow_up]


class Answers:
    """``make_recorder``: the first answer plays whole; the follow-up answer plays whole, or
    (``hold_follow_up``) holds the microphone open until stopped."""

    def __init__(self, tmp_path: Path, transcriber: TwoScripts, hold_follow_up: bool = False):
        self.first = burst_wav(tmp_path / "first.wav", len(NO_RESULT.split()))
        self.second = burst_wav(tmp_path / "second.wav", len(RESULT.split()))
        self.transcriber = transcriber
        self.hold = hold_follow_up
        self.paths: list[Path] = []
        self.held: list[HeldMicrophone] = []

    def __call__(self, path: Path) -> object:
        follow_up = "-follow-up-" in path.name
        self.transcriber.use(follow_up)
        self.paths.append(path)
        if follow_up and self.hold:
            mic = HeldMicrophone(self.second, path, blocks=5)
            self.held.append(mic)
            return mic
        return _Whole(self.second if follow_up else self.first, path)


class _Whole:
    def __init__(self, wav: Path, path: Path) -> None:
        self.wav, self.path = wav, path

    def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        clip = load_wav(self.wav)
        size = clip.sample_rate // 10
        for start in range(0, len(clip.samples), size):
            if stop.is_set():
                break
            on_block(AudioClip(clip.samples[start:start + size], clip.sample_rate))
        save_wav(self.path, clip)
        return clip


def make_services(tmp_path: Path, follow_ups: FollowUpSettings | None = None,
                  hold_follow_up: bool = False) -> tuple[Services, Answers]:
    transcriber = TwoScripts()
    options = InterviewOptions(question_set="behavioral", count=1,
                               follow_ups=follow_ups or FollowUpSettings())
    services = fixture_services(options, answers=[tmp_path / "unused.wav"], realtime=False,
                                data_dir=tmp_path / "data", transcriber=transcriber)
    answers = Answers(tmp_path, transcriber, hold_follow_up)
    services.make_recorder = answers  # type: ignore[assignment]
    services.speaker = RecordingSpeaker()
    return services, answers


async def start(app: InterviewApp, pilot) -> InterviewScreen:
    """Start the behavioral set with the setup screen's own options (follow-up switch)."""
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, InterviewScreen), "interview")
    screen = app.screen
    assert isinstance(screen, InterviewScreen)
    assert screen.question.id == "above-and-beyond"  # the first behavioral question
    return screen


def rendered(widget, selector: str) -> str:
    return str(widget.query_one(selector).render())


async def test_missing_result_gets_a_spoken_follow_up_and_combined_feedback(tmp_path) -> None:
    services, answers = make_services(tmp_path)
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await start(app, pilot)
        screen = await wait_for_screen_state(app, pilot, InterviewScreen, "feedback")
        spoken = services.speaker.spoken
        assert spoken == [screen.question.text, FOLLOW_UP]  # asked aloud, after the question
        assert [p.name.endswith("-above-and-beyond-follow-up-1.wav") for p in answers.paths] \
            == [False, True] and all(p.exists() for p in answers.paths)
        assert f"Follow-up: {FOLLOW_UP}" in rendered(screen, "#question")
        view = screen.query_one(FeedbackView)
        tips = rendered(view, "#tips")
        assert tips.startswith("➜ The follow-up filled the gap (how it ended)")
        assert "five star review" in tips
        assert "five star review" in rendered(view, "#follow-up-transcript")
        assert "lunch break" in rendered(view, "#transcript")
        analysis = to_json(screen.records[-1].analysis)
        assert analysis["follow_up"]["filled"] is True
        assert "result" not in analysis["star"]["missing"]
        assert len(screen.records) == 1  # one answer: the question and its follow-up together
        assert screen.flow.join()
    from starcoach.storage.history import History

    with History.open(services.data_dir, read_only=True) as history:
        (session,) = history.sessions()
        (saved,) = history.attempts(session.id)
        assert to_json(saved.analysis)["follow_up"]["gap"] == "missing_result"


async def test_no_follow_ups_setting(tmp_path) -> None:
    services, answers = make_services(tmp_path, FollowUpSettings(enabled=False))
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        setup = app.screen
        assert setup.query_one("#follow-ups").value is False  # the setup switch shows it
        screen = await start(app, pilot)
        screen = await wait_for_screen_state(app, pilot, InterviewScreen, "feedback")
        assert services.speaker.spoken == [screen.question.text]
        assert len(answers.paths) == 1
        assert screen.records[-1].analysis.follow_up is None
        assert "result" in screen.records[-1].analysis.star.missing


async def test_setup_switch_turns_follow_ups_off(tmp_path) -> None:
    services, answers = make_services(tmp_path)
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        app.screen.query_one("#follow-ups").value = False
        screen = await start(app, pilot)
        await wait_for_screen_state(app, pilot, InterviewScreen, "feedback")
        assert services.speaker.spoken == [screen.question.text] and len(answers.paths) == 1


async def test_skip_during_the_follow_up_keeps_the_first_answer(tmp_path, monkeypatch) -> None:
    from starcoach.recording import pipeline

    analysed: list[float] = []  # the length of each recording analysed
    real = pipeline.analyze_clip

    def spy(clip, transcriber, *args, **kwargs):  # type: ignore[no-untyped-def]
        analysed.append(clip.duration_s)
        return real(clip, transcriber, *args, **kwargs)

    monkeypatch.setattr(pipeline, "analyze_clip", spy)
    services, answers = make_services(tmp_path, hold_follow_up=True)
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await start(app, pilot)
        await wait_until(pilot, lambda: answers.held and answers.held[0].held.is_set(),
                         "follow-up answer under way")
        assert screen.state == "recording" and screen.flow.follow_up
        await pilot.press("k")  # skip the follow-up, not the question
        screen = await wait_for_screen_state(app, pilot, InterviewScreen, "feedback")
        assert screen.index == 0 and len(screen.records) == 1
        analysis = screen.records[-1].analysis
        assert analysis.follow_up is None and "lunch break" in analysis.transcript
        assert "five star" not in analysis.transcript
        shown = str(screen.query_one("#question").render())
        assert f"Follow-up (skipped): {FOLLOW_UP}" in shown  # not left as if still asked
        assert len(analysed) == 1  # the skipped follow-up's recording is not judged
        assert len(answers.paths) == 2 and answers.paths[1].exists()  # but it is kept
        await pilot.press("k")  # no follow-up under way now: k skips the question
        await wait_until(pilot, lambda: not isinstance(app.screen, InterviewScreen), "summary")


async def test_retake_after_the_follow_up_starts_afresh(tmp_path) -> None:
    services, answers = make_services(tmp_path)
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await start(app, pilot)
        screen = await wait_for_screen_state(app, pilot, InterviewScreen, "feedback")
        assert len(screen.interviewer.asked(screen.question.id)) == 1
        await pilot.press("t")
        await wait_until(pilot, lambda: len(screen.records) == 2 and screen.state == "feedback",
                         "second attempt's feedback")
        # at most one follow-up a question: asked again only because the retake reset the count
        assert services.speaker.spoken.count(FOLLOW_UP) == 2
        assert len(screen.interviewer.asked(screen.question.id)) == 1
        assert to_json(screen.records[-1].analysis)["follow_up"]["filled"] is True


@pytest.mark.parametrize("size", [(80, 24)])
async def test_follow_up_feedback_reachable_at_80x24(tmp_path, size) -> None:
    services, _ = make_services(tmp_path)
    app = InterviewApp(services)
    async with app.run_test(size=size) as pilot:
        await start(app, pilot)
        screen = await wait_for_screen_state(app, pilot, InterviewScreen, "feedback")
        view = screen.query_one(FeedbackView)
        assert app.focused is view
        await pilot.press("end")
        await pilot.pause(0.1)
        assert view.scroll_y == view.max_scroll_y > 0  # the follow-up section is reachable


def test_command_line_flags(capsys) -> None:
    from starcoach.cli import build_parser, main

    args = build_parser().parse_args(["--mock", "--no-follow-ups", "--demo"])
    assert args.app_mock and args.app_no_follow_ups and args.app_demo
    defaults = build_parser().parse_args([])
    assert not defaults.app_mock and not defaults.app_no_follow_ups
    assert main(["--mock", "--calls"]) == 2
    err = capsys.readouterr().err
    assert err == "starcoach: choose either --mock or --calls\n"
