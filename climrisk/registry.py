"""One generic plugin registry: built-ins register by decorator, third parties by entry point.

Modelled on xarray's backend discovery (``list_engines``): entry points are loaded lazily,
once, and a plugin that fails to import warns with its name instead of breaking the tool.
"""

from __future__ import annotations

import functools
import importlib.metadata
import warnings
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class Registry(Generic[K, T]):
    """A named set of plugins of one kind.

    Parameters
    ----------
    group
        Entry-point group third parties register under, e.g. ``climrisk.renderers``.
    key_from_name
        Turns an entry point's name into a registry key (default: the name itself).
    """

    def __init__(self, group: str, key_from_name: Callable[[str], K] | None = None) -> None:
        self.group = group
        self._builtin: dict[K, T] = {}
        self._key_from_name = key_from_name or (lambda name: name)  # type: ignore[assignment,return-value]

    def register(self, key: K) -> Callable[[T], T]:
        """Return a decorator that registers a built-in under ``key``."""

        def decorate(obj: T) -> T:
            if key in self._builtin:
                warnings.warn(
                    f"{self.group}: {key!r} registered twice; the later one wins",
                    RuntimeWarning,
                    stacklevel=2,
                )
            self._builtin[key] = obj
            self.__dict__.pop("_all", None)
            return obj

        return decorate

    @functools.cached_property
    def _all(self) -> dict[K, T]:
        found: dict[K, T] = dict(self._builtin)
        for entry_point in importlib.metadata.entry_points(group=self.group):
            try:
                key = self._key_from_name(entry_point.name)
                found.setdefault(key, entry_point.load())
            except Exception as exc:  # a broken plugin must not break the tool
                warnings.warn(
                    f"plugin {entry_point.name!r} in {self.group} failed to load: {exc}",
                    RuntimeWarning,
                    stacklevel=2,
                )
        return found

    def get(self, key: K) -> T:
        """Return the plugin registered under ``key``, or raise ``KeyError`` listing what exists."""
        try:
            return self._all[key]
        except KeyError:
            available = ", ".join(sorted(map(str, self._all))) or "none"
            raise KeyError(f"unknown {self.group} {key!r}; available: {available}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._all

    def __iter__(self) -> Iterator[K]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def items(self) -> list[tuple[K, T]]:
        """All registered (key, plugin) pairs."""
        return list(self._all.items())
