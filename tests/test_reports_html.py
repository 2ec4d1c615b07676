"""The HTML report rendered in headless Chromium: the screenshot must show the charts drawn."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from starcoach.core.session_export import SessionExport, export_from_json
from starcoach.reports.charts import CHART_COLOR
from starcoach.reports.html import render_html
from tests.test_history_factory import make_analysis_json

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WINDOW = (1200, 1600)
CHART_AREA_ROWS = 700
"""The trend charts sit at the top of the page, above the first answer."""


def screenshot(html_file: Path, png: Path, profile: Path) -> None:
    """Render ``html_file`` in headless Chromium (no network, throwaway profile) to ``png``."""
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={png}",
           f"--window-size={WINDOW[0]},{WINDOW[1]}", html_file.as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


def read_png(path: Path, max_rows: int | None = None) -> np.ndarray:
    """Decode an 8-bit RGB/RGBA non-interlaced PNG (stdlib zlib + struct) to (h, w, 3) uint8."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    rows = min(height, max_rows or height)
    out = np.zeros((rows, width * bpp), dtype=np.uint8)
    prev = np.zeros(width * bpp, dtype=np.int32)
    stride = width * bpp + 1
    for y in range(rows):
        kind, line = raw[y * stride], np.frombuffer(raw, np.uint8, stride - 1, y * stride + 1)
        cur = _unfilter(kind, line.astype(np.int32), prev, bpp)
        out[y] = cur
        prev = cur
    return out.reshape(rows, width, bpp)[:, :, :3]


def _unfilter(kind: int, line: np.ndarray, prev: np.ndarray, bpp: int) -> np.ndarray:
    if kind == 0:
        return line
    if kind == 2:
        return (line + prev) & 0xFF
    if kind == 1:
        return np.cumsum(line.reshape(-1, bpp), axis=0).reshape(-1) & 0xFF
    cur = line.tolist()
    up = prev.tolist()
    for i in range(len(cur)):
        left = cur[i - bpp] if i >= bpp else 0
        if kind == 3:
            cur[i] = (cur[i] + (left + up[i]) // 2) & 0xFF
        else:
            upleft = up[i - bpp] if i >= bpp else 0
            p = left + up[i] - upleft
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upleft)
            pred = left if pa <= pb and pa <= pc else up[i] if pb <= pc else upleft
            cur[i] = (cur[i] + pred) & 0xFF
    return np.array(cur, dtype=np.int32)


def chart_pixels(image: np.ndarray, tolerance: int = 40) -> np.ndarray:
    """Mask of pixels close to the chart colour."""
    rgb = np.array([int(CHART_COLOR[i:i + 2], 16) for i in (1, 3, 5)])
    return np.abs(image.astype(np.int32) - rgb).max(axis=2) <= tolerance


def _export(n_attempts: int) -> SessionExport:
    runs = [(190, 6.0, (1, 0, 0, 0)), (165, 3.5, (1, 1, 0, 0)), (142, 1.0, (1, 1, 1, 1))]
    return export_from_json({"format": "starcoach-session", "version": 1, "trainee": None,
            "session": {"id": "abc12345", "started_at": "2025-01-01T10:00:00+00:00",
                        "kind": "interview"},
            "attempts": [{"id": i, "created_at": "2025-01-01T10:00:00+00:00",
                          "question": {"id": "q", "text": "Tell me about a conflict."},
                          "analysis": make_analysis_json(wpm=w, fillers_per_min=f, star=s)}
                         for i, (w, f, s) in enumerate(runs[:n_attempts])]})


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_html_report_charts_are_drawn_in_chromium(tmp_path: Path) -> None:
    counts = {}
    for n in (3, 0):
        page = tmp_path / f"report{n}.html"
        page.write_text(render_html(_export(n)), encoding="utf-8")
        png = tmp_path / f"report{n}.png"
        screenshot(page, png, tmp_path / "profile")
        image = read_png(png, max_rows=CHART_AREA_ROWS)
        mask = chart_pixels(image)
        counts[n] = int(mask.sum())
        if n:
            cols = np.flatnonzero(mask.any(axis=0))
            rows = np.flatnonzero(mask.any(axis=1))
            # four line charts: coloured pixels spread over two chart columns and rows
            assert cols.max() - cols.min() > 500, (cols.min(), cols.max())
            assert rows.max() - rows.min() > 150, (rows.min(), rows.max())
    assert counts[3] > 2000, counts
    assert counts[0] == 0, counts  # no attempts: "no data", nothing drawn
