"""The packaged default model is trained once per test session into a temporary cache,
so tests neither depend on nor write to the user's ~/.cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kefu.nlp import intake, store


@pytest.fixture(scope="session", autouse=True)
def _nlp_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KEFU_NLP_CACHE", str(tmp_path_factory.mktemp("nlp-cache")))
        yield


@pytest.fixture(scope="session")
def classifier(_nlp_cache: None) -> intake.Classifier:
    return intake.Classifier(store.default_model())
