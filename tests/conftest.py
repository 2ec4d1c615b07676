"""Shared fixtures and the suite's rules about skipping.

- ``virtual_audio`` (tests/audio_support.py): a virtual PulseAudio server for device tests;
  ``speaker``: a pyttsx3 text-to-speech speaker.
- ``shared_dir``: the read-only ``../shared`` folder (text corpus, real speech). A test that
  needs it FAILS when it is missing, locally and in CI.
- In CI (``CI=true``) nothing may skip: a skipped test is reported as failed (device tests
  whose PulseAudio server cannot start, missing tools, ...), except for the reasons listed
  in ``CI_ALLOWED_SKIPS``. Outside CI, tests may skip with their reason (``-ra`` lists them).
"""

from __future__ import annotations

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
