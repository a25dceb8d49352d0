"""Settings for the test suite: Balik's own, with fast hashing, in-memory mail and no throttle."""

import os

os.environ["BALIK_TESTING"] = "1"
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("BALIK_HTTPS", "0")
# The suite's people read English unless a test gives them a language.
os.environ.setdefault("BALIK_DEFAULT_LANGUAGE", "en")

from balik.settings import *  # noqa: F403
