"""The sandbox API server the connector tests run against: its faults stay with the test that injected them."""

import json
import time
from urllib.request import urlopen

import pytest

from connectors.sandbox.server import SandboxServer


def get(server, name, timeout=5.0):
    with urlopen(f"{server.url}/page?name={name}", timeout=timeout) as response:
        return json.loads(response.read())["data"]


def test_a_response_still_served_from_before_a_clear_is_never_the_page_a_replay_serves():
    # A delayed response whose client timed out and went on (a test of slow sources) finishes later, in
    # the middle of the next test: the next test's "replay" fault must serve the next test's own previous
    # page, not that stale one (CI once landed 200 records twice that way).
    with SandboxServer(
        {"/page": lambda query: (200, {"data": [query["name"]], "next_cursor": None})}, token=None
    ) as server:
        server.faults.inject({"delay": 0.8})
        with pytest.raises(OSError):  # the client's timeout (TimeoutError is an OSError)
            get(server, "stale", timeout=0.2)
        server.faults.clear()
        server.faults.inject({}, {"replay": True})
        assert get(server, "fresh") == ["fresh"]
        time.sleep(1.0)  # the stale response has been written by now
        assert get(server, "replayed") == ["fresh"]
