"""The proxy means test: log per-capita expenditure from what can be seen of a household,
by least squares on the families whose expenditure is known (Regsosek's sample).

A specification (stored with each model version) names the variables, the categories of
each categorical one (the first is the reference), the values that stand in for missing
data, and after fitting the coefficients. The same specification turns any family into a
row of the design matrix, so a stored model scores new families exactly as it did its own.
"""

from statistics import NormalDist

import numpy as np
import polars as pl

from .household import BOOLEAN_FIELDS

NUMERIC = [
    "log_size", "share_children", "share_elderly", "log_area_per_person", "livestock_units",
    "members_disabled", "members_chronic", "head_age", "head_education_level",
    "share_earners", "school_age_out_of_school", "share_formal", "adult_education_mean",
    "adult_education_max", "share_pbi", "share_paid_insurance", "share_uninsured",
]  # fmt: skip
FLAGS = [name for name in BOOLEAN_FIELDS if name.startswith(("has_", "owns_"))] + ["head_female"]
CATEGORICAL = [
    "house_tenure", "floor_material", "wall_material", "roof_material", "toilet_facility",
    "drinking_water", "lighting", "electricity_capacity", "cooking_fuel", "head_work_status",
]  # fmt: skip
MISSING = "tidak_diketahui"
#: Share of the families with known expenditure kept aside to measure the fit honestly.
HOLDOUT = 0.2


def derived(households: pl.DataFrame) -> pl.DataFrame:
    size = pl.col("size").cast(pl.Float64)
    return households.with_columns(
        log_size=size.log(),
        share_children=pl.col("children") / size,
        share_elderly=pl.col("elderly") / size,
        share_earners=pl.col("earners") / size,
        share_formal=pl.col("formal_workers") / size,
        share_pbi=pl.col("members_pbi") / size,
        share_paid_insurance=pl.col("members_paid_insurance") / size,
        share_uninsured=pl.col("members_uninsured") / size,
        log_area_per_person=pl.col("area_per_person").clip(1, None).log(),
        **{
            name: pl.when(pl.col(name).cast(pl.String).fill_null("") == "")
            .then(pl.lit(MISSING))
            .otherwise(pl.col(name).cast(pl.String))
            for name in CATEGORICAL
        },
    )


def specify(households: pl.DataFrame) -> dict:
    """Variables, categories (most common first: the reference) and fill values."""
    frame = derived(households)
    fill = {
        name: float(frame[name].median()) if frame[name].null_count() < frame.height else 0.0
        for name in NUMERIC
    }
    categories = {name: frame[name].value_counts(sort=True)[name].to_list() for name in CATEGORICAL}
    return {"numeric": fill, "flags": FLAGS, "categories": categories}


def design(households: pl.DataFrame, spec: dict) -> tuple[np.ndarray, list[str]]:
    """The design matrix (without the constant) and its column names."""
    frame = derived(households)
    columns, names = [], []
    for name, fill in spec["numeric"].items():
        columns.append(pl.col(name).cast(pl.Float64).fill_null(fill).fill_nan(fill))
        names.append(name)
    for name in spec["flags"]:
        columns.append(pl.col(name).fill_null(False).cast(pl.Float64))
        names.append(name)
    for name, levels in spec["categories"].items():
        for level in levels[1:]:
            columns.append((pl.col(name) == level).cast(pl.Float64))
            names.append(f"{name}={level}")
    matrix = frame.select([column.alias(str(i)) for i, column in enumerate(columns)]).to_numpy()
    return matrix, names


def fit(households: pl.DataFrame, *, seed: int = 1) -> tuple[dict, dict]:
    """Fit on the families with known expenditure; returns the specification with its
    coefficients, and the fit statistics (in-sample and on a held-out fifth)."""
    known = households.filter(pl.col("expenditure_per_capita") > 0)
    if known.height < 50:
        raise ValueError(
            f"Hanya {known.height} keluarga dengan pengeluaran tercatat; PMT butuh sedikitnya 50."
        )
    spec = specify(households)
    x, names = design(known, spec)
    y = np.log(known["expenditure_per_capita"].cast(pl.Float64).to_numpy())
    held = np.random.default_rng(seed).random(len(y)) < HOLDOUT
    train_beta = _least_squares(x[~held], y[~held])
    holdout = _fit_statistics(x[held], y[held], train_beta) if held.sum() >= 10 else {}
    beta = _least_squares(x, y)
    statistics = {
        **_fit_statistics(x, y, beta),
        "holdout_r2": holdout.get("r2"),
        "holdout_rmse": holdout.get("rmse"),
        "n_holdout": int(held.sum()),
        "variables": len(names),
    }
    statistics["adjusted_r2"] = 1 - (1 - statistics["r2"]) * (len(y) - 1) / max(
        len(y) - len(names) - 1, 1
    )
    spec["intercept"] = float(beta[0])
    spec["coefficients"] = dict(zip(names, (float(b) for b in beta[1:]), strict=True))
    return spec, statistics


def predict(households: pl.DataFrame, spec: dict) -> np.ndarray:
    """Predicted log per-capita expenditure."""
    x, names = design(households, spec)
    coefficients = np.array([spec["coefficients"].get(name, 0.0) for name in names])
    return spec["intercept"] + x @ coefficients


def _least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with_constant = np.column_stack([np.ones(len(y)), x])
    beta, *_ = np.linalg.lstsq(with_constant, y, rcond=None)
    return beta


def _fit_statistics(x: np.ndarray, y: np.ndarray, beta: np.ndarray) -> dict:
    residual = y - (beta[0] + x @ beta[1:])
    total = ((y - y.mean()) ** 2).sum()
    return {
        "n": len(y),
        "r2": float(1 - (residual**2).sum() / total) if total else 0.0,
        "rmse": float(np.sqrt((residual**2).mean())),
    }


def person_weighted_cutoffs(scores: np.ndarray, sizes: np.ndarray, shares) -> list[float]:
    """The scores below which the given shares of *persons* live (BPS ranks by persons)."""
    order = np.argsort(scores, kind="stable")
    cumulative = np.cumsum(sizes[order]) / sizes.sum()
    return [
        float(scores[order][min(np.searchsorted(cumulative, s), len(order) - 1)]) for s in shares
    ]


def expected_share_below(
    scores: np.ndarray, sizes: np.ndarray, log_lines: np.ndarray, rmse: float
) -> float:
    """The person-weighted share of people expected below their family's line: each
    family's chance that its true log expenditure lies below the line, reading the PMT's
    prediction as normal around the score with the residual spread. Unlike counting the
    scores below the line (too few: a prediction shrinks toward the mean) or the sample's
    share (a dozen extremely poor families in a city's census sample), it uses every
    family and is not biased by the shrinkage."""
    chance = np.vectorize(NormalDist().cdf, otypes=[float])((log_lines - scores) / rmse)
    return float((chance * sizes).sum() / sizes.sum())
