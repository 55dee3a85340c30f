"""reports/screenshots holds a desktop and a phone picture of every reports/*.html
(``python -m tests.screenshots``), each a PNG of the width it claims."""

from __future__ import annotations

import struct

from tests.screenshots import SCREENSHOTS, expected

PNG = b"\x89PNG\r\n\x1a\n"


def test_every_html_report_has_its_screenshots() -> None:
    wanted = expected()
    assert wanted, "reports/ has no HTML report"
    present = {p.name for p in SCREENSHOTS.glob("*")} if SCREENSHOTS.is_dir() else set()
    assert present == set(wanted), "rerun python -m tests.screenshots"


def test_each_screenshot_is_a_whole_page_of_its_width() -> None:
    for name, (_, width, scale) in expected().items():
        data = (SCREENSHOTS / name).read_bytes()
        assert data[:8] == PNG and data[12:16] == b"IHDR", name
        shown_width, height = struct.unpack(">II", data[16:24])
        assert shown_width == width * scale, name
        assert height > 900, f"{name} is not a whole page ({height} px high)"  # the viewport
        assert len(data) < 3_000_000, f"{name} is {len(data):,} bytes"
