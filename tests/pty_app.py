"""The real app, started as ``python -m tests.pty_app DATA_DIR`` in a pseudo-terminal by
tests/test_pty.py: fixture microphone and scripted transcriber (no sound card, no model), and
a question voice whose sound output fails with ALSA noise on fd 2, as on a machine without a
working speaker."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from starcoach.core.errors import DeviceError
from starcoach.services import InterviewOptions, fixture_services
from starcoach.ui.app import InterviewApp
from tests.fakes import ScriptTranscriber, burst_wav

SCRIPT = ("At my last job a customer was upset about a missing parcel . I had to find it fast . "
          "I traced it and drove it to her myself . She wrote to my manager to thank me .")
ALSA_NOISE = b"ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default\n"


class NoisyBrokenSpeaker:
    """Writes ALSA noise to fd 2 from "C" and fails, as aplay does with no sound server."""

    def speak(self, text: str) -> None:
        os.write(2, ALSA_NOISE)
        raise DeviceError("sound output failed: aplay: audio open error: Connection refused")


def main(data_dir: Path) -> None:
    """Start the app on the terminal."""
    data_dir.mkdir(parents=True, exist_ok=True)
    wav = burst_wav(data_dir / "answer.wav", len(SCRIPT.split()))
    options = InterviewOptions(question_set="behavioral", count=2)
    services = fixture_services(options, answers=[wav], realtime=False, data_dir=data_dir,
                                transcriber=ScriptTranscriber(SCRIPT))
    services.speaker = NoisyBrokenSpeaker()
    InterviewApp(services).run()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
