#!/usr/bin/env bash
# `smmush -c 'units'` on sim, whole process: mean and best of 30 runs, with
# the same for /bin/true (exec + exit, the floor a process start costs here).
smmush=${SMMUSH:-./smmush}
python3 - "$smmush" <<'PY'
import subprocess, sys, time
def runs(argv):
    r = []
    for _ in range(30):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        r.append(time.perf_counter() - t)
    return r
u = runs([sys.argv[1], "-c", "units"])
ref = runs(["true"])
print("smmush_units_process_mean %.1f ms" % (sum(u) / len(u) * 1e3))
print("smmush_units_process_best %.1f ms" % (min(u) * 1e3))
print("process_true_reference_best %.1f ms" % (min(ref) * 1e3))
PY
