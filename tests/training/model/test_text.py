"""jieba words: every tokenizer holds its own user words, and none reach jieba's process-wide dictionary."""

from __future__ import annotations

import pickle

import jieba

from training.model.features import JiebaWords
from training.model.text import JiebaTokenizer, domain_terms, name_head


def test_two_models_keep_their_own_words():
    first = JiebaWords(min_count=1).fit(["资金拨付及时率", "甲乙丙丁及时率"])
    second = JiebaWords(min_count=1).fit(["受益群众满意度", "戊己庚辛满意度"])
    assert "及时率" in first.user_words_ and "满意度" in second.user_words_
    assert first.tokenizer_.tokenizer.FREQ.get("丙丁及时率") and not second.tokenizer_.tokenizer.FREQ.get("丙丁及时率")
    assert second.tokenizer_.tokenizer.FREQ.get("庚辛满意度") and not first.tokenizer_.tokenizer.FREQ.get("庚辛满意度")
    for word in ("丙丁及时率", "庚辛满意度"):
        assert word not in jieba.dt.FREQ  # nothing leaked into the global dictionary


def test_user_words_keep_domain_compounds_whole():
    tokenizer = JiebaTokenizer(("拨付及时率",))
    assert "拨付及时率" in tokenizer("资金拨付及时率")


def test_tokenizer_pickles_as_its_words_only():
    tokenizer = JiebaTokenizer(("拨付及时率",))
    tokenizer("预热")
    payload = pickle.dumps(tokenizer)
    assert len(payload) < 1000  # the 350,000-word dictionary is not in it
    assert "拨付及时率" in pickle.loads(payload)("资金拨付及时率")


def test_domain_terms_are_recurring_endings():
    assert domain_terms(["资金拨付及时率", "补助发放及时率", "信息报送及时率", "培训人次"]) == ["及时率", "时率"]


def test_name_head_strips_brackets_numbers_and_placeholders():
    assert name_head("新建高标准农田面积（亩）") == "农田面积"
    assert name_head("购置**的质量合格率(%)") == "质量合格率"[-4:]
    assert name_head("培训≥300人次") == "培训人次"


def test_the_dictionary_cache_gives_jiebas_own_table(tmp_path, monkeypatch):
    from training.model import text
    from training.settings import get_settings

    monkeypatch.setenv("ZHIBIAO_CACHE_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        written = text._read_frequencies()  # no cache yet: jieba's load, then the cache is written
        assert sorted(p.name.split(".")[-2] for p in (tmp_path / "jieba").iterdir()) == ["counts", "words"]
        read = text._read_frequencies()
    finally:
        get_settings.cache_clear()
    reference = jieba.Tokenizer()
    reference.initialize()
    assert read["total"] == written["total"] == reference.total
    assert read["freq"] == reference.FREQ
