"""The peer figure for `clearbox bench open FILE`: pandas reads the same file
(`read_csv`, or `read_parquet` with pyarrow) and describes every column
(`describe(include="all")`, plus the count of missing values), the nearest
thing to Clearbox's health report a data scientist would run. Timed the same
way: reading apart from profiling. Prints one JSON object. Needs pandas (and
pyarrow for Parquet). Not part of the test suite.

    clearbox bench open DATA.csv && python3 benches/peers/pandas_open.py DATA.csv
"""

import json
import os
import sys
import time

import pandas as pd


def main(path):
    started = time.perf_counter()
    if path.endswith((".parquet", ".pq")):
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, low_memory=False)
    loaded = time.perf_counter()
    frame.describe(include="all")
    frame.isna().sum()
    done = time.perf_counter()
    print(json.dumps({
        "peer": f"pandas {pd.__version__} read + describe(include='all')",
        "rows": len(frame),
        "columns": frame.shape[1],
        "load_seconds": loaded - started,
        "profile_seconds": done - loaded,
        "threads": os.cpu_count(),
    }))


if __name__ == "__main__":
    main(sys.argv[1])
