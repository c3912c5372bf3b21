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
