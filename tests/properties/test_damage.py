"""Hypothesis properties of every registered vulnerability model: range and monotonicity."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from climrisk.portfolio.schema import COOLING_TYPES
from climrisk.vulnerability import Prices, registered_models
from climrisk.vulnerability.base import INDICATORS

MODELS = registered_models()
COUNTRIES = ["DE", "CN", "US", "PH", "JP", "IN", "MX", "BR", "AU", "ZA", "NG", "SG", None]


@st.composite
def portfolios(draw, asset_types):
    """One to four assets of the model's asset types with random attributes."""
    n = draw(st.integers(1, 4))
    money = st.one_of(st.just(np.nan), st.floats(1e4, 1e9))
    rows = {
        "asset_type": [draw(st.sampled_from(asset_types)) for _ in range(n)],
        "country": [draw(st.sampled_from(COUNTRIES)) for _ in range(n)],
        "cooling": [draw(st.sampled_from([*COOLING_TYPES, None])) for _ in range(n)],
        "value": [draw(money) for _ in range(n)],
        "annual_revenue": [draw(money) for _ in range(n)],
        "ground_floor_elevation_m": [draw(st.floats(-5.0, 10.0)) for _ in range(n)],
        "flood_protection_rp": [draw(st.floats(1.0, 1e4)) for _ in range(n)],
        "it_load_mw": [draw(st.one_of(st.just(np.nan), st.floats(0.0, 500.0))) for _ in range(n)],
        "pue": [draw(st.floats(1.0, 3.0)) for _ in range(n)],
        "annual_energy_mwh": [draw(st.one_of(st.just(np.nan), st.floats(0.0, 5e6)))
                              for _ in range(n)],
        "water_withdrawal_m3": [draw(st.one_of(st.just(np.nan), st.floats(0.0, 1e7)))
                                for _ in range(n)],
    }
    frame = pd.DataFrame(rows)
    for column in ("asset_type", "country", "cooling"):
        frame[column] = frame[column].astype("string")
    return frame


def _intensities(draw, model, n):
    upper = INDICATORS[(model.hazard, model.indicator)].upper
    values = draw(st.lists(st.floats(0.0, upper * 1.5), min_size=2, max_size=12))
    return np.tile(np.sort(np.array(values)), (n, 1))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_channels_in_range_and_non_decreasing(model, data):
    assets = data.draw(portfolios(model.asset_types))
    x = _intensities(data.draw, model, len(assets))
    out = model().evaluate(x, assets, Prices())
    assert set(out) == set(model.channels)
    for channel, values in out.items():
        assert values.shape == x.shape
        finite = np.isfinite(values)
        assert np.all(values[finite] >= 0.0), channel
        if channel == "damage_ratio":
            assert np.all(finite), "damage ratio must not depend on optional money inputs"
            assert np.all(values <= 1.0)
        steps = np.diff(values, axis=-1)
        steps = steps[np.isfinite(steps)]
        scale = max(float(np.nanmax(np.abs(values), initial=0.0)), 1.0)
        assert np.all(steps >= -1e-9 * scale), f"{channel} decreases with intensity"


@pytest.mark.parametrize(
    "model", [m for m in MODELS if "damage_ratio" in m.channels], ids=lambda m: m.name
)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_damage_ratio_never_exceeds_one_at_extreme_intensity(model, data):
    assets = data.draw(portfolios(model.asset_types))
    x = np.full((len(assets), 1), data.draw(st.floats(0.0, 1e6)))
    damage = model().evaluate(x, assets, Prices())["damage_ratio"]
    assert np.all((damage >= 0.0) & (damage <= 1.0))
