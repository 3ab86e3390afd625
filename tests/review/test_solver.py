"""The automatic assignment's invariants, over random rounds (property-based)."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from review.solver import Problem, solve


@st.composite
def problems(draw, with_conflicts=True, with_existing=True):
    n_proposals = draw(st.integers(1, 12))
    n_experts = draw(st.integers(1, 8))
    proposals = list(range(1, n_proposals + 1))
    experts = {100 + i: draw(st.integers(0, 8)) for i in range(n_experts)}
    pairs = [(p, e) for p in proposals for e in experts]
    conflicts = set(draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) // 3))) if with_conflicts else set()
    existing = set()
    if with_existing:
        for pair in draw(st.lists(st.sampled_from(pairs), max_size=4)):
            if pair not in conflicts:
                existing.add(pair)
    matches = set(draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) // 2)))
    return Problem(
        proposals=proposals,
        experts=experts,
        k=draw(st.integers(1, 4)),
        existing=existing,
        conflicts=conflicts,
        matches=matches,
    )


def loads(problem, solution):
    return Counter(e for _p, e in [*problem.existing, *solution.new])


@settings(max_examples=150, deadline=None)
@given(problems())
def test_never_a_conflicted_pair_never_a_duplicate_never_past_a_cap(problem):
    solution = solve(problem)
    assert not set(solution.new) & problem.conflicts
    assert not set(solution.new) & problem.existing
    assert len(set(solution.new)) == len(solution.new)
    for expert, load in loads(problem, solution).items():
        new_here = sum(1 for _p, e in solution.new if e == expert)
        assert new_here == 0 or load <= problem.experts[expert]


@settings(max_examples=150, deadline=None)
@given(problems())
def test_each_proposal_gets_k_or_is_reported_short_by_exactly_what_it_lacks(problem):
    solution = solve(problem)
    reviewers = Counter(p for p, _e in [*problem.existing, *solution.new])
    for proposal in problem.proposals:
        missing = max(0, problem.k - reviewers[proposal])
        assert solution.short.get(proposal, 0) == missing
        assert reviewers[proposal] <= max(problem.k, sum(1 for p, _e in problem.existing if p == proposal))


@settings(max_examples=150, deadline=None)
@given(problems(with_conflicts=False, with_existing=False))
def test_loads_stay_within_one_of_each_other_under_the_caps(problem):
    solution = solve(problem)
    load = loads(problem, solution)
    # an expert below their cap never has two fewer than another expert
    for expert, cap in problem.experts.items():
        if load[expert] < cap:
            assert all(load[expert] >= other - 1 for other in load.values())


def test_when_feasible_every_proposal_gets_exactly_k():
    problem = Problem(
        proposals=[1, 2, 3, 4], experts={10: 3, 11: 3, 12: 3, 13: 3}, k=3, conflicts={(1, 10)}, existing={(2, 11)}
    )
    solution = solve(problem)
    assert solution.short == {}
    reviewers = Counter(p for p, _e in [*problem.existing, *solution.new])
    assert all(reviewers[p] == 3 for p in problem.proposals)
    assert (2, 11) not in solution.new  # kept, not made again


def test_expertise_is_preferred_when_it_costs_no_balance():
    problem = Problem(proposals=[1, 2], experts={10: 1, 11: 1}, k=1, matches={(1, 11), (2, 10)})
    assert solve(problem).new == [(1, 11), (2, 10)]


def test_infeasibility_names_the_short_proposals():
    problem = Problem(proposals=[1, 2], experts={10: 5, 11: 5}, k=2, conflicts={(1, 10)})
    solution = solve(problem)
    assert solution.short == {1: 1} and solution.eligible[1] == 1
