"""Ensembles and sweeps: many runs of one engine, in seeded blocks, on any executor.

:func:`run_ensemble` draws the scenario's uncertainties (Monte Carlo or Latin hypercube) and
runs an engine on every draw; :func:`run_sweep` runs a given :class:`~negsim.design.Design`
(a grid of policy levels, crossed with uncertainty samples, a SALib sample...). Both may
repeat the whole design for several of the scenario's variants. Both return an
:class:`~negsim.ensemble_result.EnsembleResult`.

How runs are seeded and split
-----------------------------
The run axis is cut into *blocks* of ``block`` runs (4,096 by default). Block ``b`` of every
variant gets the generator ``default_rng(SeedSequence(seed, spawn_key=(b,)))``: its first child
stream draws the block's uncertainties (in :func:`run_ensemble`), its second feeds the engine.
The engine runs vectorised over one block at a time. Blocks are grouped into *chunks*, the
unit of work handed to an executor; since the seeds belong to blocks, fixed before anything is
submitted, results are bit-identical whether the chunks run in this process, on a thread or
process pool, or on a Dask cluster (``Client.get_executor()``), whatever their number and
size. Changing ``block`` or ``seed`` changes the draws; both are recorded in the result.
Variants share the blocks' seeds, so comparisons between variants use common random numbers.

Memory
------
A worker holds one block's working arrays at a time, and the executor at most two chunks per
worker in flight; the result keeps, per run, only the arrays named in ``store``. Before
anything runs, the kept arrays' size is checked against ``max_memory`` (default: the machine's
available memory less a quarter), and a sweep that cannot fit is refused with its size and
what to do about it.

Failed runs
-----------
An exception raised by the engine on a block does not stop the ensemble: the block is split
in halves (their seeds derived from the block's) until the failing runs are isolated. Those
runs are marked in ``failed``, their message kept in ``errors``; their outputs are NaN (or
False and -1), and summaries leave them out.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim._threads import single_blas
from negsim.design import Design, latin_hypercube
from negsim.ensemble_result import OUTPUTS, EnsembleResult
from negsim.errors import EngineError, NegsimError
from negsim.scenario import Scenario, Uncertainty

__all__ = ["BLOCK", "OUTPUTS", "EnsembleResult", "run_ensemble", "run_sweep"]

#: Runs per seeded block (the unit of vectorisation and of seeding).
BLOCK = 4096

_SAMPLERS = ("monte_carlo", "latin_hypercube")
_CHUNK_BLOCKS = 8  # blocks per chunk at most, with chunksize="auto"


# --------------------------------------------------------------------------------------------
# the work: picklable tasks, run in any process


@attrs.frozen(eq=False)
class _Task:
    scenario: Scenario
    engine: str
    params: Any
    seed: int
    variant: int
    blocks: tuple[tuple[int, int, int], ...]  # (block index, first run, number of runs)
    columns: dict[str, NDArray[np.float64]]  # the design rows of these blocks, in order
    sample: tuple[Uncertainty, ...]  # uncertainties drawn per block (run_ensemble)
    store: tuple[str, ...]
    extras: tuple[str, ...]


def _block_seeds(seed: int, block: int) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    root = np.random.SeedSequence(seed, spawn_key=(block,))
    return (np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, 0)),
            np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, 1)))


def _solve(scenario: Scenario, engine: str, params: Any, n: int,
           overrides: Mapping[str, NDArray[np.float64]],
           ss: np.random.SeedSequence) -> Any:
    from negsim.compiled import compile_scenario
    from negsim.engines import get

    compiled = compile_scenario(scenario, n, overrides)
    out = get(engine).solve(compiled, params, np.random.default_rng(ss))
    walk = compiled.walk_away if out.walk_away is None else out.walk_away
    return out, np.broadcast_to(walk, (n, compiled.n_actors))


_CAUGHT = (NegsimError, ArithmeticError, ValueError, np.linalg.LinAlgError, IndexError)


def _solve_isolating(scenario: Scenario, engine: str, params: Any, n: int,
                     overrides: Mapping[str, NDArray[np.float64]],
                     ss: np.random.SeedSequence) -> list[tuple[int, int, Any, Any, str | None]]:
    """Solve ``n`` runs; on an exception split them in halves (seeds derived from ``ss``)
    until the failing runs are single. Returns (start, stop, outcome, walk, error) pieces."""
    try:
        out, walk = _solve(scenario, engine, params, n, overrides, ss)
    except _CAUGHT as exc:
        if n == 1:
            return [(0, 1, None, None, f"{type(exc).__name__}: {exc}")]
        half = n // 2
        pieces = []
        for k, (a, b) in enumerate(((0, half), (half, n))):
            child = np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, 2 + k))
            sub = {p: v[a:b] for p, v in overrides.items()}
            for s0, s1, o, w, e in _solve_isolating(scenario, engine, params, b - a, sub, child):
                pieces.append((a + s0, a + s1, o, w, e))
        return pieces
    return [(0, n, out, walk, None)]


def _empty(store: Sequence[str], extras: Sequence[str], n: int, k: int, m: int,
           extra_shapes: Mapping[str, tuple[tuple[int, ...], Any]] | None = None
           ) -> dict[str, NDArray[Any]]:
    shapes = {"outcome": ((n, k), np.float64), "agreement": ((n,), np.bool_),
              "round": ((n,), np.int64), "utility": ((n, m), np.float64),
              "walk_away": ((n, m), np.float64)}
    for name in extras:
        tail, dtype = (extra_shapes or {}).get(name, ((), np.float64))
        shapes["extras." + name] = ((n, *tail), dtype)
    return {name: np.full(shape, _fill(np.dtype(dtype)), dtype=dtype)
            for name, (shape, dtype) in shapes.items()
            if name in store or name.startswith("extras.")}


def _run_task(task: _Task) -> dict[str, Any]:
    """Run the blocks of one chunk; returns their arrays (run axis first) and failures.

    BLAS runs on one thread meanwhile (:func:`negsim._threads.single_blas`): the engines'
    matrices are tiny, and the executor's workers already use the cores."""
    with single_blas():
        return _run_blocks(task)


