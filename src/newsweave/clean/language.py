"""A dependency-free language guess: writing system first, then a profile of function words.

Each Latin- or Cyrillic-script language is recognised by its most frequent function words
(articles, prepositions, pronouns, auxiliaries), which make up a third or more of running text
in any genre.  A text is given the language whose words it uses most, if they are a large
enough share of its words and clearly ahead of the runner-up; otherwise None.  Other scripts
decide alone (Greek, Hebrew, Arabic, Devanagari, Thai, Hangul, Japanese kana, Chinese).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

__all__ = [
    "dominant_language",
    "guess_language",
    "language_evidence",
    "language_hits",
    "normalize_language",
]

# The guess reads at most this many characters: two or three paragraphs settle it.
SAMPLE_CHARS = 1000
# At least this many (weighted) function-word hits and this share of all words for a verdict,
# and the winner this many times the runner-up's hits.  Set by hand on invented paragraphs in each
# language and on the seeds' closing Italian motto (15 words); not fitted to any dataset.
MIN_HITS = 1.5
MIN_SHARE = 0.08
MIN_LEAD = 1.4

_PROFILES: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in is that for it was on with as he she by at from his her are "
        "have has be this an not they which were said will would but or had their been who its "
        "a i you we there what when all can if just into than them do about after",
        "fr": "le la les de des du et en un une est que qui dans pour pas sur au aux ce il elle "
        "ne se par plus avec sont ont été son sa ses cette mais nous vous leur",
        "de": "der die das und ist nicht den dem des ein eine einer zu mit sich auf für von im "
        "dass es auch wird wurde sie er bei nach aus als wie noch haben hat sind war",
        "es": "el la los las de del y que en un una es por para con no se al lo su sus como más "
        "pero fue ha este esta entre también sobre ya han dos muy sin hasta desde cuando donde "
        "porque dijo",
        "it": "il lo la gli le di del della che è e un una per non con da si sono nel nella al "
        "alla anche come ma più questo questa ha ecco nostro nostra dei delle",
        "pt": "o a os as de do da dos das e que em um uma não para com por no na se é ao mais "
        "foi como mas seu sua também são pelo pela até quando onde porque muito sem disse",
        "nl": "de het een en van in is dat op te zijn voor met niet die aan er ook als bij door "
        "werd wordt naar om maar hij zij worden heeft",
        "sv": "och att det som en på är av för med till den har de inte om ett var men jag vi "
        "sig hans från kan så",
        "da": "og at det som en på er af for med til den har de ikke om et var men jeg vi sig "
        "hans fra kan så blev",
        "pl": "i w na z że do nie się jest to o jak po od za dla przez oraz był była są tak "
        "ale jego jej",
        "tr": "ve bir bu da de için ile olarak çok daha gibi olan en ama ne o ki değil sonra "
        "kadar göre",
        "ru": "и в не на что с по он как это к из у за от о для но она так его же был были "
        "было также",
        "uk": "і в не на що з до як це у та за від про для але він вона його також було був "
        "була які",
    }.items()
}
# A word shared by several profiles counts 1/k for each of its k languages ("que" is French,
# Spanish and Portuguese; "el" only Spanish).
_WORD_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {}
for _lang, _profile in _PROFILES.items():
    for _word in _profile:
        _WORD_WEIGHTS[_word] = (*_WORD_WEIGHTS.get(_word, ()), (_lang, 1.0))
_WORD_WEIGHTS = {
    word: tuple((lang, 1.0 / len(langs)) for lang, _ in langs)
    for word, langs in _WORD_WEIGHTS.items()
}

# Scripts that name a language by themselves: (first, last) code point, language.
_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "el"),
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0900, 0x097F, "hi"),
    (0x0E00, 0x0E7F, "th"),
    (0xAC00, 0xD7AF, "ko"),
    (0x3040, 0x30FF, "ja"),  # kana: Japanese even among Chinese characters
    (0x4E00, 0x9FFF, "zh"),
)
# Share of letters in one of _SCRIPTS for it to decide.
SCRIPT_SHARE = 0.3

_PUNCTUATION = "\"'“”‘’«»„()[]{}.,;:!?¿¡…-–—/*"
_NAMES = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
    "portuguese": "pt", "dutch": "nl", "swedish": "sv", "danish": "da", "polish": "pl",
    "turkish": "tr", "russian": "ru", "ukrainian": "uk", "greek": "el", "hebrew": "he",
    "arabic": "ar", "hindi": "hi", "thai": "th", "korean": "ko", "japanese": "ja",
    "chinese": "zh",
}  # fmt: skip


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the language of ``text``, or None when the evidence is too thin.

    >>> guess_language("The president said that he would meet the leaders of the region.")
    'en'
    """
    return language_evidence(text)[0]


def language_evidence(text: str) -> tuple[str | None, dict[str, float]]:
    """:func:`guess_language`'s verdict and the function-word hits it rests on (empty when
    the writing system decided)."""
    sample = text[:SAMPLE_CHARS]
    script = None if sample.isascii() else _script(sample)
    if script:
        return script, {}
    n_words = len(sample.split())
    hits = language_hits(sample)
    ranked = sorted(hits.items(), key=lambda item: (-item[1], item[0]))[:2]
    if not ranked:
        return None, hits
    best, best_hits = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if best_hits < MIN_HITS or best_hits < MIN_SHARE * n_words:
        return None, hits
    if best_hits < MIN_LEAD * runner_up:
        return None, hits
    return best, hits


def language_hits(text: str) -> dict[str, float]:
    """Weighted function-word hits per language in ``text`` (its first SAMPLE_CHARS)."""
    hits: dict[str, float] = {}
    for token, count in Counter(text[:SAMPLE_CHARS].lower().split()).items():
        for lang, weight in _WORD_WEIGHTS.get(token.strip(_PUNCTUATION), ()):
            hits[lang] = hits.get(lang, 0.0) + weight * count
    return hits


def dominant_language(paragraphs: Iterable[str]) -> str | None:
    """The language most of the words of ``paragraphs`` are in, each paragraph guessed alone
    (so a closing line or a quotation in another language does not blur the verdict)."""
    words: Counter[str] = Counter()
    seen = 0
    for paragraph in paragraphs:
        language = guess_language(paragraph)
        if language:
            words[language] += len(paragraph.split())
        seen += len(paragraph)
        if seen > SAMPLE_CHARS:
            break
    ranked = words.most_common(1)
    return ranked[0][0] if ranked else None


def _script(sample: str) -> str | None:
    letters = 0
    counts: Counter[str] = Counter()
    for char in sample:
        if not char.isalpha():
            continue
        letters += 1
        code = ord(char)
        if code < 0x0370:
            continue
        for first, last, lang in _SCRIPTS:
            if first <= code <= last:
                counts[lang] += 1
                break
    if not letters or not counts:
        return None
    if counts["ja"] and counts["ja"] + counts["zh"] >= SCRIPT_SHARE * letters:
        return "ja"
    lang, count = counts.most_common(1)[0]
    return lang if count >= SCRIPT_SHARE * letters else None


def normalize_language(value: str | None) -> str | None:
    """A language as given by an input ("en", "English", "en-US") as a lower-case code."""
    if not value:
        return None
    lowered = value.strip().lower()
    if lowered in _NAMES:
        return _NAMES[lowered]
    code = lowered.replace("_", "-").split("-")[0]
    return code if code.isalpha() and 2 <= len(code) <= 3 else None
