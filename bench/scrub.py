"""Speed of the scrubber on 1000-character messages, against a plain regex baseline.

    .venv/bin/python bench/scrub.py

The baseline, in the same run, is one compiled regex for digit runs over the same
text: the least any scrubber must do. Shared machines are noisy: compare within a run.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.safety.scrub import Scrubber

MESSAGES = {
    "no digits": ("Mijn kind wil naar school maar wij hebben geen papieren, wat kan ik doen? " * 20),
    "dates, times, amounts": ("Afspraak 12-05-2024 om 14:30, kost € 1.250,00, mijn zoon is 12. " * 20),
    "a phone number and a BSN": ("Bel me op 06-12345678, mijn BSN is 123456782, wij wonen hier. " * 20),
}


def per_call_us(fn, text: str, runs: int = 300) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    scrubber = Scrubber()
    digits = re.compile(r"\d+")
    print(f"{'1000 characters of':28} {'scrub us':>10} {'baseline us':>12}")
    for name, text in MESSAGES.items():
        text = text[:1000]
        print(f"{name:28} {per_call_us(scrubber.scrub, text):10.1f} "
              f"{per_call_us(lambda t: digits.sub('#', t), text):12.1f}")


if __name__ == "__main__":
    main()
