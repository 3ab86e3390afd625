"""Finding near-duplicate suggestions in the background: a text reposted, or copies whose character 5-grams overlap
by a Jaccard similarity of THRESHOLD or more.

Each suggestion's MinHash signature (datasketch) is cut into BANDS bands of ROWS values; two suggestions sharing a
band are candidates (locality-sensitive hashing), and a candidate counts only once the exact Jaccard similarity of
the two texts is checked. The bands live in the database, so the time to place one suggestion stays bounded whatever
the round's size, and every worker shares them. It runs in the worker, never inside the resident's request; the
same job then places the new suggestions in their closest theme (services/themes.py), one job a batch sent.
"""

import functools
import hashlib
import unicodedata

from sqlalchemy import delete, func, insert, select, update

from extensions import db
from jobs.models import Job, JobState
from jobs.services import enqueue, job
from solicitation.models import NearDuplicate, NearDuplicateCheck, Suggestion, SuggestionBand
from solicitation.services.themes import place_suggestions

FIND_NEAR_DUPLICATES = "suggestions.near_duplicates"
THRESHOLD = 0.8
SHINGLE = 5  # characters
# 18 bands of 7 rows: a pair at Jaccard 0.8 shares a band with a chance of 98.6 %, a pair at 0.5 of 13 % (checked
# exactly afterwards, so such candidates cost time, not precision).
BANDS, ROWS = 18, 7
PERMUTATIONS = BANDS * ROWS
SCHEME = "affine32"  # datasketch's own since 2.0; the stored bands hold only while it stays the same
CANDIDATES = 40  # the most alike candidates checked exactly: enough to find the group, bounded for a campaign
PROGRESS_EVERY = 200
DRAIN_BATCH = 1000  # suggestions waiting taken at a time: bounded memory, a commit each


def _letters(text: str) -> str:
    """The text as compared: full-width forms folded, lower case, without spaces, punctuation or symbols."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(char for char in text if unicodedata.category(char)[0] in "LN")


def shingles(suggestion_text: str) -> set[str]:
    """The text's character 5-grams (the whole text when it is shorter)."""
    letters = _letters(suggestion_text)
    if len(letters) <= SHINGLE:
        return {letters} if letters else set()
    return {letters[start : start + SHINGLE] for start in range(len(letters) - SHINGLE + 1)}


