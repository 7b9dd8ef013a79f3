"""The peer figure for `clearbox bench kmeans`: scikit-learn's KMeans on the
same kind of synthetic table (rows around k random centres in [-5, 5], noise
a sum of three uniforms, spread 1), one k-means++ start, timed the same way
(a warm-up run, then the median of the timed runs), and the groups' quality
over `starts` untimed starts with random_state 0, 1, … Run both in one command:

    clearbox bench kmeans --device auto && python3 benches/kmeans_sklearn.py
"""

import json
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
width = int(sys.argv[2]) if len(sys.argv) > 2 else 20
k = int(sys.argv[3]) if len(sys.argv) > 3 else 8
starts = int(sys.argv[4]) if len(sys.argv) > 4 else 10
runs = 3

rng = np.random.default_rng(3)
centres = rng.random((k, width), dtype=np.float32) * 10 - 5
truth = np.arange(rows) % k
noise = rng.random((rows, width, 3), dtype=np.float32).sum(axis=2) * 2 - 3
x = centres[truth] + noise

times = []
for run in range(runs + 1):
    started = time.perf_counter()
    KMeans(n_clusters=k, n_init=1, random_state=7).fit_predict(x)
    seconds = time.perf_counter() - started
    if run == 0:
        first = seconds
    else:
        times.append(seconds)
median = sorted(times)[len(times) // 2]
aris = [
    adjusted_rand_score(truth, KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(x))
    for seed in range(starts)
]
print(json.dumps({
    "peer": "scikit-learn " + __import__("sklearn").__version__ + " KMeans (lloyd, n_init=1)",
    "rows": rows, "width": width, "k": k,
    "first_run_seconds": first, "seconds": median, "run_seconds": times,
    "rows_per_second": rows / median,
    "adjusted_rand_index": sum(aris) / starts, "worst_adjusted_rand_index": min(aris),
    "starts": starts, "starts_finding_every_group": sum(a > 0.99 for a in aris),
}))
