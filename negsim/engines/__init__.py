"""The engine registry: short names to engines.

``register`` adds an engine; ``get`` finds one by name (with a suggestion for typos);
``available`` lists them. Importing this package registers negsim's own engines and nothing else.
"""

from __future__ import annotations

from negsim._checks import did_you_mean
from negsim.engines.base import Engine, EngineInfo, NoParams, Outcome, parse_params
from negsim.errors import EngineError

__all__ = ["Engine", "EngineInfo", "NoParams", "Outcome", "available", "get", "parse_params",
           "register", "unregister"]

_REGISTRY: dict[str, Engine] = {}


def register(engine: Engine) -> Engine:
    """Add an engine to the registry under ``engine.info.name``; returns it."""
    name = engine.info.name
    if name in _REGISTRY and _REGISTRY[name] is not engine:
        raise EngineError(f"an engine named {name!r} is already registered")
    _REGISTRY[name] = engine
    return engine


def unregister(name: str) -> None:
    """Remove the engine registered as ``name`` (no error if there is none)."""
    _REGISTRY.pop(name, None)


def get(name: str) -> Engine:
    """The engine registered as ``name``.

    Raises
    ------
    EngineError
        If there is none, naming the closest registered engine.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise EngineError(
            f"no engine {name!r}{did_you_mean(name, _REGISTRY)}; available: "
            f"{', '.join(sorted(_REGISTRY))}"
        ) from None


def available() -> tuple[Engine, ...]:
    """Every registered engine, sorted by name."""
    return tuple(_REGISTRY[k] for k in sorted(_REGISTRY))


from negsim.engines import (  # noqa: E402  (importing registers the engines)
    cooperative as _cooperative,
    crisis as _crisis,
    expected_utility as _expected_utility,
    forecast as _forecast,
    legislative as _legislative,
    smp as _smp,
    strategic as _strategic,
    war_engine as _war_engine,
)

del _cooperative, _crisis, _expected_utility, _forecast, _legislative, _smp, _strategic, _war_engine
