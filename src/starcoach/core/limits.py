"""Size limits on input a user types or points at, so analysis stays fast.

A typed answer of 20,000 characters is about 3,500 words, over 20 minutes of speech; anything
longer is not an interview answer and would take seconds to minutes to analyse.
"""

from __future__ import annotations

from starcoach.core.errors import AppError

MAX_TYPED_CHARS = 20_000
"""Longest typed answer accepted, in characters (surrounding whitespace not counted)."""
MAX_UTF8_BYTES_PER_CHAR = 4
"""A file larger than MAX_TYPED_CHARS times this is over the limit without reading it."""


def typed_answer_problem(text: str) -> str | None:
    """Why a typed answer is refused, or None when its size is fine.

    Args:
        text: The answer as typed.

    Returns:
        A one-line reason ("... characters; the limit is 20,000"), or None.
    """
    n = len(text.strip())
    if n <= MAX_TYPED_CHARS:
        return None
    return f"the answer is {n:,} characters long; the limit is {MAX_TYPED_CHARS:,}"


def check_typed_answer(text: str, source: str = "typed answer") -> None:
    """Refuse a typed answer over ``MAX_TYPED_CHARS``.

    Args:
        text: The answer as typed.
        source: Where it came from (a file name), for the message.

    Raises:
        AppError: the answer is too long (the CLI prints the message and exits with 2).
    """
    problem = typed_answer_problem(text)
    if problem:
        raise AppError(f"{source}: {problem}", title="Answer too long")


def check_typed_file_size(size_bytes: int, source: str) -> None:
    """Refuse a transcript file that is certainly over the limit, before reading it.

    Args:
        size_bytes: The file's size.
        source: Its name, for the message.

    Raises:
        AppError: the file holds more than ``MAX_TYPED_CHARS`` characters whatever its encoding.
    """
    if size_bytes > MAX_TYPED_CHARS * MAX_UTF8_BYTES_PER_CHAR:
        raise AppError(
            f"{source}: {size_bytes:,} bytes is more than a typed answer may hold "
            f"(the limit is {MAX_TYPED_CHARS:,} characters)",
            title="Answer too long",
        )
