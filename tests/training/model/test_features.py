"""Each feature part follows the estimator conventions and computes what it says."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from training.domain.targets import parse_target
from training.model.features import KeywordCues, NameHead, NeighbourVotes, SentenceEmbedding, TargetForm, target_vector
from training.model.pipeline import routing

NAMES = ["资金拨付及时率", "培训人次", "受益群众满意度", "补助发放及时率", "参训人次", "游客满意度"]
LABELS = ["时效指标", "数量指标", "服务对象满意度指标", "时效指标", "数量指标", "服务对象满意度指标"]
GROUPS = ["a", "a", "a", "b", "b", "b"]


@pytest.mark.parametrize("part", [NameHead(max_size=3), TargetForm(), KeywordCues()])
def test_parts_clone_and_expose_their_params(part):
    copy = clone(part)
    assert copy.get_params() == part.get_params()
    assert not [k for k in vars(copy) if k.endswith("_")]  # __init__ stores parameters only


def test_target_form_reads_parsed_targets_and_strings():
    parsed = target_vector(parse_target("≥95%"))
    assert (parsed == target_vector("≥95%")).all()
    assert parsed.sum() > 0 and target_vector(None).sum() == 0
    assert TargetForm().fit(None).transform([parse_target("12月底前"), None]).shape == (2, parsed.size)


def test_name_head_features_name_the_endings():
    part = NameHead(max_size=3).fit(NAMES)
    assert "head:3:及时率" in part.get_feature_names_out()
    assert part.transform(["某某及时率"]).toarray().sum() == 3


def test_embedding_uses_the_encoder(fake_encoder):
    part = SentenceEmbedding(fake_encoder).fit(NAMES)
    vectors = part.transform(NAMES)
    assert vectors.shape == (6, fake_encoder.dim) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert clone(part).encoder is fake_encoder  # shared, never copied


def test_neighbour_votes_leave_out_the_rows_own_group(fake_encoder):
    with routing():
        part = NeighbourVotes(fake_encoder, n_neighbors=2).set_fit_request(groups=True)
        inside = part.fit_transform(NAMES, LABELS, groups=GROUPS)
    outside = part.transform(NAMES)
    assert inside.shape == outside.shape == (6, 3)
    assert np.allclose(inside.sum(axis=1), 1.0) or (inside.sum(axis=1) <= 1.0 + 1e-6).all()
    # at predict time a training name finds itself (similarity 1) and votes for its own label
    own = [list(part.classes_).index(label) for label in LABELS]
    assert (outside.argmax(axis=1) == own).all()
    # while fitting it never sees its own group: "资金拨付及时率" (group a) is voted by group b only
    index = np.array(GROUPS)
    assert not np.allclose(inside[index == "a"], outside[index == "a"])
