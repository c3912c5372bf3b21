"""The unit and operator models fitted on the corpus (no encoder needed): the issue's examples, pickling, examples taken."""

from __future__ import annotations

import pickle

import pytest

from tests.training.domain.test_units import ISSUE_EXAMPLES
from training.domain.units import load_units
from training.model.units import direction, fit_target_forms, form_examples


@pytest.fixture(scope="module")
def forms(corpus):
    return fit_target_forms(corpus.rows)


@pytest.mark.parametrize(("name", "family"), ISSUE_EXAMPLES)
def test_the_unit_model_knows_what_the_issue_examples_measure(forms, name, family):
    probabilities = forms.family_probabilities([name], [None])[0]
    assert max(probabilities, key=probabilities.get) == family


def test_operators_follow_the_meaning(forms):
    table = forms.operator_probabilities("办公设备购置成本", "经济成本指标")
    assert max(table["money"], key=table["money"].get) == "≤"
    table = forms.operator_probabilities("培训人数", "数量指标")
    assert max(table["people"], key=table["people"].get) == "≥"


def test_examples_come_from_targets_library_units_and_the_lexicon(corpus):
    lexicon = load_units()
    examples = form_examples(corpus.rows, lexicon)
    assert "percent" in examples.families and "deadline" in examples.families
    assert "面积" in examples.names and "里程" in examples.names  # the lexicon's cue words are examples too
    library = [r for r in corpus.rows if r.origin == "library" and r.measure_unit and lexicon.family_of_unit(r.measure_unit)]
    assert library and library[0].level3 in examples.names


def test_pickled_forms_answer_the_same_and_start_with_an_empty_cache(forms):
    before = forms.family_probabilities(["培训人数"], ["数量指标"])
    copy = pickle.loads(pickle.dumps(forms))
    assert copy._families == {} and copy.family_probabilities(["培训人数"], ["数量指标"]) == before


def test_direction():
    assert [direction(op) for op in ("≥", ">", "≤", "<", "=", "±", None)] == ["≥", "≥", "≤", "≤", "=", None, None]


def test_priming_many_names_gives_the_same_answers(forms):
    primed_forms, fresh = pickle.loads(pickle.dumps(forms)), pickle.loads(pickle.dumps(forms))  # copies with empty caches
    names, level2 = ["培训人数", "项目完工时间", "办公设备购置成本"], ["数量指标", "时效指标", None]
    primed_forms.prime(names, level2)
    primed = [primed_forms.operator_probabilities(n, v) for n, v in zip(names, level2, strict=True)]
    for (name, category), answer in zip(zip(names, level2, strict=True), primed, strict=True):
        expected = fresh.operator_probabilities(name, category)
        assert answer.keys() == expected.keys()
        for family in answer:
            assert all(abs(answer[family][op] - expected[family][op]) < 1e-9 for op in answer[family])


def test_the_direct_probabilities_are_the_pipelines(forms, corpus):
    import numpy as np
    import pandas as pd

    names = [r.level3 for r in corpus.rows[:200] if r.level3] + ["", "培训人数(人)"]
    frame = pd.DataFrame({"name": names, "level2": ["数量指标", None] * (len(names) // 2) + [None] * (len(names) % 2),
                          "family": ["people"] * len(names)})
    for model in (forms.units, forms.operators):
        assert np.allclose(model.predict_proba(frame), model.pipeline_.predict_proba(frame), atol=1e-9)