def _run_blocks(task: _Task) -> dict[str, Any]:
    n_total = sum(b[2] for b in task.blocks)
    k, m = len(task.scenario.issues), len(task.scenario.actors)
    arrays: dict[str, NDArray[Any]] | None = None
    design: dict[str, NDArray[np.float64]] = {}
    failed = np.zeros(n_total, dtype=np.bool_)
    error = np.full(n_total, -1, dtype=np.int32)
    messages: list[str] = []
    at = 0
    for block, _first, n in task.blocks:
        draw_ss, engine_ss = _block_seeds(task.seed, block)
        overrides = {p: v[at:at + n] for p, v in task.columns.items()}
        if task.sample:
            gen = np.random.default_rng(draw_ss)
            drawn = {u.path: np.asarray(u.sample(gen, n), dtype=np.float64)
                     for u in task.sample}
            for p, v in drawn.items():
                design.setdefault(p, np.empty(n_total))[at:at + n] = v
            overrides = {**drawn, **overrides}
        pieces = _solve_isolating(task.scenario, task.engine, task.params, n, overrides,
                                  engine_ss)
        for s0, s1, out, walk, message in pieces:
            rows = slice(at + s0, at + s1)
            if message is not None:
                failed[rows] = True
                if message not in messages:
                    messages.append(message)
                error[rows] = messages.index(message)
                continue
            if arrays is None:
                shapes = {name: (np.asarray(out.extras[name]).shape[1:],
                                 np.asarray(out.extras[name]).dtype) for name in task.extras
                          if name in out.extras}
                missing = [name for name in task.extras if name not in out.extras]
                if missing:
                    raise EngineError(f"engine {task.engine!r} records no extras named "
                                      f"{missing}; it records {sorted(out.extras)}")
                arrays = _empty(task.store, task.extras, n_total, k, m, shapes)
            values = {"outcome": out.outcome, "agreement": out.agreement, "round": out.round,
                      "utility": out.utility, "walk_away": walk}
            for name in task.store:
                arrays[name][rows] = values[name]
            for name in task.extras:
                arrays["extras." + name][rows] = out.extras[name]
        at += n
    if arrays is None:  # every run failed
        arrays = _empty(task.store, (), n_total, k, m)
        for name in task.extras:
            arrays["extras." + name] = np.full(n_total, np.nan)
    return {"arrays": arrays, "design": design, "failed": failed, "error": error,
            "messages": messages}


