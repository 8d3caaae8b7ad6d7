"""The embedded default source systems: deterministic generators behind a loopback HTTP server.

They speak the real systems' formats, so `make run` works on a fresh machine with no credentials.
"""
