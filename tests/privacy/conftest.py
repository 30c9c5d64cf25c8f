"""The statistical model (privacy.ner) is slow to run on hundreds of passages, so the tests of
the rules run without it; tests of the full detector ask for it with the `model` fixture."""

import pytest

from privacy import ner


@pytest.fixture(scope="module", autouse=True)
def _rules_only():
    ner.ENABLED = False
    yield
    ner.ENABLED = True


@pytest.fixture
def model():
    """The full detector, statistical model included, for the duration of one test."""
    ner.ENABLED = True
    yield
    ner.ENABLED = False