# --------------------------------------------------------------------------------------------
# the driver


def _bytes_per_run(store: Sequence[str], n_extras: int, k: int, m: int, d: int) -> int:
    per = {"outcome": 8 * k, "agreement": 1, "round": 8, "utility": 8 * m, "walk_away": 8 * m}
    return sum(per[s] for s in store) + 8 * n_extras + 8 * d + 1 + 4


def _available_memory() -> int:
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # not POSIX: assume 4 GB
        return 4 << 30


def _progress_on(progress: bool | None) -> bool:
    if progress is not None:
        return bool(progress)
    if os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    ipython = sys.modules.get("IPython")
    if ipython is not None:
        shell = ipython.get_ipython()
        if shell is not None and "IPKernelApp" in getattr(shell, "config", {}):
            return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def _workers(executor: cf.Executor | None) -> int:
    if executor is None:
        return 1
    n = getattr(executor, "_max_workers", None)
    if isinstance(n, int) and n > 0:
        return n
    client = getattr(executor, "_client", None)  # dask.distributed's ClientExecutor
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # a cluster that cannot say: assume two
            return 2
    return 2


def _resolve_variants(scenario: Scenario, variants: Sequence[str | None] | None
                      ) -> tuple[tuple[str, ...], list[Scenario], list[set[str]]]:
    """Variant ids, the scenarios they make, and the paths each sets."""
    if variants is None:
        return ("baseline",), [scenario], [set()]
    if isinstance(variants, str):
        variants = [variants]
    ids, scenarios, sets = [], [], []
    for v in variants:
        if v is None or v == "baseline":
            ids.append("baseline")
            scenarios.append(scenario)
            sets.append(set())
        else:
            try:
                scenarios.append(scenario.with_variant(v))
            except KeyError:
                known = ", ".join(x.id for x in scenario.variants) or "none"
                raise NegsimError(f"scenario {scenario.title!r} has no variant {v!r} "
                                  f"(variants: {known})") from None
            ids.append(v)
            sets.append(set(scenario.variant(v).set))
    if len(set(ids)) != len(ids):
        raise NegsimError(f"variants repeat: {ids}")
    return tuple(ids), scenarios, sets


