"""``HazardCatalog``: every hazard layer found in a folder, keyed by ``(hazard, indicator)``.

:func:`open_catalog` reads the metadata of every ``*.nc`` file and ``*.zarr`` store in a folder
(the embedded reference pack by default), checks each against the contract, keeps the usable
layers and records every problem by file name in ``catalog.problems``: a broken file is skipped,
never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from climrisk.errors import InputError, InputErrors, Issue
from climrisk.hazard.layer import HAZARDS, HazardLayer, LayerValueError
from climrisk.hazard.sources import supported_suffixes

__all__ = ["ENV_HAZARD_DATA", "HazardCatalog", "LayerKey", "default_hazard_dir", "open_catalog"]

LayerKey = tuple[str, str]
ENV_HAZARD_DATA = "CLIMRISK_HAZARD_DATA"
"""Environment variable naming a hazard folder to use instead of the embedded pack."""


def default_hazard_dir() -> Path:
    """The default hazard folder: ``$CLIMRISK_HAZARD_DATA``, else ``<repo>/hazard_data``."""
    env = os.environ.get(ENV_HAZARD_DATA, "").strip()
    if env:
        return Path(env).expanduser()
    import climrisk

    return Path(climrisk.__file__).resolve().parent.parent / "hazard_data"


class HazardCatalog(Mapping[LayerKey, HazardLayer]):
    """The usable hazard layers of one folder.

    Parameters
    ----------
    layers
        Layers keyed by ``(hazard, indicator)``.
    problems
        Problems found while reading the folder, one per file and problem (skipped files and
        warnings about kept layers).
    directory
        The folder the layers came from.
    """

    def __init__(
        self,
        layers: Mapping[LayerKey, HazardLayer],
        problems: Sequence[Issue] = (),
        directory: Path | None = None,
    ) -> None:
        order = {h: i for i, h in enumerate(HAZARDS)}
        self._layers = dict(sorted(layers.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0])))
        self.problems: list[Issue] = list(problems)
        self.directory = directory

    def __getitem__(self, key: LayerKey) -> HazardLayer:
        return self._layers[key]

    def __iter__(self) -> Iterator[LayerKey]:
        return iter(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    def __repr__(self) -> str:
        names = ", ".join(layer.name for layer in self._layers.values())
        return f"HazardCatalog({self.directory}, [{names}], problems={len(self.problems)})"

    @property
    def _where(self) -> str:
        return str(self.directory) if self.directory is not None else "<hazard catalogue>"

    def hazards(self) -> tuple[str, ...]:
        """Hazard ids present, in the contract's order."""
        return tuple(dict.fromkeys(h for h, _ in self._layers))

    def layers_for(self, hazard: str) -> list[HazardLayer]:
        """Every layer of one hazard.

        Raises
        ------
        climrisk.errors.InputError
            The hazard has no layer here; the message lists the hazards available.
        """
        found = [layer for (h, _), layer in self._layers.items() if h == hazard]
        if not found:
            raise InputError(self._where, self._unknown_hazard_message(hazard))
        return found

    def layer(self, name: str) -> HazardLayer:
        """The layer named ``"hazard:indicator"``."""
        hazard, _, indicator = name.partition(":")
        try:
            return self._layers[(hazard, indicator)]
        except KeyError:
            names = ", ".join(layer.name for layer in self._layers.values()) or "none"
            raise InputError(self._where, f"no hazard layer {name!r}; available: {names}") from None

    def _unknown_hazard_message(self, hazard: str) -> str:
        known = "" if hazard in HAZARDS else " (not a climrisk hazard id)"
        available = ", ".join(self.hazards()) or "none"
        return f"no layer for hazard {hazard!r}{known}; available: {available}"

    def scenarios(self) -> tuple[str, ...]:
        """Union of the scenarios of all layers, in order of first appearance."""
        return tuple(dict.fromkeys(s for layer in self._layers.values() for s in layer.scenarios))

    def require(self, scenarios: Sequence[str], hazards: Sequence[str] | None = None) -> None:
        """Check that every requested hazard has layers with every requested scenario.

        A missing scenario is never replaced by another one.

        Parameters
        ----------
        scenarios
            Scenario ids, e.g. ``("ssp126", "ssp370")``.
        hazards
            Hazard ids to check (default: every hazard in the catalogue).

        Raises
        ------
        climrisk.errors.InputErrors
            One issue per missing hazard and per layer lacking scenarios, naming them.
        """
        issues: list[Issue] = []
        wanted = list(dict.fromkeys(hazards)) if hazards is not None else list(self.hazards())
        for hazard in wanted:
            layers = [layer for (h, _), layer in self._layers.items() if h == hazard]
            if not layers:
                issues.append(Issue(self._where, self._unknown_hazard_message(hazard)))
                continue
            for layer in layers:
                missing = [s for s in scenarios if s not in layer.scenarios]
                if missing:
                    issues.append(Issue(
                        str(layer.path),
                        f"{layer.name} has no scenario {', '.join(missing)} "
                        f"(it has {', '.join(layer.scenarios)}); supply a layer with it or "
                        "choose the scenarios with --scenarios",
                    ))
        if issues:
            raise InputErrors(issues)

    def select(self, hazards: Sequence[str] | None = None) -> HazardCatalog:
        """Sub-catalogue with only the given hazards (all when ``None``); unknown ones raise."""
        if hazards is None:
            return HazardCatalog(self._layers, self.problems, self.directory)
        for hazard in hazards:
            if hazard not in self.hazards():
                raise InputError(self._where, self._unknown_hazard_message(hazard))
        keep = {k: v for k, v in self._layers.items() if k[0] in set(hazards)}
        return HazardCatalog(keep, self.problems, self.directory)

    def describe(self, hazard: str) -> str:
        """Every layer of ``hazard`` in full (units, dims, provenance), for the command line."""
        layers = self.layers_for(hazard)
        text = "\n\n".join(layer.describe() for layer in layers)
        if any(layer.illustrative for layer in layers):
            text += (
                "\n\nNote: layers marked ILLUSTRATIVE belong to a reference pack for demonstration "
                "and testing; they are not fit for decisions. Use the dataset named in the layer's "
                "comment instead (pass its folder with --hazards)."
            )
        return text


