#!/usr/bin/env bash
# `smmush -c 'units'` on sim, whole process: mean and best of 30 runs.
smmush=${SMMUSH:-./smmush}
python3 - "$smmush" <<'PY'
import subprocess, sys, time
runs = []
for _ in range(30):
    t = time.perf_counter()
    subprocess.run([sys.argv[1], "-c", "units"], stdout=subprocess.DEVNULL, check=True)
    runs.append(time.perf_counter() - t)
print("smmush_units_process_mean %.1f ms" % (sum(runs) / len(runs) * 1e3))
print("smmush_units_process_best %.1f ms" % (min(runs) * 1e3))
PY
