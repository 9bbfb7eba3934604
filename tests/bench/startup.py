#!/usr/bin/env python3
"""Cold start and memory of the CareKey app against a Tauri hello-world
built the same way (release, custom-protocol, same workspace profile),
interleaved in one run. Run through tests/bench/startup.sh, which builds both
and gives them an X display and a D-Bus session with gnome-keyring.

Start-up: from spawning the process until its first screen is interactive:
the page ran and the backend answered it (hello: its `ready` command;
CareKey: `session_resume`, after which the welcome screen shows). Each run
gets fresh data, config and cache folders, so CareKey also creates its
database, as on a first launch.

Memory: the proportional set size (PSS) of the app and every process it
started (WebKit's web and network processes), summed, once the first screen
has been up for SETTLE seconds.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SETTLE = 3.0
TIMEOUT = 60.0

# CAREKEY_BENCH_APP measures another CareKey binary: the installed
# package's /usr/bin/carekey (tests/bench/installed-startup.sh).
APPS = {
    "hello": ("target/release/carekey-bench-hello", "first screen ready"),
    "carekey": (os.environ.get("CAREKEY_BENCH_APP", "target/release/carekey"), "session resumed"),
}


def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def pss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def run_once(binary, marker):
    home = tempfile.mkdtemp(prefix="carekey-startup.")
    env = dict(os.environ)
    for name in ("DATA", "CONFIG", "CACHE"):
        path = os.path.join(home, name.lower())
        os.makedirs(path)
        env[f"XDG_{name}_HOME"] = path
    env.pop("CAREKEY_SERVER_URL", None)
    env["CAREKEY_LOG"] = "info"
    ready = threading.Event()
    started = time.monotonic()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    seen = {}

    def watch():
        for line in process.stderr:
            if marker in line and not ready.is_set():
                seen["at"] = time.monotonic()
                ready.set()

    threading.Thread(target=watch, daemon=True).start()
    if not ready.wait(TIMEOUT):
        process.kill()
        raise SystemExit(f"{binary} showed no first screen within {TIMEOUT} s")
    startup = seen["at"] - started
    time.sleep(SETTLE)
    processes = descendants(process.pid)
    memory = pss_kib(processes)
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    subprocess.run(["rm", "-rf", home], check=False)
    return startup, memory, len(processes)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    for name, (binary, _) in APPS.items():
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"{binary} is missing: run tests/bench/startup.sh")
    results = {name: [] for name in APPS}
    # One warm-up each: the first launch after a build also reads the
    # binaries and WebKit from disk.
    for name, (binary, marker) in APPS.items():
        run_once(binary, marker)
    for _ in range(rounds):
        for name, (binary, marker) in APPS.items():
            results[name].append(run_once(binary, marker))
    print(f"start-up to an interactive first screen and memory, {rounds} launches each, interleaved;"
          f" carekey is {APPS['carekey'][0]}")
    medians = {}
    for name, samples in results.items():
        startups = [sample[0] * 1000 for sample in samples]
        memories = [sample[1] / 1024 for sample in samples]
        medians[name] = (statistics.median(startups), statistics.median(memories))
        print(f"  {name:8} start-up median {medians[name][0]:7.0f} ms (min {min(startups):.0f}, max {max(startups):.0f});"
              f"  PSS median {medians[name][1]:6.1f} MiB over {samples[0][2]} processes")
    print(f"  ratio start-up carekey / hello: {medians['carekey'][0] / medians['hello'][0]:.2f} (target: at most 1.20)")
    print(f"  ratio memory   carekey / hello: {medians['carekey'][1] / medians['hello'][1]:.2f} (target: at most 1.15)")


if __name__ == "__main__":
    main()
