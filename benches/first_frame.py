#!/usr/bin/env python3
"""Start a program on an X display and time it from launch to its first frame on screen.

Used by benches/startup.sh. Python standard library only (libX11 through ctypes), so it
needs nothing installed beyond an X server.

The display must have a black root window (Xvfb -br). The first frame is the first moment
a pixel of the sampled rows is not black: the window has been drawn and presented. This
works the same for the kiosk, the bare Slint baseline and Chromium, whatever their
renderer (the software renderer has no in-process "frame presented" notifier).

Then it waits --settle seconds, reads the peak RSS (VmHWM) of the process, and the PSS
summed over the process and all its descendants (Chromium is many processes), and
terminates it.

Output: one JSON object per run on stdout.
"""

import argparse
import ctypes
import ctypes.util
import json
import os
import signal
import subprocess
import sys
import time

ZPIXMAP = 2
ALL_PLANES = 0xFFFFFFFF


class XImage(ctypes.Structure):
    # Only the leading fields are read; the rest of the struct is never touched.
    _fields_ = [
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int),
        ("data", ctypes.POINTER(ctypes.c_uint8)),
        ("byte_order", ctypes.c_int),
        ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int),
        ("bitmap_pad", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int),
        ("bits_per_pixel", ctypes.c_int),
    ]


def open_x():
    name = ctypes.util.find_library("X11") or "libX11.so.6"
    x = ctypes.CDLL(name)
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XGetImage.restype = ctypes.POINTER(XImage)
    x.XGetImage.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_ulong,
        ctypes.c_int,
    ]
    x.XFree.argtypes = [ctypes.c_void_p]
    x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    display = x.XOpenDisplay(None)
    if not display:
        sys.exit("first_frame.py: cannot open the X display (DISPLAY=%s)" % os.environ.get("DISPLAY"))
    return x, display, x.XDefaultRootWindow(display)


def drawn(x, display, root, rows, width):
    """True when any pixel of the sampled rows is not black."""
    for y in rows:
        img = x.XGetImage(display, root, 0, y, width, 1, ALL_PLANES, ZPIXMAP)
        if not img:
            continue
        n = img.contents.bytes_per_line
        data = ctypes.string_at(img.contents.data, n)
        # XDestroyImage is a macro: free the data and the struct ourselves.
        x.XFree(ctypes.cast(img.contents.data, ctypes.c_void_p))
        x.XFree(ctypes.cast(img, ctypes.c_void_p))
        if data.count(0) != len(data):
            return True
    return False


def descendants(pid):
    """pid and every process below it."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
            ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def status_kib(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--settle", type=float, default=1.0, help="seconds to wait after the first frame")
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--rows", default="100,400,700", help="screen rows sampled")
    ap.add_argument("--label", default="")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    rows = [int(r) for r in args.rows.split(",")]

    x, display, root = open_x()
    if drawn(x, display, root, rows, args.width):
        sys.exit("first_frame.py: the screen is not black before the launch (another window? use Xvfb -br)")

    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    first = None
    while time.perf_counter() - start < args.timeout:
        if drawn(x, display, root, rows, args.width):
            first = time.perf_counter() - start
            break
        if proc.poll() is not None:
            break
        time.sleep(0.0005)
    time.sleep(args.settle)
    pids = descendants(proc.pid)
    result = {
        "label": args.label,
        "first_frame_ms": None if first is None else round(first * 1000.0, 1),
        "peak_rss_kib": status_kib(proc.pid, "VmHWM"),
        "rss_kib": status_kib(proc.pid, "VmRSS"),
        "pss_total_kib": sum(pss_kib(p) for p in pids),
        "processes": len(pids),
        "exit_code_before_kill": proc.poll(),
    }
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    # Let the server repaint the black root before the next run.
    x.XSync(display, 0)
    deadline = time.perf_counter() + 5
    while drawn(x, display, root, rows, args.width) and time.perf_counter() < deadline:
        time.sleep(0.01)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
