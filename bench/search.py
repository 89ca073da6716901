"""Benchmark: storefront and portal search (one word, a typo, a price sort) under
gunicorn against the bare view, in one run (see bench/pages.py).

    python bench/search.py [--products 10000] [--seconds 5] [--rounds 3]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages

if __name__ == "__main__":
    sys.argv.append("--search-only")
    pages.main()
