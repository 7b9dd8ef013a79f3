"""The peer figure for `clearbox bench simple`: scikit-learn's plain
baseline on exactly the rows Clearbox's simple model used. Run both:

    clearbox bench simple DATA.csv --target T --write work.json
    python3 benches/peers/sklearn_simple.py work.json

The work file names the data file, the input columns Clearbox read, and the
rows of each set with their outcomes. The baseline is what a data scientist
fits first: numbers imputed with the median (plus a was-missing flag) and
standardised, labels one-hot (missing as a label of its own), then
`LogisticRegression` (C chosen from 1e-4..1e4 on the validation rows, like
Clearbox's penalty) or `Ridge` (alpha chosen likewise), fitted on the training rows and scored on the
test rows; and, as the strong baseline, `HistGradientBoosting` with its
defaults on the training and validation rows. Prints one JSON object. Needs scikit-learn and pandas. Not part of
the test suite.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def main(path):
    work = json.load(open(path))
    started = time.perf_counter()
    if work["file"].endswith(".parquet"):
        frame = pd.read_parquet(work["file"])
    else:
        frame = pd.read_csv(work["file"], low_memory=False)
    x = frame[work["inputs"]]
    numbers = [c for c in x.columns if pd.api.types.is_numeric_dtype(x[c]) and x[c].nunique() > 2]
    labels = [c for c in x.columns if c not in numbers]
    x = x.copy()
    for c in labels:
        # Missing is a label of its own (pandas 3 keeps NaN through astype(str)).
        x[c] = x[c].map(lambda v: "missing" if pd.isna(v) else str(v)).astype(object)
    prep = ColumnTransformer(
        [
            ("n", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), numbers),
            ("c", OneHotEncoder(handle_unknown="ignore", min_frequency=5), labels),
        ]
    )
    sets = {name: (x.iloc[work[name]["rows"]], np.array(work[name]["y"])) for name in ("train", "valid", "test")}
    metric = work["metric"]
    if metric == "RMSE":
        best = None
        for alpha in 10.0 ** np.arange(-3, 5):
            model = make_pipeline(prep, Ridge(alpha=alpha))
            model.fit(*sets["train"])
            loss = mean_squared_error(sets["valid"][1], model.predict(sets["valid"][0]))
            if best is None or loss < best[0]:
                best = (loss, alpha, model)
        _, chosen, model = best
        value = mean_squared_error(sets["test"][1], model.predict(sets["test"][0])) ** 0.5
    else:
        best = None
        for c in 10.0 ** np.arange(-4, 5):
            model = make_pipeline(prep, LogisticRegression(C=c, max_iter=5000))
            model.fit(*sets["train"])
            loss = log_loss(sets["valid"][1], model.predict_proba(sets["valid"][0]), labels=model.classes_)
            if best is None or loss < best[0]:
                best = (loss, c, model)
        _, chosen, model = best
        test_x, test_y = sets["test"]
        if metric == "AUC":
            value = roc_auc_score(test_y, model.predict_proba(test_x)[:, 1])
        else:
            value = accuracy_score(test_y, model.predict(test_x))
    seconds = time.perf_counter() - started
    # The strong baseline too, with its defaults, on the training and
    # validation rows (it sets its own validation rows aside when it needs
    # them), scored on the same test rows.
    started = time.perf_counter()
    fit_x = pd.concat([sets["train"][0], sets["valid"][0]])
    fit_y = np.concatenate([sets["train"][1], sets["valid"][1]])
    # HistGradientBoosting takes at most 255 labels a column as categories;
    # wider label columns go in as label codes.
    categorical = [x.columns.get_loc(c) for c in labels if x[c].nunique() <= 255]
    trees_x = fit_x.copy()
    test_trees_x = sets["test"][0].copy()
    for c in labels:
        codes = {v: i for i, v in enumerate(sorted(trees_x[c].unique()))}
        trees_x[c] = trees_x[c].map(codes)
        test_trees_x[c] = test_trees_x[c].map(codes)
    if metric == "RMSE":
        trees = HistGradientBoostingRegressor(categorical_features=categorical).fit(trees_x, fit_y)
        trees_value = mean_squared_error(sets["test"][1], trees.predict(test_trees_x)) ** 0.5
    else:
        trees = HistGradientBoostingClassifier(categorical_features=categorical).fit(trees_x, fit_y)
        if metric == "AUC":
            trees_value = roc_auc_score(sets["test"][1], trees.predict_proba(test_trees_x)[:, 1])
        else:
            trees_value = accuracy_score(sets["test"][1], trees.predict(test_trees_x))
    print(
        json.dumps(
            {
                "peer": "scikit-learn " + ("Ridge" if metric == "RMSE" else "LogisticRegression"),
                "metric": metric,
                "value": value,
                "C_or_alpha": chosen,
                "seconds": seconds,
                "hist_gradient_boosting": trees_value,
                "hist_gradient_boosting_seconds": time.perf_counter() - started,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
