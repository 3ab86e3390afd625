"""Automatic assignment as a minimum-cost flow: k reviewers a proposal, never a conflicted one, loads balanced
under each expert's maximum, expertise preferred, existing assignments kept. Pure: no database."""

from dataclasses import dataclass, field

import networkx as nx

# Costs: balance first (each further proposal on an expert costs more than the last),
# expertise second (a match is cheaper than a mismatch, but never worth unbalancing loads).
BALANCE = 100
MISMATCH = 10


@dataclass
class Problem:
    proposals: list[int]
    experts: dict[int, int]  # expert -> maximum load in the round
    k: int
    existing: set[tuple[int, int]] = field(default_factory=set)  # (proposal, expert) kept as they are
    conflicts: set[tuple[int, int]] = field(default_factory=set)  # (proposal, expert) never to pair
    matches: set[tuple[int, int]] = field(default_factory=set)  # (proposal, expert) in the expert's fields


@dataclass
class Solution:
    new: list[tuple[int, int]]  # (proposal, expert) to create
    short: dict[int, int]  # proposal -> reviewers still missing
    eligible: dict[int, int]  # proposal -> experts who could still take it (for the explanation)


def solve(problem: Problem) -> Solution:
    """The cheapest set of new pairs that brings every proposal to k reviewers, or as close as possible."""
    load = {expert: 0 for expert in problem.experts}
    have = {proposal: 0 for proposal in problem.proposals}
    for proposal, expert in problem.existing:
        if proposal in have:
            have[proposal] += 1
        if expert in load:
            load[expert] += 1

    graph = nx.DiGraph()
    eligible = {}
    for proposal in problem.proposals:
        need = max(0, problem.k - have[proposal])
        candidates = [
            expert
            for expert, cap in problem.experts.items()
            if (proposal, expert) not in problem.existing
            and (proposal, expert) not in problem.conflicts
            and load[expert] < cap
        ]
        eligible[proposal] = len(candidates)
        if need == 0:
            continue
        graph.add_edge("source", ("p", proposal), capacity=need, weight=0)
        for expert in candidates:
            cost = 0 if (proposal, expert) in problem.matches else MISMATCH
            graph.add_edge(("p", proposal), ("e", expert), capacity=1, weight=cost)
    for expert, cap in problem.experts.items():
        # One edge per further slot, each dearer than the one before: a convex cost that spreads the work.
        for slot in range(load[expert], cap):
            graph.add_edge(("e", expert), ("slot", expert, slot), capacity=1, weight=BALANCE * (2 * slot + 1))
            graph.add_edge(("slot", expert, slot), "sink", capacity=1, weight=0)

    new = []
    if graph.has_node("source") and graph.has_node("sink"):
        flow = nx.max_flow_min_cost(graph, "source", "sink")
        for node, targets in flow.items():
            if isinstance(node, tuple) and node[0] == "p":
                new += [(node[1], target[1]) for target, amount in targets.items() if amount > 0]
    got = {proposal: have[proposal] for proposal in problem.proposals}
    for proposal, _expert in new:
        got[proposal] += 1
    short = {proposal: problem.k - n for proposal, n in got.items() if n < problem.k}
    return Solution(new=sorted(new), short=short, eligible=eligible)
