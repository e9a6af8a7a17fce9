#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Reference vectors for the spot-check algorithms (双随机、一公开), computed with public tools.

Usage, from the project root (needs PyPI packages, not the project):

    python3 -m venv /tmp/vectors && /tmp/vectors/bin/pip install consistent-sampler==1.0.10 scipy
    /tmp/vectors/bin/python scripts/make_sampling_vectors.py

Writes Tests/SpotCheckVectors/spot-check-vectors.json, which the Swift tests compare with:

  sampling      samples drawn by Ron Rivest's `consistent-sampler` (PyPI) for several seeds and id
                lists (ASCII, Chinese, other Unicode, NFC and NFD spellings of one word), without and
                with replacement, plus first and next ticket numbers at full precision;
  weighted      probability-proportional-to-weight samples: key = -ln(U) / weight, U = the first
                ticket number read as an IEEE double, lowest keys first (README, "Spot checks");
  stratified    proportional allocation with at least one item per stratum, and the sample;
  sampleSizes   attribute-sampling sizes (binomial and hypergeometric, scipy.stats);
  upperBounds   one-sided upper confidence bounds of the deviation rate (scipy.stats);
  intervals     two-sided Wilson and Clopper-Pearson intervals (scipy.stats).

The output is deterministic: rerunning the script rewrites the same bytes.
"""

import json
import math
from fractions import Fraction
from pathlib import Path

import consistent_sampler as cs
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "SpotCheckVectors" / "spot-check-vectors.json"

SEEDS = ["314159", "01382438112797316654", "96283017465829103847", "骰子-2026-06-15"]

ID_LISTS = {
    "letters": ["A#2", "B#7", "C#1", "D#4"],
    "records": [str(i) for i in range(1, 201)],
    "unicode": ["杭州市西湖区-001", "志愿者编号V0000000018", "证书№2026-0001", "Ωmega", "😀 emoji",
                "café", "cafe\u0301", "Zürich", "ｆｕｌｌｗｉｄｔｈ", "a b", "", "x" * 300],
    "creditCodes": ["51330102MJUX0AEHX3", "51330105MJYKETQ19H", "51330106MA0000001X", "52330106MA0000002Y",
                    "53330106MA0000003Z", "12330106MA0000004A", "13330106MA0000005B"],
}


def sample(ids, seed, take, with_replacement=False):
    return list(cs.sampler(ids, seed, with_replacement=with_replacement, take=take, output="id"))


def sampling_vectors():
    vectors = []
    for list_name, ids in ID_LISTS.items():
        for seed in SEEDS:
            for with_replacement in (False, True):
                take = min(len(ids), 25) if not with_replacement else min(3 * len(ids), 40)
                vectors.append({
                    "name": f"{list_name}/{seed}/{'with' if with_replacement else 'without'}",
                    "seed": seed, "ids": ids, "withReplacement": with_replacement, "take": take,
                    "sample": sample(ids, seed, take, with_replacement),
                })
    # The examples of the package's own documentation.
    vectors.append({"name": "doc/replacement", "seed": "314159", "ids": ["A#2", "B#7", "C#1", "D#4"],
                    "withReplacement": True, "take": 8,
                    "sample": sample(["A#2", "B#7", "C#1", "D#4"], "314159", 8, True)})
    return vectors


def ticket_vectors():
    first = []
    for seed in SEEDS[:3]:
        for item in ["AB-130", "1", "杭州市西湖区-001", "cafe\u0301", ""]:
            first.append({"seed": seed, "id": item, "ticket": cs.first_fraction(item, seed)})
    nexts = []
    for x in ["0.25471", "0.999", "0.9", "0.99999999999999999999999", first[0]["ticket"], first[1]["ticket"]]:
        nexts.append({"ticket": x, "next": cs.next_fraction(x)})
    trims = [{"ticket": x, "digits": d, "trimmed": cs.trim(x, d)}
             for x in [first[0]["ticket"], "0.9991234567890", "0.99999999912345678912"] for d in (4, 9)]
    return first, nexts, trims


def weighted_key(ticket, weight):
    return -math.log(float(ticket)) / weight


def weighted_order(ids, weights, seed):
    """All ids, lowest weighted key first; ties by ticket string, then id."""
    tickets = {i: cs.first_fraction(i, seed) for i in ids}
    return sorted(ids, key=lambda i: (weighted_key(tickets[i], weights[i]), tickets[i], i))


def weighted_vectors():
    vectors = []
    ids = [str(i) for i in range(1, 61)]
    weights = {i: (int(i) * 37) % 480 + 30 for i in ids}      # minutes, 30 to 509
    heavy = {i: (1000 if int(i) % 10 == 0 else 1) for i in ids}  # ten heavy ids among 60
    for seed in SEEDS[:3]:
        vectors.append({"seed": seed, "ids": ids, "weights": [weights[i] for i in ids], "take": 12,
                        "sample": weighted_order(ids, weights, seed)[:12]})
        vectors.append({"seed": seed, "ids": ids, "weights": [heavy[i] for i in ids], "take": 10,
                        "sample": weighted_order(ids, heavy, seed)[:10]})
    return vectors


def allocate(sizes, n):
    """Proportional allocation with at least one per stratum (README, "Stratified allocation").

    sizes: list of (stratum key, population size), every size >= 1. Returns {key: allocation}."""
    total = sum(s for _, s in sizes)
    n = min(max(n, len(sizes)), total)
    alloc = {key: max(1, n * size // total) for key, size in sizes}
    size_of = dict(sizes)

    def excess(key):
        return alloc[key] * total - n * size_of[key]

    def tie(key):
        return (-size_of[key], key.encode("utf-8"))

    while sum(alloc.values()) < n:
        key = min((k for k, s in sizes if alloc[k] < s), key=lambda k: (excess(k), tie(k)))
        alloc[key] += 1
    while sum(alloc.values()) > n:
        key = min((k for k, _ in sizes if alloc[k] >= 2), key=lambda k: (-excess(k), tie(k)))
        alloc[key] -= 1
    return alloc


def stratified_vectors():
    vectors = []
    layouts = [
        [("51330102MJUX0AEHX3", 40), ("51330105MJYKETQ19H", 25), ("51330106MA0000001X", 3), ("52330106MA0000002Y", 1)],
        [("A", 10), ("B", 10), ("C", 10)],
        [("甲", 97), ("乙", 2), ("丙", 1), ("丁", 50)],
        [("big", 1000), ("t1", 1), ("t2", 1), ("t3", 1), ("t4", 1)],
    ]
    for layout_index, layout in enumerate(layouts):
        ids, strata = [], []
        counter = 1
        for key, size in layout:
            for _ in range(size):
                ids.append(f"{1000 * (layout_index + 1) + counter}")
                strata.append(key)
                counter += 1
        for n, seed in [(10, SEEDS[1]), (2, SEEDS[2]), (5, SEEDS[0]), (len(ids) // 2, SEEDS[3])]:
            alloc = allocate(layout, n)
            tickets = {i: cs.first_fraction(i, seed) for i in ids}
            order = sorted(ids, key=lambda i: (tickets[i], i))
            taken = {key: 0 for key, _ in layout}
            chosen = []
            stratum_of = dict(zip(ids, strata))
            for i in order:
                key = stratum_of[i]
                if taken[key] < alloc[key]:
                    taken[key] += 1
                    chosen.append(i)
            vectors.append({"seed": seed, "ids": ids, "strata": strata, "size": n,
                            "allocation": [alloc[key] for key, _ in layout],
                            "strataOrder": [key for key, _ in layout], "sample": chosen})
    return vectors


def binomial_size(p, confidence, c):
    alpha = 1 - confidence
    n = c + 1
    while stats.binom.cdf(c, n, p) > alpha:
        n += 1
    return n


def tolerable_count(p, population):
    return max(1, math.ceil(p * population - 1e-9))


def hypergeometric_size(p, confidence, c, population):
    alpha = 1 - confidence
    d = tolerable_count(p, population)
    if d <= c:
        return population
    for n in range(c + 1, population + 1):
        if stats.hypergeom.cdf(c, population, d, n) <= alpha:
            return n
    return population


def sample_size_vectors():
    vectors = []
    cases = [(0.05, 0.95, 0), (0.05, 0.95, 1), (0.05, 0.95, 2), (0.05, 0.90, 0), (0.10, 0.95, 0),
             (0.10, 0.90, 1), (0.02, 0.95, 0), (0.03, 0.99, 1), (0.07, 0.95, 3)]
    for p, conf, c in cases:
        for population in [20, 60, 100, 250, 1000, 10000, 1000000]:
            vectors.append({"tolerable": p, "confidence": conf, "expected": c, "population": population,
                            "binomial": binomial_size(p, conf, c),
                            "hypergeometric": hypergeometric_size(p, conf, c, population)})
    return vectors


def hypergeometric_upper(k, n, population, confidence):
    alpha = 1 - confidence
    best = k
    for d in range(k, population - (n - k) + 1):
        if stats.hypergeom.cdf(k, population, d, n) > alpha:
            best = d
    return best


def upper_bound_vectors():
    vectors = []
    for n, k in [(59, 0), (59, 1), (93, 1), (93, 3), (100, 10), (30, 30), (10, 2), (500, 7)]:
        for conf in (0.95, 0.90):
            upper = 1.0 if k == n else float(stats.beta.ppf(conf, k + 1, n - k))
            vector = {"n": n, "k": k, "confidence": conf, "binomialUpper": upper}
            population = max(2 * n, 120)
            vector["population"] = population
            vector["hypergeometricUpperCount"] = hypergeometric_upper(k, n, population, conf)
            vectors.append(vector)
    return vectors


def interval_vectors():
    vectors = []
    z = float(stats.norm.ppf(0.975))
    for n, k in [(59, 0), (59, 3), (93, 1), (10, 10), (100, 50), (1, 0), (1, 1), (400, 17), (7, 2)]:
        lower = 0.0 if k == 0 else float(stats.beta.ppf(0.025, k, n - k + 1))
        upper = 1.0 if k == n else float(stats.beta.ppf(0.975, k + 1, n - k))
        phat = k / n
        denominator = 1 + z * z / n
        centre = (phat + z * z / (2 * n)) / denominator
        half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denominator
        vectors.append({"n": n, "k": k, "confidence": 0.95,
                        "clopperPearson": [lower, upper], "wilson": [max(0.0, centre - half), min(1.0, centre + half)]})
    return vectors, z


def main():
    first, nexts, trims = ticket_vectors()
    intervals, z = interval_vectors()
    document = {
        "generator": "scripts/make_sampling_vectors.py with consistent-sampler 1.0.10 and scipy",
        "sampling": sampling_vectors(),
        "firstTickets": first,
        "nextTickets": nexts,
        "trim": trims,
        "weighted": weighted_vectors(),
        "stratified": stratified_vectors(),
        "sampleSizes": sample_size_vectors(),
        "upperBounds": upper_bound_vectors(),
        "intervals": intervals,
        "normalQuantile975": z,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
