"""Renderers: each reads a ``GapReport`` and formats it; none computes anything."""
