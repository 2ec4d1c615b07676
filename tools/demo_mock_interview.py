"""Play a full mock interview with the demo's recorded answers and print it, then the scorecard.

The scripted session the demo stands for: each question, what the candidate answered (as
Whisper heard it), the interviewer's follow-up when the answer had a gap, the combined feedback,
and at the end the hiring manager's scorecard as Markdown.

Usage::

    .venv/bin/python tools/demo_mock_interview.py [--behavioral N] [--seed S] [--no-follow-ups]
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from starcoach.adapters.fixtures import DemoClips  # noqa: E402
from starcoach.core.followups import FollowUpSettings  # noqa: E402
from starcoach.core.interviewer import Interviewer  # noqa: E402
from starcoach.core.mock_interview import load_mock_set, plan_mock_interview  # noqa: E402
from starcoach.core.questions import load_question_sets  # noqa: E402
from starcoach.reports.scorecard import scorecard_markdown  # noqa: E402
from starcoach.scripted_mock import Step, run_scripted_mock  # noqa: E402
from starcoach.storage.paths import mock_set_file, question_dir  # noqa: E402

LABELS = {"question": "Interviewer", "answer": "Candidate", "follow_up": "Interviewer",
          "follow_up_answer": "Candidate", "feedback": "Coach", "no_answer": "Candidate"}


def show(step: Step) -> None:
    """Print one step, wrapped at 96 columns."""
    empty = {"feedback": "No tips: a strong answer.", "no_answer": "(no recorded answer)"}
    text = step.text or empty.get(step.kind, "")
    if step.kind == "follow_up":
        text = f"(follow-up) {text}"
    print(textwrap.fill(f"{LABELS[step.kind]}: {text}", 96, subsequent_indent="    "))
    if step.kind == "feedback":
        print()


def main(argv: list[str] | None = None) -> int:
    """Run the session; print it and the scorecard."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--behavioral", type=int, default=5, help="behavioral questions")
    parser.add_argument("--seed", type=int, default=1, help="plan seed (default 1)")
    parser.add_argument("--no-follow-ups", action="store_true", help="never follow up")
    args = parser.parse_args(argv)
    from starcoach.adapters.whisper_transcriber import WhisperTranscriber

    clips = DemoClips()
    plan = plan_mock_interview(load_question_sets(question_dir()), load_mock_set(mock_set_file()), args.behavioral,
                               args.seed, available=clips.keys("interview"))
    interviewer = Interviewer(FollowUpSettings(enabled=not args.no_follow_ups))
    card = run_scripted_mock(plan, clips, WhisperTranscriber(None), interviewer, show)
    print(scorecard_markdown(card))
    return 0


if __name__ == "__main__":
    sys.exit(main())
