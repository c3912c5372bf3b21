"""Start loading a model's slow parts in a background thread, before the heavy imports: the encoder's session and jieba's dictionary.

A command that answers from a model spends its start-up importing its
modules, unpickling the bundle's runtime form (no scikit-learn import since
``training.model.runtime``), creating the encoder (an ONNX Runtime session and
the tokenizer) and reading jieba's dictionary. :func:`start` begins the last
two at once; the caller meanwhile imports and unpickles, and hands the returned
encoder to ``load_predictor``.
Both loads are idempotent and locked, so the first use simply waits for
whatever is still loading. A failure here is not reported: the same load
fails again on first use, with its own message (``EncoderMissing`` says how
to build the encoder).
"""

from __future__ import annotations

import atexit
import inspect
import threading

from training.model.encoder import Encoder, local_encoder


def start(encoder: Encoder | None = None, tokenizer: bool = True) -> Encoder:
    """The configured local encoder (or ``encoder``), being loaded in a daemon thread together with jieba's dictionary.

    ``tokenizer=False`` leaves the ONNX encoder's tokenizer to its first text (``OnnxEncoder.load``): for a bulk
    command whose names may all be in the disk cache.
    """
    encoder = encoder or local_encoder()

    def work() -> None:
        try:
            load = getattr(encoder, "load", None)
            if load is not None:
                load(tokenizer=False) if not tokenizer and "tokenizer" in inspect.signature(load).parameters else load()
        except Exception:  # reported on first use
            pass
        try:
            from training.model.text import preload_dictionary

            preload_dictionary()
        except Exception:
            pass

    thread = threading.Thread(target=work, name="zhibiao-preload", daemon=True)
    if not _started:
        atexit.register(_finish)
    _started.append(thread)
    thread.start()
    return encoder


_started: list[threading.Thread] = []


def _finish(timeout: float = 60.0) -> None:
    """At exit, wait for loads still running. A command that stops early (its only file unreadable) would otherwise
    end the interpreter while ONNX Runtime builds its session in native code on the daemon thread: the process
    aborted ("terminate called without an active exception", exit 134) in 5 of 6 runs of a newcomer's trial."""
    for thread in _started:
        thread.join(timeout)


def freeze_heap() -> None:
    """Exempt every object alive now (the loaded model) from the cyclic garbage collector's scans (``gc.freeze``).

    A loaded model is hundreds of thousands of long-lived objects (reference
    rows, vocabularies, jieba's dictionary); every full collection during a
    bulk job walked all of them again. On the realistic 3,000-row, 50-sheet
    workbook (``scripts/bench_tables.py``, fresh embedding cache), ``zhibiao
    classify`` took 9.8 and 10.0 s with the model frozen against 10.6 and
    11.8 s without. Objects that die later are still freed by reference
    counting; only reference cycles among frozen objects would outlive their
    use. Called by the commands that load one model for the life of the
    process (``classify``, ``suggest``, ``serve``), never by library code.
    """
    import gc

    gc.freeze()
