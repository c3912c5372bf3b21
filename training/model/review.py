"""When a human should look at a classification: low confidence, a close runner-up, or input that is not an indicator name.

The thresholds travel with the model bundle (they are chosen on the model's
own held-out predictions, see ``reports/evaluation.md``); the name checks are
rules about what a 三级指标 looks like in published tables (a short Chinese
noun phrase: 资金拨付及时率, 培训人次, 社会公众满意度).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")  # extension B onwards too (𠮷)
_LATIN = re.compile(r"[A-Za-z]")
_SENTENCE_MARKS = re.compile(r"[，。；！？,;!?]")
MAX_NAME_CHARS = 40  # 99% of published 三级指标 are shorter (corpus: median 9 characters)


@dataclass
class ReviewPolicy:
    """Flag a prediction when its confidence is below ``min_confidence`` or the runner-up is within ``min_margin``.

    ``disagree_confidence``: a published label that differs from the
    prediction is reported as suspect (``label_disagrees``) only when the
    prediction is at least this confident, and, with ``disagree_max_published``
    set, only when the model gives the published category at most that
    probability (a name that fits two categories, such as a coverage rate under
    数量 or 质量, keeps a fair share for both and is not reported). With 0.1 the
    flag marked 39 rows of other publishers' tables instead of 80, and was right
    (the expert rejects the label) in 0.462 of them instead of 0.312, at recall
    0.240 instead of 0.333 (``reports/evaluation.md``; the cap was picked among
    none, 0.2, 0.1 and 0.05 on those same folds, so 0.462 is optimistic).
    """

    min_confidence: float = 0.6
    min_margin: float = 0.2
    disagree_confidence: float = 0.7
    disagree_max_published: float | None = 0.1

    def label_disagrees(self, published: str, predicted: str, confidence: float, name: str, taxonomy, framework: str = "2021",
                        published_probability: float | None = None) -> bool:
        """Whether a published canonical level 2 is suspect against the predicted one: they differ in ``framework``'s
        view (the 2021 view folds 可持续影响 into 社会效益), the prediction is at least ``disagree_confidence`` sure
        (``confidence`` of the displayed category, 0–1), the published category's probability (when given) is at most
        ``disagree_max_published``, and the name looks like an indicator name."""
        unlikely = (self.disagree_max_published is None or published_probability is None
                    or published_probability <= self.disagree_max_published)
        return bool(published != predicted and taxonomy.view(published, framework) != taxonomy.view(predicted, framework)
                    and confidence >= self.disagree_confidence and unlikely and not name_problems(name))

    def reasons(self, confidence: float, margin: float) -> list[str]:
        """Why a prediction with this confidence and margin to the runner-up needs review (empty: it does not)."""
        reasons = []
        if confidence < self.min_confidence:
            reasons.append(f"low confidence ({_below(confidence, self.min_confidence)} < {self.min_confidence})")
        if margin < self.min_margin:
            reasons.append(f"close runner-up (margin {_below(margin, self.min_margin)} < {self.min_margin})")
        return reasons


UNKNOWN_LABEL = "published label not in the taxonomy"
"""The review reason for a published 一级/二级 that no framework or variant in ``data/taxonomy.json`` has."""


NOTHING_NAMED = ("empty name", "no words")
"""The name problems that leave nothing to measure or suggest for (``。，！？``, ``😀😀``)."""


def names_nothing(name: str) -> bool:
    """Whether a text names nothing at all (empty, or only numbers and symbols): no target or indicator is suggested
    for it, where other ``name_problems`` (``率``, a sentence) only get a warning."""
    problems = name_problems(name)
    return bool(problems) and problems[0].startswith(NOTHING_NAMED)


def unlearnable(name: str | None) -> bool:
    """Whether a labelled row's name is kept out of training: empty, no Chinese (``Number of trainees``), no words
    (``12345``, ``😀😀``) or one character. A long sentence is kept: units do publish indicators written as sentences."""
    problems = name_problems(name or "")
    return bool(problems) and not problems[0].startswith(SENTENCE)


SENTENCE = "a whole sentence"


def name_problems(name: str) -> list[str]:
    """Why a text does not look like an indicator name (empty when it does).

    A single character (``率``), text with no Chinese (another language, or
    only numbers), or a whole sentence (a goal written where a name belongs)
    cannot be classified with confidence, whatever the model says.
    """
    text = unicodedata.normalize("NFKC", name or "").strip()
    cjk = len(_CJK.findall(text))
    if not text:
        return ["empty name"]
    if cjk == 0:
        if _LATIN.search(text):
            return ["no Chinese: not a name from a Chinese indicator table"]
        return ["no words: only numbers or symbols"]
    if cjk < 2:
        return ["too short: one character is not an indicator name"]
    if len(text) > MAX_NAME_CHARS or (len(_SENTENCE_MARKS.findall(text)) >= 1 and len(text) > 20):
        return [f"{SENTENCE} (a goal?), not an indicator name"]
    return []


def _below(value: float, limit: float) -> str:
    """``value`` with two decimals, or as many more (up to six) as it takes not to read as ``limit`` (0.5971 < 0.6 had
    been written 0.60 < 0.6, then 60.000% < 60.000% in Chinese)."""
    for places in range(2, 7):
        text = f"{value:.{places}f}"
        if float(text) < limit:
            return text
    return repr(value)
