#!/usr/bin/env python3
"""Memory of the real kiosk over time, through the real screen and printing path.

    benches/soak.py [--minutes 60] [--every 5] [--kiosk target/release/lobby-kiosk]
                    [--baseline target/release/examples/baseline_window] [--out FILE.jsonl]

Needs Xvfb and xdotool (apt-get install xvfb xdotool) and a release build with the
bench example: `cargo build --release --features bench-data --bin lobby-kiosk --example
baseline_window` (what benches/startup.sh builds). Not part of .ci/run: it is a
benchmark, not a test.

What it does, in this order:

1. Starts its own Xvfb (1920x1080, black root) and, in a temporary folder, a fresh data
   folder with a copy of kiosk-config/kiosk.toml in which the renovation windows cover
   the whole day (so a pass prints at any hour), the desk lets guests in as well as
   couriers (so every walk-in prints a slip at once) and the daily summary is due two
   minutes after the start (so the kiosk prints it by itself). Everything else is the
   built-in default, the virtual printer included: each slip is filed in
   `<data>/printer/` as its ESC/POS bytes and a PNG preview, drawn in the kiosk process.
2. Through the command line, as a desk would: the first supervisor account, a permit with
   one worker, and an invite per round (its six digits are typed on the kiosk).
3. The bare Slint window (examples/baseline_window, software renderer, 1280x800) for a
   few seconds: its peak RSS is the yardstick.
4. `lobby-kiosk run --windowed` (1280x800, software renderer) driven by real pointer
   taps sent to the X server with xdotool, as a person's finger would. One round prints
   every kind of slip the kiosk prints by itself:
     visitor slip   walk-in courier (23 touches; later rounds the same phone as a
                    returning visitor, 15), and an invite's six digits (7 touches)
     worker pass    permit code, name on the roster, last four digits (16 touches)
     receipt        resident: unit, last four digits, an emergency repair
     roster         staff mode: long press on the mark, PIN, 打印在场名单, log out
     summary        the daily summary, once, printed by the kiosk at its configured time
   and, from another process against the same data folder, `printer test` (its own peak
   RSS is reported separately: it is not the kiosk's memory).
   Rounds repeat until --minutes have passed.
5. Every --every seconds: RSS, peak RSS (VmHWM), threads and open file descriptors of
   the kiosk. At the end: the peak, the RSS once every kind of slip has printed, the
   least-squares slope of RSS from the moment every kind had printed (MiB per hour),
   threads and descriptors min..max, touches and slips per kind.

Output: progress on stderr, the samples as JSON lines in --out (when given), and the
summary on stdout.
"""

import argparse
import shlex
import ctypes
import ctypes.util
import json
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib

from first_frame import XImage  # benches/ is on sys.path: the script's own folder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUPERVISOR, PIN = "李明", "258036"
WORKER_NAME, WORKER_PHONE = "张三明", "13700001111"
VISITOR_PHONE = "13912345678"
# The bundled sample directory's first resident (kiosk-config/residents.sample.csv).
RESIDENT_UNIT, RESIDENT_LAST4 = "1-1-101", "4634"

# Where things are in the 1280x800 window (docs/screenshots/*-zh-1280x800.png show the
# same layout), relative to the window's top-left corner.
HOME_VISITOR = (230, 427)
HOME_WORKER = (640, 427)
HOME_RESIDENT = (1050, 427)
MARK = (68, 50)
# Every journey page's 回到首页 (top right of PageFrame).
GO_HOME = (1142, 160)