def _execute(scenarios: list[Scenario], variant_sets: list[set[str]], engine: str | None,
             params: Any, seed: int,
             design: Design | None, sample: Sequence[Uncertainty], runs: int,
             executor: cf.Executor | None, chunksize: int | str, progress: bool | None,
             store: Sequence[str], extras: Sequence[str], block: int,
             max_memory: int | None) -> dict[str, Any]:
    from negsim.engines import get
    from negsim.engines.base import parse_params
    base = scenarios[0]
    name = engine or base.engine.kind
    eng = get(name)
    if params is None:
        params = base.engine.params if name == base.engine.kind else {}
    p = parse_params(eng.params, params)
    for s in scenarios:
        if eng.check is not None:
            reasons = eng.check(s)
            if reasons:
                raise EngineError(f"engine {name!r} cannot run scenario {s.title!r}: "
                                  + "; ".join(reasons))
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        raise TypeError(f"an ensemble needs a non-negative int seed (recorded in the result), "
                        f"got {seed!r}")
    if block < 1:
        raise NegsimError(f"block must be at least 1 run, got {block}")
    store = tuple(store)
    unknown = [s for s in store if s not in OUTPUTS]
    if unknown:
        raise NegsimError(f"store names unknown outputs {unknown}; choose from {OUTPUTS}")
    if runs < 0:
        raise NegsimError(f"runs must be >= 0, got {runs}")

    # a path the compiled form cannot vary is the caller's error, not a failed run
    from negsim.compiled import compile_scenario

    paths = list(design.columns) if design is not None else [u.path for u in sample]
    for s in scenarios:
        compile_scenario(s, 1, {path: np.zeros(1) for path in paths})

    n_var = len(scenarios)
    total = n_var * runs
    k, m = len(base.issues), len(base.actors)
    d = len(design.columns) if design is not None else len(sample)
    need = total * _bytes_per_run(store, len(extras), k, m, d)
    limit = max_memory if max_memory is not None else int(_available_memory() * 0.75)
    if need > limit:
        raise NegsimError(
            f"this ensemble would keep {need / 2**30:.1f} GiB of results ({total:,} runs x "
            f"{need // max(total, 1)} bytes) but {limit / 2**30:.1f} GiB is available: keep "
            f"fewer outputs (store=('agreement', 'round') takes "
            f"{_bytes_per_run(('agreement', 'round'), 0, k, m, d)} bytes per run), or split "
            f"the runs into several ensembles")

    n_blocks = math.ceil(runs / block) if runs else 0
    if chunksize == "auto":
        # at least four chunks per worker, and no more than _CHUNK_BLOCKS blocks each: the
        # last chunks then leave a worker idle for less time, and results of 127,000 runs at
        # once cost the collecting process 1.3 s of CPU where 32,000 at a time cost 0.4 s
        # (Nash, 1,000,000 runs on 2 workers)
        per_chunk = max(1, min(_CHUNK_BLOCKS,
                               math.ceil(n_blocks * n_var / (4 * _workers(executor)))))
    elif isinstance(chunksize, int | np.integer) and chunksize >= 1:
        per_chunk = max(1, math.ceil(int(chunksize) / block))
    else:
        raise NegsimError(f"chunksize must be 'auto' or a positive number of runs, "
                          f"got {chunksize!r}")
    if executor is None:
        per_chunk = 1  # in this process: one block at a time, so progress is smooth

    tasks: list[tuple[int, _Task]] = []  # (offset of the chunk's first run, task)
    for v, s in enumerate(scenarios):
        sampled = tuple(u for u in sample if u.path not in variant_sets[v])
        for c0 in range(0, n_blocks, per_chunk):
            blocks = tuple((b, b * block, min(block, runs - b * block))
                           for b in range(c0, min(n_blocks, c0 + per_chunk)))
            first, last = blocks[0][1], blocks[-1][1] + blocks[-1][2]
            cols = design.rows(first, last) if design is not None else {}
            tasks.append((v * runs + first, _Task(
                scenario=s, engine=name, params=p, seed=int(seed), variant=v, blocks=blocks,
                columns=cols, sample=sampled, store=store, extras=tuple(extras))))

    arrays: dict[str, NDArray[Any]] = {}
    drawn: dict[str, NDArray[np.float64]] = {}
    if design is None:
        drawn = {u.path: np.full(total, np.nan) for u in sample}
    failed = np.zeros(total, dtype=np.bool_)
    error = np.full(total, -1, dtype=np.int32)
    messages: list[str] = []

    def collect(offset: int, out: dict[str, Any]) -> None:
        n = len(out["failed"])
        rows = slice(offset, offset + n)
        for key, a in out["arrays"].items():
            if key not in arrays:
                arrays[key] = np.full((total, *a.shape[1:]), _fill(a.dtype), dtype=a.dtype)
            arrays[key][rows] = a
        for path, v in out["design"].items():
            drawn[path][rows] = v
        failed[rows] = out["failed"]
        local = out["error"]
        for j, msg in enumerate(out["messages"]):
            if msg not in messages:
                messages.append(msg)
            error[rows][local == j] = messages.index(msg)

    bar = _bar(total, progress)
    try:
        if executor is None:
            for offset, task in tasks:
                out = _run_task(task)
                collect(offset, out)
                bar(len(out["failed"]))
        else:
            window = 2 * _workers(executor)
            pending: dict[cf.Future[Any], int] = {}
            queue: Iterator[tuple[int, _Task]] = iter(tasks)
            for offset, task in queue:
                pending[executor.submit(_run_task, task)] = offset
                if len(pending) >= window:
                    break
            while pending:
                done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    offset = pending.pop(fut)
                    out = fut.result()
                    collect(offset, out)
                    bar(len(out["failed"]))
                    for offset2, task in queue:
                        pending[executor.submit(_run_task, task)] = offset2
                        break
    finally:
        bar(None)
    for key in store:
        if key not in arrays:
            arrays[key] = _empty((key,), (), total, k, m)[key]
    return {"engine": name, "params": attrs.asdict(p), "arrays": arrays, "drawn": drawn,
            "failed": failed, "error": error, "errors": tuple(messages)}


