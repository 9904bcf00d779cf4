#!/usr/bin/env python3
"""What each part of a binary costs: section sizes (`size -A`), code and data symbols
summed per crate (`nm -S -C`, so the release profile must keep symbols, as it does with
`strip = "debuginfo"`), and copies of the embedded CJK font.

    python3 benches/binary_parts.py target/release/lobby-kiosk [N]   (N: crates listed, default 25)

Only the standard library and binutils. Symbols are attributed to the first crate named in
their demangled path (`<slint::X as core::Y>::f` counts for slint); C symbols of the bundled
SQLite count as "sqlite (C)"; what no symbol covers (string literals, anonymous constants
such as an `include_bytes!`) is the "unattributed" rest of each section.
"""
import collections
import re
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
FONT = "ui/fonts/WenQuanYiMicroHei.ttf"

sections = {}
for line in subprocess.run(["size", "-A", path], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) >= 2 and parts[0].startswith(".") and parts[1].isdigit():
        sections[parts[0]] = int(parts[1])

by_crate = collections.Counter()
by_section_kind = collections.Counter()
ident = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
nm = subprocess.run(["nm", "-S", "-C", "--size-sort", path], capture_output=True, text=True, check=True).stdout
for line in nm.splitlines():
    parts = line.split(None, 3)
    if len(parts) < 4:
        continue
    size, kind, name = int(parts[1], 16), parts[2], parts[3]
    kind_name = "code" if kind in "tT" else "read-only data" if kind in "rR" else "data" if kind in "dDbB" else "other"
    by_section_kind[kind_name] += size
    if "::" in name:
        m = ident.search(name.lstrip("<&* "))
        crate = m.group(0) if m else "?"
        if crate in ("impl", "dyn", "mut", "const"):
            rest = name.lstrip("<&* ")[len(crate):]
            m = ident.search(rest)
            crate = m.group(0) if m else "?"
    elif name.startswith("sqlite3") or name.startswith("sqlite"):
        crate = "sqlite (C)"
    else:
        crate = "other C / runtime"
    by_crate[(crate, kind_name)] += size

MB = 1e6
print(f"{path}: {sum(sections.values())/MB:.1f} MB in sections")
for name in (".text", ".rodata", ".data.rel.ro", ".rela.dyn", ".eh_frame", ".gcc_except_table", ".data", ".symtab", ".strtab"):
    if name in sections:
        print(f"  {name:20} {sections[name]/MB:7.2f} MB")
print(f"symbols: code {by_section_kind['code']/MB:.2f} MB, read-only data {by_section_kind['read-only data']/MB:.2f} MB, "
      f"data {by_section_kind['data']/MB:.2f} MB")
print(f"unattributed .rodata (literals, anonymous constants such as include_bytes!): "
      f"{max(0, sections.get('.rodata', 0) - by_section_kind['read-only data'])/MB:.2f} MB")
totals = collections.Counter()
for (crate, kind), size in by_crate.items():
    totals[crate] += size
print(f"largest {top} crates by symbol size (code + data):")
for crate, size in totals.most_common(top):
    code = by_crate[(crate, "code")]
    print(f"  {crate:28} {size/MB:7.2f} MB  (code {code/MB:.2f} MB)")
try:
    font = open(FONT, "rb").read()
    data = open(path, "rb").read()
    copies = data.count(font[4096:4096 + 256])
    print(f"embedded copies of {FONT}: {copies} ({copies * len(font)/MB:.1f} MB)")
except OSError:
    pass
