"""Check model files against pinned SHA-256 digests, remembering files already checked.

Hashing the bundled tiny model (75 MB) takes about 0.1 s, the joined base model (145 MB)
about 0.2 s. A file whose digest matched is recorded with its size and modification time in
``verified-models.json`` in the cache folder; while both are unchanged the file is not hashed
again, so a start costs one ``stat`` per file. Reinstalling a package rewrites its files (new
modification time), so they are hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from starcoach.core.errors import ModelError

RECORD_FILE = "verified-models.json"
"""File in the cache folder listing the files already verified."""
RECORD_VERSION = 1
"""Format version of :data:`RECORD_FILE`; a record with another version is ignored."""

_Entry = dict[str, int | str]


def verify_files(folder: Path, expected: Mapping[str, str], cache: Path, fix: str) -> None:
    """Raise unless every file named in ``expected`` has its pinned SHA-256.

    Args:
        folder: The model folder.
        expected: File name inside ``folder`` mapped to its lower-case hex SHA-256.
        cache: The cache folder holding the verification record (created when needed;
            a record that cannot be read or written only costs a re-hash).
        fix: What the user should do on a mismatch, appended to the error.

    Raises:
        ModelError: a file is missing or its digest differs; one line naming the file.
    """
    record_path = cache / RECORD_FILE
    record = _load_record(record_path)
    changed = False
    for name, digest in expected.items():
        path = folder / name
        try:
            stat = path.stat()
        except OSError as exc:
            raise ModelError(f"model file {path} is missing ({exc.strerror}); {fix}") from exc
        key = str(path.resolve())
        stamp: _Entry = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
        if record.get(key) == stamp:
            continue
        actual = file_sha256(path)
        if actual != digest:
            record.pop(key, None)
            _save_record(record_path, record)
            raise ModelError(
                f"model file {path} does not match its pinned checksum "
                f"(sha256 {actual[:12]}..., expected {digest[:12]}...); {fix}"
            )
        record[key] = stamp
        changed = True
    if changed:
        _save_record(record_path, record)


def file_sha256(path: Path) -> str:
    """Lower-case hex SHA-256 of a file's contents.

    Raises:
        ModelError: the file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror}") from exc


def _load_record(path: Path) -> dict[str, _Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
        return {}
    files = data.get("files")
    return dict(files) if isinstance(files, dict) else {}


def _save_record(path: Path, record: Mapping[str, _Entry]) -> None:
    """Write the record atomically; failures are ignored (the next start re-hashes)."""
    staging = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging.write_text(
            json.dumps({"version": RECORD_VERSION, "files": dict(record)}, indent=1),
            encoding="utf-8",
        )
        staging.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            staging.unlink(missing_ok=True)
