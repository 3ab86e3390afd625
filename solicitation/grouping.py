"""Suggestions into groups by their words, with no database: the computation behind themes (services/themes.py).

The words are the segmenter's (core.segmentation, the same analyzer and dictionary as search), less what every
suggestion says whatever its concern: polite phrases and filler (STOP_WORDS), places (a word the segmenter marks
with a place suffix, and that suffix), numbers, single characters. Each suggestion becomes a TF-IDF vector
(sublinear counts, words in most suggestions dropped), reduced by a truncated SVD, normalised, and grouped by
k-means, the number of groups chosen from the data (the best silhouette on a sample). A group's most telling words
are those it uses more than the round does; its centre, kept as its heaviest words with their idf, is all that
placing one new suggestion needs (`Centres`, all of a round's centres as one matrix): no refit.
"""

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from core.segmentation import WORD, segmenter

# Said in every kind of suggestion: greetings, thanks, asking, the askers and the asked.
_STOP_TEXT = """
    建议 希望 您好 你好 谢谢 感谢 麻烦 辛苦 政府 领导 部门 有关 相关 我们 你们 他们 大家 本人 我家 市民 居民
    群众 百姓 老百姓 街坊 能否 能够 可以 是否 关于 问题 情况 反映 解决 处理 考虑 重视 关注 一下 一些 尽快 及时 进一步
    加强 推进 落实 请求 恳请 呼吁 强烈 目前 现在 最近 已经 一直 经常 非常 比较 特别 这个 那个 这样 那样 这些 那些
    因为 所以 但是 而且 如果 还是 没有 就是 什么 怎么 为什么 为了 以及 或者 还有 需要 应该 不能 不要 不是 可能 影响
    方面 工作 生活 我们的 一个 很多 许多 严重 期待 盼望 谢谢您 感谢您 此致 敬礼 顺便 另外 此外 同时
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# A word followed by one of these names a place (布吉 街道, 深南 大道); a longer word ending in one is a place.
PLACE_SUFFIXES = frozenset({"省", "市", "区", "县", "镇", "乡", "村", "街道", "社区", "大道", "路", "街"})
PLACE_WORD = re.compile(r"^\w{2,}(?<![小园景城片社校])(?:区|县|镇|村|街道|社区|大道)$")
NUMBER = re.compile(r"^[\d.%]+$")

MAX_SHARE = 0.3  # a word in more than this share of the suggestions tells no group apart
COMPONENTS = 100  # dimensions kept by the SVD
SAMPLE = 20_000  # suggestions the SVD is fitted on
CHOICE_SAMPLE = 10_000  # suggestions each number of groups is tried on
SILHOUETTE_SAMPLE = 3_000
TOLERANCE = 0.02  # of silhouette
TELLING_WORDS = 8
NAME_WORDS = 3
CENTRE_WORDS = 80  # the heaviest words kept of a group's centre: enough to place a suggestion, small to load
SEED = 1


def theme_words(text: str) -> list[str]:
    """The words of `text` that can tell a concern apart, in order (repeats kept: they count)."""
    kept = []
    for token in segmenter().cut(text):
        kind = _kind(token)
        if kind is _SUFFIX:
            if kept:
                kept.pop()  # the place's name before its suffix
        elif kind is not None:
            kept.append(kind)
    return kept


_SUFFIX = object()


@functools.lru_cache(maxsize=500_000)  # the same tokens come back text after text
def _kind(token: str):
    """A token as theme_words sees it: _SUFFIX (a place's), None (left out) or the word it stands for."""
    if not WORD.search(token):
        return None  # punctuation and spaces
    word = token.lower()
    if word in PLACE_SUFFIXES:
        return _SUFFIX
    if len(word) < 2 or word in STOP_WORDS or NUMBER.match(word) or PLACE_WORD.match(word):
        return None
    return word


@dataclass
class Grouping:
    """What `group` found: each suggestion's group (labels), and the vectors to describe any grouping with."""

    labels: np.ndarray
    vectors: object  # the suggestions' TF-IDF rows (scipy CSR, each of length 1)
    vocabulary: np.ndarray  # the word of each column
    idf: np.ndarray


def _choices(count: int) -> list[int]:
    """The numbers of groups tried for `count` suggestions."""
    if count < 12:
        return [max(1, count // 3)]
    largest = min(60, count // 4)
    return [k for k in (2, 3, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 27, 30, 34, 40, 48, 60) if k <= largest]


def group(texts: Iterable[str], *, progress=None) -> Grouping:
    """Group the texts (an iterable read once) by what they ask for."""
    from threadpoolctl import threadpool_limits

    # One thread: the worker shares its cores with the web processes, and BLAS or OpenMP threads waiting on a busy
    # core cost more than they win on these small products.
    with threadpool_limits(limits=1):
        return _group(texts, progress)


def _group(texts: Iterable[str], progress) -> Grouping:
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import normalize

    report = progress or (lambda step, message: None)
    vectoriser = TfidfVectorizer(analyzer=theme_words, sublinear_tf=True, max_df=MAX_SHARE, min_df=2, dtype=np.float32)
    try:
        vectors = vectoriser.fit_transform(texts)
    except ValueError:  # too few suggestions, or no word in two of them
        return Grouping(np.zeros(0, dtype=np.int32), None, np.array([]), np.array([]))
    count = vectors.shape[0]
    report("vectors", "")
    rng = np.random.default_rng(SEED)
    sample = rng.choice(count, size=min(count, SAMPLE), replace=False)  # in random order: any prefix is a sample
    components = min(COMPONENTS, vectors.shape[1] - 1, len(sample) - 1)
    if components >= 2:
        svd = TruncatedSVD(n_components=components, random_state=SEED).fit(vectors[np.sort(sample)])
        reduced = np.empty((count, components), dtype=np.float32)
        for start in range(0, count, SAMPLE):  # in chunks: the whole product in float64 would double the memory
            reduced[start : start + SAMPLE] = normalize(svd.transform(vectors[start : start + SAMPLE]))
    else:
        reduced = vectors.toarray()
    report("reduced", "")
    fitted = reduced[sample[:CHOICE_SAMPLE]]
    scored = fitted[: min(len(fitted), SILHOUETTE_SAMPLE)]
    tried = []  # (k, silhouette, centres)
    for k in _choices(count):
        if k < 2:
            break
        # Lloyd's k-means on the sample: MiniBatchKMeans asks threadpoolctl at every step, which costs more here.
        model = KMeans(n_clusters=k, n_init=1, max_iter=50, random_state=SEED).fit(fitted)
        labels = model.predict(scored)
        if len(set(labels)) > 1:
            tried.append((k, silhouette_score(scored, labels), model.cluster_centers_))
    # The fewest groups nearly as well apart as the best: a concern is not cut in two for a hair of silhouette.
    best = max((score for _, score, _ in tried), default=None)
    best_k, best_centres = next(((k, centres) for k, score, centres in tried if score >= best - TOLERANCE), (1, None))
    report("chosen", "")
    if best_centres is None:
        labels = np.zeros(count, dtype=np.int32)
    else:
        # From the sample's centres, a few rounds settle every suggestion.
        model = KMeans(n_clusters=best_k, init=best_centres, n_init=1, max_iter=20, random_state=SEED).fit(reduced)
        labels = model.labels_.astype(np.int32)
    return Grouping(labels, vectors, vectoriser.get_feature_names_out(), vectoriser.idf_.astype(np.float32))


@dataclass
class Description:
    """A group as the office and placing see it."""

    words: list[str]
    centre: dict  # {"weights": {word: weight}, "idf": {word: idf}, "unseen_idf": idf}
    closeness: np.ndarray  # each member's cosine to the centre, in the members' order


def describe(grouping: Grouping, members: list[np.ndarray]) -> list[Description]:
    """Describe each group, given as the row numbers of its members: its telling words, centre and closeness."""
    from scipy import sparse

    vectors, vocabulary, idf = grouping.vectors, grouping.vocabulary, grouping.idf
    count = vectors.shape[0]
    rows = np.concatenate(members) if members else np.zeros(0, dtype=np.int64)
    groups = np.repeat(np.arange(len(members)), [len(m) for m in members])
    indicator = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (groups, rows)), shape=(len(members), count))
    sizes = np.maximum(np.asarray(indicator.sum(axis=1)).ravel(), 1)
    means = np.asarray((indicator @ vectors).todense()) / sizes[:, None]
    overall = np.asarray(vectors.mean(axis=0)).ravel()
    unseen = float(idf.max()) if len(idf) else 1.0
    found = []
    for index, member_rows in enumerate(members):
        mean = means[index]
        telling = mean - overall
        order = [i for i in np.argsort(-telling)[:TELLING_WORDS] if telling[i] > 0]
        heaviest = [i for i in np.argsort(-mean)[:CENTRE_WORDS] if mean[i] > 0]
        norm = math.sqrt(float(sum(mean[i] ** 2 for i in heaviest))) or 1.0
        weights = {str(vocabulary[i]): round(float(mean[i]) / norm, 5) for i in heaviest}
        centre_vector = np.zeros(len(vocabulary), dtype=np.float32)
        for i in heaviest:
            centre_vector[i] = mean[i] / norm
        closeness = vectors[member_rows] @ centre_vector if len(member_rows) else np.zeros(0)
        found.append(
            Description(
                words=[str(vocabulary[i]) for i in order],
                centre={
                    "weights": weights,
                    "idf": {str(vocabulary[i]): round(float(idf[i]), 4) for i in heaviest},
                    "unseen_idf": round(unseen, 4),
                },
                closeness=np.asarray(closeness).ravel(),
            )
        )
    return found


def name_of(words: list[str]) -> str:
    """A group's name from its most telling words."""
    return "、".join(words[:NAME_WORDS])[:80]


def vector(text: str, idf: dict[str, float], unseen_idf: float) -> dict[str, float]:
    """The text's TF-IDF vector as `group` makes it (sublinear counts, length 1), with these words' idf."""
    counts = Counter(theme_words(text))
    weights = {word: (1 + math.log(n)) * idf.get(word, unseen_idf) for word, n in counts.items()}
    norm = math.sqrt(sum(value * value for value in weights.values())) or 1.0
    return {word: value / norm for word, value in weights.items()}


def closeness(text_vector: dict[str, float], centre: dict) -> float:
    """Cosine of a text's vector to a group's centre."""
    weights = centre.get("weights", {})
    return sum(value * weights.get(word, 0.0) for word, value in text_vector.items())


class Centres:
    """Groups' centres (by id) as one matrix over their words, built once: placing a text is then one product."""

    def __init__(self, centres: dict[int, dict]):
        self.keys = list(centres)
        self.idf: dict[str, float] = {}
        unseen = 0.0
        for centre in centres.values():
            self.idf.update(centre.get("idf", {}))
            unseen = max(unseen, centre.get("unseen_idf", 0.0))
        self.unseen_idf = unseen or 1.0
        self.row_of: dict[str, int] = {}  # a row a word, a column a group: a text's words pick their rows
        for centre in centres.values():
            for word in centre.get("weights", {}):
                self.row_of.setdefault(word, len(self.row_of))
        self.matrix = np.zeros((len(self.row_of), len(self.keys)), dtype=np.float32)
        for index, centre in enumerate(centres.values()):
            for word, weight in centre.get("weights", {}).items():
                self.matrix[self.row_of[word], index] = weight

    def place(self, text: str) -> tuple[int, float] | None:
        """The group closest to the text, and its closeness; None when it shares no word with any."""
        if not self.keys:
            return None
        text_vector = vector(text, self.idf, self.unseen_idf)
        shared = [(self.row_of[word], value) for word, value in text_vector.items() if word in self.row_of]
        if not shared:
            return None
        rows, values = zip(*shared, strict=True)
        closeness = np.asarray(values, dtype=np.float32) @ self.matrix[list(rows)]
        best = int(np.argmax(closeness))
        if closeness[best] <= 0:
            return None
        return self.keys[best], float(closeness[best])
