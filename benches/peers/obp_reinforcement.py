"""The peer figure for `clearbox bench reinforcement`: Open Bandit Pipeline
(pip `obp`) learning a policy from the same log and estimating its value with
the same estimators (doubly robust with a cross-fitted reward model, and
self-normalised importance weighting, 1 000 bootstrap resamples), as one
timed piece. Run both on the same rows:

    clearbox bench reinforcement --rows 1000000 --write log.csv
    python3 benches/peers/obp_reinforcement.py log.csv

Needs obp 0.5.5. On Python 3.10 or later its pins (scikit-learn 1.0.2,
Python < 3.10) do not install; what worked here (Python 3.11):

    pip install --no-deps --ignore-requires-python obp==0.5.5
    pip install "numpy<2" "pandas<2" scikit-learn scipy tqdm matplotlib seaborn torch pyyaml

It learns on the first 70% of the rows and judges on the rest (Clearbox:
55% learn, 15% stop learning early, 30% judge). Not part of the test suite.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from obp.ope import (
    DoublyRobust,
    OffPolicyEvaluation,
    RegressionModel,
    SelfNormalizedInverseProbabilityWeighting,
)
from obp.policy import IPWLearner
from sklearn.linear_model import LogisticRegression

path = sys.argv[1] if len(sys.argv) > 1 else "log.csv"
log = pd.read_csv(path)
started = time.perf_counter()
context = log[[c for c in log.columns if c.startswith("x")]].to_numpy()
actions = log["action"].astype("category")
n_actions = len(actions.cat.categories)
action = actions.cat.codes.to_numpy()
reward = log["reward"].to_numpy()
pscore = log["propensity"].to_numpy()
# Learn on the first 70%, judge on the rest, as Clearbox does.
cut = int(len(log) * 0.7)
learner = IPWLearner(n_actions=n_actions, base_classifier=LogisticRegression(max_iter=200))
learner.fit(context=context[:cut], action=action[:cut], reward=reward[:cut], pscore=pscore[:cut])
action_dist = learner.predict(context=context[cut:])
regression = RegressionModel(
    n_actions=n_actions, base_model=LogisticRegression(max_iter=200), fitting_method="normal"
)
estimated_rewards = regression.fit_predict(
    context=context[cut:], action=action[cut:], reward=reward[cut:], n_folds=2, random_state=1
)
feedback = {
    "context": context[cut:],
    "action": action[cut:],
    "reward": reward[cut:],
    "pscore": pscore[cut:],
    "position": None,
    "n_rounds": len(log) - cut,
}
ope = OffPolicyEvaluation(
    bandit_feedback=feedback,
    ope_estimators=[DoublyRobust(), SelfNormalizedInverseProbabilityWeighting()],
)
intervals = ope.estimate_intervals(
    action_dist=action_dist,
    estimated_rewards_by_reg_model=estimated_rewards,
    n_bootstrap_samples=1000,
    random_state=1,
)
seconds = time.perf_counter() - started
print(
    json.dumps(
        {
            "peer": "obp",
            "rows": len(log),
            "seconds": seconds,
            "rows_per_second": len(log) / seconds,
            "learned_dr": intervals["dr"]["mean"],
            "learned_snips": intervals["snipw"]["mean"],
            "logged": float(np.mean(reward[cut:])),
        }
    )
)
