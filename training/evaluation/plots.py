"""Pictures for reports, labelled in Chinese (Noto Sans CJK, installed by ``make setup`` from Debian's fonts-noto-cjk).

Each function writes one PNG and returns its path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    chosen = [name for name in CJK_FONTS if name in available]
    if chosen:
        matplotlib.rcParams["font.sans-serif"] = chosen + list(matplotlib.rcParams["font.sans-serif"])
        matplotlib.rcParams["axes.unicode_minus"] = False
    return plt


def has_cjk_font() -> bool:
    """Whether a font that draws Chinese is installed (the pictures need one)."""
    from matplotlib import font_manager

    return any(f.name in CJK_FONTS for f in font_manager.fontManager.ttflist)


def confusion(confusion: dict, path: Path, title: str, xlabel: str, ylabel: str) -> Path:
    """A confusion matrix ``{"classes", "matrix"}`` as a heat map with counts."""
    plt = _pyplot()
    classes, matrix = confusion["classes"], np.array(confusion["matrix"])
    figure, axis = plt.subplots(figsize=(9, 8))
    axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(classes)), classes, rotation=60, ha="right")
    axis.set_yticks(range(len(classes)), classes)
    for i in range(len(classes)):
        for j in range(len(classes)):
            if matrix[i, j]:
                axis.text(j, i, matrix[i, j], ha="center", va="center", color="white" if matrix[i, j] > matrix.max() / 2 else "black", fontsize=8)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def class_bars(series: dict[str, dict[str, float | None]], classes: list[str], path: Path, ylabel: str) -> Path:
    """Grouped bars, one group per class: how systems (or model versions) compare class by class (values in [0, 1])."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(11, 5))
    width = 0.8 / max(len(series), 1)
    for k, (name, values) in enumerate(series.items()):
        axis.bar(np.arange(len(classes)) + k * width, [values.get(c) or 0.0 for c in classes], width, label=name)
    axis.set_xticks(np.arange(len(classes)) + width * (len(series) - 1) / 2, classes, rotation=45, ha="right")
    axis.set_ylabel(ylabel)
    axis.set_ylim(0, 1)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def reliability(calibration: dict, path: Path, title: str) -> Path:
    """Confidence against accuracy per bin (the reliability table of ``calibration_metrics``), with bin counts."""
    plt = _pyplot()
    table = calibration["reliability"]
    figure, axis = plt.subplots(figsize=(5.5, 5.5))
    axis.plot([0, 1], [0, 1], "--", color="gray", label="完全校准")
    axis.plot([r["confidence"] for r in table], [r["accuracy"] for r in table], "o-", label="模型")
    for r in table:
        axis.annotate(str(r["n"]), (r["confidence"], r["accuracy"]), fontsize=7)
    axis.set_xlabel("置信度")
    axis.set_ylabel("准确率")
    axis.set_title(f"{title}\nECE {calibration['ece']:.3f}")
    axis.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
