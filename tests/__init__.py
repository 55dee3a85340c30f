"""gapscan's tests.

OpenBLAS picks its kernels by the CPU it runs on, and kernels of different widths
round a matrix product differently in the last bits: a weighted report's Rao–Scott
test (its design-effect matrix) then differs in the 16th digit from one machine to
another. The golden files hold those floats byte for byte, so every test run (and
``python -m tests.golden``, which makes them) uses one kernel on x86-64: Haswell's
(AVX2), which every x86-64 machine these tests run on has. It must be chosen before
numpy is first imported, which this package's import does.
"""

from __future__ import annotations

import os
import platform
import sys

if platform.machine().lower() in {"x86_64", "amd64"}:
    if "numpy" in sys.modules and os.environ.get("OPENBLAS_CORETYPE") != "Haswell":
        raise RuntimeError(
            "numpy was imported before the tests chose OpenBLAS's kernel: run the tests "
            "with OPENBLAS_CORETYPE=Haswell"
        )
    os.environ["OPENBLAS_CORETYPE"] = "Haswell"
