"""BLAS threads while negsim's own batched numpy code runs (private).

negsim's solvers call BLAS and LAPACK on thousands of tiny matrices (a Newton system per run),
where a multi-threaded BLAS only adds overhead, and where, with one worker process per core,
each worker's BLAS threads spinning for work take the cores from the other workers: on 2
cores, 2 worker processes ran the Nash ensemble 1.26 times faster than one process with
OpenBLAS's default threads, and 1.75 times with one BLAS thread each. :func:`single_blas`
limits BLAS to one thread while a block of runs is solved and restores the caller's setting
afterwards (threadpoolctl), so negsim never changes a user's configuration beyond its own
calls. The results do not depend on it: each tiny product or solve runs on one thread either
way.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["single_blas"]

_lock = threading.Lock()
_depth = 0  # threads of this process inside single_blas
_limit: Any = None  # threadpoolctl's context while _depth > 0


@contextlib.contextmanager
def single_blas() -> Iterator[None]:
    """Run the body with BLAS limited to one thread (nested and concurrent uses allowed: the
    first to enter sets the limit, the last to leave restores it)."""
    global _depth, _limit
    with _lock:
        if _depth == 0:
            try:  # a fresh look at the loaded libraries each time (a controller kept from an
                # earlier call was seen to set nothing when used from another thread)
                from threadpoolctl import threadpool_limits

                _limit = threadpool_limits(limits=1, user_api="blas")
            except Exception:  # no threadpoolctl or an unknown BLAS: run as configured
                _limit = None
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _limit is not None:
                _limit.restore_original_limits()
                _limit = None
