"""The recipe as a scikit-learn Pipeline: parts switched off by set_params, groups routed, encoder shared and never pickled."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from training.domain.records import Indicator
from training.model.dataset import training_data
from training.model.encoder import DetachedEncoder, EncoderNotAttached, attach_encoder
from training.model.pipeline import DEFAULT_PARAMS, fit, indicator_frame, make_classifier, name_only, recipe_params


@pytest.fixture(scope="module")
def seed_data(corpus):
    rows = [r for r in corpus.rows if r.source.endswith(".txt")]
    return training_data(rows)


@pytest.fixture(scope="module")
def fitted(seed_data, fake_encoder):
    return fit(make_classifier(fake_encoder), seed_data.frame, seed_data.labels, seed_data.groups)


def test_default_recipe_is_a_pipeline_of_named_parts(fake_encoder):
    model = make_classifier(fake_encoder)
    assert [name for name, _ in model.steps] == ["features", "classifier"]
    parts = [name for name, _, _ in model.named_steps["features"].transformers]
    assert parts == ["chars", "words", "head", "description", "target", "keywords", "measures", "embedding", "neighbours"]
    assert model.get_params()["classifier__estimator__estimator__C"] == DEFAULT_PARAMS["classifier__estimator__estimator__C"]


def test_a_part_is_switched_off_with_set_params(seed_data, fake_encoder):
    model = make_classifier(fake_encoder, features__words="drop", features__neighbours="drop")
    fit(model, seed_data.frame, seed_data.labels, seed_data.groups)
    fitted_parts = [name for name, part, _ in model.named_steps["features"].transformers_ if part != "drop"]
    assert "words" not in fitted_parts and "neighbours" not in fitted_parts and "chars" in fitted_parts
    assert "features__neighbours__n_neighbors" not in recipe_params({"features__neighbours": "drop"})


def test_fitted_model_predicts_calibrated_probabilities(fitted):
    frame = indicator_frame([Indicator("资金拨付及时率"), Indicator("培训人次"), Indicator("群众满意度")])
    probabilities = fitted.predict_proba(frame)
    assert probabilities.shape == (3, len(fitted.classes_))
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert fitted.predict(frame)[2] == "服务对象满意度指标"


def test_groups_reach_the_neighbour_votes_through_routing(seed_data, fitted):
    votes = fitted.named_steps["features"].named_transformers_["neighbours"]
    assert set(votes.index_.groups) == set(seed_data.groups)


def test_clone_shares_the_encoder_and_pickle_detaches_it(fitted, fake_encoder):
    assert clone(fitted).get_params()["features__embedding__encoder"] is fake_encoder
    restored = pickle.loads(pickle.dumps(fitted))
    embedding = restored.named_steps["features"].named_transformers_["embedding"]
    assert isinstance(embedding.encoder, DetachedEncoder)
    with pytest.raises(EncoderNotAttached):
        restored.predict_proba(indicator_frame([Indicator("培训人次")]))
    assert attach_encoder(restored, fake_encoder) >= 2  # embedding and neighbour votes
    frame = indicator_frame([Indicator("培训人次")])
    assert np.allclose(restored.predict_proba(frame), fitted.predict_proba(frame))


def test_name_only_view_blanks_target_and_description():
    frame = indicator_frame([Indicator.from_text("培训人次", "按签到统计", "≥300人次")])
    blank = name_only(frame)
    assert blank.loc[0, "target"] is None and blank.loc[0, "description"] == "" and blank.loc[0, "name"] == "培训人次"
    assert frame.loc[0, "target"].text == "≥300人次"


def test_rare_classes_are_left_out_and_listed(fitted):
    assert set(fitted.named_steps["classifier"].dropped_classes_).isdisjoint(fitted.classes_)
