import os

# as balik/__init__.py does, before NumPy is loaded here: one OpenBLAS thread unless set
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
