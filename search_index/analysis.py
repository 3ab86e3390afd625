"""Chinese text into the search index's tokens, for every backend: the segmenter's words (core.segmentation)
and, beside them, character pairs.

Segmenting alone cannot promise that a query finds every text holding it: the text may be cut elsewhere
(政务服务 in 政务|服务中心) or hold it inside a word no dictionary splits (通办 in 一网通办). So each text also
gives its overlapping character pairs with their character offsets (`pairs`), and a query's run is also
asked as its pairs one after the other (PostgreSQL: a phrase of them; Whoosh: the documents having them all,
whose stored text is then read): found exactly where the text holds the run.
"""

import re

from whoosh.analysis import LowercaseFilter, Token, Tokenizer

from core.segmentation import segmenter

RUN = re.compile(r"\w+")  # what the character pairs are taken from: runs of letters and digits


class ChineseTokenizer(Tokenizer):
    """Whoosh's view of the segmenter: sub-words when indexing, whole words when parsing a query."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for word, position, start, end in segmenter().tokens(value, sub_words=mode == "index"):
            token.text = token.original = word
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def chinese_analyzer():
    return ChineseTokenizer() | LowercaseFilter()


def pairs(text: str) -> list[tuple[str, int]]:
    """(pair, offset) of every two neighbouring letters or digits of `text`, lowercased; none across a space or sign."""
    return [
        (run[at : at + 2], match.start() + at)
        for match in RUN.finditer(text.lower())
        for run in (match.group(),)
        for at in range(len(run) - 1)
    ]


def pair_runs(text: str) -> list[list[str]]:
    """The pairs of each run of `text` of two characters or more: a text holds `text`'s runs when it holds
    each run's pairs one after the other."""
    return [[run[at : at + 2] for at in range(len(run) - 1)] for run in RUN.findall(text.lower()) if len(run) > 1]


class PairTokenizer(Tokenizer):
    """Whoosh's view of `pairs`, each at its character offset."""

    def __call__(self, value, positions=False, chars=False, start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, mode=mode, **kwargs)
        for pair, at in pairs(value):
            token.text = token.original = pair
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + at
            if chars:
                token.startchar, token.endchar = start_char + at, start_char + at + 2
            yield token
