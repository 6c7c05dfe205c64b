"""How likely the best entry is the right answer: one number from the matcher's signals.

Each signal alone misleads somewhere: a high word score on a one-word message, a
low one on a long message in dialect that both readings (words and letters) agree
on. A weighted sum of the signals, turned into a probability (logistic
regression), separates right from wrong best entries far better than thresholds
on each signal: measured on content/eval/ with one set held out at a time, about
8 points more questions answered confidently at the same rate of wrong answers.

The weights are the matcher's, not the content's: they say how its signals relate
to being right. `bench/tune.py --fit` fits them again on the eval sets and prints
the block below; the editors' dial is `answer_confidence` in content/config.yaml.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.faq.index import Scored

# Each signal scaled to about 0..1, so one weight's size says how much it counts.
SIGNALS: dict[str, Callable[[Scored, float], float]] = {
    # The word score (bot/faq/index.py) and its lead over the next entry.
    "score": lambda best, runner_up: best.score / 100,
    "margin": lambda best, runner_up: (best.score - runner_up) / 100,
    # Share of the message's word weight the entry explains.
    "coverage": lambda best, runner_up: best.coverage,
    # How many of the message's words point at it (one common word is a topic).
    "words": lambda best, runner_up: min(best.words, 4) / 4,
    # The letter view (bot/faq/letters.py) ranks the same entry first.
    "letters_agree": lambda best, runner_up: float(best.letters_first),
    # How much closer an out-of-scope theme is than the entry (capped).
    "outside": lambda best, runner_up: min(best.letters_outside / max(best.letters, 1e-3), 5.0),
    # Long messages tell more: the same coverage means more.
    "message_words": lambda best, runner_up: min(best.message_words, 20) / 20,
}


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]  # by signal name

    def confidence(self, ranked: Sequence[Scored]) -> float:
        """Probability (0..1) that ranked[0] is the entry the message asks for."""
        z = self.bias + sum(self.weights[name] * x
                            for name, x in zip(SIGNALS, signals(ranked), strict=True))
        return _sigmoid(z)


# Fitted by `bench/tune.py content/eval/*.yaml --fit` on 2026-11-23 (6,146 cases). Read
# as: each signal's weight per unit, all added to the bias, then turned into 0..1.
FITTED = Model(bias=-6.551, weights={
    "score": 3.422,
    "margin": 5.058,
    "coverage": 3.717,
    "words": 2.270,
    "letters_agree": 2.614,
    "outside": -1.006,
    "message_words": 3.712,
})


def signals(ranked: Sequence[Scored]) -> list[float]:
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return [f(best, runner_up) for f in SIGNALS.values()]


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def fit(rows: Sequence[Sequence[float]], right: Sequence[bool],
        l2: float = 1.0, rounds: int = 25) -> Model:
    """Logistic regression by Newton's method, on rows of signals() and whether ranked[0]
    was right.

    `l2` keeps the weights small (the bias is not held back), so a signal that
    separates a few cases perfectly cannot take over. Pure Python: a few thousand
    cases and seven signals take seconds, and no library is needed for it.
    """
    k = len(rows[0]) + 1
    xs = [[1.0, *row] for row in rows]
    beta = [0.0] * k
    for _ in range(rounds):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y in zip(xs, right, strict=True):
            z = sum(b * v for b, v in zip(beta, x, strict=True))
            p = _sigmoid(z)
            g = p - float(y)
            h = p * (1 - p)
            for i in range(k):
                grad[i] += g * x[i]
                hx = h * x[i]
                row = hess[i]
                for j in range(i + 1):
                    row[j] += hx * x[j]
        for i in range(1, k):
            grad[i] += l2 * beta[i]
            hess[i][i] += l2
        for i in range(k):
            for j in range(i):
                hess[j][i] = hess[i][j]
        step = _solve(hess, grad)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return Model(beta[0], dict(zip(SIGNALS, beta[1:], strict=True)))


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """a x = b by Gaussian elimination with partial pivoting (a is small and well-posed)."""
    n = len(b)
    m = [[*row, rhs] for row, rhs in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x
