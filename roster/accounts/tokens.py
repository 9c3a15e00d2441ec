"""Secrets handed to clients are stored only as SHA-256 digests.

The secrets are 256-bit random strings, so a fast digest is enough: nothing
can be guessed from it, and a lookup by digest stays one index probe.
"""

import hashlib
import secrets


def new_secret(request=None):
    """A fresh 256-bit random secret, as 43 URL-safe characters.

    oauthlib calls it with the request it is answering, which plays no part.
    """
    return secrets.token_urlsafe(32)


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()
