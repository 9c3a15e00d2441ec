"""Secrets handed to clients are stored only as SHA-256 digests.

The secrets are 256-bit random strings, so a fast digest is enough: nothing
can be guessed from it, and a lookup by digest stays one index probe.
"""

import hashlib


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()