def jaccard(first: set[str], second: set[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _text(title: str, content: str) -> str:
    return f"{title}\n{content}"


@functools.cache
def _permutations():
    """The signature's random permutations, drawn once per process (drawing them is most of a small text's cost)."""
    from datasketch import MinHash  # here: numpy and scipy load in the worker, not in every web process

    return MinHash, MinHash(num_perm=PERMUTATIONS, seed=1, scheme=SCHEME).permutations


def bands(grams: set[str]) -> list[int]:
    """The suggestion's BANDS band hashes, as signed 64-bit numbers (a BIGINT column)."""
    minhash, permutations = _permutations()
    signature = minhash(num_perm=PERMUTATIONS, seed=1, permutations=permutations, scheme=SCHEME)
    signature.update_batch(gram.encode("utf-8") for gram in grams)
    values = signature.hashvalues
    return [
        int.from_bytes(
            # The band's number is hashed in, so one indexed column finds a band's twins.
            hashlib.blake2b(
                values[band * ROWS : (band + 1) * ROWS].tobytes(), digest_size=8, salt=bytes([band])
            ).digest(),
            "big",
            signed=True,
        )
        for band in range(BANDS)
    ]


def queue_near_duplicate_search(ids: list[int]) -> None:
    """Ask the worker to look for the near-copies of these new (flushed) suggestions; the caller commits.

    Each waits in NearDuplicateCheck; one queued job drains them all, so a job is added only when none is waiting
    to start (one running may have read the queue already: the next one takes what it left)."""
    if not ids:
        return
    for start in range(0, len(ids), 5000):  # multi-row VALUES: one statement, not a round trip per row
        chunk = ids[start : start + 5000]
        # SQLite gives a deleted last row's id to the next row, and enforces no ON DELETE CASCADE here: a check
        # left by a deleted suggestion must not refuse the new one.
        db.session.execute(delete(NearDuplicateCheck).where(NearDuplicateCheck.suggestion_id.in_(chunk)))
        db.session.execute(insert(NearDuplicateCheck).values([{"suggestion_id": i} for i in chunk]))
    waiting = select(Job.id).where(Job.kind == FIND_NEAR_DUPLICATES, Job.state == JobState.queued).limit(1)
    if db.session.scalar(waiting) is None:
        enqueue(FIND_NEAR_DUPLICATES, {}, actor=None)


def queue_round_near_duplicate_search(round_id: int, *, batch: int = 5000) -> int:
    """Ask the worker to look again at every suggestion of a round (those sent before this search existed, say), a
    job per `batch`; return how many suggestions it will look at."""
    ids = db.session.scalars(select(Suggestion.id).where(Suggestion.round_id == round_id).order_by(Suggestion.id)).all()
    for start in range(0, len(ids), batch):
        enqueue(FIND_NEAR_DUPLICATES, {"ids": ids[start : start + batch]}, actor=None)
    db.session.commit()
    return len(ids)


@job(FIND_NEAR_DUPLICATES)
def find_near_duplicates(payload: dict, progress) -> dict:
    """Place each suggestion waiting (NearDuplicateCheck), or those of the payload's `ids`, in its group of
    near-copies, if it has one, and in its closest theme; those waiting are taken DRAIN_BATCH at a time until none
    is left.

    Every suggestion's bands are stored and committed first, then each is matched: of two near-copies handled at
    the same time by two workers, the later match sees the other's bands. Safe to run again.
    """
    if "ids" in payload:
        return _check(payload["ids"], progress)
    checked = grouped = placed = 0
    while ids := db.session.scalars(
        select(NearDuplicateCheck.suggestion_id).order_by(NearDuplicateCheck.suggestion_id).limit(DRAIN_BATCH)
    ).all():
        outcome = _check(ids, progress)
        # Only once their matches are committed: a worker that dies before leaves them waiting for the next job.
        db.session.execute(delete(NearDuplicateCheck).where(NearDuplicateCheck.suggestion_id.in_(ids)))
        db.session.commit()
        checked, grouped, placed = (
            checked + outcome["checked"],
            grouped + outcome["grouped"],
            placed + outcome["placed"],
        )
    return {"checked": checked, "grouped": grouped, "placed": placed}


def _check(ids: list[int], progress) -> dict:
    """Place each of these suggestions in its group of near-copies and in its closest theme; commits."""
    texts = {
        row.id: (row.round_id, shingles(_text(row.title, row.content)))
        for row in db.session.execute(
            select(Suggestion.id, Suggestion.round_id, Suggestion.title, Suggestion.content).where(
                Suggestion.id.in_(ids)
            )
        )
    }
    signatures = {suggestion_id: bands(grams) for suggestion_id, (_, grams) in texts.items() if grams}
    db.session.execute(delete(SuggestionBand).where(SuggestionBand.suggestion_id.in_(list(signatures))))
    rows = [
        {"suggestion_id": suggestion_id, "band": band, "round_id": texts[suggestion_id][0], "bucket": bucket}
        for suggestion_id, buckets in signatures.items()
        for band, bucket in enumerate(buckets)
    ]
    for start in range(0, len(rows), 5000):  # multi-row VALUES: one statement, not a round trip per row
        db.session.execute(insert(SuggestionBand).values(rows[start : start + 5000]))
    db.session.commit()
    grouped = 0
    for done, (suggestion_id, buckets) in enumerate(signatures.items(), start=1):
        round_id, grams = texts[suggestion_id]
        grouped += _place(suggestion_id, round_id, grams, buckets)
        if done % PROGRESS_EVERY == 0:
            db.session.commit()
            progress(done, len(signatures))
    placed = place_suggestions(ids)
    db.session.commit()
    progress(len(signatures), len(signatures))
    return {"checked": len(signatures), "grouped": grouped, "placed": placed}


def _place(suggestion_id: int, round_id: int, grams: set[str], buckets: list[int]) -> bool:
    """Put the suggestion in the group of the near-copies it matches, joining their groups under the earliest
    original; return whether it has any near-copy."""
    candidates = db.session.execute(
        select(SuggestionBand.suggestion_id)
        .where(
            SuggestionBand.round_id == round_id,
            SuggestionBand.bucket.in_(buckets),
            SuggestionBand.suggestion_id != suggestion_id,
        )
        .group_by(SuggestionBand.suggestion_id)
        .order_by(func.count().desc(), SuggestionBand.suggestion_id)
        .limit(CANDIDATES)
    ).scalars()
    rows = db.session.execute(
        select(Suggestion.id, Suggestion.title, Suggestion.content).where(Suggestion.id.in_(list(candidates)))
    )
    matches = {}
    for row in rows:
        similarity = jaccard(grams, shingles(_text(row.title, row.content)))
        if similarity >= THRESHOLD:
            matches[row.id] = similarity
    if not matches:
        return False
    best = max(matches.values())
    in_groups = _originals([suggestion_id, *matches])
    # Each suggestion met here stands for its group: the group's original, or itself when it has none yet.
    similarity = {suggestion_id: best}
    for member, value in matches.items():
        similarity[member] = value
        similarity.setdefault(in_groups.get(member, member), value)
    roots = {in_groups.get(member, member) for member in [suggestion_id, *matches]}
    received = _received(roots | {suggestion_id})
    original = min(received, key=received.__getitem__)
    # The groups that meet here become one, under the earliest original of them all.
    db.session.execute(
        update(NearDuplicate).where(NearDuplicate.original_id.in_(roots - {original})).values(original_id=original)
    )
    db.session.execute(delete(NearDuplicate).where(NearDuplicate.suggestion_id == original))
    for member, value in similarity.items():
        if member != original:
            db.session.merge(NearDuplicate(suggestion_id=member, original_id=original, similarity=value))
    return True


def _originals(ids: list[int]) -> dict[int, int]:
    """Of these suggestions, those already in a group, with their group's original."""
    return dict(
        db.session.execute(
            select(NearDuplicate.suggestion_id, NearDuplicate.original_id).where(NearDuplicate.suggestion_id.in_(ids))
        ).all()
    )


def _received(ids) -> dict[int, tuple]:
    """Each suggestion's place in time, the earliest being the original: received, then entered, then its number."""
    return {
        row.id: (row.received_on, row.created_at, row.id)
        for row in db.session.execute(
            select(Suggestion.id, Suggestion.received_on, Suggestion.created_at).where(Suggestion.id.in_(list(ids)))
        )
    }
