"""Training the crisis model is repeatable: the same samples give the same weights (bot/core/crisis/model.py)."""

from __future__ import annotations

import random

import numpy as np

from bot.core.crisis.model import CrisisModel
from bot.data.crisis_intents import NOT_CRISIS


def test_training_twice_on_the_same_samples_gives_the_same_model() -> None:
    """The solvers shuffle: unseeded, two starts over the same data could disagree near a threshold."""
    rng = random.Random(4)
    kinds = ("suicide", "dv", "medical", NOT_CRISIS)
    # More features than samples (as in the corpus, so the dual solvers run) and noisy labels: they stop
    # at a tolerance, where the order they visit the samples in shows.
    samples = [({f"{v}:{rng.randrange(900)}" for v in "clr" for _ in range(8)}, rng.choice(kinds)) for _ in range(300)]
    first, second = CrisisModel.train(samples), CrisisModel.train(samples)
    for name in ("crisis_weights", "crisis_bias", "kind_weights", "kind_bias"):
        assert np.array_equal(first._arrays[name], second._arrays[name]), name
