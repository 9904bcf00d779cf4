#!/usr/bin/env python3
"""Which parts of a running program's own binary are in its RSS.

A page of the executable counts in RSS once it has been read or run. This script reads
/proc/PID/maps and /proc/PID/pagemap (needs root, or CAP_SYS_ADMIN, to see the page
frames; the "present" bit is what it uses) for the mappings of the executable, turns
each resident page back into the binary's own addresses through its program headers,
and sums the pages by ELF section and by crate (through the symbol table: `nm`).
The rest of the process (heap, stacks, shared memory of the frame buffer, libraries)
is summed by mapping.

    benches/resident_pages.py PID [TOP] [FILE...]

Each FILE (for example the embedded font) is looked for in the binary and its resident
share reported.

Used to find what the kiosk holds beyond the bare window (docs/PERFORMANCE.md).
"""

import bisect
import collections
import re
import struct
import subprocess
import sys

PAGE = 4096


def load_segments(path):
    """PT_LOAD segments: (file offset, vaddr, file size)."""
    out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True, check=True).stdout
    segs = []
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "LOAD":
            segs.append((int(parts[1], 16), int(parts[2], 16), int(parts[4], 16)))
    return segs


def load_sections(path):
    out = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True, check=True).stdout
    secs = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m and int(m.group(2), 16):
            secs.append((int(m.group(2), 16), int(m.group(4), 16), m.group(1)))
    secs.sort()
    return secs


def crate_of(name):
    name = name.lstrip("<&*").replace("_<", "")
    if name.startswith("_ZN") or name.startswith("_R"):
        return "(mangled)"
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    if m:
        return m.group(1)
    # C code linked in (SQLite, the TLS crypto, libc stubs): named by its prefix.
    m = re.match(r"_*([a-z]+[0-9]*)", name, re.I)
    return f"C: {m.group(1).lower()}" if m else "other C / runtime"


def load_symbols(path):
    out = subprocess.run(["nm", "-C", "-S", "--defined-only", path], capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4:
            try:
                syms.append((int(parts[0], 16), int(parts[1], 16), crate_of(parts[3])))
            except ValueError:
                pass
    syms.sort()
    return syms


def resident_pages(pid, exe):
    """Yield (file offset of the page) for every resident page mapped from exe."""
    maps = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[5] == exe:
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                maps.append((lo, hi, int(parts[2], 16), parts[1]))
    with open(f"/proc/{pid}/pagemap", "rb") as pm:
        for lo, hi, off, perms in maps:
            pm.seek(lo // PAGE * 8)
            data = pm.read((hi - lo) // PAGE * 8)
            for i in range((hi - lo) // PAGE):
                (entry,) = struct.unpack_from("<Q", data, i * 8)
                if entry >> 63 & 1:
                    yield off + i * PAGE, perms


def other_mappings(pid, exe):
    agg = collections.Counter()
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+$", parts[0]):
                name = parts[5] if len(parts) > 5 else "[anon]"
                if name.startswith("/dev/shm/softbuffer"):
                    name = "frame buffer (shared memory)"
            elif parts[0] == "Rss:" and name != exe:
                agg[name] += int(parts[1])
    return agg


def main():
    pid = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    exe = subprocess.run(["readlink", f"/proc/{pid}/exe"], capture_output=True, text=True).stdout.strip()
    segs = load_segments(exe)
    secs = load_sections(exe)
    sec_starts = [s[0] for s in secs]
    syms = load_symbols(exe)
    sym_starts = [s[0] for s in syms]
    blobs = []
    if len(sys.argv) > 3:
        image = open(exe, "rb").read()
        for path in sys.argv[3:]:
            data = open(path, "rb").read()
            at = image.find(data[:4096])
            if at >= 0:
                blobs.append((path, at, at + len(data), set()))
            else:
                print(f"{path}: not found in {exe}")
    by_section = collections.Counter()
    by_crate = collections.Counter()
    total = 0
    for off, _perms in resident_pages(pid, exe):
        total += PAGE
        for _path, lo, hi, pages in blobs:
            if lo < off + PAGE and off < hi:
                pages.add(off)
        seg = next((s for s in segs if s[0] <= off < s[0] + max(s[2], PAGE)), None)
        if seg is None:
            by_section["(headers)"] += PAGE
            continue
        vaddr = off - seg[0] + seg[1]
        # Attribute the page byte by byte in runs: sections first.
        i = bisect.bisect_right(sec_starts, vaddr) - 1
        sec = secs[i][2] if i >= 0 and vaddr < secs[i][0] + secs[i][1] + PAGE else "(between sections)"
        by_section[sec] += PAGE
        j = bisect.bisect_right(sym_starts, vaddr) - 1
        owner = "(no symbol: literals, include_bytes!, tables)"
        if j >= 0 and vaddr < syms[j][0] + max(syms[j][1], 1):
            owner = syms[j][2]
        by_crate[owner] += PAGE
    mib = 1024 * 1024
    print(f"{exe}: {total / mib:.1f} MiB of the binary resident")
    for path, lo, hi, pages in blobs:
        print(f"{path} ({(hi - lo) / mib:.1f} MiB in the binary): {len(pages) * PAGE / mib:.2f} MiB resident")
    print("by section:")
    for name, size in by_section.most_common(top):
        print(f"  {name:24} {size / mib:7.2f} MiB")
    print("by crate (the symbol at each page's start):")
    for name, size in by_crate.most_common(top):
        print(f"  {name:40} {size / mib:7.2f} MiB")
    print("rest of the process (RSS by mapping):")
    for name, kib in other_mappings(pid, exe).most_common(top):
        print(f"  {name:40} {kib / 1024:7.2f} MiB")


if __name__ == "__main__":
    main()