def screenshot(display, path, origin, size=(1280, 800)):
    """The window's pixels as a PNG (Python standard library, libX11 through ctypes): to
    check where the taps land."""
    x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XGetImage.restype = ctypes.POINTER(XImage)
    x.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                            ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
    x.XFree.argtypes = [ctypes.c_void_p]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    d = x.XOpenDisplay(display.encode())
    w, h = size
    img = x.XGetImage(d, x.XDefaultRootWindow(d), origin[0], origin[1], w, h, 0xFFFFFFFF, 2)
    n = img.contents.bytes_per_line
    data = ctypes.string_at(img.contents.data, n * h)
    x.XFree(ctypes.cast(img.contents.data, ctypes.c_void_p))
    x.XFree(ctypes.cast(img, ctypes.c_void_p))
    x.XCloseDisplay(d)
    raw = bytearray()
    for y in range(h):
        row = data[y * n : y * n + w * 4]
        rgb = bytearray(w * 3)
        rgb[0::3], rgb[1::3], rgb[2::3] = row[2::4], row[1::4], row[0::4]
        raw += b"\0" + rgb

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(bytes(raw), 3)) + chunk(b"IEND", b""))


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


class Screen:
    """The X server and the kiosk's window on it, touched through xdotool."""

    def __init__(self, display, origin=(0, 0), pace=0.35):
        self.env = dict(os.environ, DISPLAY=display)
        self.origin = origin
        self.pace = pace
        self.touches = 0
        self.visits = 0

    def xdotool(self, *args):
        subprocess.run(["xdotool", *map(str, args)], env=self.env, check=True)

    def tap(self, point, wait=None):
        x, y = point
        self.xdotool("mousemove", self.origin[0] + x, self.origin[1] + y, "click", "1")
        self.touches += 1
        time.sleep(self.pace if wait is None else wait)

    def long_press(self, point, seconds=2.5):
        x, y = point
        self.xdotool("mousemove", self.origin[0] + x, self.origin[1] + y, "mousedown", "1")
        time.sleep(seconds)
        self.xdotool("mouseup", "1")
        self.touches += 1
        time.sleep(self.pace)


class Keypad:
    """The numeric keypad of a page: key name -> point."""

    def __init__(self, keys):
        self.keys = keys

    def type(self, screen, text):
        for ch in text:
            screen.tap(self.keys[ch])


def keypad_at(left, top, col, row, extra=(0, 3)):
    """A 3x4 keypad whose "1" key centre is at (left, top), keys col/row apart."""
    keys = {}
    for i, d in enumerate("123456789"):
        keys[d] = (left + (i % 3) * col, top + (i // 3) * row)
    keys["-"] = (left + extra[0] * col, top + extra[1] * row)
    keys["0"] = (left + col, top + 3 * row)
    keys["<"] = (left + 2 * col, top + 3 * row)
    return Keypad(keys)


def proc_sample(pid):
    out = {"t": time.time()}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "Threads"):
                    out[k] = int(v.split()[0])
        out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, ValueError):
        return None
    return out


