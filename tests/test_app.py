"""Pilot tests of the interview app with fixture-backed recorder and speaker."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from starcoach.adapters.audio_files import load_wav, save_wav
from starcoach.adapters.fixtures import RecordingSpeaker
from starcoach.core.analysis.contract import to_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.followups import FollowUpSettings
from starcoach.core.models import AudioClip
from starcoach.recording.controller import FlowHooks
from starcoach.services import InterviewOptions, fixture_services
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.interview import InterviewScreen
from starcoach.ui.screens.summary import SummaryScreen
from starcoach.ui.widgets.compare import ComparisonView
from starcoach.ui.widgets.feedback import FeedbackView
from tests.fakes import BrokenMicrophone, ScriptTranscriber, burst_wav, wait_for_screen_state
from tests.ui_support import (
    FailingSpeaker,
    GatedSpeaker,
    MicrophoneBank,
    record_notices,
    wait_until,
)

SCRIPT = ("When I worked at a call center a customer was angry about a late refund . "
          "um I apologized and checked the order and issued the refund the same day . "
          "She thanked me and renewed her plan for another year .")
N_WORDS = len(SCRIPT.split())


@pytest.fixture
def services(tmp_path: Path):
    wav = burst_wav(tmp_path / "answer.wav", N_WORDS)
    # Follow-ups off: these tests are about the keys and states of one answer a question
    # (tests/test_follow_up_flow.py has the interviewer who follows up).
    options = InterviewOptions(question_set="behavioral", count=2,
                               follow_ups=FollowUpSettings(enabled=False))
    s = fixture_services(options, answers=[wav], realtime=False, data_dir=tmp_path / "data",
                         transcriber=ScriptTranscriber(SCRIPT))
    s.speaker = RecordingSpeaker()
    return s


async def wait_for_state(app: InterviewApp, pilot, state: str, tries: int = 200) -> InterviewScreen:
    return await wait_for_screen_state(app, pilot, InterviewScreen, state, tries)


async def test_answer_gets_feedback_then_retake_next_and_summary(services) -> None:
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")  # start with the highlighted set
        screen = await wait_for_state(app, pilot, "feedback")
        assert services.speaker.spoken[0] == screen.questions[0].text  # read aloud first
        view = screen.query_one(FeedbackView)
        transcript = str(view.query_one("#transcript").render())
        assert "angry" in transcript and "refund" in transcript
        assert view.analysis.fillers.count >= 1
        assert view.analysis.pace.wpm == pytest.approx(120, rel=0.15)  # a word per 0.5 s
        assert Path(screen.audio_path).exists()
        await pilot.press("t")  # retake
        screen = await wait_for_state(app, pilot, "feedback")
        assert len(screen.records) == 2 and screen.index == 0
        await pilot.pause(0.1)
        comparison = screen.query_one(ComparisonView)  # the retake side by side with before
        assert comparison.changes and not comparison.worsened
        await pilot.press("n")
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.index == 1
        await pilot.press("n")
        await pilot.pause(0.1)
        assert isinstance(app.screen, SummaryScreen)
        assert "3 answer(s)" in str(app.screen.query_one("#headline").render())
        await pilot.press("q")
    assert app.return_code == 0
    assert screen.flow.join()
    from starcoach.storage.history import History

    with History.open(services.data_dir) as history:  # every answer kept, with its audio
        (session,) = history.sessions()
        attempts = history.attempts(session.id)
        assert session.kind == "interview" and len(attempts) == 3
        assert all(a.audio_path and Path(a.audio_path).exists() for a in attempts)


async def test_skip_while_the_question_is_read_moves_on(services) -> None:
    services.speaker = GatedSpeaker()
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, services.speaker.speaking.is_set, "question being read")
        screen = app.screen
        assert screen.state == "asking"
        await pilot.press("k")  # while the speaker is still busy with question 1
        assert screen.index == 1
        services.speaker.release.set()
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.index == 1 and len(screen.records) == 1
        assert screen.records[0].question.id == screen.questions[1].id


async def test_skip_while_recording_never_leaks_into_the_next_question(services, tmp_path) -> None:
    wav = padded_wav(burst_wav(tmp_path / "held.wav", 20), 1.0)  # a pause: captions come
    bank = MicrophoneBank(wav, blocks=125)
    services.make_recorder = bank
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: bank.made and bank.made[0].held.is_set(), "mic held")
        screen = app.screen
        await wait_until(pilot, lambda: "Heard:" in rendered(screen, "#captions"), "captions")
        assert screen.state == "recording"
        await pilot.press("k")  # skip mid-answer
        assert "Heard" not in rendered(screen, "#captions")
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.index == 1 and len(screen.records) == 1  # only question 2 was answered
        assert screen.records[0].question.id == screen.questions[1].id
        assert len(bank.made) == 2  # question 2 was recorded, not fed question 1's answer
        assert screen.flow.join()  # saving comes right after the feedback
        history_rows = _saved_questions(services)
        assert history_rows == [screen.questions[1].id]


async def test_keys_work_while_recording_and_transcribing(services, tmp_path) -> None:
    bank = MicrophoneBank(burst_wav(tmp_path / "held.wav", N_WORDS), blocks=40, held=2)
    services.make_recorder = bank
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: bank.made and bank.made[0].held.is_set(), "mic 1 held")
        screen = app.screen
        await pilot.press("t")  # retake while recording: the question is asked again
        await wait_until(pilot, lambda: len(bank.made) == 2 and bank.made[1].held.is_set(),
                         "mic 2 held")
        assert screen.index == 0 and screen.state == "recording"
        await pilot.press("n")  # next while recording
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.index == 1 and len(screen.records) == 1
        await pilot.press("p")  # replay with no player: a notice, not a dead end
        await pilot.press("space")  # nothing records: says so
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen), "summary")


async def test_lost_microphone_says_so_and_keeps_what_was_recorded(services, tmp_path) -> None:
    services.make_recorder = MicrophoneBank(burst_wav(tmp_path / "held.wav", N_WORDS),
                                            blocks=40, fail=True)
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        screen = await wait_for_state(app, pilot, "feedback")
        view = screen.query_one(FeedbackView)
        notice = rendered(view, "#notice")
        assert "microphone stopped at 0:04" in notice and str(screen.audio_path) in notice
        assert Path(screen.audio_path).exists()
        assert view.analysis.words  # the part that was recorded is analysed


async def test_dead_input_after_speech_is_reported(services, tmp_path) -> None:
    wav = padded_wav(burst_wav(tmp_path / "dead.wav", 12), 3.0)  # digital silence at the end
    services.make_recorder = MicrophoneBank(wav, blocks=0, held=0)
    screen_opts = InterviewOptions(question_set="behavioral", count=1, silence_stop_s=2.0)
    services.options = screen_opts
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(InterviewScreen(services, services.question_sets[0], screen_opts))
        screen = await wait_for_state(app, pilot, "feedback")
        assert "signal vanished" in rendered(screen.query_one(FeedbackView), "#notice")


async def test_failing_speaker_degrades_to_text_with_one_notice(services) -> None:
    services.speaker = FailingSpeaker()
    app = InterviewApp(services)
    notices = record_notices(app)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        screen = await wait_for_state(app, pilot, "feedback")
        await pilot.press("n")
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.index == 1
        assert services.speaker.attempts == 1  # not tried (and waited for) on every question
        assert sum("No sound output" in m for m in notices) == 1


async def test_feedback_scrolls_by_keys_at_80x24_without_tab(services) -> None:
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        screen = await wait_for_state(app, pilot, "feedback")
        view = screen.query_one(FeedbackView)
        await wait_until(pilot, lambda: app.focused is view, "feedback focused")
        assert view.max_scroll_y > 0
        await pilot.press("end")
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y, "scrolled down")
        await pilot.press("n")  # keys still reach the screen
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.index == 1


async def test_feedback_in_words_with_voice_and_tips_first(services) -> None:
    app = InterviewApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        screen = await wait_for_state(app, pilot, "feedback")
        view = screen.query_one(FeedbackView)
        star = rendered(view, "#star")
        assert "Task: implied" in star and "Situation: clear" in star  # a hint, not a gap
        assert not re.search(r"\d\.\d\d", star)  # no raw scores
        assert " ." not in star
        voice = rendered(view, "#voice")
        assert "monotone" in voice and "dBFS" in voice and "uptalk" in voice
        assert "Fillers 1 " in rendered(view, "#metrics") and "few" in rendered(view, "#metrics")
        tips = rendered(view, "#tips").splitlines()
        assert tips[0].startswith("➜ Hint: your goal is only implied")  # the one STAR gap first
        assert "refund ." not in rendered(view, "#transcript")


async def test_no_microphone_offers_typing_the_answer(services) -> None:
    services.make_recorder = lambda path: BrokenMicrophone()
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        screen = await wait_for_state(app, pilot, "failed")
        status = str(screen.query_one("#status").render())
        assert "no microphone" in status and "type the answer" in status
        await pilot.press("y")
        await pilot.pause(0.1)
        await pilot.press(*"I was working at a bank when a customer was upset. I fixed it.")
        await pilot.press("ctrl+s")
        screen = await wait_for_state(app, pilot, "feedback")
        analysis = screen.query_one(FeedbackView).analysis
        assert analysis.pace.wpm is None  # text only: no timing
        assert analysis.star.sentences


async def test_overlong_typed_answer_is_refused_and_kept(services) -> None:
    """A typed answer over the size limit is refused with a notice; the text stays to edit."""
    from textual.widgets import TextArea

    from starcoach.core.limits import MAX_TYPED_CHARS
    from starcoach.ui.screens.modals import TypedAnswerScreen

    services.make_recorder = lambda path: BrokenMicrophone()
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await wait_for_state(app, pilot, "failed")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, TypedAnswerScreen), "typing")
        long_text = "I helped a customer. " * (MAX_TYPED_CHARS // 20)
        app.screen.query_one(TextArea).text = long_text
        await pilot.press("ctrl+s")

        def limit_notices() -> list[str]:
            return [n.message for n in app._notifications if "characters" in n.message]

        await wait_until(pilot, lambda: bool(limit_notices()), "the limit notice")
        assert "the limit is 20,000" in limit_notices()[0]
        assert isinstance(app.screen, TypedAnswerScreen)
        assert app.screen.query_one(TextArea).text == long_text


async def test_help_reaches_every_key_and_close_at_80x24(services) -> None:
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        help_screen = app.screen
        assert "starcoach keys" in help_screen.query_one("Markdown").source
        close = help_screen.query_one("#close")
        assert close.region.y >= 0 and close.region.bottom <= 24 and close.region.height > 0
        body = help_screen.query_one("#help-body")
        await pilot.press("end")  # the help scrolls by keys down to the last row
        await wait_until(pilot, lambda: body.scroll_y == body.max_scroll_y, "help scrolled")
        await pilot.click("#close")
        await wait_until(pilot, lambda: app.screen is not help_screen, "help closed")
        await pilot.press("q")
    assert app.return_code == 0


def padded_wav(path: Path, silence_s: float) -> Path:
    """The WAV at ``path`` with ``silence_s`` more silence at the end."""
    clip = load_wav(path)
    pad = np.zeros(int(silence_s * clip.sample_rate), np.float32)
    return save_wav(path, AudioClip(np.concatenate([clip.samples, pad]), clip.sample_rate))


def rendered(widget, selector: str) -> str:
    return str(widget.query_one(selector).render())


def _saved_questions(services) -> list[str]:
    from starcoach.storage.history import History

    with History.open(services.data_dir) as history:
        return [a.question_id for s in history.sessions() for a in history.attempts(s.id)]


async def test_follow_up_hook_in_the_interview_room(services) -> None:
    follow = "And how did that turn out for her?"

    def ask_once(analysis: Analysis, prompt) -> str | None:
        return None if analysis.follow_up is not None else follow

    options = InterviewOptions(question_set="behavioral", count=1)
    screen = InterviewScreen(services, services.question_sets[0], options,
                             FlowHooks(follow_up=ask_once))
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(screen)
        await wait_for_state(app, pilot, "feedback")
        assert services.speaker.spoken == [screen.question.text, follow]
        assert f"Follow-up: {follow}" in rendered(screen, "#question")
        view = screen.query_one(FeedbackView)
        assert to_json(view.analysis)["follow_up"]["question"] == follow
        assert "angry" in rendered(view, "#follow-up-transcript")


async def test_history_key_mid_answer_and_back(services, tmp_path) -> None:
    bank = MicrophoneBank(burst_wav(tmp_path / "held.wav", N_WORDS), blocks=20)
    services.make_recorder = bank
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: bank.made and bank.made[0].held.is_set(), "mic held")
        screen = app.screen
        await pilot.press("h")  # history while recording: the microphone closes
        await wait_until(pilot, lambda: app.screen is not screen, "history shown")
        assert screen.state == "paused" and bank.made[0].held.is_set()
        await pilot.press("escape")
        screen = await wait_for_state(app, pilot, "feedback")  # asked again, answered
        assert screen.index == 0 and len(bank.made) == 2
