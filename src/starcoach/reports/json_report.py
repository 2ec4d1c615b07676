"""JSON report: the session export, for tools (and for ``report --merge``)."""

from __future__ import annotations

import json

from starcoach.core.session_export import SessionExport, export_to_json
from starcoach.reports.common import session_trends


def render_json(export: SessionExport) -> str:
    """The export (``export_to_json``) plus computed trends, as indented JSON ending in a
    newline."""
    data = export_to_json(export)
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