def open_catalog(directory: str | Path | None = None) -> HazardCatalog:
    """Open every hazard layer in a folder.

    Parameters
    ----------
    directory
        Folder with ``{hazard}__{indicator}.nc`` files or ``*.zarr`` stores. ``None``: the folder
        named by ``$CLIMRISK_HAZARD_DATA``, else the embedded reference pack ``hazard_data/``.

    Returns
    -------
    HazardCatalog
        The usable layers (metadata read, data lazy) and ``problems``, one per broken file and
        problem.

    Raises
    ------
    climrisk.errors.InputError
        The folder does not exist, or holds no usable layer (the issues list every problem).
    """
    folder = Path(directory).expanduser() if directory is not None else default_hazard_dir()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise InputError(folder, f"hazard folder {what}")
    suffixes = supported_suffixes()
    candidates = sorted(
        p for p in folder.iterdir()
        if p.suffix.lower() in suffixes and not p.name.startswith(".")
    )
    layers: dict[LayerKey, HazardLayer] = {}
    problems: list[Issue] = []
    for path in candidates:
        try:
            layer = HazardLayer.from_path(path)
        except LayerValueError:
            raise  # values that cannot be right: stop, never assess without the layer
        except InputError as exc:
            problems.extend(Issue(str(path), f"{i.message} (layer skipped)") for i in exc.issues)
            continue
        if layer.key in layers:
            first = layers[layer.key].path.name
            problems.append(Issue(str(path), f"{layer.name} is already read from {first} "
                                             "(layer skipped)"))
            continue
        problems.extend(Issue(str(path), message) for message in layer.warnings)
        expected = f"{layer.hazard}__{layer.indicator}"
        if path.stem != expected:
            problems.append(Issue(str(path), f"file name should be {expected}{path.suffix} "
                                             "for this layer (layer kept)"))
        layers[layer.key] = layer
    if not layers:
        headline = Issue(str(folder), f"no usable hazard layer in this folder "
                                      f"({len(candidates)} file(s) with suffix "
                                      f"{', '.join(suffixes)})")
        raise InputErrors([headline, *problems])
    return HazardCatalog(layers, problems, folder)
