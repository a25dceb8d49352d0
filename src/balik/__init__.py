"""Balik: mentoring programmes for Indonesian organisations."""

import os

# OpenBLAS (NumPy's) runs every matrix product on a thread per core. The matching engine's
# products are many and small; with another process on a core, each waits for a thread that
# is not running (30k x 30k, one bound: 15 s instead of 1.6 s). One thread unless set.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
