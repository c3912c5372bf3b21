"""Fine-tune the sentence encoder on the corpus's categories with sentence-transformers.

Indicators of one category should sit close together in the embedding space:
that is what the neighbour votes and the linear model read. The loss is a
batch-hard triplet loss over (name, category) rows, with batches grouped by
category so that every batch holds same-category pairs, and descriptions
joined as extra rows of their indicator's category. The word embeddings (96 of
the 118 M parameters) stay frozen: that halves time and memory and keeps the
vocabulary the pretraining learned for words the corpus never shows.

Whether a fine-tuned encoder is worth using is decided by
``scripts/encoder_experiment.py``, which fine-tunes inside each held-out fold.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from training.model.encoder import default_encoder_path


def fine_tune_encoder(base: Path | None, names: list[str], labels: list[str], output: Path,
                      descriptions: list[str | None] | None = None, epochs: int = 2, batch_size: int = 32,
                      learning_rate: float = 3e-5, seed: int = 0, progress: bool = True) -> Path:
    """Write a fine-tuned copy of the encoder at ``base`` into ``output`` (a sentence-transformers folder)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from datasets import Dataset
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments, losses
    from sentence_transformers.training_args import BatchSamplers

    base = Path(base) if base else default_encoder_path()
    info = json.loads((base / "zhibiao_encoder.json").read_text(encoding="utf-8")) if (base / "zhibiao_encoder.json").exists() else {}
    prefix = info.get("prefixes", {}).get("query", "")
    texts, targets = [prefix + n for n in names], list(labels)
    for description, label in zip(descriptions or [], labels, strict=False):
        if description:
            texts.append(prefix + description)
            targets.append(label)
    classes = sorted(set(targets))
    dataset = Dataset.from_dict({"sentence": texts, "label": [classes.index(t) for t in targets]})

    model = SentenceTransformer(str(base), device="cpu", local_files_only=True)
    model[0].auto_model.embeddings.word_embeddings.weight.requires_grad = False
    with tempfile.TemporaryDirectory() as scratch:
        arguments = SentenceTransformerTrainingArguments(
            output_dir=scratch, num_train_epochs=epochs, per_device_train_batch_size=batch_size, learning_rate=learning_rate,
            warmup_steps=0.1, batch_sampler=BatchSamplers.GROUP_BY_LABEL, save_strategy="no", report_to=[], seed=seed,
            use_cpu=True, disable_tqdm=not progress, logging_strategy="no", dataloader_num_workers=0,
        )
        trainer = SentenceTransformerTrainer(model=model, args=arguments, train_dataset=dataset,
                                             loss=losses.BatchHardSoftMarginTripletLoss(model))
        trainer.train()
    staging = output.with_name(output.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    model.save(str(staging))
    data_hash = hashlib.sha256(json.dumps([texts, targets, epochs, learning_rate, seed], ensure_ascii=False).encode()).hexdigest()
    source = hashlib.sha256((info.get("source_sha256", base.name) + data_hash).encode()).hexdigest()
    (staging / "zhibiao_encoder.json").write_text(json.dumps({
        **info, "model": info.get("model", base.name) + " fine-tuned", "fine_tuned": True, "base": str(base),
        "source_sha256": source, "training_rows": len(texts),
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)
    return output
