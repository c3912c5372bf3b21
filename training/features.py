"""Features for short Chinese indicator phrases.

Three views of an indicator: its characters and words (TF-IDF of char n-grams
and jieba words, with a user dictionary of domain terms from the corpus), its
meaning (sentence embedding), and the form of its target (unit, operator,
deadline, qualitative word) when a target is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from training.targets import parse_target

_UNIT_GROUPS = {
    "percent": ("%", "‰"),
    "people": ("人", "人次", "万人", "万人次", "名", "户", "人天", "人日"),
    "count": ("次", "场", "场次", "个", "项", "期", "份", "部", "篇", "种", "批", "批次", "家", "所", "条", "张", "版", "件", "台", "套", "辆", "组", "门", "班", "处", "座", "村"),
    "money": ("元", "万元", "亿元", "万", "亿"),
    "time": ("天", "日", "工作日", "小时", "月", "个月", "年", "周", "课时", "学时"),
    "size": ("亩", "万亩", "公顷", "平方米", "万平方米", "立方米", "万立方米", "米", "公里", "千米", "吨", "万吨", "公斤", "株", "只", "头"),
}
TARGET_FEATURES = [
    "has_target", "kind_quantitative", "kind_qualitative", "kind_deadline", "kind_coded", "kind_unparsed",
    "op_ge", "op_le", "op_eq", "op_none", "vague",
    *[f"unit_{g}" for g in _UNIT_GROUPS], "unit_rate", "unit_other", "value_100", "value_large",
]


@dataclass
class Item:
    """The input of one classification: only ``name`` is required."""

    name: str
    description: str | None = None
    target: str | None = None
    project: str | None = None


def unit_group(unit: str | None) -> str | None:
    if not unit:
        return None
    base = re.split(r"[/／.、·每]", unit)[0]
    if "/" in unit or "／" in unit:
        return "rate"
    for group, units in _UNIT_GROUPS.items():
        if base in units:
            return group
    return "other"


def target_features(target_raw: str | None, explanation: str | None = None) -> np.ndarray:
    vector = np.zeros(len(TARGET_FEATURES), dtype=np.float32)
    if not target_raw:
        return vector
    parsed = parse_target(target_raw, explanation)
    index = {name: i for i, name in enumerate(TARGET_FEATURES)}
    vector[index["has_target"]] = 1
    if f"kind_{parsed.kind}" in index:
        vector[index[f"kind_{parsed.kind}"]] = 1
    operator = {"≥": "op_ge", ">": "op_ge", "≤": "op_le", "<": "op_le", "=": "op_eq"}.get(parsed.operator or "", "op_none")
    vector[index[operator]] = 1
    vector[index["vague"]] = float(parsed.vague)
    group = unit_group(parsed.unit)
    if group:
        vector[index[f"unit_{group}"]] = 1
    if parsed.value is not None:
        vector[index["value_100"]] = float(parsed.value == 100)
        vector[index["value_large"]] = float(parsed.value >= 1000)
    return vector


def target_matrix(items: list[Item]) -> sparse.csr_matrix:
    return sparse.csr_matrix(np.vstack([target_features(i.target) for i in items]) if items else np.zeros((0, len(TARGET_FEATURES))))


_JIEBA_READY: set[str] = set()


# The cues a reviewer reads a name by, one pattern per category. The keyword baseline
# applies them in order; as features they all fire, and the model weighs them.
KEYWORD_RULES: list[tuple[str, str]] = [
    (r"满意", "服务对象满意度指标"),
    (r"及时|时效|时限|按时|按期|进度|期限|完成时间|工期", "时效指标"),
    (r"成本|费用|费|单价|标准|预算控制|支出|投资", "经济成本指标"),
    (r"生态|环境|绿色|环保|节能|减排|污染|绿化", "生态效益指标"),
    (r"经济|收入|增收|产值|效益提升|创收", "经济效益指标"),
    (r"持续|长效|长期|机制|制度", "可持续影响指标"),
    (r"合格|达标|质量|完好|准确|规范|合规|优良|通过|覆盖率|完成率", "质量指标"),
    (r"数量|人数|人次|次数|个数|场次|面积|数|期|场|次", "数量指标"),
]
_KEYWORD_PATTERNS = [re.compile(pattern) for pattern, _ in KEYWORD_RULES]


def keyword_matrix(items: list[Item]) -> sparse.csr_matrix:
    rows = [[float(bool(p.search(i.name or ""))) for p in _KEYWORD_PATTERNS] for i in items]
    return sparse.csr_matrix(np.array(rows, dtype=np.float32).reshape(len(items), len(_KEYWORD_PATTERNS)))


def domain_terms(names: list[str], min_count: int = 3) -> list[str]:
    """Recurring 2–6 character endings and stems of indicator names (率, 满意度, 及时性 ...).

    jieba splits domain compounds such as 满意度 or 及时率 badly; frequent
    suffixes of the corpus's own names make a user dictionary that keeps them whole.
    """
    counts: dict[str, int] = {}
    for name in names:
        name = re.sub(r"[^\u4e00-\u9fff]", "", name or "")
        for size in range(2, 7):
            if len(name) > size:
                suffix = name[-size:]
                counts[suffix] = counts.get(suffix, 0) + 1
    return sorted(term for term, count in counts.items() if count >= min_count)


def jieba_tokenizer(user_terms: tuple[str, ...]):
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    key = "|".join(user_terms)
    if key not in _JIEBA_READY:
        for term in user_terms:
            jieba.add_word(term, freq=2000)
        _JIEBA_READY.add(key)

    def tokenize(text: str) -> list[str]:
        return [w for w in jieba.lcut(text or "") if w.strip()]

    return tokenize


class JiebaWords:
    """Picklable tokenizer: the user dictionary travels with the model bundle."""

    def __init__(self, user_terms: list[str]) -> None:
        self.user_terms = tuple(user_terms)
        self._tokenize = None

    def __call__(self, text: str) -> list[str]:
        if self._tokenize is None:
            self._tokenize = jieba_tokenizer(self.user_terms)
        return self._tokenize(text)

    def __getstate__(self) -> dict:
        return {"user_terms": self.user_terms}

    def __setstate__(self, state: dict) -> None:
        self.user_terms = state["user_terms"]
        self._tokenize = None
