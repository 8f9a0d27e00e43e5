from __future__ import annotations

import numpy as np
import pytest

from newsweave.embed import HashingEmbedder, get_embedder, minilm_available
from newsweave.errors import ConfigError


def test_hashing_embedder_is_unit_length_and_deterministic() -> None:
    emb = HashingEmbedder(dim=512)
    a = emb.encode(["Putin met Obama in New York.", ""])
    b = emb.encode(["Putin met Obama in New York."])
    assert a.shape == (2, 512)
    assert np.allclose(np.linalg.norm(a[0]), 1.0)
    assert np.allclose(a[1], 0.0)
    assert np.array_equal(a[0], b[0])


def test_hashing_similarity_orders_by_shared_words() -> None:
    emb = HashingEmbedder()
    v = emb.encode(
        ["Putin met Obama in New York", "Putin and Obama met in New York", "Rain fell on Paris"]
    )
    assert v[0] @ v[1] > v[0] @ v[2]


def test_unknown_embedder_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="hashing"):
        get_embedder("bert-huge")


@pytest.mark.embed
@pytest.mark.skipif(not minilm_available(), reason="needs the 'embed' extra")
def test_minilm_puts_paraphrases_close() -> None:
    emb = get_embedder("minilm")
    v = emb.encode(
        [
            "The United States has a $500 million programme to train moderate rebels.",
            "The USA has a $500-million programme to train and equip moderate rebels.",
            "Heavy rain flooded the streets of Paris on Tuesday.",
        ]
    )
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > 0.8 > v[0] @ v[2]
