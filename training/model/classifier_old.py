"""The indicator classifier: a calibrated linear model over text, embedding, target and neighbour features.

Follows scikit-learn's estimator conventions: ``__init__`` only stores
parameters, ``fit`` learns, fitted state ends in ``_``. The sentence encoder is
not pickled with the model (it is large and shared); the bundle records its
identity and the loader hands the same encoder back.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from training.model.features import Item, JiebaWords, domain_terms, keyword_matrix, target_matrix


class Encoder(Protocol):
    def encode(self, texts: list[str], kind: str = "query") -> np.ndarray: ...


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


class IndicatorClassifier:
    """Predicts the canonical level-2 category of an indicator.

    Parameters switch feature views on and off so that the evaluation can
    measure each one; the defaults are the configuration that the held-out
    evaluation selected.
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        use_embeddings: bool = True,
        use_words: bool = True,
        use_target: bool = True,
        use_knn: bool = True,
        use_keywords: bool = False,
        class_weight: str | None = None,
        augment_name_only: bool = True,
        calibrate: bool = True,
        C: float = 8.0,
        k_neighbours: int = 10,
        embedding_weight: float = 1.0,
        knn_weight: float = 1.0,
    ) -> None:
        self.encoder = encoder
        self.use_embeddings = use_embeddings
        self.use_words = use_words
        self.use_target = use_target
        self.use_knn = use_knn
        self.use_keywords = use_keywords
        self.class_weight = class_weight
        self.augment_name_only = augment_name_only
        self.calibrate = calibrate
        self.C = C
        self.k_neighbours = k_neighbours
        self.embedding_weight = embedding_weight
        self.knn_weight = knn_weight

    # --------------------------------------------------------------- pickling
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["encoder"] = None
        return state

    def params(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_") and k != "encoder"}

    # --------------------------------------------------------------- features
    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        if self.encoder is None:
            raise RuntimeError("the classifier needs an encoder: set .encoder before fit/predict")
        return self.encoder.encode(texts, kind=kind)

    def _design(self, items: list[Item], name_vectors: np.ndarray | None, knn: np.ndarray | None) -> sparse.csr_matrix:
        names = [i.name for i in items]
        blocks = [self.char_vectorizer_.transform(names)]
        if self.use_words:
            blocks.append(self.word_vectorizer_.transform(names))
        blocks.append(self.description_vectorizer_.transform([i.description or "" for i in items]) * 0.5)
        if self.use_target:
            blocks.append(target_matrix(items))
        if self.use_keywords:
            blocks.append(keyword_matrix(items))
        if self.use_embeddings and name_vectors is not None:
            blocks.append(sparse.csr_matrix(name_vectors * self.embedding_weight))
        if self.use_knn and knn is not None:
            blocks.append(sparse.csr_matrix(knn * self.knn_weight))
        return sparse.hstack(blocks, format="csr")

    def _neighbour_votes(self, vectors: np.ndarray, exclude_groups: list[str] | None = None) -> np.ndarray:
        """Similarity-weighted label distribution of the k nearest training indicators.

        While fitting, neighbours from the row's own document are excluded, so
        the feature behaves as it will on an unseen document.
        """
        sims = vectors @ self.reference_vectors_.T
        if exclude_groups is not None:
            same = np.asarray(exclude_groups)[:, None] == np.asarray(self.reference_groups_)[None, :]
            sims = np.where(same, -1.0, sims)
        k = min(self.k_neighbours, sims.shape[1])
        top = np.argpartition(-sims, kth=k - 1, axis=1)[:, :k]
        votes = np.zeros((len(vectors), len(self.classes_)), dtype=np.float32)
        rows = np.repeat(np.arange(len(vectors)), k)
        weights = np.maximum(np.take_along_axis(sims, top, axis=1), 0.0).ravel()
        np.add.at(votes, (rows, self.reference_label_index_[top].ravel()), weights)
        totals = votes.sum(axis=1, keepdims=True)
        return np.divide(votes, totals, out=np.zeros_like(votes), where=totals > 0)

    # ------------------------------------------------------------------- fit
    def fit(self, items: list[Item], labels: list[str], groups: list[str], progress=None) -> IndicatorClassifier:
        self.classes_ = sorted(set(labels))
        class_index = {c: i for i, c in enumerate(self.classes_)}
        names = [i.name for i in items]
        self.user_terms_ = domain_terms(names)
        self.char_vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1).fit(names)
        if self.use_words:
            self.word_vectorizer_ = TfidfVectorizer(tokenizer=JiebaWords(self.user_terms_), token_pattern=None, lowercase=False,
                                                    sublinear_tf=True).fit(names)
        self.description_vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=1).fit(
            [i.description or "" for i in items] + ["占位"]
        )
        name_vectors = self._embed(names, "query") if (self.use_embeddings or self.use_knn) else None
        self.reference_vectors_ = name_vectors
        self.reference_groups_ = list(groups)
        self.reference_label_index_ = np.array([class_index[label] for label in labels])
        knn = self._neighbour_votes(name_vectors, exclude_groups=list(groups)) if self.use_knn else None
        if progress:
            progress("features")

        train_items, train_labels, train_vectors, train_knn = list(items), list(labels), name_vectors, knn
        if self.augment_name_only:
            extra = [k for k, i in enumerate(items) if i.target or i.description]
            train_items += [Item(name=items[k].name, project=items[k].project) for k in extra]
            train_labels += [labels[k] for k in extra]
            if name_vectors is not None:
                train_vectors = np.vstack([name_vectors, name_vectors[extra]])
            if knn is not None:
                train_knn = np.vstack([knn, knn[extra]])
        design = self._design(train_items, train_vectors, train_knn)
        self.linear_ = LogisticRegression(C=self.C, max_iter=3000, class_weight=self.class_weight).fit(design, train_labels)
        if progress:
            progress("linear model")
        self.temperature_ = self._fit_temperature(items, labels, groups, name_vectors, knn) if self.calibrate else 1.0
        if progress:
            progress("calibration")
        return self

    def _fit_temperature(self, items, labels, groups, name_vectors, knn) -> float:
        """One temperature for the softmax, fitted on out-of-fold predictions over held-out documents."""
        n_groups = len(set(groups))
        if n_groups < 3:
            return 1.0
        logits, truth = [], []
        for train_index, test_index in GroupKFold(n_splits=min(3, n_groups)).split(items, labels, groups):
            sub = IndicatorClassifier(**{**self.params(), "calibrate": False}).set_encoder(self.encoder)
            sub_items = [items[i] for i in train_index]
            sub.fit(sub_items, [labels[i] for i in train_index], [groups[i] for i in train_index])
            fold_logits = sub.decision_function([items[i] for i in test_index],
                                                None if name_vectors is None else name_vectors[test_index])
            full = np.full((len(test_index), len(self.classes_)), -30.0)
            for column, name in enumerate(sub.classes_):
                full[:, self.classes_.index(name)] = fold_logits[:, column]
            logits.append(full)
            truth.extend(self.classes_.index(labels[i]) for i in test_index)
        logits_all, truth_all = np.vstack(logits), np.array(truth)

        def nll(temperature: float) -> float:
            probs = softmax(logits_all / temperature)
            return float(-np.log(probs[np.arange(len(truth_all)), truth_all] + 1e-12).mean())

        return float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)

    def set_encoder(self, encoder: Encoder | None) -> IndicatorClassifier:
        self.encoder = encoder
        return self

    # --------------------------------------------------------------- predict
    def decision_function(self, items: list[Item], name_vectors: np.ndarray | None = None) -> np.ndarray:
        if name_vectors is None and (self.use_embeddings or self.use_knn):
            name_vectors = self._embed([i.name for i in items], "query")
        knn = self._neighbour_votes(name_vectors) if self.use_knn else None
        return self.linear_.decision_function(self._design(items, name_vectors, knn))

    def predict_proba(self, items: list[Item], name_vectors: np.ndarray | None = None) -> np.ndarray:
        return softmax(self.decision_function(items, name_vectors) / self.temperature_)

    def predict(self, items: list[Item]) -> list[str]:
        probabilities = self.predict_proba(items)
        return [self.classes_[i] for i in probabilities.argmax(axis=1)]
