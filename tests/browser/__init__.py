"""The HTML reports as a browser shows them (headless Chromium, axe-core)."""
