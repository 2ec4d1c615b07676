#!/usr/bin/env bash
# One-command set-up for a fresh machine, then run starcoach or its tests.
#
#   bash tools/dev.sh run [ARGS...]   install what is missing, then `starcoach ARGS` (default: the app)
#   bash tools/dev.sh test [ARGS...]  install what is missing (with test tools), then run the test suite
#   bash tools/dev.sh check           install what is missing, then ruff and mypy (strict)
#   bash tools/dev.sh install         install only
#
# System packages (Debian/Ubuntu, via apt-get; sudo when not root): espeak-ng (speech),
# libportaudio2 (microphone), alsa-utils (playback); for tests also pulseaudio (a virtual
# microphone and speaker), sox (audio conversion and fixture tests) and chromium (renders the
# HTML report). On macOS: Homebrew's
# espeak-ng and portaudio. The Python environment goes in .venv; nothing is downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
[ $# -gt 0 ] && shift

RUNTIME_DEBS=(espeak-ng libportaudio2 alsa-utils)
TEST_DEBS=(pulseaudio pulseaudio-utils libasound2-plugins sox chromium)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_system_packages() {
  local wanted=("${RUNTIME_DEBS[@]}")
  { [ "$mode" = test ] || [ "$mode" = check ]; } && wanted+=("${TEST_DEBS[@]}")
  if command -v apt-get >/dev/null 2>&1; then
    local missing=()
    for pkg in "${wanted[@]}"; do
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
    if [ ${#missing[@]} -gt 0 ]; then
      local sudo=""
      [ "$(id -u)" -ne 0 ] && sudo="sudo"
      say "Installing system packages: ${missing[*]}"
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
    fi
  elif [ "$(uname)" = Darwin ] && command -v brew >/dev/null 2>&1; then
    brew list espeak-ng >/dev/null 2>&1 || brew install espeak-ng
    brew list portaudio >/dev/null 2>&1 || brew install portaudio
  else
    say "Not Debian/Ubuntu or macOS: install espeak-ng and PortAudio yourself (see README)."
  fi
}

install_python_env() {
  local py=${PYTHON:-python3}
  "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { echo "starcoach needs Python 3.11 or newer ($py is $("$py" --version 2>&1))" >&2; exit 2; }
  [ -x .venv/bin/python ] || { say "Creating .venv"; "$py" -m venv .venv; }
  local extras="base"
  { [ "$mode" = test ] || [ "$mode" = check ]; } && extras="base,dev"
  local stamp=".venv/.installed-$extras" have
  for have in ".venv/.installed-$extras" .venv/.installed-base,dev; do  # test set-up covers run
    [ -f "$have" ] && [ ! pyproject.toml -nt "$have" ] && return 0
  done
  if true; then
    say "Installing starcoach[$extras] into .venv"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[$extras]"
    touch "$stamp"
  fi
}

install_system_packages
install_python_env

case "$mode" in
  install) say "Installed. Run: .venv/bin/starcoach --help" ;;
  run) exec .venv/bin/starcoach "$@" ;;
  check)
    # Lint and type checks (pinned ruff and mypy from the dev extra), as CI runs them.
    .venv/bin/python -m ruff check src tests
    .venv/bin/python -m ruff format --check src
    .venv/bin/python -m mypy
    ;;
  test)
    # The device tests start their own virtual PulseAudio server; with CI=true any test that
    # cannot run (no server, no ../shared, a missing tool) fails instead of skipping.
    # Tests run in parallel (pytest-xdist): one worker per core, at most 4 (each loads the
    # models and may start a sound server); STARCOACH_TEST_WORKERS=0 runs them in one process.
    # --dist loadgroup keeps a module's tests that share state in one worker (tests/conftest.py).
    rc=0
    workers=${STARCOACH_TEST_WORKERS:-auto}
    .venv/bin/python -m pytest -n "$workers" --maxprocesses=4 --dist loadgroup "$@" || rc=$?
    if [ "$rc" -eq 5 ]; then
      echo "dev.sh test: pytest collected no tests (exit 5): check the -k/-m selection" >&2
    fi
    exit "$rc" ;;
  *) echo "usage: bash tools/dev.sh run|test|check|install [ARGS...]" >&2; exit 2 ;;
esac
