#!/usr/bin/env python3
"""Peer for `clearbox bench explain`: shap.KernelExplainer on the very same
function, background rows and budget, and how far its values are from
Clearbox's.

    clearbox bench explain --json --write work.json > ours.json
    python benches/peers/shap_explain.py work.json [--rows 10] > peer.json

The work file holds the network's weights (linear -> layer norm -> ReLU per
hidden layer, then a linear output and a softmax), the encoded background
and explained rows, where each input column's numbers sit in the encoded row
(`spans`), and Clearbox's values.

Clearbox switches a whole column (all its encoded numbers) between the row
and a background row. shap is given the same game without re-encoding: one
feature per column whose value is the index of a row in [background rows,
explained rows], so that a coalition shap builds -- each column taking the
explained row's index or a background row's -- is decoded here into exactly
the encoded row Clearbox evaluates. The budget is the same: shap's nsamples
is Clearbox's coalitions less the empty and full ones, which shap evaluates
apart. No L1 feature selection (Clearbox does none).

Prints one line of JSON: rows explained per second, the largest difference
between shap's values and Clearbox's over every explained row and column,
and the largest difference between this file's forward pass and Clearbox's
predictions (a check that both run the same function).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

try:
    import shap
except ImportError:
    sys.exit("shap is not installed in this python: pip install shap")


def network(weights):
    """The forward pass of the exported network, in float32 numpy."""
    eps = weights["epsilon"]
    layers = [
        (
            np.asarray(l["weight"], np.float32).reshape(l["inputs"], l["outputs"]),
            np.asarray(l["bias"], np.float32),
            np.asarray(l["gamma"], np.float32),
            np.asarray(l["beta"], np.float32),
        )
        for l in weights["hidden"]
    ]
    out = weights["output"]
    w_out = np.asarray(out["weight"], np.float32).reshape(out["inputs"], out["outputs"])
    b_out = np.asarray(out["bias"], np.float32)

    def forward(x):
        for w, b, gamma, beta in layers:
            h = x @ w + b
            mean = h.mean(axis=1, keepdims=True)
            var = h.var(axis=1, keepdims=True)
            x = np.maximum((h - mean) / np.sqrt(var + eps) * gamma + beta, 0.0)
        logits = x @ w_out + b_out
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    return forward


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("--rows", type=int, default=10, help="rows to explain (the first ones)")
    args = parser.parse_args()
    work = json.load(open(args.work))
    width, spans, cls = work["width"], work["spans"], work["class"]
    background = np.asarray(work["background"], np.float32).reshape(-1, width)
    explained = np.asarray(work["rows"], np.float32).reshape(-1, width)
    n = min(args.rows, explained.shape[0])
    b, m = background.shape[0], len(spans)
    table = np.vstack([background, explained[:n]])
    forward = network(work["network"])

    def model(z):
        index = np.rint(z).astype(np.int64)
        encoded = np.empty((index.shape[0], width), np.float32)
        for j, (start, end) in enumerate(spans):
            encoded[:, start:end] = table[index[:, j], start:end]
        return forward(encoded)[:, cls]

    background_ids = np.repeat(np.arange(b, dtype=np.float64)[:, None], m, axis=1)
    row_ids = np.repeat(np.arange(b, b + n, dtype=np.float64)[:, None], m, axis=1)
    explainer = shap.KernelExplainer(model, background_ids)
    started = time.perf_counter()
    values = explainer.shap_values(
        row_ids, nsamples=max(work["coalitions"] - 2, 1), l1_reg=False, silent=True
    )
    seconds = time.perf_counter() - started
    values = np.asarray(values).reshape(n, m)
    ours = np.asarray(work["values"][:n])
    predictions = forward(explained[:n])[:, cls]
    print(
        json.dumps(
            {
                "rows": n,
                "columns": m,
                "background": b,
                "nsamples": max(work["coalitions"] - 2, 1),
                "seconds": seconds,
                "rows_per_second": n / seconds,
                "max_difference": float(np.abs(values - ours).max()),
                "base_value_difference": float(
                    abs(float(np.asarray(explainer.expected_value).ravel()[0]) - work["base_values"][0])
                ),
                "prediction_difference": float(np.abs(predictions - np.asarray(work["predictions"][:n])).max()),
                "shap": shap.__version__,
                "device": "cpu",
                "threads": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
