"""The Porter stemmer exactly as ROUGE-1.5.5 runs it (``-m``), with Lin's change to step 4.

ROUGE scores are only comparable with published tables when words are stemmed the way the
reference script stems them.  Two things differ from the stemmers in NLTK or snowball:

* Step 4 tests ``-ement``, then ``-ment``, then ``-ent`` one after another (a 2004 change in
  ROUGE-1.5.5), so ``agreement`` loses more than the textbook algorithm takes off.
* The script's measure patterns treat ``y`` as a vowel everywhere except at the start of the
  word, which is upper-cased first (the classic Perl port of Porter's algorithm).

:func:`stem` reproduces that Perl code on lowercase ASCII words; :func:`morph_stem` adds the
WordNet exception lookup ROUGE does before stemming (``went`` → ``go``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

__all__ = ["morph_stem", "stem"]

_c = "[^aeiou]"  # consonant
_v = "[aeiouy]"  # vowel
_C = _c + "[^aeiouy]*"  # consonant sequence
_V = _v + "[aeiou]*"  # vowel sequence

_M_GT_0 = re.compile(f"^({_C})?{_V}{_C}")  # [C]VC...   measure > 0
_M_EQ_1 = re.compile(f"^({_C})?{_V}{_C}({_V})?$")  # [C]VC[V]   measure = 1
_M_GT_1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")  # [C]VCVC... measure > 1
_HAS_VOWEL = re.compile(f"^({_C})?{_v}")
_CVC = re.compile(f"^{_C}{_v}[^aeiouwxy]$")

_STEP1A = re.compile(r"(ss|i)es$")
_STEP1A_S = re.compile(r"([^s])s$")
_STEP1B_ED = re.compile(r"(ed|ing)$")
_STEP1B_FIX = re.compile(r"(at|bl|iz)$")
_DOUBLE = re.compile(r"([^aeiouylsz])\1$")

_STEP2 = {
    "ational": "ate",
    "tional": "tion",
    "enci": "ence",
    "anci": "ance",
    "izer": "ize",
    "bli": "ble",
    "alli": "al",
    "entli": "ent",
    "eli": "e",
    "ousli": "ous",
    "ization": "ize",
    "ation": "ate",
    "ator": "ate",
    "alism": "al",
    "iveness": "ive",
    "fulness": "ful",
    "ousness": "ous",
    "aliti": "al",
    "iviti": "ive",
    "biliti": "ble",
    "logi": "log",
}
_STEP3 = {
    "icate": "ic",
    "ative": "",
    "alize": "al",
    "iciti": "ic",
    "ical": "ic",
    "ful": "",
    "ness": "",
}
# The alternations keep the script's order: the leftmost match wins, as in Perl.
_STEP2_RE = re.compile("(" + "|".join(_STEP2) + ")$")
_STEP3_RE = re.compile("(" + "|".join(_STEP3) + ")$")
_STEP4_RE = re.compile(r"(al|ance|ence|er|ic|able|ible|ant|ement|ou|ism|ate|iti|ous|ive|ize)$")
_STEP4_MENT = re.compile(r"ment$")
_STEP4_ENT = re.compile(r"ent$")
_STEP4_ION = re.compile(r"(s|t)(ion)$")


def _replace_if(word: str, pattern: re.Pattern[str], condition: re.Pattern[str]) -> str:
    """Drop the suffix ``pattern`` matches when what is left satisfies ``condition``."""
    found = pattern.search(word)
    if found and condition.search(word[: found.start()]):
        return word[: found.start()]
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter-stem a lowercase ASCII word the way ROUGE-1.5.5's ``stem`` does."""
    if len(word) < 3:
        return word
    initial_y = word[0] == "y"
    if initial_y:  # an initial y is a consonant: hide it from the vowel patterns
        word = "Y" + word[1:]

    # Step 1a: plurals
    if (found := _STEP1A.search(word)) or (found := _STEP1A_S.search(word)):
        word = word[: found.start()] + found.group(1)

    # Step 1b: -eed, -ed, -ing
    if word.endswith("eed"):
        if _M_GT_0.search(word[:-3]):
            word = word[:-1]
    elif found := _STEP1B_ED.search(word):
        rest = word[: found.start()]
        if _HAS_VOWEL.search(rest):
            word = rest
            if _STEP1B_FIX.search(word):
                word += "e"
            elif _DOUBLE.search(word):
                word = word[:-1]
            elif _CVC.search(word):
                word += "e"

    # Step 1c: y -> i after a vowel
    if word.endswith("y") and _HAS_VOWEL.search(word[:-1]):
        word = word[:-1] + "i"

    # Steps 2 and 3: double and single suffixes mapped to shorter ones
    for pattern, table in ((_STEP2_RE, _STEP2), (_STEP3_RE, _STEP3)):
        if found := pattern.search(word):
            rest = word[: found.start()]
            if _M_GT_0.search(rest):
                word = rest + table[found.group(1)]

    # Step 4: the ROUGE variant, -ment and -ent tried after the other suffixes
    word = _replace_if(word, _STEP4_RE, _M_GT_1)
    word = _replace_if(word, _STEP4_MENT, _M_GT_1)
    if _STEP4_ENT.search(word):
        word = _replace_if(word, _STEP4_ENT, _M_GT_1)
    elif found := _STEP4_ION.search(word):
        rest = word[: found.start()] + found.group(1)
        if _M_GT_1.search(rest):
            word = rest

    # Step 5: a final -e, a final double l
    if word.endswith("e"):
        rest = word[:-1]
        if _M_GT_1.search(rest) or (_M_EQ_1.search(rest) and not _CVC.search(rest)):
            word = rest
    if word.endswith("ll") and _M_GT_1.search(word):
        word = word[:-1]

    if initial_y:
        word = "y" + word[1:]
    return word


def morph_stem(word: str, exceptions: Mapping[str, str]) -> str:
    """ROUGE's ``MorphStem``: a WordNet irregular form's base, else the Porter stem."""
    base = exceptions.get(word)
    return base if base is not None else stem(word)
