"""Pilot tests of the call-center practice screens (fixture recorder, scripted transcriber)."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from starcoach.adapters.audio_files import load_audio, save_wav
from starcoach.adapters.fixtures import RecordingSpeaker
from starcoach.core.analysis.contract import from_json
from starcoach.core.call_delivery import (
    DEAD_AIR_S,
    PHONE_WPM,
    call_averages,
    dead_air,
    pace_verdict,
    voice_notes,
)
from starcoach.core.calls import Scenario, Turn, load_scenarios
from starcoach.core.models import AudioClip
from starcoach.services import InterviewOptions, Services, fixture_services
from starcoach.storage.paths import calls_dir
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.call import CallScreen, CallSetupScreen
from starcoach.ui.widgets.call_feedback import CallSummaryView, TurnFeedbackView
from tests.fakes import (
    BURST_PERIOD_S,
    LEAD_S,
    BrokenMicrophone,
    ScriptTranscriber,
    burst_wav,
    wait_for_screen_state,
)
from tests.ui_support import MicrophoneBank, wait_until

ANSWER_1 = ("Thank you for calling Parcelly my name is Sam how can I help you today . "
            "I understand how frustrating that is . I will find your order now .")
ANSWER_2 = ("Please calm down . May I put you on hold while I check ? "
            "Thank you for calling and have a great day .")
N1, N2 = len(ANSWER_1.split()), len(ANSWER_2.split())


def two_turn_scenario(tmp_path: Path) -> Scenario:
    return Scenario(
        id="test-call", name="Test: late parcel", description="Two turns.",
        path=tmp_path / "test_call.toml", company="Parcelly",
        turns=(
            Turn("Where is my parcel? It is two weeks late!", ("greeting", "empathy", "ownership"),
                 "Greet, then acknowledge the frustration."),
            Turn("Fine. So what now?", ("hold_etiquette.permission", "next_steps", "closing")),
        ),
    )


class LoggingSpeaker(RecordingSpeaker):
    """Logs each line into a shared event list once spoken."""

    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    def speak(self, text: str) -> None:
        super().speak(text)
        self.events.append(f"say:{text}")


def logging_recorders(make: Callable[[Path], object],
                      events: list[str]) -> Callable[[Path], object]:
    class Logged:
        def __init__(self, inner: object) -> None:
            self.inner = inner

        def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
            events.append("record")
            return self.inner.record(stop, on_block)  # type: ignore[attr-defined]

    return lambda path: Logged(make(path))


@pytest.fixture
def services(tmp_path: Path) -> Services:
    # One script for both answers: answer 2's bursts come after a long silence, so they are
    # words N1.. of the script, and the silence before them is dead air.
    wav1 = burst_wav(tmp_path / "answer1.wav", N1)
    wav2 = burst_wav(tmp_path / "answer2.wav", N2, lead_s=LEAD_S + N1 * BURST_PERIOD_S)
    s = fixture_services(InterviewOptions(), answers=[wav1, wav2], realtime=False,
                         data_dir=tmp_path / "data",
                         transcriber=ScriptTranscriber(f"{ANSWER_1} {ANSWER_2}"))
    s.events = []  # type: ignore[attr-defined]
    s.customer = LoggingSpeaker(s.events)  # type: ignore[attr-defined]
    s.make_customer_speaker = lambda voice: s.customer  # type: ignore[attr-defined]
    s.make_recorder = logging_recorders(s.make_recorder, s.events)  # type: ignore[arg-type]
    s.played = []  # type: ignore[attr-defined]
    s.play = s.played.append  # type: ignore[attr-defined]
    return s


async def wait_for_state(app: InterviewApp, pilot, state: str, tries: int = 300) -> CallScreen:
    return await wait_for_screen_state(app, pilot, CallScreen, state, tries)


def rendered(widget) -> str:
    return str(widget.render())


async def test_two_turn_call_per_turn_and_call_feedback(services, tmp_path: Path) -> None:
    scenario = two_turn_scenario(tmp_path)
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CallScreen(services, scenario))
        screen = await wait_for_state(app, pilot, "feedback")
        assert services.events == [f"say:{scenario.turns[0].customer}", "record"]
        view = screen.query_one(TurnFeedbackView)
        by_id = {i.id: i for i in view.feedback.result.items}
        assert by_id["empathy"].met
        assert by_id["empathy"].evidence[0].text.lower() == "i understand how"
        assert by_id["greeting"].met and by_id["ownership"].met
        assert not view.feedback.result.banned
        items = rendered(view.query_one("#turn-items"))
        assert "✔ Empathy statement  “I understand how”" in items
        phone = rendered(view.query_one("#turn-phone"))
        wpm = view.feedback.analysis.pace.wpm
        assert f"{wpm:.0f} wpm (phone 120-150)" in phone
        assert wpm == pytest.approx(120, rel=0.15)  # one word per 0.5 s
        assert "none (no silence" in phone  # no dead air in answer 1
        assert "monotone" in phone  # a steady 220 Hz tone has no pitch movement

        await pilot.press("h")  # hear yourself as the caller: 220 Hz is below the phone band
        await pilot.press("p")
        await screen.workers.wait_for_complete()
        original = load_audio(screen.audio_path).samples
        phone_clip, plain = services.played
        assert np.sqrt(np.mean(plain.samples ** 2)) == pytest.approx(
            np.sqrt(np.mean(original ** 2)), rel=1e-3)
        assert np.sqrt(np.mean(phone_clip.samples ** 2)) < 0.3 * np.sqrt(np.mean(original ** 2))

        await pilot.press("n")
        screen = await wait_for_state(app, pilot, "feedback")
        assert services.events == [f"say:{scenario.turns[0].customer}", "record",
                                   f"say:{scenario.turns[1].customer}", "record"]
        view = screen.query_one(TurnFeedbackView)
        result = view.feedback.result
        assert [h.evidence.text.lower() for h in result.banned] == ["calm down"]
        assert "Acknowledge the feeling" in result.banned[0].instead
        assert "calm down" in rendered(view.query_one("#turn-banned")).lower()
        assert {i.id: i.met for i in result.items}["hold_etiquette.permission"]
        silences = dead_air(view.feedback.analysis)
        assert silences and silences[0].where == "before you spoke"
        assert silences[0].duration_s == pytest.approx(LEAD_S + N1 * BURST_PERIOD_S, abs=0.3)
        assert "before you spoke" in rendered(view.query_one("#turn-phone"))

        await pilot.press("n")
        await pilot.pause(0.1)
        assert screen.state == "done"
        call = screen.call_result
        items = {i.id: i for i in call.items}
        assert items["greeting"].met and items["greeting"].evidence[0].turn == 0
        assert not items["closing"].met  # a warm goodbye, but no recap or offer of more help
        assert [c.id for c in items["closing"].checks if not c.met] == ["recap", "anything_else"]
        assert [h.evidence.turn for h in call.banned] == [1]
        assert 0 < call.score < 1
        summary = screen.query_one(CallSummaryView)
        assert f"Call score {call.score:.0%}" in rendered(summary.query_one("#call-score"))
        assert "Recap" in rendered(summary.query_one("#call-tips"))
        averages = rendered(summary.query_one("#call-averages"))
        assert "over 2 spoken answer(s)" in averages and "1 silence(s)" in averages
        await pilot.press("q")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, CallScreen)
    assert screen.flow.join()
    from starcoach.storage.history import History

    with History.open(tmp_path / "data") as history:  # both turns kept in a "call" session
        (session,) = history.sessions()
        assert session.kind == "call"
        assert len(history.attempts(session.id)) == 2
        assert session.means.get("star_coverage") is None  # not "STAR 0%" in the history


async def test_retake_replaces_the_answer_and_speaks_again(services, tmp_path: Path) -> None:
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CallScreen(services, two_turn_scenario(tmp_path)))
        screen = await wait_for_state(app, pilot, "feedback")
        first = screen.answers[0]
        await pilot.press("t")
        screen = await wait_for_state(app, pilot, "feedback")
        assert services.events[-2:] == [services.events[0], "record"]
        assert screen.index == 0 and screen.answers[0] is not first


async def test_no_microphone_offers_typing_the_answer(services, tmp_path: Path) -> None:
    services.make_recorder = lambda path: BrokenMicrophone()
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CallScreen(services, two_turn_scenario(tmp_path)))
        screen = await wait_for_state(app, pilot, "failed")
        status = rendered(screen.query_one("#status"))
        assert "no microphone" in status and "y: type the answer" in status
        await pilot.press("y")
        await pilot.pause(0.1)
        await pilot.press(*"Relax, I am sorry to hear that.")
        await pilot.press("ctrl+s")
        screen = await wait_for_state(app, pilot, "feedback")
        result = screen.answers[0].result
        assert {i.id: i.met for i in result.items} == {
            "greeting": False, "empathy": True, "ownership": False}
        assert [h.evidence.text.lower() for h in result.banned] == ["relax"]
        assert "Typed answer" in rendered(screen.query_one("#turn-phone"))


async def test_setup_lists_scenarios_and_starts_one(services) -> None:
    scenarios = load_scenarios(calls_dir())
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CallSetupScreen(services))
        await pilot.pause(0.1)
        info = rendered(app.screen.query_one("#scenario-info"))
        assert scenarios[0].description.split()[0] in info
        await pilot.press("down", "enter")
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.scenario.id == scenarios[1].id
        assert services.customer.spoken == [scenarios[1].turns[0].customer]
        await pilot.press("q")
        await pilot.pause(0.1)
        assert isinstance(app.screen, CallSetupScreen)


@pytest.mark.parametrize(("wpm", "verdict"), [
    (None, None), (PHONE_WPM[0] - 1, "slow"), (PHONE_WPM[0], "good"), (135.0, "good"),
    (PHONE_WPM[1], "good"), (PHONE_WPM[1] + 1, "fast"),
], ids=["untimed", "slow", "low-edge", "middle", "high-edge", "fast"])
def test_pace_verdict_phone_band(wpm: float | None, verdict: str | None) -> None:
    assert pace_verdict(wpm) == verdict


@pytest.mark.parametrize(("pauses", "expected"), [
    ({"first_word_delay_s": 0.4, "items": [{"start": 2.0, "end": 3.0, "duration_s": 1.0}]}, []),
    ({"first_word_delay_s": DEAD_AIR_S, "items": []}, ["before you spoke"]),
    ({"first_word_delay_s": 0.2, "items": [{"start": 5.0, "end": 9.5, "duration_s": 4.5}]},
     ["at 5.0 s"]),
    ({"count": None, "items": []}, []),
], ids=["short-pauses", "slow-start", "mid-answer", "typed"])
def test_dead_air(pauses: dict, expected: list[str]) -> None:
    assert [s.where for s in dead_air(from_json({"pauses": pauses}))] == expected


@pytest.mark.parametrize(("tone", "bad"), [
    ({"monotone": True, "pitch_variation_st": 0.8, "level_dbfs": -20.0}, ["monotone"]),
    ({"monotone": False, "pitch_variation_st": 3.0, "too_quiet": True, "level_dbfs": -42.0},
     ["too quiet"]),
    ({"monotone": False, "pitch_variation_st": 3.0, "too_loud": True, "clipping": True,
      "level_dbfs": -5.0}, ["too loud", "clipping"]),
    ({"monotone": False, "pitch_variation_st": 3.0, "level_dbfs": -20.0}, []),
], ids=["monotone", "quiet", "loud-clipping", "fine"])
def test_voice_notes(tone: dict, bad: list[str]) -> None:
    notes = voice_notes(from_json({"tone": tone}).tone)
    assert [n.split(":")[0].split(" (")[0] for n, ok in notes if not ok] == bad
    assert voice_notes(None) == []


def test_call_averages_over_spoken_answers() -> None:
    def spoken(wpm: float, delay: float, monotone: bool, level: float) -> dict:
        return {"pace": {"wpm": wpm}, "pauses": {"first_word_delay_s": delay, "items": []},
                "tone": {"monotone": monotone, "pitch_variation_st": 1.0 if monotone else 3.0,
                         "level_dbfs": level, "too_quiet": level < -35}}

    typed = {"pace": {"wpm": None}, "pauses": {"count": None, "items": []}}
    answers = [spoken(110, 5.0, True, -40), spoken(150, 0.5, False, -20), typed]
    avg = call_averages([from_json(a) for a in answers])
    assert (avg.spoken, avg.wpm, avg.dead_air_count, avg.dead_air_s) == (2, 130, 1, 5.0)
    assert (avg.toned, avg.monotone, avg.pitch_variation_st) == (2, 1, 2.0)
    assert (avg.level_dbfs, avg.too_quiet, avg.too_loud) == (-30, 1, 0)


@pytest.mark.model
async def test_spoken_answer_with_whisper(tmp_path: Path) -> None:
    """Real Whisper on an espeak-ng answer: empathy met, banned phrase flagged."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    from starcoach.adapters.whisper_transcriber import WhisperTranscriber

    wav = tmp_path / "spoken.wav"
    text = "I understand how frustrating that is. Please calm down, I will fix it today."
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), text], check=True)
    s = fixture_services(InterviewOptions(), answers=[wav], realtime=False,
                         data_dir=tmp_path / "data", transcriber=WhisperTranscriber(None))
    scenario = Scenario(id="one", name="One turn", description="", path=tmp_path / "one.toml",
                        turns=(Turn("This is the third time I call!", ("empathy", "ownership")),))
    app = InterviewApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CallScreen(s, scenario))
        screen = await wait_for_state(app, pilot, "feedback", tries=1200)
        result = screen.answers[0].result
        assert all(i.met for i in result.items), result.text
        assert [h.evidence.text.lower() for h in result.banned] == ["calm down"]
        assert screen.answers[0].analysis.tone.pitch_median_hz is not None


