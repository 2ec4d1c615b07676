"""``python -m starcoach`` and the ``starcoach`` console script."""

from __future__ import annotations

import sys

from starcoach.cli import main as _cli_main


def main() -> None:
    """Console-script entry point."""
    sys.exit(_cli_main())


if __name__ == "__main__":
    main()
