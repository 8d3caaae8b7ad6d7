"""Helpers the test modules share (a test module never imports another): builders of inputs, the
pipeline runner of the end-to-end tests. Fixtures stay in the test modules and tests/conftest.py."""
