"""Chinese text into words: rjieba (jieba's dictionary, 30× faster) plus the domain terms, which are never split.

One segmenter for every reader of text, so search (search_index) and themes (solicitation) cut the same words with
the same dictionary. Each word gets its ordinal position, so phrase queries ("营商环境", "12345热线") match. At
indexing time the longer words also give their dictionary sub-words (中华人民共和国 → 中华, 人民, 共和国 …) at the
parent's position, so a search for a part finds the whole; queries leave sub-words out, or a phrase would never
line up.
"""

import re
import threading
from functools import cache
from pathlib import Path

import rjieba

# Punctuation and spaces are not words; "30%" and "5G" are.
WORD = re.compile(r"\w")
RECENT = 3  # texts whose tokens the segmenter keeps
KNOWN = 500_000  # tokens (and their sub-words) the segmenter remembers; numbers and names make them endless
SHIPPED_TERMS = Path(__file__).with_name("reform_terms.txt")


@cache  # every search asks for the terms: read the shipped file once per process
def shipped_terms() -> tuple[str, ...]:
    """The reform terms that come with the platform, in jieba's dictionary format (word [freq] [tag])."""
    lines = SHIPPED_TERMS.read_text(encoding="utf-8").splitlines()
    return tuple(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


class Segmenter:
    """jieba's dictionary and the domain terms, which are never split."""

    def __init__(self, terms: list[str] = ()):
        self._jieba = rjieba.Jieba()
        self.terms = frozenset(terms)
        self._recent = ()
        self._known: dict[str, str | None] = {}  # token -> its word, or None for punctuation and spaces
        self._sub_words: dict[str, tuple] = {}
        for term in self.terms:
            self._jieba.add_word(term, None, None)  # the frequency jieba suggests to keep it whole

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """(word, start, end) for every word of `text`, lowercased, punctuation and spaces left out."""
        known, found = self._known, []
        for token, start, end in self._jieba.tokenize(text):
            word = known.get(token, "")
            if word == "":  # not seen yet: the same tokens come back text after text
                word = token.lower() if WORD.search(token) else None
                if len(known) < KNOWN:
                    known[token] = word
            if word is not None:
                found.append((word, start, end))
        return found

    def cut(self, text: str) -> list[str]:
        """The tokens of `text` as `words` cuts them, punctuation and case kept, without positions: the fastest cut,
        for callers that read many texts and classify the tokens themselves (themes)."""
        return self._jieba.cut(text)

    def tokens(self, text: str, *, sub_words: bool) -> list[tuple[str, int, int, int]]:
        """(word, position, start, end); with `sub_words`, a word's dictionary sub-words follow at its position.

        The last texts' tokens are kept: the index reads a document's text twice (with and without
        positions), its title in between.
        """
        recent = self._recent
        for kept_sub_words, kept_text, kept in recent:
            if kept_sub_words == sub_words and kept_text == text:
                return kept
        found = []
        for position, (word, start, end) in enumerate(self.words(text)):
            found.append((word, position, start, end))
            if sub_words and len(word) > 2:
                found += [(part, position, start + at, start + at + len(part)) for part, at in self._parts(word)]
        self._recent = (recent + ((sub_words, text, found),))[-RECENT:]  # one assignment: threads see old or new
        return found

    def _parts(self, word: str) -> tuple[tuple[str, int], ...]:
        """The dictionary words of two and three characters inside `word`, with where each starts."""
        parts = self._sub_words.get(word)
        if parts is None:
            parts = tuple(
                (word[at : at + size], at)
                for size in (2, 3)
                for at in range(len(word) - size + 1)
                if size < len(word) and self._jieba.has_word(word[at : at + size])
            )
            if len(self._sub_words) < KNOWN:
                self._sub_words[word] = parts
        return parts


_segmenter: Segmenter | None = None
_lock = threading.Lock()


def segmenter() -> Segmenter:
    """The process's segmenter (building one loads the dictionary: keep it)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                _segmenter = Segmenter(shipped_terms())
    return _segmenter


def use_terms(terms: list[str]) -> Segmenter:
    """Segment with these domain terms from now on (the office changed the dictionary)."""
    global _segmenter
    with _lock:
        if _segmenter is None or _segmenter.terms != frozenset(terms):
            _segmenter = Segmenter(terms)
    return _segmenter
