"""The compiled classifier gives the pipeline's own probabilities, and declines models of another shape."""

from __future__ import annotations

import numpy as np
import pytest

from training.domain.records import Indicator
from training.model.compiled import CompiledClassifier
from training.model.dataset import training_data
from training.model.pipeline import fit, indicator_frame, make_classifier


@pytest.fixture(scope="module")
def seed_data(corpus):
    return training_data([r for r in corpus.rows if r.source.endswith(".txt")])


def _indicators(corpus, n: int = 240) -> list[Indicator]:
    rows = corpus.rows[:: max(1, len(corpus.rows) // n)][:n]
    made = [Indicator.from_text(r.level3, r.description, r.target_raw, r.project) for r in rows]
    made += [Indicator("率"), Indicator("资金拨付及时率", description="按时拨付的资金占应拨付资金的比例"), Indicator("12345")]
    return made


def test_compiled_equals_the_pipeline_on_corpus_rows(fake_predictor, corpus):
    compiled = CompiledClassifier.from_pipeline(fake_predictor.model)
    assert compiled is not None
    indicators = _indicators(corpus)
    assert any(i.target is not None for i in indicators) and any(i.description for i in indicators)
    expected = fake_predictor.model.predict_proba(indicator_frame(indicators))
    got = compiled.predict_proba(indicators)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(compiled.classes_, fake_predictor.model.classes_)


def test_one_row_at_a_time_equals_the_pipeline_on_that_row(fake_predictor, corpus):
    compiled, model = fake_predictor.compiled, fake_predictor.model
    indicators = _indicators(corpus, 30)
    assert any(not i.description for i in indicators)  # rows whose description part is skipped
    for indicator in indicators:
        np.testing.assert_allclose(compiled.predict_proba([indicator]), model.predict_proba(indicator_frame([indicator])),
                                   rtol=0, atol=1e-9)


def test_a_part_switched_off_is_left_out(seed_data, fake_encoder):
    model = fit(make_classifier(fake_encoder, features__words="drop"), seed_data.frame, seed_data.labels, seed_data.groups)
    compiled = CompiledClassifier.from_pipeline(model)
    assert "words" not in [p.name for p in compiled.parts_]
    indicators = [Indicator.from_text(n) for n in ["培训人数", "资金拨付及时率", "群众满意度"]]
    np.testing.assert_allclose(compiled.predict_proba(indicators), model.predict_proba(indicator_frame(indicators)), atol=1e-9)


def test_a_model_of_another_shape_is_declined(seed_data, fake_encoder):
    sigmoid = make_classifier(fake_encoder, classifier__estimator__method="sigmoid", features__neighbours="drop")
    fit(sigmoid, seed_data.frame, seed_data.labels, seed_data.groups)
    assert CompiledClassifier.from_pipeline(sigmoid) is None
    assert CompiledClassifier.from_pipeline(make_classifier(fake_encoder)) is None  # not fitted


def test_the_predictor_uses_the_compiled_form(fake_predictor):
    assert fake_predictor.compiled is not None
    indicators = [Indicator("农村公路新改建里程")]
    np.testing.assert_allclose(fake_predictor.probabilities(indicators),
                               fake_predictor.model.predict_proba(indicator_frame(indicators)), atol=1e-9)


def test_tfidf_parts_are_computed_directly_and_equal_scikit_learns_rows(fake_predictor):
    compiled = fake_predictor.compiled
    fitted = fake_predictor.model.named_steps["features"].named_transformers_
    direct = {part.name: part for part in compiled.parts_ if part.tfidf is not None}
    assert {"chars", "words", "head"} <= set(direct)
    for name in ("资金拨付及时率", "资金拨付及时率资金", "𠀀𠀁", "", "Training rate 100%", "培训  人次（人）"):
        for part_name, part in direct.items():
            expected = fitted[part_name].transform([name])
            expected = expected.toarray()[0] if hasattr(expected, "toarray") else np.asarray(expected)[0]
            indices, values = part.tfidf.row(name)
            got = np.zeros_like(expected)
            got[indices] = values
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)