def _fill(dtype: np.dtype[Any]) -> Any:
    if dtype == np.bool_:
        return False
    if np.issubdtype(dtype, np.integer):
        return -1
    return np.nan


def _bar(total: int, progress: bool | None) -> Callable[[int | None], None]:
    if not _progress_on(progress) or total == 0:
        return lambda n: None
    from tqdm.auto import tqdm

    bar = tqdm(total=total, unit="run", unit_scale=True, desc="negsim", leave=False)

    def update(n: int | None) -> None:
        if n is None:
            bar.close()
        else:
            bar.update(n)

    return update


def run_sweep(scenario: Scenario, design: Design, engine: str | None = None, *,
              seed: int = 0, params: Mapping[str, Any] | Any | None = None,
              variants: Sequence[str | None] | None = None,
              executor: cf.Executor | None = None, chunksize: int | str = "auto",
              progress: bool | None = None, store: Sequence[str] = OUTPUTS,
              extras: Sequence[str] = (), block: int = BLOCK,
              max_memory: int | None = None) -> EnsembleResult:
    """Run an engine on every row of a design (for every variant, if given).

    Parameters
    ----------
    scenario : Scenario
    design : Design
        Per-run values of parameter paths (:mod:`negsim.design`); they override the scenario
        and its variants. Parameters outside the design keep the scenario's values.
    engine : str, optional
        Registry name; default the scenario's ``[engine] kind``.
    seed : int
        Root seed: block ``b`` runs on ``SeedSequence(seed, spawn_key=(b,))``.
    params : mapping or the engine's parameter object, optional
    variants : sequence of str or None, optional
        Variant ids to run the design under (``None`` or ``"baseline"`` for the scenario as
        it is); default the scenario alone.
    executor : concurrent.futures.Executor, optional
        Where chunks run (a process or thread pool, ``dask.distributed.Client.get_executor()``);
        default this process, one block at a time.
    chunksize : "auto" or int
        Runs per submitted chunk (rounded up to whole blocks); "auto" makes at least four
        chunks per worker, of at most 8 blocks each. Does not change the results.
    progress : bool or None
        A ``tqdm.auto`` bar; None shows it in a terminal or notebook only (``TQDM_DISABLE``
        turns it off).
    store : sequence of str
        The per-run outputs to keep (:data:`OUTPUTS`).
    extras : sequence of str
        Engine extras to keep (e.g. the war engine's ``"capitulation"``).
    block : int
        Runs per seeded block (changes the random streams; recorded in the result).
    max_memory : int, optional
        Bytes the kept results may take (default three quarters of the available memory).

    Returns
    -------
    EnsembleResult

    Raises
    ------
    EngineError
        If the engine is unknown or cannot run the scenario.
    NegsimError
        If the ensemble's results cannot fit in ``max_memory``, or an argument is invalid.
    """
    if not isinstance(design, Design):
        raise TypeError(f"design must be a negsim.design.Design, got {type(design).__name__}")
    ids, scenarios, sets = _resolve_variants(scenario, variants)
    out = _execute(scenarios, sets, engine, params, seed, design, (), design.n_runs, executor,
                   chunksize, progress, store, extras, block, max_memory)
    return _assemble(scenario, scenarios, ids, design, out, seed, block, "design")


