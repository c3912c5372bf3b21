"""Text pieces of an indicator name: jieba words with a per-model dictionary, domain terms, the name's head.

jieba keeps one process-wide dictionary (``jieba.dt``); adding a model's user
words there would let every later model (and every later fold of a
cross-validation) see them. Each :class:`JiebaTokenizer` therefore owns a
``jieba.Tokenizer`` whose frequency table is a private copy of jieba's main
dictionary plus that model's words only.
"""

from __future__ import annotations

import logging
import re
import threading

_BASE_LOCK = threading.Lock()
_BASE: dict | None = None
USER_WORD_FREQ = 2000


def _base_dictionary() -> tuple[dict, int]:
    """jieba's main dictionary, loaded once per process and never modified (copied per tokenizer)."""
    global _BASE
    with _BASE_LOCK:
        if _BASE is None:
            _BASE = _read_frequencies()
        return _BASE["freq"], _BASE["total"]


def _read_frequencies() -> dict:
    """jieba's prefix-frequency table, from this project's cache of it when there is one (written on first use).

    jieba's own cache is one ``marshal`` dump that took 0.8 s to read on the
    2-core machine, holding the interpreter lock that a command's imports need
    at the same moment; the same table as a word list and a NumPy array of
    counts reads in 0.2 s. The cache is named by jieba's version and its
    dictionary file's size, so another jieba gets its own. A cache that cannot
    be read or written is skipped (jieba's own load is used).
    """
    import os

    import jieba
    import numpy as np

    from training.settings import get_settings

    source = os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
    folder = get_settings().cache_dir / "jieba"
    stem = f"freq-{jieba.__version__}-{os.path.getsize(source)}"
    words_file, counts_file = folder / f"{stem}.words.txt", folder / f"{stem}.counts.npy"
    try:
        words = words_file.read_text(encoding="utf-8").split("\n")
        counts = np.load(counts_file)
        if len(words) == len(counts) - 1:  # the last count is the total
            return {"freq": dict(zip(words, counts[:-1].tolist(), strict=True)), "total": int(counts[-1])}
    except (OSError, ValueError):
        pass
    jieba.setLogLevel(logging.WARNING)
    base = jieba.Tokenizer()
    base.initialize()
    table = {"freq": base.FREQ, "total": base.total}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        words_tmp, counts_tmp = (file.with_name(f"{file.name}.{os.getpid()}.tmp") for file in (words_file, counts_file))
        words_tmp.write_text("\n".join(table["freq"]), encoding="utf-8")
        with open(counts_tmp, "wb") as handle:
            np.save(handle, np.array([*table["freq"].values(), table["total"]], dtype=np.int64))
        counts_tmp.replace(counts_file)
        words_tmp.replace(words_file)
    except OSError:
        pass
    return table


def preload_dictionary() -> None:
    """Read jieba's main dictionary now (about a second), e.g. in a background thread while a model loads."""
    _base_dictionary()


class JiebaTokenizer:
    """A callable tokenizer ``text -> list[str]`` with its own user words.

    Pickles as its word list only; the jieba tokenizer is rebuilt on first use.
    ``user_words`` never reach ``jieba.dt``.
    """

    def __init__(self, user_words: tuple[str, ...] = ()) -> None:
        self.user_words = tuple(user_words)
        self._tokenizer = None

    @property
    def tokenizer(self):
        """The private ``jieba.Tokenizer`` (built on first use)."""
        if self._tokenizer is None:
            import jieba

            freq, total = _base_dictionary()
            tokenizer = jieba.Tokenizer()
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(freq), total, True
            for word in self.user_words:
                tokenizer.add_word(word, freq=USER_WORD_FREQ)
            self._tokenizer = tokenizer
        return self._tokenizer

    def __call__(self, text: str) -> list[str]:
        return [w for w in self.tokenizer.lcut(text or "") if w.strip()]

    def __getstate__(self) -> dict:
        return {"user_words": self.user_words}

    def __setstate__(self, state: dict) -> None:
        self.user_words = tuple(state["user_words"])
        self._tokenizer = None


def domain_terms(names: list[str], min_count: int = 3) -> list[str]:
    """Recurring 2–6 character endings of indicator names (满意度, 及时率, 覆盖率 ...), sorted.

    jieba splits domain compounds badly; frequent suffixes of the training
    names make a user dictionary that keeps them whole. Only the names given
    (a fold's training part) are looked at.
    """
    counts: dict[str, int] = {}
    for name in names:
        name = re.sub(r"[^\u4e00-\u9fff]", "", name or "")
        for size in range(2, 7):
            if len(name) > size:
                suffix = name[-size:]
                counts[suffix] = counts.get(suffix, 0) + 1
    return sorted(term for term, count in counts.items() if count >= min_count)


_PLACEHOLDER = re.compile(r"[*＊×xX_＿]{2,}|…+")
_BRACKETED = re.compile(r"[(（\[【<《][^)）\]】>》]*[)）\]】>》]")
_NUMBER_UNIT = re.compile(r"[\d０-９.．,，%％‰]+[^\u4e00-\u9fff]*")
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]")


def name_head(name: str | None, size: int = 4) -> str:
    """The last ``size`` Chinese characters of a name once brackets, numbers, units and ``**`` placeholders are gone.

    ``新建高标准农田面积（亩）`` → ``农田面积``; ``培训≥**人次`` → ``培训人次``. The head
    (…覆盖率, …及时率, …人次, …满意度) carries most of the category.
    """
    text = _PLACEHOLDER.sub("", name or "")
    text = _BRACKETED.sub("", text)
    text = _NUMBER_UNIT.sub("", text)
    text = _NOT_CJK.sub("", text)
    return text[-size:]