def slips(printer_dir):
    counts = {}
    try:
        names = os.listdir(printer_dir)
    except OSError:
        return counts
    for n in names:
        m = re.match(r"\d+-([a-z]+)\.bin$", n)
        if m:
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def soak_config(path, report_at):
    with open(os.path.join(ROOT, "kiosk-config", "kiosk.toml"), encoding="utf-8") as f:
        text = f.read()
    subs = [
        (r'(?m)^weekday = .*$', 'weekday = ["00:00-23:59"]'),
        (r'(?m)^weekend = .*$', 'weekend = ["00:00-23:59"]'),
        (r'(?m)^holidays = \[".*$', "holidays = []"),
        (r'(?m)^auto_approve = .*$', 'auto_approve = ["courier", "guest"]'),
        (r'(?m)^daily_report_time = .*$', f'daily_report_time = "{report_at}"'),
    ]
    for pattern, repl in subs:
        text, n = re.subn(pattern, repl, text, count=1)
        if n != 1:
            sys.exit(f"soak.py: kiosk.toml no longer has a line matching {pattern}")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--every", type=float, default=5.0, help="seconds between samples")
    ap.add_argument("--kiosk", default=os.path.join(ROOT, "target/release/lobby-kiosk"))
    ap.add_argument("--baseline", default=os.path.join(ROOT, "target/release/examples/baseline_window"))
    ap.add_argument("--out", help="write every sample here as JSON lines")
    ap.add_argument("--display", default=":57")
    ap.add_argument("--shots", help="folder for a screenshot after each step (to check the taps)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    ap.add_argument("--wrap", default="",
                    help="a command the kiosk runs under, e.g. valgrind (benches/order_file.py)")
    ap.add_argument("--rounds", type=int, default=0, help="stop after this many rounds (0: --minutes)")
    ap.add_argument("--slow", type=float, default=1.0,
                    help="multiply every wait by this (for a kiosk under --wrap)")
    ap.add_argument("--calibrate", action="store_true",
                    help="set up and start the kiosk, then wait (drive it by hand with DISPLAY set)")
    args = ap.parse_args()
    if args.slow != 1.0:
        # Every pause of the script (taps, waits for slips and PIN checks) stretched alike.
        plain_sleep = time.sleep
        time.sleep = lambda seconds: plain_sleep(seconds * args.slow)
    for tool in ("Xvfb", "xdotool"):
        if not shutil.which(tool):
            sys.exit(f"soak.py: {tool} not found: apt-get install xvfb xdotool")

    work = tempfile.mkdtemp(prefix="kiosk-soak-")
    data = os.path.join(work, "data")
    config = os.path.join(work, "kiosk.toml")
    procs = []

    def cleanup():
        for p in reversed(procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                    p.wait(timeout=10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    try:
                        os.killpg(p.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log("kept", work)

    # Ended from outside (SIGTERM, or SIGINT when started in the background): still stop
    # the kiosk and Xvfb and remove the folder.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit("soak.py: stopped"))
    try:
        run(args, work, data, config, procs)
    finally:
        cleanup()


def cli(args, config, data, *cmd, stdin=None):
    """One back-office command against the soak's data folder; its standard output."""
    p = subprocess.Popen(
        [args.kiosk, "--config", config, "--data-dir", data, *cmd],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = p.communicate(stdin.encode() if stdin else None)
    if p.returncode != 0:
        sys.exit(f"soak.py: {' '.join(cmd)} failed ({p.returncode}): {err.decode(errors='replace')}")
    return out.decode()


def cli_peak_kib(args, config, data, *cmd):
    """Runs a command and returns its own peak RSS in KiB (ru_maxrss of that child)."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(args.kiosk, [args.kiosk, "--config", config, "--data-dir", data, *cmd])
    _, status, usage = os.wait4(pid, 0)
    return usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def run(args, work, data, config, procs):
    env = dict(os.environ, DISPLAY=args.display, SLINT_BACKEND="winit-software")
    xvfb = subprocess.Popen(
        ["Xvfb", args.display, "-screen", "0", "1920x1080x24", "-br", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    procs.append(xvfb)
    time.sleep(1.5)
    if xvfb.poll() is not None:
        sys.exit(f"soak.py: Xvfb {args.display} did not start (display in use? try --display)")

    # The daily summary two minutes from now, local to the configured zone (Asia/Shanghai).
    report_at = time.strftime("%H:%M", time.gmtime(time.time() + 8 * 3600 + 120))
    soak_config(config, report_at)

    # 2. The desk's part, through the command line.
    cli(args, config, data, "residents", "list")
    cli(args, config, data, "staff", "add", SUPERVISOR, "--role", "supervisor", "--pin", PIN)
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    until = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 + 20 * 86400))
    permit = json.loads(
        cli(args, config, data, "permit", "add", "--unit", "2-1-302", "--owner", "赵",
            "--contractor", "安居装饰", "--lead-phone", "13800002222", "--from", today,
            "--to", until, "--deposit-paid", "--worker", f"{WORKER_NAME}:{WORKER_PHONE}",
            "--by", SUPERVISOR, "--json", stdin=PIN + "\n")
    )
    permit_code = permit["permit"]["code"]
    log("permit", permit_code)

    # 3. The yardstick: the bare window's peak RSS, same X server, same renderer.
    base = subprocess.Popen([args.baseline], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    procs.append(base)
    time.sleep(4)
    base_sample = proc_sample(base.pid)
    os.killpg(base.pid, signal.SIGTERM)
    base.wait()
    baseline_hwm = base_sample["VmHWM"] if base_sample else None
    log("bare window peak RSS", baseline_hwm, "KiB")
    time.sleep(1)

    # 4. The kiosk.
    kiosk = subprocess.Popen(
        shlex.split(args.wrap) + [args.kiosk, "--config", config, "--data-dir", data, "run", "--windowed"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "kiosk.err"), "w"),
        start_new_session=True,
    )
    procs.append(kiosk)
    time.sleep(3)
    screen = Screen(args.display, origin=window_origin(env, kiosk.pid))
    log("kiosk window at", screen.origin)
    if args.calibrate:
        log(f"calibrating: DISPLAY={args.display}, data {data}, permit {permit_code}; Ctrl-C ends")
        while kiosk.poll() is None:
            time.sleep(1)
        return

    samples = []
    out = open(args.out, "w") if args.out else None
    printer_dir = os.path.join(data, "printer")
    started = time.time()
    deadline = started + args.minutes * 60
    next_sample = started
    all_kinds_at = None
    rounds = 0
    test_peaks = []
    journeys_done = {}
    kinds_needed = {"visitor", "pass", "ticket", "roster", "report", "test"}

    def sample():
        nonlocal next_sample
        if time.time() < next_sample:
            return
        s = proc_sample(kiosk.pid)
        if s is None:
            sys.exit("soak.py: the kiosk is gone (see kiosk.err in the work folder)")
        s["slips"] = slips(printer_dir)
        s["touches"] = screen.touches
        s["round"] = rounds
        samples.append(s)
        if out:
            out.write(json.dumps(s) + "\n")
            out.flush()
        next_sample = max(next_sample + args.every, time.time())

    def shot(name):
        if args.shots:
            os.makedirs(args.shots, exist_ok=True)
            screenshot(args.display, os.path.join(args.shots, f"{rounds:03d}-{name}.png"), screen.origin)

    def done(name):
        journeys_done[name] = journeys_done.get(name, 0) + 1
        shot(name)
        sample()

    sample()
    while time.time() < deadline:
        for name, journey in JOURNEYS:
            if time.time() >= deadline:
                break
            # From the home page whatever the last journey left (回到首页 is empty space there).
            screen.tap(GO_HOME, wait=1.0)
            journey(screen, permit_code, args, config, data, shot)
            done(name)
        peak, code = cli_peak_kib(args, config, data, "printer", "test")
        test_peaks.append(peak)
        rounds += 1
        kinds = set(slips(printer_dir))
        if all_kinds_at is None and kinds_needed <= kinds:
            all_kinds_at = (time.time(), proc_sample(kiosk.pid))
        log(f"round {rounds}: {screen.touches} touches, slips {slips(printer_dir)}, "
            f"RSS {samples[-1]['VmRSS'] / 1024:.1f} MiB")
        if args.rounds and rounds >= args.rounds:
            break
        while time.time() < next_sample and time.time() < deadline and rounds == 0:
            time.sleep(0.2)
        sample()
    final = proc_sample(kiosk.pid)
    if final:
        samples.append(final)
    report(samples, baseline_hwm, all_kinds_at, started, test_peaks, journeys_done,
           slips(printer_dir), screen.touches, rounds, args)


def window_origin(env, pid):
    """Where the kiosk's window is on the screen (no window manager: usually 0,0)."""
    for _ in range(50):
        r = subprocess.run(["xdotool", "search", "--pid", str(pid)], env=env,
                           capture_output=True, text=True)
        for wid in r.stdout.split():
            g = subprocess.run(["xdotool", "getwindowgeometry", "--shell", wid], env=env,
                               capture_output=True, text=True).stdout
            vals = dict(line.split("=", 1) for line in g.split() if "=" in line)
            if vals.get("WIDTH") == "1280" and vals.get("HEIGHT") == "800":
                return int(vals["X"]), int(vals["Y"])
        time.sleep(0.2)
    sys.exit("soak.py: no 1280x800 window of the kiosk found")


def report(samples, baseline_hwm, all_kinds_at, started, test_peaks, journeys_done, kinds,
           touches, rounds, args):
    rss = [s["VmRSS"] for s in samples if "VmRSS" in s]
    hwm = max(s.get("VmHWM", 0) for s in samples)
    threads = [s["Threads"] for s in samples if "Threads" in s]
    fds = [s["fds"] for s in samples if "fds" in s]
    minutes = (samples[-1]["t"] - started) / 60
    print(f"soak: {minutes:.1f} minutes, {rounds} rounds, {touches} touches, "
          f"journeys {journeys_done}, slips {kinds}")
    print(f"kiosk RSS: start {rss[0] / 1024:.1f} MiB, end {rss[-1] / 1024:.1f} MiB, "
          f"peak RSS (VmHWM) {hwm / 1024:.1f} MiB")
    if baseline_hwm:
        print(f"bare window (software renderer) peak RSS {baseline_hwm / 1024:.1f} MiB: "
              f"ratio kiosk/bare window, peak RSS after every kind of slip {hwm / baseline_hwm:.2f}x "
              "(budget 1.5x)")
    if all_kinds_at:
        t, s = all_kinds_at
        print(f"every kind of slip printed after {(t - started) / 60:.1f} minutes: RSS then "
              f"{s['VmRSS'] / 1024:.1f} MiB, peak {s['VmHWM'] / 1024:.1f} MiB")
        after = [s for s in samples if s["t"] >= t and "VmRSS" in s]
    else:
        print("not every kind of slip printed (see the slips above)")
        after = [s for s in samples if "VmRSS" in s]
    if len(after) >= 3:
        xs = [(s["t"] - after[0]["t"]) / 3600 for s in after]
        ys = [s["VmRSS"] / 1024 for s in after]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
        print(f"RSS from then on: {min(ys):.1f}..{max(ys):.1f} MiB over {xs[-1] * 60:.1f} minutes, "
              f"least-squares slope {slope:+.2f} MiB/hour ({len(after)} samples)")
    print(f"threads {min(threads)}..{max(threads)}, open file descriptors {min(fds)}..{max(fds)}")
    if test_peaks:
        print(f"`printer test` (its own process) peak RSS {min(test_peaks) / 1024:.1f}.."
              f"{max(test_peaks) / 1024:.1f} MiB over {len(test_peaks)} runs")


# ---- the journeys, each from the home page back to it ----------------------------------
# Points in the 1280x800 window, read off the kiosk's own screenshots
# (`lobby-kiosk screenshot --page all --size 1280x800`) and checked with --shots.

# The keypad of the journey pages (phone, unit, permit code, last four digits, PIN).
PAGE_KEYPAD = keypad_at(848, 275, 164, 99)
PAGE_KEYPAD_CONFIRM = (1108, 672)
# Every journey page's 回到首页 (top right of PageFrame).
GO_HOME = (1142, 160)
VISITOR_SURNAME_WANG = (55, 324)
VISITOR_TYPE_COURIER = (288, 328)
VISITOR_CONSENT = (640, 663)
VISITOR_RETURNING_YES = (300, 420)
HOME_INVITE = (202, 658)
WORKER_FIRST_NAME = (300, 330)
RESIDENT_REPAIR = (640, 340)
RESIDENT_REPAIR_CHOICE = (640, 481)
RESIDENT_SUBMIT = (300, 420)
STAFF_PRINT_ROSTER = (536, 260)
STAFF_LOG_OUT = (1162, 260)


def finish(screen, shot, name):
    """The journey's last card: give the slip time to print, then home."""
    time.sleep(2.0)
    shot(name + "-outcome")
    screen.tap(GO_HOME, wait=1.0)


def walk_in(screen, permit_code, args, config, data, shot):
    """23 touches the first time; the same phone again is a returning visitor (15)."""
    screen.tap(HOME_VISITOR, wait=1.0)
    PAGE_KEYPAD.type(screen, VISITOR_PHONE)
    screen.tap(PAGE_KEYPAD_CONFIRM, wait=1.0)
    shot("visitor-after-phone")
    if screen.visits:
        screen.tap(VISITOR_RETURNING_YES, wait=1.0)
    else:
        PAGE_KEYPAD.type(screen, RESIDENT_UNIT)
        screen.tap(PAGE_KEYPAD_CONFIRM, wait=1.0)
        shot("visitor-surname")
        screen.tap(VISITOR_SURNAME_WANG, wait=1.0)
        shot("visitor-details")
        screen.tap(VISITOR_TYPE_COURIER)
    screen.tap(VISITOR_CONSENT, wait=1.0)
    screen.visits += 1
    finish(screen, shot, "visitor")


def worker_pass(screen, permit_code, args, config, data, shot):
    screen.tap(HOME_WORKER, wait=1.0)
    PAGE_KEYPAD.type(screen, permit_code)
    screen.tap(PAGE_KEYPAD_CONFIRM, wait=1.0)
    shot("worker-roster")
    screen.tap(WORKER_FIRST_NAME, wait=1.0)
    PAGE_KEYPAD.type(screen, WORKER_PHONE[-4:])
    screen.tap(PAGE_KEYPAD_CONFIRM, wait=1.0)
    finish(screen, shot, "worker")


def resident_request(screen, permit_code, args, config, data, shot):
    screen.tap(HOME_RESIDENT, wait=1.0)
    PAGE_KEYPAD.type(screen, RESIDENT_UNIT)
    screen.tap(PAGE_KEYPAD_CONFIRM, wait=1.0)
    PAGE_KEYPAD.type(screen, RESIDENT_LAST4)
    screen.tap(PAGE_KEYPAD_CONFIRM, wait=1.0)
    shot("resident-menu")
    screen.tap(RESIDENT_REPAIR, wait=1.0)
    shot("resident-choice")
    screen.tap(RESIDENT_REPAIR_CHOICE, wait=1.0)
    shot("resident-confirm")
    screen.tap(RESIDENT_SUBMIT, wait=1.0)
    finish(screen, shot, "resident")


def invite_code(screen, permit_code, args, config, data, shot):
    """An invite made at the desk (command line), its six digits typed on the kiosk."""
    created = json.loads(cli(args, config, data, "invite", "create", "--unit", RESIDENT_UNIT,
                             "--surname", "李", "--phone", "13600003333", "--by", SUPERVISOR,
                             "--json", stdin=PIN + "\n"))
    screen.tap(HOME_INVITE, wait=1.0)
    PAGE_KEYPAD.type(screen, created["code"])
    time.sleep(1.0)
    finish(screen, shot, "invite")


def roster(screen, permit_code, args, config, data, shot):
    """Staff mode: a long press on the mark, the PIN, 打印在场名单, log out."""
    screen.long_press(MARK)
    shot("staff-pin")
    PAGE_KEYPAD.type(screen, PIN)
    screen.tap(PAGE_KEYPAD_CONFIRM)
    time.sleep(3.0)  # the PIN is checked (Argon2) on a thread of its own
    shot("staff-dashboard")
    screen.tap(STAFF_PRINT_ROSTER, wait=2.0)
    shot("staff-roster-printed")
    screen.tap(STAFF_LOG_OUT, wait=1.0)
    screen.tap(GO_HOME, wait=1.0)


JOURNEYS = [
    ("visitor", walk_in),
    ("worker", worker_pass),
    ("resident", resident_request),
    ("invite", invite_code),
    ("roster", roster),
]


if __name__ == "__main__":
    main()
