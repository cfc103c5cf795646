"""What every command shares: exit codes and the error that carries one."""

from __future__ import annotations

from app.domain.errors import CartComposerError

__all__ = [
    "EXIT_HTTP",
    "EXIT_INVALID",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_SECRETS",
    "SANDBOX_PORT",
    "STANDALONE_SANDBOX",
    "CliError",
]

EXIT_OK = 0
EXIT_HTTP = 1  # the server answered with an error status
EXIT_INVALID = 2  # invalid input: nothing was sent
EXIT_NETWORK = 3  # no usable answer (DNS, refused, timeout, TLS, dropped, malformed)
EXIT_SECRETS = 4  # secrets missing or the keyring unavailable

# Where `cart-composer sandbox` listens by default, and so where previews and cURL exports of a
# sandbox profile point (the embedded sandbox's port changes with every run).
SANDBOX_PORT = 8765
STANDALONE_SANDBOX = f"http://127.0.0.1:{SANDBOX_PORT}"


class CliError(CartComposerError):
    """A failure to report on stderr and exit with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code
