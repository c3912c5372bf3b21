"""Out-of-fold probabilities from cross_validate: every scored row once, views predicted by the same fold model, nested search reported."""

from __future__ import annotations

import numpy as np

from training.domain.judgements import acceptable_sets, load_hard_cases
from training.evaluation.baselines import KeywordRules, majority, tfidf_logistic
from training.evaluation.crossval import cross_validated, nested_search
from training.evaluation.splits import TrainOnlyGroupKFold
from training.model.dataset import training_data


def small_data(corpus):
    """Two sources' rows with the expert's judgements, so rows carry weights as in the real evaluation."""
    rows = [r for r in corpus.rows if r.source in ("extra_indicators.jsonl", "library_indicators.jsonl")]
    return training_data(rows, judgements=load_hard_cases())


def test_every_scored_row_gets_out_of_fold_probabilities(corpus):
    data = small_data(corpus)
    result = cross_validated(tfidf_logistic(), data, TrainOnlyGroupKFold(3))
    assert sorted(result.index) == sorted(np.flatnonzero(data.scored))
    assert set(result.probabilities) == {"name", "full"}
    assert np.allclose(result.probabilities["name"].sum(axis=1), 1.0)
    assert set(result.fold) == {0, 1, 2}


def test_nested_search_reports_the_settings_each_fold_chose(corpus):
    data = small_data(corpus)
    search = nested_search(majority(), {"strategy": ["most_frequent", "prior"]}, inner_folds=2)
    result = cross_validated(search, data, TrainOnlyGroupKFold(3))
    assert len(result.chosen) == 3 and all(c["params"]["strategy"] in ("most_frequent", "prior") for c in result.chosen)


def test_baselines_order(corpus):
    data = small_data(corpus)
    folds = TrainOnlyGroupKFold(3)
    assert data.weights is not None
    scores = {}
    for name, estimator in {"majority": majority(), "keywords": KeywordRules(), "tfidf": tfidf_logistic()}.items():
        result = cross_validated(estimator, data, folds)
        scores[name] = np.mean(result.predictions("name") == data.labels[result.index])
    assert scores["majority"] < scores["keywords"] and scores["majority"] < scores["tfidf"]


def test_hard_cases_give_acceptable_sets(corpus):
    cases = load_hard_cases()
    rows = [r for r in corpus.labelled if r.origin == "table"]
    sets = acceptable_sets(rows, cases)
    assert len(cases) > 100
    assert sum(len(s) > 1 for s in sets) > 100 and all(s for s in sets)
