"""Group articles into stories: batch clustering of a collection and incremental assignment.

Articles about one event end up in one story; two events close in topic and time stay apart.
Two articles are linked by what they share — weighted terms and names, semantic embeddings when
installed, and the other articles they are both most similar to — less the similarity each
has to its crowded neighbourhood anyway; stories far apart in time need a stronger link.
Copies always share a story.

- :func:`cluster_articles` groups a whole collection (batch).
- :class:`StoryIndex` takes articles one at a time as they arrive (incremental): each joins the
  best story or starts a new one, and stories merge when an article bridges them.

Both find candidates through an inverted index of salient terms, so the cost per article stays
flat as the archive grows; nothing compares all pairs.  :mod:`newsweave.cluster.stored` runs
them against a store (``newsweave cluster``, ``newsweave follow``, the digest).
"""

from newsweave.cluster.batch import cluster_articles
from newsweave.cluster.options import ClusterOptions
from newsweave.cluster.stream import Assignment, StoryIndex

__all__ = ["Assignment", "ClusterOptions", "StoryIndex", "cluster_articles"]
