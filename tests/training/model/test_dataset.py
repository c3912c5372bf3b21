"""The corpus as model input: publishers as groups, library rows train-only, name-only copies never scored."""

from __future__ import annotations

from training.model.dataset import TRAIN_ONLY_PREFIX, training_data


def test_groups_scored_rows_and_copies(corpus):
    data = training_data(corpus.rows)
    labelled = corpus.labelled
    originals = len(labelled)
    assert len(data) > originals  # plus name-only copies
    assert not data.scored[originals:].any()
    library = [i for i, r in enumerate(data.rows[:originals]) if r.origin == "library"]
    assert library and all(data.groups[i].startswith(TRAIN_ONLY_PREFIX) and not data.scored[i] for i in library)
    copies = data.frame.iloc[originals:]
    assert copies["target"].isna().all() and (copies["description"] == "").all()
    assert {g for g in data.groups if not g.startswith(TRAIN_ONLY_PREFIX)} >= {"郑州市", "河南省科学技术协会"}


def test_without_copies_every_labelled_row_once(corpus):
    data = training_data(corpus.rows, name_only_copies=False)
    assert len(data) == len(corpus.labelled)


def test_expert_judgements_relabel_only_unacceptable_rows(corpus):
    from training.domain.judgements import judgement_of, load_hard_cases

    cases = load_hard_cases()
    data = training_data(corpus.rows, judgements=cases)
    full_weight = data.weights == 1.0
    changed = [i for i in range(len(data)) if full_weight[i] and data.labels[i] != data.published[i]]
    assert changed
    for i in changed:
        case = judgement_of(data.rows[i], cases)
        assert case is not None and not case.published_acceptable and data.labels[i] == case.acceptable[0]
    untouched = training_data(corpus.rows)
    assert (untouched.labels == untouched.published).all() and untouched.weights is None


def test_other_acceptable_categories_enter_with_a_lower_weight(corpus):
    from training.domain.judgements import judgement_of, load_hard_cases

    cases = load_hard_cases()
    data = training_data(corpus.rows, judgements=cases, alternatives_weight=0.5)
    extra = [i for i in range(len(data)) if data.weights[i] == 0.5]
    assert extra and not data.scored[extra].any()
    for i in extra[:50]:
        case = judgement_of(data.rows[i], cases)
        assert data.labels[i] in case.acceptable and len(case.acceptable) > 1
    assert set(data.fit_params()) == {"groups", "sample_weight"}


def test_rows_whose_names_are_no_names_are_not_trained_on():
    """😀😀, Number of trainees and 12345 had entered training from a retrained table; sentences stay (units publish them)."""
    from training.domain.records import IndicatorRow
    from training.model.dataset import training_data

    names = ["😀😀", "Number of trainees", "12345", "率", "培训人数", "完成开发区工委、管委下达的安置小区物业费清算任务,指导小区物业开展文明创建等工作。"]
    rows = [IndicatorRow(source="s", table=0, row=i, doc="d", level3=name, level1="产出指标", level2="数量指标")
            for i, name in enumerate(names)]
    assert list(training_data(rows, name_only_copies=False).frame["name"]) == names[-2:]
