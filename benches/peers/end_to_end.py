"""The peers for time to a finished model, each as a whole process from the
CSV to scored test rows, as a data scientist would write it:

    python3 benches/peers/end_to_end.py trees DATA.csv TARGET [--exclude a,b]
    python3 benches/peers/end_to_end.py mlp   DATA.csv TARGET [--exclude a,b] [--device cuda]

Both read the file with pandas, split the rows 70/15/15 (stratified, seed 42:
Clearbox's plan for tables of 5 000 rows and more), and score the test rows.
`trees`: scikit-learn's HistGradientBoostingClassifier with its defaults,
early stopping on the validation rows (categories as pandas categoricals).
`mlp`: the same preprocessing as the linear baseline (numbers median-imputed
with a was-missing flag and standardised, labels one-hot) and a PyTorch MLP
the size of Clearbox's deep model (2 × 256, layer norm, ReLU, dropout 0.25),
AdamW, batches of 512, stopping after 5 passes without a better validation
loss (at most 100), CPU threads = cores, or on the graphics card with
`--device cuda` (benches/gpu/run.sh). Prints one JSON object: the test
AUC and the seconds inside Python; time the whole process from outside
(benches/side_by_side.sh does). Binary targets only. Needs pandas,
scikit-learn and, for `mlp`, torch. Not part of the test suite.
"""

import json
import os
import sys
import time

started = time.perf_counter()
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

kind, path, target = sys.argv[1:4]
exclude = []
if "--exclude" in sys.argv:
    exclude = [c for c in sys.argv[sys.argv.index("--exclude") + 1].split(",") if c]

frame = pd.read_csv(path, low_memory=False)
y_raw = frame[target].astype(str).str.strip()
positive = sorted(y_raw.unique())[-1]
y = (y_raw == positive).to_numpy().astype(np.int64)
x = frame.drop(columns=[target, *exclude])
idx = np.arange(len(frame))
train, rest = train_test_split(idx, test_size=0.30, stratify=y, random_state=42)
valid, test = train_test_split(rest, test_size=0.50, stratify=y[rest], random_state=42)
numbers = [c for c in x.columns if pd.api.types.is_numeric_dtype(x[c])]
labels = [c for c in x.columns if c not in numbers]

if kind == "trees":
    from sklearn.ensemble import HistGradientBoostingClassifier

    for c in labels:
        x[c] = x[c].astype("category")
    model = HistGradientBoostingClassifier(categorical_features="from_dtype", early_stopping=True,
                                           random_state=42)
    # Its own early stopping holds out part of what it is given: give it the
    # training and validation rows, as Clearbox's trees see both.
    fit_rows = np.concatenate([train, valid])
    model.fit(x.iloc[fit_rows], y[fit_rows])
    scores = model.predict_proba(x.iloc[test])[:, 1]
    peer = f"scikit-learn HistGradientBoosting ({model.n_iter_} trees)"
else:
    import torch
    from torch import nn
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(42)
    device = "cuda" if "--device" in sys.argv and sys.argv[sys.argv.index("--device") + 1] == "cuda" else "cpu"
    for c in labels:
        x[c] = x[c].map(lambda v: "missing" if pd.isna(v) else str(v)).astype(object)
    prep = ColumnTransformer([
        ("n", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), numbers),
        ("c", OneHotEncoder(handle_unknown="ignore", min_frequency=5, sparse_output=False), labels),
    ])
    prep.fit(x.iloc[train])
    tensors = {name: (torch.tensor(prep.transform(x.iloc[rows]), dtype=torch.float32, device=device),
                      torch.tensor(y[rows], device=device))
               for name, rows in (("train", train), ("valid", valid), ("test", test))}
    width = tensors["train"][0].shape[1]
    layers, w = [], width
    for _ in range(2):
        layers += [nn.Linear(w, 256), nn.LayerNorm(256), nn.ReLU(), nn.Dropout(0.25)]
        w = 256
    network = nn.Sequential(*layers, nn.Linear(w, 2)).to(device)
    optimizer = torch.optim.AdamW(network.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    best, best_state, waited, passes = float("inf"), None, 0, 0
    xt, yt = tensors["train"]
    for passes in range(1, 101):
        network.train()
        order = torch.randperm(len(xt), device=device)
        for start in range(0, len(xt), 512):
            batch = order[start:start + 512]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(network(xt[batch]), yt[batch]).backward()
            optimizer.step()
        network.eval()
        with torch.no_grad():
            loss = loss_fn(network(tensors["valid"][0]), tensors["valid"][1]).item()
        if loss < best - 1e-4:
            best, waited = loss, 0
            best_state = {k: v.clone() for k, v in network.state_dict().items()}
        else:
            waited += 1
            if waited >= 5:
                break
    network.load_state_dict(best_state)
    network.eval()
    with torch.no_grad():
        scores = torch.softmax(network(tensors["test"][0]), 1)[:, 1].cpu().numpy()
    peer = f"PyTorch {torch.__version__} MLP 2x256 on {device} ({passes} passes)"

print(json.dumps({
    "peer": peer,
    "rows": len(frame),
    "test_rows": len(test),
    "auc": float(roc_auc_score(y[test], scores)),
    "python_seconds": time.perf_counter() - started,
    "threads": os.cpu_count(),
}))
