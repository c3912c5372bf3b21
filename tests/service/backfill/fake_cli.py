"""``zhibiao`` as a separate process on the fake-encoder model: ``python -m tests.service.backfill.fake_cli backfill ...``.

The only change to the real command: the configured encoder is the hashing
encoder (the models folder comes from ``ZHIBIAO_MODELS_DIR``). Used by the
kill-and-resume test, which needs a process group to kill.
"""

from __future__ import annotations

import sys

from service.backfill.encoding import EncoderSpec
from service.cli import main
from tests.service.backfill.helpers import FAKE_SPEC

if __name__ == "__main__":
    EncoderSpec.configured = classmethod(lambda cls, threads=None: FAKE_SPEC)
    sys.exit(main(sys.argv[1:]))
