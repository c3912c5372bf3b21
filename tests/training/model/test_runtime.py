"""The plain (runtime) forms give scikit-learn's numbers, and serving loads them without importing scikit-learn."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from training.model.runtime import CharNgrams, TfidfTable, WordNgrams
from training.model.text import JiebaTokenizer

ROOT = Path(__file__).resolve().parents[3]
ODD = ["", " ", "资金拨付及时率", "培训  人次\t（人）", "Training RATE 100%", "𠀀𠀁", "a\nb  c", "≥95%", "率"]


@pytest.fixture(scope="module")
def names(corpus) -> list[str]:
    return [r.level3 for r in corpus.rows if r.level3][:400] + ODD


@pytest.mark.parametrize("vectorizer", [
    TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
    TfidfVectorizer(analyzer="char", ngram_range=(2, 4), norm="l1", use_idf=False),
    TfidfVectorizer(analyzer="char", ngram_range=(1, 2), binary=True, lowercase=False, smooth_idf=False),
    CountVectorizer(analyzer="char", ngram_range=(1, 2), binary=True),
    TfidfVectorizer(tokenizer=JiebaTokenizer(("及时率",)), token_pattern=None, lowercase=False, sublinear_tf=True),
    TfidfVectorizer(tokenizer=JiebaTokenizer(), token_pattern=None, ngram_range=(1, 3)),
    TfidfVectorizer(tokenizer=JiebaTokenizer(), token_pattern=None, ngram_range=(2, 2)),
], ids=["chars", "l1-no-idf", "binary", "counts", "jieba", "jieba-1-3", "jieba-2-2"])
def test_a_table_gives_the_vectorizers_rows(vectorizer, names):
    fitted = vectorizer.fit(names[:300])
    table = TfidfTable.of(fitted)
    assert table is not None
    expected = fitted.transform(names).astype(np.float64)
    got = table.matrix(names)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.toarray(), expected.toarray(), rtol=0, atol=1e-12)
    for i in (0, 5, len(names) - 1, len(names) - 4):
        columns, values = table.row(names[i])
        row = np.zeros(expected.shape[1])
        row[columns] = values
        np.testing.assert_allclose(row, expected[i].toarray()[0], rtol=0, atol=1e-12)


def test_the_analyzers_are_scikit_learns(names):
    for n in [(1, 1), (1, 3), (2, 5)]:
        ours, theirs = CharNgrams(*n), TfidfVectorizer(analyzer="char", ngram_range=n).build_analyzer()
        assert all(ours(t) == theirs(t) for t in names)
    tokenizer = JiebaTokenizer()
    ours = WordNgrams(tokenizer, 1, 2)
    theirs = TfidfVectorizer(tokenizer=tokenizer, token_pattern=None, lowercase=False, ngram_range=(1, 2)).build_analyzer()
    assert all(ours(t) == theirs(t) for t in names)


@pytest.mark.filterwarnings("ignore:The parameter 'stop_words' will not be used")
@pytest.mark.parametrize("settings", [{"analyzer": "char_wb"}, {"analyzer": "char", "stop_words": ["率"]},
                                      {"analyzer": "char", "strip_accents": "unicode"}, {"analyzer": "word"}])
def test_settings_it_does_not_reproduce_are_declined(settings, names):
    assert TfidfTable.of(TfidfVectorizer(**settings).fit(names[:50])) is None


def test_the_unit_models_plain_form_gives_their_pipelines_numbers(fake_models_root, corpus):
    from training.lifecycle.bundle import current_bundle, load_bundle

    forms = load_bundle(current_bundle(fake_models_root))[0]["target_forms"]
    rows = [r for r in corpus.rows if r.level3][:300]
    columns = {"name": [r.level3 for r in rows] + ["", "率"], "level2": [r.level2 or "" for r in rows] + ["", "不存在的类别"],
               "family": [forms.lexicon.family_of_target(r.target) or "" for r in rows] + ["area", ""]}
    import pandas as pd

    for model in (forms.units, forms.operators):
        plain = model.runtime_()
        np.testing.assert_allclose(plain.predict_proba(columns), model.pipeline_.predict_proba(pd.DataFrame(columns)), rtol=0, atol=1e-12)


def test_a_bundle_has_a_runtime_form_free_of_scikit_learn_objects(fake_models_root):
    import pickle
    import pickletools

    from training.lifecycle.bundle import PICKLED, RUNTIME, current_bundle, read_metadata

    bundle = current_bundle(fake_models_root)
    assert read_metadata(bundle)["runtime_sha256"]
    import joblib

    data = joblib.load(bundle / RUNTIME)[PICKLED]
    strings = [arg for op, arg, _ in pickletools.genops(data) if isinstance(arg, str)]
    modules = {s.split(" ")[0] for s in strings if s.startswith(("sklearn", "pandas", "training.", "service.", "numpy", "scipy"))}
    assert modules and not {m for m in modules if m.startswith(("sklearn", "pandas"))}, modules
    assert set(pickle.loads(data)) == {"classifier", "target_forms", "references", "policy", "projects"}


def test_serving_answers_without_importing_scikit_learn_or_pandas(fake_models_root, tmp_path):
    """A fresh process loads the runtime form, classifies, suggests targets and indicators, and never imports them."""
    script = f"""
