"""Great Expectations suites and the runner of the GX gates (expectations/README.md)."""
