"""A fitted logistic model as shipped weights: the reader's scorer and the overview intent both read theirs
through it, and the fit scripts write it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Logistic:
    """σ(w · (x − mean) / scale + bias): one fitted model, its feature names checked against the code's."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def from_dict(cls, data: dict[str, object], expected: Sequence[str]) -> Logistic:
        features = tuple(data["features"])  # type: ignore[arg-type]
        if features != tuple(expected):
            raise ValueError(f"weights for {features} but the code computes {tuple(expected)}: refit the reader")
        return cls(
            features,
            np.asarray(data["weights"], dtype=np.float64),
            float(data["bias"]),  # type: ignore[arg-type]
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
        }

    def logit(self, x: np.ndarray) -> np.ndarray:
        """A feature given as NaN is unknown and says nothing: it is read at the fit's mean."""
        x = np.where(np.isnan(x), self.mean, x)
        return ((x - self.mean) / self.scale) @ self.weights + self.bias

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(x)))


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