import json, sys
from tests.fakes import HashingEncoder
from service.predictor import load_predictor
from training.domain.records import Indicator
predictor = load_predictor(models_root=__import__("pathlib").Path({str(fake_models_root)!r}), encoder=HashingEncoder())
many = [Indicator(name) for name in ["培训人次", "资金拨付及时率", "群众满意度"] * 10]
answers = predictor.classify([Indicator("培训人次", target="≥95%")]) + predictor.classify(many)
targets = predictor.suggest_targets(Indicator("新建高标准农田面积"))
projects = predictor.suggest_indicators("高标准农田建设", k=6)
print(json.dumps({{"sklearn": "sklearn" in sys.modules, "pandas": "pandas" in sys.modules, "level2": answers[0]["level2"],
                  "targets": len(targets["suggestions"]), "projects": sum(len(g["indicators"]) for g in projects["groups"])}}))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["level2"] and result["targets"] and result["projects"]
    assert not result["sklearn"] and not result["pandas"], result


def test_no_runtime_form_for_a_model_it_does_not_cover(corpus, fake_encoder):
    from training.lifecycle.train import runtime_form
    from training.model.dataset import training_data
    from training.model.pipeline import fit, make_classifier
    from training.model.units import fit_target_forms

    seeds = [r for r in corpus.rows if r.source.endswith(".txt")]
    data = training_data(seeds)
    sigmoid = fit(make_classifier(fake_encoder, classifier__estimator__method="sigmoid", features__neighbours="drop"),
                  data.frame, data.labels, data.groups)
    said: list[str] = []
    assert runtime_form(sigmoid, fit_target_forms(seeds), seeds, said.append) is None
    assert said and "no runtime form" in said[0]


def test_a_bundle_without_a_runtime_form_still_serves_from_its_payload(fake_models_root, fake_encoder, fake_predictor, tmp_path):
    import shutil

    from service.predictor import load_predictor
    from training.domain.records import Indicator
    from training.lifecycle.bundle import METADATA, RUNTIME, current_version

    version = current_version(fake_models_root)
    old = tmp_path / version
    shutil.copytree(fake_models_root / version, old)
    (old / RUNTIME).unlink()
    metadata = json.loads((old / METADATA).read_text(encoding="utf-8"))
    for key in ("runtime_sha256", "runtime_size_bytes"):
        metadata.pop(key)
    (old / METADATA).write_text(json.dumps(metadata), encoding="utf-8")
    predictor = load_predictor(old, encoder=fake_encoder)
    assert predictor.loaded.model is not None and predictor.loaded.compiled is None
    indicators = [Indicator("培训人次", target="≥95%"), Indicator("资金拨付及时率")]
    np.testing.assert_allclose(predictor.probabilities(indicators), fake_predictor.probabilities(indicators), rtol=0, atol=1e-12)
    assert fake_predictor.loaded.model is None and fake_predictor.loaded.compiled is not None
