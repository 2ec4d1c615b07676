"""JSON report: the session export, for tools (and for ``report --merge``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starcoach.reports.common import session_trends


def render_json(export: Mapping[str, Any]) -> str:
    """The export plus computed trends, as indented JSON ending in a newline."""
    data = dict(export)
    data["trends"] = [
        {
            "metric": t.metric,
            "label": t.label,
            "values": list(t.values),
            "slope": t.slope,
            "direction": t.direction,
        }
        for t in session_trends(export)
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
