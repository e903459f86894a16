"""Run every benchmark in turn (`make bench`); each prints its figures and ratios.

The machines are shared and noisy: every benchmark measures its own floor in
the same run and reports the ratio, so compare ratios, not seconds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["bench_validate.py", "bench_build.py", "bench_roster.py", "bench_tracking.py", "bench_members.py", "bench_report.py", "bench_pages.py"]


def main() -> int:
    failed = []
    for name in ORDER:
        print(f"\n=== {name} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], cwd=HERE.parent).returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
