"""Run every benchmark scenario in turn (see each script's docstring)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIOS = [
    "pages.py",
    "search.py",
    "price_page.py",
    "place_orders.py",
    "catalog_visibility.py",
    "route_orders.py",
]

if __name__ == "__main__":
    for script in SCENARIOS:
        print(f"\n=== {script}")
        subprocess.run([sys.executable, str(HERE / script), *sys.argv[1:]], check=True)  # noqa: S603