def run_ensemble(scenario: Scenario, runs: int, engine: str | None = None, *,
                 seed: int = 0, sampler: str = "monte_carlo",
                 params: Mapping[str, Any] | Any | None = None,
                 variants: Sequence[str | None] | None = None,
                 executor: cf.Executor | None = None, chunksize: int | str = "auto",
                 progress: bool | None = None, store: Sequence[str] = OUTPUTS,
                 extras: Sequence[str] = (), block: int = BLOCK,
                 max_memory: int | None = None) -> EnsembleResult:
    """Run an engine ``runs`` times, drawing the scenario's uncertainties for each run.

    ``sampler="monte_carlo"`` draws each block's uncertainties from the block's own stream,
    so no more than a block of draws exists at once and any number of runs fits;
    ``"latin_hypercube"`` stratifies all runs together (the design is built first). Under
    variants, an uncertainty over a path the variant sets yields to the variant.
    The other parameters are those of :func:`run_sweep`.

    Examples
    --------
    >>> import negsim
    >>> from negsim._resources import reference_scenario
    >>> s = negsim.load(reference_scenario())
    >>> e = run_ensemble(s, 1000, "compromise", seed=1, progress=False)
    >>> e.n_runs, bool(np.isfinite(e.outcome).all())
    (1000, True)
    """
    if sampler not in _SAMPLERS:
        raise NegsimError(f"sampler must be one of {_SAMPLERS}, got {sampler!r}")
    if not isinstance(runs, int | np.integer) or isinstance(runs, bool) or runs < 1:
        raise NegsimError(f"runs must be a positive int, got {runs!r}")
    ids, scenarios, sets = _resolve_variants(scenario, variants)
    if sampler == "latin_hypercube":
        # the design's own stream: a key no block uses
        gen = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**63,)))
        design = latin_hypercube(scenario.uncertainties, int(runs), gen)
        out = _execute(scenarios, sets, engine, params, seed, design, (), int(runs), executor,
                       chunksize, progress, store, extras, block, max_memory)
        return _assemble(scenario, scenarios, ids, design, out, seed, block, sampler)
    out = _execute(scenarios, sets, engine, params, seed, None, tuple(scenario.uncertainties),
                   int(runs), executor, chunksize, progress, store, extras, block, max_memory)
    design = Design({p: v for p, v in out["drawn"].items()}, shape=None)
    return _assemble(scenario, scenarios, ids, design, out, seed, block, sampler)


def _assemble(scenario: Scenario, scenarios: list[Scenario], ids: tuple[str, ...],
              design: Design, out: dict[str, Any], seed: int, block: int,
              sampler: str) -> EnsembleResult:
    n_var = len(ids)
    if sampler == "design":
        columns = {p: np.tile(v, n_var) for p, v in design.columns.items()}
        shape, dims, coords = design.run_shape, design.run_dims, dict(design.coords)
    elif sampler == "latin_hypercube":
        columns = {p: np.tile(v, n_var) for p, v in design.columns.items()}
        shape, dims, coords = design.run_shape, design.run_dims, {}
    else:
        columns = dict(design.columns)  # drawn per variant already (NaN where it yielded)
        shape = (len(out["failed"]) // n_var,)
        dims, coords = ("sample",), {}
    a = out["arrays"]
    return EnsembleResult(
        engine=out["engine"], params=out["params"], seed=int(seed), block=block,
        sampler=sampler, scenario_hash=scenario.hash, scenario_title=scenario.title,
        variants=ids, variant_hashes=tuple(s.hash for s in scenarios),
        issue_ids=tuple(i.id for i in scenario.issues),
        actor_ids=tuple(x.id for x in scenario.actors),
        issue_labels=tuple(i.label for i in scenario.issues),
        actor_names=tuple(x.name for x in scenario.actors),
        horizon=scenario.time.horizon,
        shape=tuple(shape), dims=tuple(dims), coords=coords, design=columns,
        outcome=a.get("outcome"), agreement=a.get("agreement"), round=a.get("round"),
        utility=a.get("utility"), walk_away=a.get("walk_away"),
        extras={key[len("extras."):]: v for key, v in a.items() if key.startswith("extras.")},
        failed=out["failed"], error=out["error"], errors=out["errors"],
    )
