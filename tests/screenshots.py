"""Screenshots of the committed HTML reports, as a browser shows them.

    python -m tests.screenshots

writes ``reports/screenshots/NAME-desktop.png`` (1280 CSS pixels wide) and
``NAME-phone.png`` (375 wide) of every ``reports/NAME.html``, whole pages, in headless
Chromium (Debian's; see tests/browser/harness.py), and removes the screenshots of
reports that are gone. Fonts differ between machines, so the pictures are for people
to look at, not compared byte for byte: the HTML is (tests/test_readme.py).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

from tests.browser import harness
from tests.golden import ROOT

REPORTS = ROOT / "reports"
SCREENSHOTS = REPORTS / "screenshots"
COLOURS = 128  # a palette this size keeps text crisp at a third of the file size
# CSS width and device scale: a phone's 375 px at scale 1 (2 would quadruple the files)
WIDTHS = {"desktop": (harness.DESKTOP, 1), "phone": (harness.PHONE, 1)}


def expected() -> dict[str, tuple[Path, int, int]]:
    """Each screenshot's file name, with the report it shows, its CSS width and scale."""
    return {
        f"{page.stem}-{kind}.png": (page, width, scale)
        for page in sorted(REPORTS.glob("*.html"))
        for kind, (width, scale) in WIDTHS.items()
    }


def save(png: bytes, path: Path) -> None:
    """The screenshot with its colours reduced to a palette (no dithering)."""
    with Image.open(io.BytesIO(png)) as image:
        quantized = image.convert("RGB").quantize(
            COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        quantized.save(path, optimize=True)


def main() -> int:
    lacking = harness.missing()
    if lacking:
        print("error: screenshots need " + "; ".join(lacking), file=sys.stderr)
        return 2
    SCREENSHOTS.mkdir(exist_ok=True)
    wanted = expected()
    with harness.chromium() as browser:
        for name, (page, width, scale) in wanted.items():
            with harness.visit(browser, page, width=width, scale=scale) as seen:
                seen.page.evaluate("document.fonts.ready")
                save(seen.page.screenshot(full_page=True), SCREENSHOTS / name)
            print(f"wrote {(SCREENSHOTS / name).relative_to(ROOT)}")
    for stale in sorted(set(p.name for p in SCREENSHOTS.glob("*.png")) - set(wanted)):
        (SCREENSHOTS / stale).unlink()
        print(f"removed {(SCREENSHOTS / stale).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
