"""Everything starcoach writes about the user is private: folders it creates are 0700, files it
writes are 0600 (recordings, the audio log, reports in the data folder, exports), made through
the real code paths under a permissive umask (0022, the usual default)."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from starcoach import cli
from starcoach.core.models import AudioClip
from starcoach.storage import paths
from starcoach.storage.history import History

ANSWER = ("When the delivery van broke down I phoned each waiting customer myself, offered a "
          "new slot the same evening, and every parcel still arrived before nine.")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """A umask that lets others read new files (what starcoach must not rely on)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def tone(seconds: float = 0.5) -> AudioClip:
    t = np.arange(int(seconds * 16_000)) / 16_000
    return AudioClip((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


def test_a_new_data_folder_is_0700_and_an_existing_one_is_left_to_the_history(
        tmp_path: Path) -> None:
    created = paths.data_dir(tmp_path / "parent" / "data")
    assert mode(created) == 0o700
    assert mode(created.parent) == 0o755  # a parent folder it had to make: the usual mode
    existing = tmp_path / "mine"
    existing.mkdir(mode=0o755)
    assert mode(paths.data_dir(existing)) == 0o755  # read-only commands change nothing


def test_recordings_folder_and_recorded_answers_are_private(tmp_path: Path) -> None:
    from starcoach.adapters.audio_files import load_wav, save_wav
    from starcoach.services import InterviewOptions, fixture_services
    from tests.fakes import ScriptTranscriber

    answer = save_wav(tmp_path / "answer.wav", tone())
    data = tmp_path / "data"
    data.mkdir(mode=0o755)  # a folder from an older version
    services = fixture_services(InterviewOptions(), answers=[answer], realtime=False,
                                data_dir=data, transcriber=ScriptTranscriber(ANSWER))
    assert services.answers_dir == data / "recordings"
    assert (mode(data), mode(services.answers_dir)) == (0o700, 0o700)
    take = services.answers_dir / "20260101-120000-q.wav"
    clip = services.make_recorder(take).record(threading.Event(), lambda block: None)
    assert mode(take) == 0o600
    assert load_wav(take).samples.size == clip.samples.size  # the whole answer is kept


def test_the_microphone_recording_is_private_from_its_first_byte(tmp_path: Path) -> None:
    from starcoach.adapters.sd_recorder import WavAppender

    take = tmp_path / "data" / "recordings" / "take.wav"
    wav = WavAppender(take)
    try:
        assert (mode(take.parent), mode(take)) == (0o700, 0o600)
        wav.append(tone().samples)
    finally:
        wav.close()
    assert mode(take) == 0o600


def test_an_older_world_readable_recording_is_tightened_when_written_again(
        tmp_path: Path) -> None:
    from starcoach.adapters.audio_files import save_wav

    take = tmp_path / "take.wav"
    take.write_bytes(b"")
    take.chmod(0o644)
    save_wav(take, tone())
    assert mode(take) == 0o600


def test_the_audio_log_and_its_folder_are_private(tmp_path: Path) -> None:
    from starcoach.ui.terminal import audio_log_path, native_stderr_to

    data = tmp_path / "data"
    log = audio_log_path(data)
    with native_stderr_to(log) as used:
        os.write(2, b"ALSA lib pcm.c: a message the test wrote\n")
    assert used == log
    assert (mode(data), mode(log.parent), mode(log)) == (0o700, 0o700, 0o600)
    assert b"a message the test wrote" in log.read_bytes()


@pytest.fixture()
def saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """A data folder with one typed answer saved through ``starcoach analyze --save``."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("analyze", "report"))
    text = tmp_path / "answer.txt"
    text.write_text(ANSWER, encoding="utf-8")
    data = tmp_path / "data"
    assert cli.main(["analyze", str(text), "--save", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    with History.open(data, read_only=True) as history:
        (session,) = history.sessions()
    return data, session.id


def test_a_report_written_into_the_data_folder_is_private(saved: tuple[Path, str]) -> None:
    from starcoach.reports.session import write_session_html

    data, sid = saved
    report = write_session_html(data, sid)
    assert report.parent.parent == data
    assert (mode(report.parent), mode(report)) == (0o700, 0o600)
    report.chmod(0o644)
    write_session_html(data, sid)  # written again: tightened
    assert mode(report) == 0o600
    assert "delivery van" in report.read_text(encoding="utf-8")


def test_an_export_is_created_private_but_a_file_the_user_made_keeps_its_mode(
        saved: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, sid = saved
    export = tmp_path / "exports" / "mine.json"
    assert cli.main(["report", sid, "-o", str(export), "--data-dir", str(data)]) == 0
    assert mode(export) == 0o600
    assert mode(export.parent) == 0o755  # a folder the user named: the usual mode
    shared = tmp_path / "for-my-coach.md"
    shared.write_text("old", encoding="utf-8")
    shared.chmod(0o644)  # the user chose to share it
    assert cli.main(["report", sid, "-o", str(shared), "--data-dir", str(data)]) == 0
    assert mode(shared) == 0o644 and "delivery van" in shared.read_text(encoding="utf-8")
    capsys.readouterr()
