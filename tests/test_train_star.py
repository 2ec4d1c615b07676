"""The training script reproduces a working weights file from the shared corpus (small slice)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from starcoach.adapters.embedding import default_embedder, load_text_model
from starcoach.core.analysis.star import label_sentences
from starcoach.core.analysis.text_model import FLAGS, TextModel

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def _script():
    spec = importlib.util.spec_from_file_location("train_star", ROOT / "tools" / "train_star.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_star"] = module
    spec.loader.exec_module(module)
    return module


def test_training_on_a_slice_writes_a_usable_model(tmp_path: Path) -> None:
    assert (CORPUS / "v2" / "author-a.json").is_file(), "the shared corpus is required"
    out = tmp_path / "model.npz"
    assert _script().main(["--limit", "4", "--out", str(out), "--corpus", str(CORPUS)]) == 0
    with np.load(out) as data:
        model = TextModel.from_arrays({k: data[k] for k in data.files})
    shipped = load_text_model()
    assert model.star.w.shape == shipped.star.w.shape
    assert set(model.flags) == set(FLAGS) and model.competencies
    assert np.allclose(np.exp(model.log_start).sum(), 1.0, atol=1e-4)
    texts = ["Two winters ago I was a cashier at a garden centre.",
             "I walked the lady to the back and found the last bag of soil for her."]
    labels = label_sentences(texts, "Tell me about a time you helped a customer.", None,
                             default_embedder(), model)
    assert len(labels) == 2 and set(labels) <= {"situation", "task", "action", "result", "other"}


def test_missing_corpus_is_reported(tmp_path: Path) -> None:
    try:
        _script().main(["--corpus", str(tmp_path), "--out", str(tmp_path / "m.npz")])
    except SystemExit as exc:
        assert "not found" in str(exc.code)
    else:
        raise AssertionError("training without a corpus must stop")


def test_cut_copy_stops_before_the_first_result() -> None:
    from starcoach.core.analysis.model_training import Prepared, cut_before_result
    from starcoach.core.analysis.reading import Embedded

    def answer(labels: list[str]) -> Prepared:
        sents = [{"text": f"Sentence {i}.", "label": lab} for i, lab in enumerate(labels)]
        emb = Embedded(np.eye(len(labels), 4, dtype=np.float32), None, None)
        return Prepared({"question": "Q?", "sentences": sents},
                        tuple(s["text"].lower() for s in sents), emb, "behavioral")

    cut = cut_before_result(answer(["situation", "action", "action", "result", "result"]))
    assert cut is not None
    assert cut.labels == [0, 2, 2] and cut.cleaned == ("sentence 0.", "sentence 1.", "sentence 2.")
    assert cut.emb.sentences.shape == (3, 4)
    assert cut_before_result(answer(["situation", "action"])) is None  # no result to cut
    assert cut_before_result(answer(["situation", "result", "action"])) is None  # no action first