async def test_setup_without_scenarios_says_why(services, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STARCOACH_QUESTION_DIR", str(tmp_path / "no-such-dir"))
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CallSetupScreen(services))
        await pilot.pause(0.1)
        info = rendered(app.screen.query_one("#scenario-info"))
        assert "scenario directory not found" in info and "no-such-dir" in info
        await pilot.click("#start-call")
        await pilot.pause(0.1)
        assert isinstance(app.screen, CallSetupScreen)


async def test_typed_answer_after_spoken_feedback_keeps_keys_alive(services, tmp_path) -> None:
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CallScreen(services, two_turn_scenario(tmp_path)))
        screen = await wait_for_state(app, pilot, "feedback")
        await pilot.press("y")
        await pilot.pause(0.1)
        await pilot.press(*"I am sorry, I will fix it.")
        await pilot.press("ctrl+s")
        screen = await wait_for_state(app, pilot, "feedback")
        await wait_until(pilot, lambda: app.focused is not None and app.focused.is_attached,
                         "focus on a live widget")
        assert app.focused is screen.query_one(TurnFeedbackView)
        await pilot.press("n")  # used to do nothing: focus was on the removed view
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.index == 1


async def test_call_score_leaves_out_turns_with_no_answer(services, tmp_path) -> None:
    scenario = two_turn_scenario(tmp_path)
    silent = save_wav(tmp_path / "silent.wav", AudioClip(np.zeros(16000 * 2, np.float32)))
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CallScreen(services, scenario))
        screen = await wait_for_state(app, pilot, "feedback")
        services.make_recorder = MicrophoneBank(silent, blocks=0, held=0)
        await pilot.press("n")
        screen = await wait_for_state(app, pilot, "failed")  # no speech in turn 2
        assert "no speech" in rendered(screen.query_one("#status"))
        await pilot.press("n")  # call feedback
        await wait_until(pilot, lambda: screen.state == "done", "call feedback")
        call = screen.call_result
        assert len(call.turns) == 1
        # turn 1 met all it expected; turn 2's items are not held against the call
        assert call.score == 1.0
        summary = rendered(screen.query_one("#call-score"))
        assert "1 turn(s) with no answer, not scored" in summary


async def test_call_feedback_has_the_voice_with_uptalk(services, tmp_path) -> None:
    app = InterviewApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CallScreen(services, two_turn_scenario(tmp_path)))
        screen = await wait_for_state(app, pilot, "feedback")
        phone = rendered(screen.query_one("#turn-phone"))
        assert "monotone" in phone and "uptalk" in phone and "dBFS" in phone
