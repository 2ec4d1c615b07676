"""A PulseAudio server with no hardware: a virtual microphone and a silent speaker.

Used by the device tests and by CI, where there is no sound card. The server has:

- ``vmic`` (the default source): the microphone. Whatever is played into the sink
  ``vmic_in`` is what it records; when nothing plays it records silence, in real time.
- ``speaker`` (the default sink): swallows what the app plays; its monitor
  ``speaker.monitor`` can be captured to check that something was spoken.

Each server lives in its own temporary ``XDG_RUNTIME_DIR``, so several can run side by side.
From a shell::

    eval "$(python -m tests.virtual_audio start)"
    python -m tests.virtual_audio stop
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MIC_SINK = "vmic_in"
"""Sink to play into; the virtual microphone records it."""
MIC_SOURCE = "vmic"
"""The virtual microphone (default source)."""
SPEAKER_SINK = "speaker"
"""The virtual speaker (default sink)."""

_PREFIX = "starcoach-pulse-"
_MODULES = (
    "module-native-protocol-unix",
    f"module-null-sink sink_name={SPEAKER_SINK}",
    f"module-null-sink sink_name={MIC_SINK}",
    f"module-remap-source source_name={MIC_SOURCE} master={MIC_SINK}.monitor channels=1",
)


class VirtualAudioError(RuntimeError):
    """The virtual server could not be started."""


@dataclass(frozen=True)
class VirtualAudioServer:
    """A running server and how clients reach it."""

    runtime_dir: Path
    """The ``XDG_RUNTIME_DIR`` its socket lives in (``<dir>/pulse/native``)."""

    @property
    def env(self) -> dict[str, str]:
        """Environment variables a client (PortAudio, paplay, parec) needs."""
        return {"XDG_RUNTIME_DIR": str(self.runtime_dir)}

    def client_env(self) -> dict[str, str]:
        """A copy of ``os.environ`` pointed at this server."""
        env = {k: v for k, v in os.environ.items() if k != "PULSE_SERVER"}
        env.update(self.env)
        return env


_current: VirtualAudioServer | None = None


def available() -> bool:
    """True when the ``pulseaudio`` and ``pactl`` binaries are installed."""
    return all(shutil.which(tool) for tool in ("pulseaudio", "pactl", "paplay", "parec"))


def _pactl(server: VirtualAudioServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["pactl", *args],
        env=server.client_env(),
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )


def _wait_ready(server: VirtualAudioServer, timeout_s: float = 10.0) -> None:
    """``pulseaudio --daemonize`` returns once its daemon reports it started, so the server
    answers now; a few immediate retries cover a slow socket, none of them sleep."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _pactl(server, "info").returncode == 0:  # pactl blocks on the connection
            return
        if _server_pid(server) is None:
            break  # the daemon never started: no point asking again
    raise VirtualAudioError(f"pulseaudio did not come up in {server.runtime_dir}")


def start_server() -> VirtualAudioServer:
    """Start a new server in a fresh temporary runtime directory.

    Returns:
        The running server.

    Raises:
        VirtualAudioError: ``pulseaudio`` is missing or did not start.
    """
    if not available():
        raise VirtualAudioError("pulseaudio (with pactl, paplay, parec) is not installed")
    runtime_dir = Path(tempfile.mkdtemp(prefix=_PREFIX))
    runtime_dir.chmod(0o700)
    server = VirtualAudioServer(runtime_dir)
    args = ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "--system=false", "-n"]
    args += [f"--load={module}" for module in _MODULES]
    subprocess.run(
        args,
        env=server.client_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
        check=False,
    )
    try:
        _wait_ready(server)
    except VirtualAudioError:
        stop_server(server)
        raise
    _pactl(server, "set-default-sink", SPEAKER_SINK)
    _pactl(server, "set-default-source", MIC_SOURCE)
    return server


def _server_pid(server: VirtualAudioServer) -> int | None:
    try:
        return int((server.runtime_dir / "pulse" / "pid").read_text().strip())
    except (OSError, ValueError):
        return None


def _exited_within(pid: int, timeout_s: float) -> bool:
    """Wait for process ``pid`` to exit (a pidfd becomes readable when it does)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], timeout_s)
        return bool(ready)
    finally:
        os.close(fd)


def stop_server(server: VirtualAudioServer) -> None:
    """Stop the server (by the pid it wrote) and remove its runtime directory."""
    pid = _server_pid(server)
    subprocess.run(
        ["pulseaudio", "--kill"],
        env=server.client_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=10,
        check=False,
    )
    if pid is not None and not _exited_within(pid, 5.0):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if server.runtime_dir.name.startswith(_PREFIX):  # never remove a directory we did not make
        shutil.rmtree(server.runtime_dir, ignore_errors=True)


def start() -> dict[str, str]:
    """Start the module's server (once) and return the environment clients need.

    Returns:
        ``{"XDG_RUNTIME_DIR": ...}``; put it in ``os.environ`` before PortAudio initialises.

    Raises:
        VirtualAudioError: ``pulseaudio`` is missing or did not start.
    """
    global _current
    if _current is None:
        _current = start_server()
    return _current.env


def stop() -> None:
    """Stop the server :func:`start` started, if any."""
    global _current
    if _current is not None:
        stop_server(_current)
        _current = None


def _client_env() -> dict[str, str]:
    if _current is not None:
        return _current.client_env()
    return dict(os.environ)


def play_into_mic(wav_path: Path | str) -> subprocess.Popen[bytes]:
    """Play a WAV file into the virtual microphone (``paplay -d vmic_in``).

    Returns:
        The running ``paplay``; ``wait()`` on it to know when playing ended.
    """
    return subprocess.Popen(
        ["paplay", "-d", MIC_SINK, str(wav_path)],
        env=_client_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def capture_speaker(path: Path | str) -> subprocess.Popen[bytes]:
    """Capture what the app plays (``parec -d speaker.monitor``) to a WAV file.

    The file is 16 kHz mono 16-bit; ``terminate()`` the process to finish it.

    Returns:
        The running ``parec``.
    """
    return subprocess.Popen(
        [
            "parec",
            "-d",
            f"{SPEAKER_SINK}.monitor",
            "--file-format=wav",
            "--rate=16000",
            "--channels=1",
            "--format=s16le",
            str(path),
        ],
        env=_client_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _main(argv: list[str]) -> int:
    """``start`` prints ``export XDG_RUNTIME_DIR=...``; ``stop`` stops the server there."""
    command = argv[0] if argv else "start"
    if command == "start":
        try:
            server = start_server()
        except VirtualAudioError as exc:
            print(f"virtual_audio: {exc}", file=sys.stderr)
            return 1
        print(f"export XDG_RUNTIME_DIR={server.runtime_dir}")
        return 0
    if command == "stop":
        runtime_dir = argv[1] if len(argv) > 1 else os.environ.get("XDG_RUNTIME_DIR", "")
        if not runtime_dir or not Path(runtime_dir, "pulse").is_dir():
            print("virtual_audio: no server found (set XDG_RUNTIME_DIR)", file=sys.stderr)
            return 1
        stop_server(VirtualAudioServer(Path(runtime_dir)))
        return 0
    print("usage: python -m tests.virtual_audio start|stop [RUNTIME_DIR]")
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
