"""Shared fixtures and the suite's rules about skipping.

- ``virtual_audio`` (tests/audio_support.py): a virtual PulseAudio server for device tests;
  ``speaker``: a pyttsx3 text-to-speech speaker.
- ``shared_dir``: the read-only ``../shared`` folder (text corpus, real speech). A test that
  needs it FAILS when it is missing, locally and in CI.
- In CI (``CI=true``) nothing may skip: a skipped test is reported as failed (device tests
  whose PulseAudio server cannot start, missing tools, ...), except for the reasons listed
  in ``CI_ALLOWED_SKIPS``. Outside CI, tests may skip with their reason (``-ra`` lists them).
- In parallel runs (pytest-xdist, ``--dist loadgroup``, as ``tools/dev.sh test`` runs them)
  the tests of a module that keeps state between its tests (a module-scoped fixture, or a
  cached function at module level, e.g. one transcription per fixture) go to one worker, so
  that state is built once; each worker starts its own virtual PulseAudio server (its own
  runtime folder and socket), so device tests need no grouping.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.audio_support import in_ci, speaker, virtual_audio  # noqa: F401

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
"""The shared data folder next to the repository (``../shared``)."""

pytest_plugins = ["pytester"]  # tests/test_suite_rules.py runs small suites under these rules

CI_ALLOWED_SKIPS = ("a real sound card is present",)
"""Skip reasons that stay skips in CI (they depend on hardware CI never has)."""


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; fails the test (never skips) when the folder is missing."""
    shared = shared_path()
    if not shared.is_dir():
        pytest.fail(f"{shared} is missing: tests that need ../shared fail without it "
                    "(clone the project next to its shared folder)", pytrace=False)
    return shared


def shared_path() -> Path:
    """``SHARED``, or ``STARCOACH_TEST_SHARED`` when set (to test these rules)."""
    return Path(os.environ.get("STARCOACH_TEST_SHARED") or SHARED)


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _about_shared(reason: str) -> bool:
    """True when a skip is because (part of) ``../shared`` is not there."""
    named = re.search(r"\bshared\b", reason, re.IGNORECASE) is not None
    return named or str(shared_path()) in reason


def _why_it_must_fail(reason: str) -> str | None:
    if _about_shared(reason) and not shared_path().is_dir():
        return f"../shared is missing ({shared_path()}); tests that need it fail, never skip"
    if in_ci() and not any(allowed in reason for allowed in CI_ALLOWED_SKIPS):
        return "CI=true: nothing may skip in CI (install what it needs, see tools/dev.sh)"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """Turn a skip into a failure when the suite's rules say it must fail (see above)."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = _skip_reason(report)
    why = _why_it_must_fail(reason)
    if why is not None:
        report.outcome = "failed"
        report.longrepr = f"skipped ({reason}), reported as a failure: {why}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    """The same for a whole module skipped at collection (``importorskip`` at the top)."""
    outcome = yield
    report: pytest.CollectReport = outcome.get_result()
    if report.skipped:
        reason = _skip_reason(report)
        why = _why_it_must_fail(reason)
        if why is not None:
            report.outcome = "failed"
            report.longrepr = f"skipped ({reason}), reported as a failure: {why}"


def pytest_report_header(config: pytest.Config) -> str:
    """Say which skip rules apply to this run."""
    ci = "CI: skips fail" if in_ci() else "not CI: skips allowed"
    shared = "present" if shared_path().is_dir() else "MISSING (tests needing it will fail)"
    return f"starcoach: {ci} (CI={os.environ.get('CI', '')!r}); ../shared {shared}"


def keeps_module_state(item: pytest.Item) -> bool:
    """True when ``item``'s module shares state between its tests: a module-scoped fixture
    the test uses, or a function cached at module level (``functools.cache``)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is not None:
        for defs in info.name2fixturedefs.values():
            if defs and defs[-1].scope == "module":  # the definition in effect (last)
                return True
    module = getattr(item, "module", None)
    return module is not None and any(
        isinstance(value, functools._lru_cache_wrapper) for value in vars(module).values()
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup``, put the tests of a module with shared state in one group
    (one worker builds the state once), and hand out ``slow`` tests first so that no long
    test starts last; runs before xdist names the groups."""
    # xdist sets ``loadgroup`` in its workers (where ``dist`` reads "no"), ``dist`` elsewhere
    if not (getattr(config.option, "loadgroup", False) or config.getoption("dist", "no")
            == "loadgroup"):
        return
    stateful = {item.nodeid.split("::")[0] for item in items if keeps_module_state(item)}
    for item in items:
        module = item.nodeid.split("::")[0]
        if module in stateful and not any(item.iter_markers("xdist_group")):
            item.add_marker(pytest.mark.xdist_group(module))
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable
