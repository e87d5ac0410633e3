"""Ensembles and sweeps: many runs of one engine, in seeded blocks, on any executor.

:func:`run_ensemble` draws the scenario's uncertainties (Monte Carlo or Latin hypercube) and
runs an engine on every draw; :func:`run_sweep` runs a given :class:`~negsim.design.Design`
(a grid of policy levels, crossed with uncertainty samples, a SALib sample...). Both may
repeat the whole design for several of the scenario's variants. Both return an
:class:`EnsembleResult`.

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
import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim.design import Design, latin_hypercube
from negsim.errors import EngineError, NegsimError
from negsim.scenario import Scenario, Uncertainty

__all__ = ["BLOCK", "OUTPUTS", "EnsembleResult", "run_ensemble", "run_sweep"]

#: Runs per seeded block (the unit of vectorisation and of seeding).
BLOCK = 4096

#: The per-run arrays an ensemble can keep.
OUTPUTS = ("outcome", "agreement", "round", "utility", "walk_away")

_SAMPLERS = ("monte_carlo", "latin_hypercube")


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
    shapes = {"outcome": ((n, k), np.float64, np.nan), "agreement": ((n,), np.bool_, False),
              "round": ((n,), np.int64, -1), "utility": ((n, m), np.float64, np.nan),
              "walk_away": ((n, m), np.float64, np.nan)}
    arrays = {name: np.full(shapes[name][0], shapes[name][2], dtype=shapes[name][1])
              for name in store}
    for name in extras:
        tail, dtype = (extra_shapes or {}).get(name, ((), np.float64))
        fill = -1 if np.issubdtype(dtype, np.integer) else (
            False if dtype == np.bool_ else np.nan)
        arrays["extras." + name] = np.full((n, *tail), fill, dtype=dtype)
    return arrays


def _run_task(task: _Task) -> dict[str, Any]:
    """Run the blocks of one chunk; returns their arrays (run axis first) and failures."""
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
    from negsim.runner import make_rng

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
        make_rng(seed)  # raises the standard message for anything but an int seed
        raise TypeError(f"an ensemble needs an int seed (recorded in the result), got {seed!r}")
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
        per_chunk = max(1, math.ceil(n_blocks * n_var / (4 * _workers(executor))))
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
        Runs per submitted chunk (rounded up to whole blocks); "auto" makes about four chunks
        per worker. Does not change the results.
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


# --------------------------------------------------------------------------------------------
# the result


def _z95() -> float:
    return 1.959963984540054


@attrs.frozen(eq=False, kw_only=True)
class EnsembleResult:
    """Many runs of one engine: the design and the outputs aligned on the run axis.

    The run axis is variant-major: runs ``v * n : (v + 1) * n`` belong to ``variants[v]``,
    and within a variant runs follow the design (C order over ``shape``, named ``dims``).

    Attributes
    ----------
    engine, params, seed, block, sampler
        What produced it (``sampler`` is ``"monte_carlo"``, ``"latin_hypercube"`` or
        ``"design"``).
    scenario_hash, scenario_title : str
    variants : tuple of str
        ``"baseline"`` for the scenario as it is.
    variant_hashes : tuple of str
    issue_ids, actor_ids, issue_labels, actor_names : tuple of str
    horizon : int
    shape, dims : tuple
        The runs of one variant as an N-dimensional array, and the axes' names.
    coords : dict of str to ndarray
        Values along named axes (a grid's levels).
    design : dict of str to ndarray, shape (R,)
        Each varied parameter's value per run.
    outcome : ndarray, shape (R, K), or None if not kept
    agreement : ndarray of bool, shape (R,), or None
    round : ndarray of int, shape (R,), or None
        Round of agreement, -1 where none.
    utility, walk_away : ndarray, shape (R, n), or None
    extras : dict of str to ndarray
    failed : ndarray of bool, shape (R,)
    error : ndarray of int32, shape (R,)
        Index into ``errors`` for failed runs, else -1.
    errors : tuple of str
    """

    engine: str
    params: dict[str, Any]
    seed: int
    block: int
    sampler: str
    scenario_hash: str
    scenario_title: str
    variants: tuple[str, ...]
    variant_hashes: tuple[str, ...]
    issue_ids: tuple[str, ...]
    actor_ids: tuple[str, ...]
    issue_labels: tuple[str, ...]
    actor_names: tuple[str, ...]
    horizon: int
    shape: tuple[int, ...]
    dims: tuple[str, ...]
    coords: dict[str, NDArray[np.float64]]
    design: dict[str, NDArray[np.float64]]
    outcome: NDArray[np.float64] | None
    agreement: NDArray[np.bool_] | None
    round: NDArray[np.int64] | None
    utility: NDArray[np.float64] | None
    walk_away: NDArray[np.float64] | None
    extras: dict[str, NDArray[Any]]
    failed: NDArray[np.bool_]
    error: NDArray[np.int32]
    errors: tuple[str, ...]

    # ---- shape and access

    @property
    def n_runs(self) -> int:
        """Runs in all, over every variant."""
        return int(self.failed.shape[0])

    @property
    def runs_per_variant(self) -> int:
        return self.n_runs // max(len(self.variants), 1)

    def __len__(self) -> int:
        return self.n_runs

    def names(self) -> list[str]:
        """Every per-run quantity :meth:`values` knows, e.g. ``outcome.donbas``."""
        out = []
        if self.agreement is not None:
            out.append("agreement")
        if self.round is not None:
            out.append("round")
        if self.outcome is not None:
            out += [f"outcome.{i}" for i in self.issue_ids]
        if self.utility is not None:
            out += [f"utility.{a}" for a in self.actor_ids]
            if self.walk_away is not None:
                out += [f"gain.{a}" for a in self.actor_ids]
        if self.walk_away is not None:
            out += [f"walk_away.{a}" for a in self.actor_ids]
        out += [f"extras.{k}" for k, v in self.extras.items() if v.ndim == 1]
        out += list(self.design)
        return out

    def values(self, name: str, variant: str | None = None) -> NDArray[Any]:
        """One quantity per run: ``agreement``, ``agreed_by.<round>`` (agreement by that
        round, counting from 0), ``round``, ``outcome.<issue>``,
        ``utility.<actor>``, ``gain.<actor>`` (utility less walk-away value),
        ``walk_away.<actor>``, ``extras.<name>`` or a design path; optionally one variant's.
        """
        v = self._values(name)
        if variant is None:
            return v
        j = self._variant_index(variant)
        n = self.runs_per_variant
        return v[j * n:(j + 1) * n]

    def _variant_index(self, variant: str) -> int:
        if variant not in self.variants:
            raise NegsimError(f"no variant {variant!r} in this ensemble ({list(self.variants)})")
        return self.variants.index(variant)

    def _values(self, name: str) -> NDArray[Any]:
        def need(a: NDArray[Any] | None, what: str) -> NDArray[Any]:
            if a is None:
                raise NegsimError(f"{name!r} needs the {what!r} output, which this ensemble "
                                  f"did not store")
            return a

        head, _, tail = name.partition(".")
        if name == "agreement":
            return need(self.agreement, "agreement")
        if name == "round":
            return need(self.round, "round")
        if head == "outcome" and tail in self.issue_ids:
            return need(self.outcome, "outcome")[:, self.issue_ids.index(tail)]
        if head in ("utility", "gain", "walk_away") and tail in self.actor_ids:
            i = self.actor_ids.index(tail)
            if head == "utility":
                return need(self.utility, "utility")[:, i]
            if head == "walk_away":
                return need(self.walk_away, "walk_away")[:, i]
            return need(self.utility, "utility")[:, i] - need(self.walk_away, "walk_away")[:, i]
        if head == "agreed_by" and tail.lstrip("-").isdigit():
            r = need(self.round, "round")
            return (r >= 0) & (r <= int(tail))
        if head == "extras" and tail in self.extras:
            return self.extras[tail]
        if name in self.design:
            return self.design[name]
        from negsim._checks import did_you_mean

        raise NegsimError(f"no quantity {name!r}{did_you_mean(name, self.names())}; "
                          f"known: {', '.join(self.names()[:12])}...")

    # ---- summaries

    def summary_table(self, names: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Per variant and quantity, over the runs that did not fail: the mean with a 95%
        interval for it (normal approximation; Wilson's for a share such as agreement), the
        5th, 50th and 95th percentiles, and the number of runs."""
        names = list(names) if names is not None else [
            x for x in self.names() if x not in self.design]
        rows = []
        for variant in self.variants:
            ok = ~self._slice(self.failed, variant)
            for name in names:
                x = np.asarray(self.values(name, variant), dtype=np.float64)[ok]
                rows.append({"variant": variant, "quantity": name, **_stats(
                    x, share=name == "agreement")})
        return rows

    def agreement_probability(self, variant: str | None = None,
                              within: int | None = None) -> dict[str, float]:
        """The share of (non-failed) runs agreeing, by round ``within`` if given, with a
        Wilson 95% interval."""
        ok = ~self._slice(self.failed, variant)
        if within is None:
            hit = self._slice(self.values("agreement"), variant)[ok]
        else:
            r = self._slice(self.values("round"), variant)[ok]
            hit = (r >= 0) & (r <= within)
        return _stats(hit.astype(np.float64), share=True)

    def _slice(self, a: NDArray[Any], variant: str | None) -> NDArray[Any]:
        if variant is None:
            return a
        j = self._variant_index(variant)
        n = self.runs_per_variant
        return a[j * n:(j + 1) * n]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: what produced the ensemble and, per variant, each
        quantity's statistics (:meth:`summary_table`)."""
        table = self.summary_table()
        per: dict[str, dict[str, Any]] = {}
        for row in table:
            stats = {k: v for k, v in row.items() if k not in ("variant", "quantity")}
            per.setdefault(row["variant"], {})[row["quantity"]] = stats
        for v in self.variants:
            per[v]["failed"] = int(self._slice(self.failed, v).sum())
        return {"scenario": {"title": self.scenario_title, "hash": self.scenario_hash},
                "engine": self.engine, "parameters": self.params, "seed": self.seed,
                "block": self.block, "sampler": self.sampler, "runs": self.n_runs,
                "design": {"dims": list(self.dims), "shape": list(self.shape),
                           "paths": list(self.design)},
                "errors": list(self.errors), "variants": per}

    def summary(self) -> str:
        """A readable summary per variant: agreement, round, outcomes and gains, with 95%
        intervals for the means and the 5-95% spread over runs."""
        lines = [f"{self.scenario_title}  [scenario {self.scenario_hash[:12]}]",
                 f"engine: {self.engine}  runs: {self.n_runs:,}  seed: {self.seed}  "
                 f"sampler: {self.sampler}  block: {self.block}"]
        if self.params:
            lines.append("parameters: " + ", ".join(f"{k}={v}" for k, v in self.params.items()))
        if self.design:
            lines.append("varied: " + ", ".join(self.design))
        labels = dict(zip(self.issue_ids, self.issue_labels, strict=True))
        names = dict(zip(self.actor_ids, self.actor_names, strict=True))
        for variant in self.variants:
            ok = ~self._slice(self.failed, variant)
            lines += ["", f"== {variant}  ({int(ok.sum()):,} runs"
                      + (f", {int((~ok).sum()):,} failed)" if (~ok).any() else ")")]
            if self.agreement is not None:
                a = self.agreement_probability(variant)
                lines.append(f"  agreement: {a['mean']:.1%}  [95% CI {a['lo']:.1%} - "
                             f"{a['hi']:.1%}]")
            if self.round is not None:
                r = self._slice(self.round, variant)[ok]
                r = r[r >= 0]
                if r.size:
                    lines.append(f"  round of agreement: median {np.median(r):g}, "
                                 f"5-95% {np.quantile(r, 0.05):g} - {np.quantile(r, 0.95):g}")
            header = f"  {'':<34} {'mean':>8} {'95% CI':>17} {'5%':>8} {'95%':>8}"
            if self.outcome is not None:
                lines += ["  Outcome per issue", header]
                for i in self.issue_ids:
                    lines.append(_line(labels[i], self.values(f"outcome.{i}", variant)[ok]))
            if self.utility is not None and self.walk_away is not None:
                lines += ["  Gain over the walk-away value per actor", header]
                for x in self.actor_ids:
                    lines.append(_line(names[x], self.values(f"gain.{x}", variant)[ok]))
        if self.errors:
            lines += ["", "Errors"] + [f"  {e}" for e in self.errors]
        return "\n".join(lines)

    def __repr__(self) -> str:
        share = ""
        if self.agreement is not None and (~self.failed).any():
            share = f", agreement in {float(self.agreement[~self.failed].mean()):.0%}"
        return (f"<EnsembleResult {self.engine!r} on {self.scenario_title!r} "
                f"[{self.scenario_hash[:12]}]: {self.n_runs:,} runs over "
                f"{len(self.variants)} variant(s), dims {self.dims} {self.shape}, seed "
                f"{self.seed}{share}, {int(self.failed.sum())} failed>")

    def _repr_html_(self) -> str:
        from negsim.display import html_block, html_table

        rows = [[r["variant"], r["quantity"], r["mean"], r["lo"], r["hi"], r["p05"], r["p95"]]
                for r in self.summary_table()]
        table = html_table(["variant", "quantity", "mean", "95% CI low", "95% CI high", "5%",
                            "95%"], rows, caption="Per variant: means with 95% intervals, "
                            "and the spread over runs")
        facts = [("engine", self.engine), ("runs", f"{self.n_runs:,}"), ("seed", self.seed),
                 ("scenario", self.scenario_hash[:12]), ("sampler", self.sampler),
                 ("dims", " x ".join(f"{d}={s}" for d, s in zip(self.dims, self.shape,
                                                              strict=True))),
                 ("failed", int(self.failed.sum()))]
        return html_block(self.scenario_title, facts, [table])

    # ---- conversions

    def to_result(self, variant: str | None = None) -> Any:
        """The runs (of one variant, default all) as a :class:`negsim.result.Result`, for the
        functions that take one (plots); needs every output stored; failed runs dropped."""
        from negsim.result import Result

        missing = [o for o in OUTPUTS if getattr(self, o) is None]
        if missing:
            raise NegsimError(f"to_result needs every output; this ensemble lacks {missing}")
        ok = ~self._slice(self.failed, variant)

        def cut(a: NDArray[Any]) -> NDArray[Any]:
            return self._slice(a, variant)[ok]

        return Result(engine=self.engine, params=self.params, seed=self.seed,
                      scenario_hash=self.scenario_hash, scenario_title=self.scenario_title,
                      issue_ids=self.issue_ids, actor_ids=self.actor_ids,
                      issue_labels=self.issue_labels, actor_names=self.actor_names,
                      outcome=cut(self.outcome), agreement=cut(self.agreement),
                      round=cut(self.round), utility=cut(self.utility),
                      walk_away=cut(self.walk_away),
                      extras={k: cut(v) for k, v in self.extras.items()})

    def _columns(self) -> dict[str, NDArray[Any]]:
        cols: dict[str, NDArray[Any]] = {}
        if len(self.variants) > 1 or self.variants != ("baseline",):
            cols["variant"] = np.repeat(np.array(self.variants), self.runs_per_variant)
        cols |= dict(self.design)
        for name in self.names():
            if name not in self.design:
                cols[name] = self.values(name)
        cols["failed"] = self.failed
        cols["error"] = np.array([self.errors[e] if e >= 0 else "" for e in self.error],
                                 dtype=object) if self.errors else np.full(self.n_runs, "",
                                                                            dtype=object)
        return cols

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per run: the variant, the design's paths, every
        quantity of :meth:`names`, ``failed`` and ``error`` (needs pandas)."""
        pd = _optional("pandas")
        return pd.DataFrame(self._columns())

    def to_xarray(self) -> Any:
        """An xarray Dataset with the runs on named dimensions (``variant`` if there are
        several, then the design's ``dims``, e.g. one per grid path and ``sample``), plus
        ``issue`` and ``actor``; a grid's levels are coordinates (needs xarray)."""
        xr = _optional("xarray")
        lead: tuple[str, ...] = self.dims
        shape: tuple[int, ...] = self.shape
        coords: dict[str, Any] = {d: self.coords[d] for d in self.dims if d in self.coords}
        if len(self.variants) > 1 or self.variants != ("baseline",):
            lead = ("variant", *lead)
            shape = (len(self.variants), *shape)
            coords["variant"] = list(self.variants)
        coords["issue"] = list(self.issue_ids)
        coords["actor"] = list(self.actor_ids)
        coords["issue_label"] = ("issue", list(self.issue_labels))
        coords["actor_name"] = ("actor", list(self.actor_names))

        def nd(a: NDArray[Any], tail: tuple[str, ...] = ()) -> tuple[tuple[str, ...], Any]:
            return (*lead, *tail), a.reshape(*shape, *a.shape[1:])

        data: dict[str, Any] = {}
        for name in ("outcome",):
            if self.outcome is not None:
                data[name] = nd(self.outcome, ("issue",))
        for name in ("utility", "walk_away"):
            a = getattr(self, name)
            if a is not None:
                data[name] = nd(a, ("actor",))
        if self.utility is not None and self.walk_away is not None:
            data["gain"] = nd(self.utility - self.walk_away, ("actor",))
        for name in ("agreement", "round"):
            a = getattr(self, name)
            if a is not None:
                data[name] = nd(a)
        data["failed"] = nd(self.failed)
        for k, v in self.extras.items():
            data[f"extras.{k}"] = nd(v, tuple(f"{k}_{j}" for j in range(v.ndim - 1)))
        for path, v in self.design.items():
            if path not in coords:
                data[path] = nd(v)
        return xr.Dataset(data, coords=coords, attrs=self._meta_attrs())

    def to_ema(self) -> tuple[Any, dict[str, NDArray[Any]]]:
        """EMA Workbench's ``(experiments, outcomes)``: a DataFrame with one column per varied
        parameter plus ``scenario`` (the design row), ``policy`` (the variant) and ``model``
        (the engine), and a dict of 1-D outcome arrays, so that its scenario-discovery tools
        (``prim.Prim(experiments, outcomes["agreement"] ...)``) work on negsim's output."""
        pd = _optional("pandas")
        n = self.runs_per_variant
        exp = pd.DataFrame(dict(self.design))
        exp["scenario"] = np.tile(np.arange(n), len(self.variants))
        exp["policy"] = pd.Categorical(np.repeat(np.array(self.variants), n))
        exp["model"] = self.engine
        outcomes = {name: np.asarray(self.values(name)) for name in self.names()
                    if name not in self.design}
        return exp, outcomes

    # ---- files

    def _meta(self) -> dict[str, Any]:
        return {"format": "negsim.EnsembleResult", "version": 1, "engine": self.engine,
                "params": self.params, "seed": self.seed, "block": self.block,
                "sampler": self.sampler, "scenario_hash": self.scenario_hash,
                "scenario_title": self.scenario_title, "variants": list(self.variants),
                "variant_hashes": list(self.variant_hashes),
                "issue_ids": list(self.issue_ids), "actor_ids": list(self.actor_ids),
                "issue_labels": list(self.issue_labels),
                "actor_names": list(self.actor_names), "horizon": self.horizon,
                "shape": list(self.shape), "dims": list(self.dims),
                "design": list(self.design), "extras": list(self.extras),
                "errors": list(self.errors)}

    def _meta_attrs(self) -> dict[str, Any]:
        return {"negsim": json.dumps(self._meta(), default=_jsonable),
                "scenario_hash": self.scenario_hash, "seed": self.seed}

    def _flat_arrays(self) -> dict[str, NDArray[Any]]:
        arrays: dict[str, NDArray[Any]] = {"failed": self.failed, "error": self.error}
        for name in OUTPUTS:
            a = getattr(self, name)
            if a is not None:
                arrays[name] = a
        for i, v in enumerate(self.design.values()):
            arrays[f"design_{i}"] = v
        for i, d in enumerate(self.dims):
            if d in self.coords:
                arrays[f"coord_{i}"] = self.coords[d]
        for i, v in enumerate(self.extras.values()):
            arrays[f"extra_{i}"] = v
        return arrays

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the ensemble: ``.npz`` (numpy only) or ``.nc`` (netCDF through xarray). The
        file carries the scenario's hash, the seed and block, and everything :meth:`load`
        needs; no pickle."""
        path = Path(path)
        if path.suffix not in (".npz", ".nc", ".netcdf"):
            raise NegsimError(f"{path}: save as .npz or .nc (netCDF), not {path.suffix!r}")
        final, path = path, path.with_name(f".{path.stem}.partial{path.suffix}")
        try:
            self._write(path)
            os.replace(path, final)  # never a half-written file under the final name
        finally:
            path.unlink(missing_ok=True)
        return final

    def _write(self, path: Path) -> None:
        if path.suffix == ".npz":
            np.savez_compressed(path, __meta__=np.array(json.dumps(self._meta(),
                                                                   default=_jsonable)),
                                **self._flat_arrays())
        elif path.suffix in (".nc", ".netcdf"):
            xr = _optional("xarray")
            arrays = self._flat_arrays()
            data = {k: (("run", *[f"{k}_{j}" for j in range(v.ndim - 1)]), v)
                    for k, v in arrays.items() if not k.startswith("coord_")}
            coords = {f"coord_{i}": (f"coord_{i}", v) for i, v in enumerate(
                arrays[k] for k in arrays if k.startswith("coord_"))}
            engine = "h5netcdf" if _importable("h5netcdf") else None
            xr.Dataset(data, coords=coords, attrs=self._meta_attrs()).to_netcdf(
                path, engine=engine)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> EnsembleResult:
        """Read an ensemble written by :meth:`save`."""
        path = Path(path)
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["__meta__"]))
                arrays = {k: z[k] for k in z.files if k != "__meta__"}
        elif path.suffix in (".nc", ".netcdf"):
            xr = _optional("xarray")
            with xr.open_dataset(path) as ds:
                meta = json.loads(ds.attrs["negsim"])
                arrays = {k: ds[k].values for k in [*ds.data_vars, *ds.coords]}
        else:
            raise NegsimError(f"{path}: not an ensemble file (.npz or .nc)")
        if meta.get("format") != "negsim.EnsembleResult":
            raise NegsimError(f"{path}: not a negsim ensemble file")
        coord_keys = sorted((k for k in arrays if k.startswith("coord_")),
                            key=lambda k: int(k.split("_")[1]))
        dims = tuple(meta["dims"])
        coords = {dims[int(key.split("_")[1])]: arrays[key] for key in coord_keys}
        return cls(
            engine=meta["engine"], params=meta["params"], seed=meta["seed"],
            block=meta["block"], sampler=meta["sampler"], scenario_hash=meta["scenario_hash"],
            scenario_title=meta["scenario_title"], variants=tuple(meta["variants"]),
            variant_hashes=tuple(meta["variant_hashes"]), issue_ids=tuple(meta["issue_ids"]),
            actor_ids=tuple(meta["actor_ids"]), issue_labels=tuple(meta["issue_labels"]),
            actor_names=tuple(meta["actor_names"]), horizon=meta["horizon"],
            shape=tuple(meta["shape"]), dims=dims, coords=coords,
            design={p: arrays[f"design_{i}"] for i, p in enumerate(meta["design"])},
            outcome=arrays.get("outcome"), agreement=arrays.get("agreement"),
            round=arrays.get("round"), utility=arrays.get("utility"),
            walk_away=arrays.get("walk_away"),
            extras={k: arrays[f"extra_{i}"] for i, k in enumerate(meta["extras"])},
            failed=arrays["failed"].astype(np.bool_), error=arrays["error"].astype(np.int32),
            errors=tuple(meta["errors"]))


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, tuple | set | frozenset):
        return list(x)
    return str(x)


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _optional(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise NegsimError(f"this needs {module}, an optional dependency: "
                          f"pip install 'negsim[data]'") from None


def _stats(x: NDArray[np.float64], share: bool = False) -> dict[str, float]:
    n = int(x.size)
    nan = float("nan")
    if n == 0:
        return {"n": 0, "mean": nan, "lo": nan, "hi": nan, "p05": nan, "p50": nan, "p95": nan}
    mean = float(x.mean())
    z = _z95()
    if share:  # Wilson score interval
        centre = (mean + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(mean * (1 - mean) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        lo, hi = centre - half, centre + half
    else:
        se = float(x.std(ddof=1)) / math.sqrt(n) if n > 1 else nan
        lo, hi = mean - z * se, mean + z * se
    p05, p50, p95 = (float(q) for q in np.quantile(x, [0.05, 0.5, 0.95]))
    return {"n": n, "mean": mean, "lo": lo, "hi": hi, "p05": p05, "p50": p50, "p95": p95}


def _line(label: str, x: NDArray[Any]) -> str:
    s = _stats(np.asarray(x, dtype=np.float64))
    return (f"  {label[:34]:<34} {s['mean']:8.3g} [{s['lo']:7.3g}, {s['hi']:7.3g}] "
            f"{s['p05']:8.3g} {s['p95']:8.3g}")
