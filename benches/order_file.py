#!/usr/bin/env python3
"""Write the link order of the code the kiosk runs: src/link/kiosk.order.

The kernel maps a program's code in 64 KiB windows around each page it runs
("fault-around"), so the code a start-up runs costs RSS by how many windows it is spread
over, not by its size: in the release kiosk 297 of the 337 windows touched at start were
fully resident. Linking the functions the kiosk runs next to each other (lld's
`--symbol-ordering-file`, set by build.rs for release builds) packs them into few windows:
84 windows at start once ordered.

This script runs the kiosk under valgrind's callgrind (no rebuild, no instrumentation in
the binary) on its own Xvfb display, twice: once until the home page has been drawn and
the idle timers have run, then through one round of benches/soak.py (every journey that
prints, each kind of slip, a staff log-in), slowed down to callgrind's pace. It collects
every function that ran and is defined in the binary and writes their names: start-up's
first, then those only the journeys ran.

    python3 benches/order_file.py [--kiosk target/release/lobby-kiosk] [--seconds 90]

Needs valgrind, Xvfb and xdotool (apt-get install valgrind xvfb xdotool). Re-run it after a large change
of the start-up path; a stale list still links (names it lacks are skipped), it just packs
less. Symbol names carry a hash of the crate's build settings, so a list made from the
release build fits the release build.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def defined_symbols(binary):
    out = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            names.add(parts[2])
    return names


def functions_run(callgrind_out):
    """Function names in the order the profile names them (fn= and cfn= lines)."""
    seen = {}
    order = []
    pattern = re.compile(r"^c?fn=\((\d+)\)(?: (.+))?$")
    with open(callgrind_out, errors="replace") as f:
        for line in f:
            m = pattern.match(line.rstrip("\n"))
            if not m:
                continue
            ident, name = m.group(1), m.group(2)
            if name is not None and ident not in seen:
                seen[ident] = name
                order.append(name)
    return order


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosk", default="target/release/lobby-kiosk")
    parser.add_argument("--seconds", type=float, default=90.0, help="how long the kiosk runs under callgrind")
    parser.add_argument("--out", default="src/link/kiosk.order")
    parser.add_argument("--display", default=":93")
    parser.add_argument("--journeys-display", default=":94")
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_control", "Xvfb", "xdotool"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install valgrind xvfb xdotool")

    work = tempfile.mkdtemp(prefix="order-file-")
    xvfb = subprocess.Popen(["Xvfb", args.display, "-screen", "0", "1920x1080x24", "-br"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        env = dict(os.environ, DISPLAY=args.display, SLINT_BACKEND="winit-software")
        data = os.path.join(work, "data")
        # A kiosk that restarts: the database and the directory exist.
        subprocess.run([args.kiosk, "--data-dir", data, "residents", "list"], env=env,
                       stdout=subprocess.DEVNULL, check=True)
        profile = os.path.join(work, "callgrind.out")
        kiosk = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={profile}",
             args.kiosk, "--data-dir", data, "run", "--windowed"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(args.seconds)
        subprocess.run(["callgrind_control", "-d", str(kiosk.pid)], stdout=subprocess.DEVNULL)
        time.sleep(3)
        kiosk.send_signal(signal.SIGTERM)
        try:
            kiosk.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kiosk.kill()
        dumps = sorted(p for p in os.listdir(work) if p.startswith("callgrind.out"))
        if not dumps:
            sys.exit("callgrind wrote no profile")
        # The journeys, driven by taps as in the soak, one round, every pause 8x longer.
        journeys = os.path.join(work, "journeys.out")
        soak = os.path.join(os.path.dirname(os.path.abspath(__file__)), "soak.py")
        subprocess.run([sys.executable, soak, "--kiosk", args.kiosk, "--rounds", "1", "--minutes", "60",
                        "--slow", "8", "--display", args.journeys_display,
                        "--wrap", f"valgrind --tool=callgrind --demangle=no --callgrind-out-file={journeys}"],
                       stdout=subprocess.DEVNULL, check=True)
        dumps = [os.path.join(work, d) for d in dumps]
        dumps += sorted(os.path.join(work, p) for p in os.listdir(work) if p.startswith("journeys.out"))
        ours = defined_symbols(args.kiosk)
        order, listed = [], set()
        for dump in dumps:
            for name in functions_run(dump):
                if name in ours and name not in listed:
                    listed.add(name)
                    order.append(name)
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w") as f:
            f.write("\n".join(order) + "\n")
        print(f"{args.out}: {len(order)} functions that ran at start-up and in one round of journeys")
    finally:
        xvfb.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
