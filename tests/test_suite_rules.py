"""The suite's skip rules (tests/conftest.py), run on small suites written for the test."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

SUITE = '''
import pytest
from pathlib import Path

MISSING = Path({missing!r})

@pytest.mark.skipif(not MISSING.exists(), reason="shared corpus not available")
def test_needs_the_corpus():
    assert False, "never runs"

def test_needs_a_clip():
    clip = MISSING / "real_speech" / "clip.wav"
    if not clip.exists():
        pytest.skip(f"{{clip}} not available")

def test_needs_a_tool():
    pytest.skip("frobnicator is not installed")

def test_sound_card():
    pytest.skip("a real sound card is present")

def test_uses_the_fixture(shared_dir):
    assert shared_dir.is_dir()

def test_plain():
    assert 1 + 1 == 2
'''


@pytest.fixture()
def suite(pytester: pytest.Pytester, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    missing = tmp_path / "no-shared-here"
    pytester.makeconftest("from tests.conftest import *  # noqa: F403\n")
    module_skip = 'import pytest\npytest.importorskip("no_such_module_here")\n'
    pytester.makepyfile(test_small=SUITE.format(missing=str(missing)),
                        test_module_skip=module_skip + "def test_never():\n    pass\n")
    monkeypatch.setenv("STARCOACH_TEST_SHARED", str(missing))
    return pytester


FLAGS = ("-v", "-p", "no:cacheprovider", "-p", "no:textual-snapshot", "-p", "no:asyncio")
"""Verbose; without plugins that keep state between sessions in one process."""


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """Test name -> PASSED/FAILED/SKIPPED/ERROR from the verbose lines."""
    found: dict[str, str] = {}
    for line in result.outlines:
        match = re.match(r"test_small\.py::(test_\w+) (PASSED|FAILED|SKIPPED|ERROR)", line)
        if match:
            found.setdefault(match[1], match[2])
    return found


def test_missing_shared_fails_outside_ci(suite: pytest.Pytester,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    result = suite.runpytest(*FLAGS)
    assert outcomes(result) == {
        "test_needs_the_corpus": "ERROR",  # a skipif marker skips in set-up
        "test_needs_a_clip": "FAILED",
        "test_needs_a_tool": "SKIPPED",
        "test_sound_card": "SKIPPED",
        "test_uses_the_fixture": "ERROR",
        "test_plain": "PASSED",
    }
    result.stdout.fnmatch_lines(["*../shared is missing*never skip*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_in_ci_only_hardware_skips_stay_skips(suite: pytest.Pytester,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest(*FLAGS, "--continue-on-collection-errors")
    found = outcomes(result)
    assert found["test_needs_a_tool"] == "FAILED"
    assert found["test_sound_card"] == "SKIPPED"
    assert found["test_plain"] == "PASSED"
    result.stdout.fnmatch_lines(["*ERROR collecting test_module_skip.py*",
                                 "*no_such_module_here*nothing may skip in CI*"])
    result.stdout.fnmatch_lines(["*frobnicator is not installed*nothing may skip in CI*"])


def test_present_shared_skips_are_left_alone(suite: pytest.Pytester, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    present = tmp_path / "shared"
    present.mkdir()
    monkeypatch.setenv("STARCOACH_TEST_SHARED", str(present))
    monkeypatch.delenv("CI", raising=False)
    result = suite.runpytest(*FLAGS)
    found = outcomes(result)
    assert found["test_uses_the_fixture"] == "PASSED"
    assert found["test_needs_a_tool"] == "SKIPPED"


def test_parallel_workers_keep_the_ci_rules(suite: pytest.Pytester,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``tools/dev.sh test`` runs the suite on pytest-xdist workers: the skip rules still hold
    there (the hooks run in each worker), and a module's shared state stays in one worker."""
    pytest.importorskip("xdist", reason="pytest-xdist (test dependency) runs the suite")
    root = str(Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, *sys.path])))
    monkeypatch.setenv("CI", "true")
    suite.makepyfile(test_state='''
import functools, os
import pytest

@functools.cache
def built():
    return os.getpid()

@pytest.fixture(scope="module")
def state():
    return os.getpid()

@pytest.mark.parametrize("n", range(6))
def test_cached(n, state):
    assert built() == state
''')
    result = suite.runpytest(*FLAGS, "-n", "2", "--dist", "loadgroup", "-p", "xdist")
    result.stdout.fnmatch_lines(["*2 workers*"])
    failed = {m[1] for line in result.outlines
              if (m := re.search(r"FAILED test_small\.py::(test_\w+)", line))}
    assert {"test_needs_a_clip", "test_needs_a_tool"} <= failed
    assert "test_sound_card" not in failed and "test_plain" not in failed
    result.stdout.fnmatch_lines(["*frobnicator is not installed*nothing may skip in CI*"])
    result.stdout.fnmatch_lines(["*ERROR collecting test_module_skip.py*",
                                 "*no_such_module_here*nothing may skip in CI*"])
    workers = {m[1] for line in result.outlines
               if (m := re.search(r"\[(gw\d+)\].*test_state\.py::test_cached", line))}
    assert len(workers) == 1, workers  # grouped: one worker built the module's state
    assert result.ret == pytest.ExitCode.TESTS_FAILED
