"""newsweave: turn a pile of news articles into cited, redundancy-free stories."""

from newsweave.errors import NewsweaveError
from newsweave.model import Article, Sentence

__version__ = "0.1.0"
__all__ = ["Article", "NewsweaveError", "Sentence", "__version__"]
