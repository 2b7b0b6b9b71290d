import os

# The test processes share the cores: one thread each for NumPy's BLAS and scikit-learn's OpenMP
# (their idle threads spin), set here, before conftest.py loads either. Processes the tests start
# inherit it.
for threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(threads, "1")
