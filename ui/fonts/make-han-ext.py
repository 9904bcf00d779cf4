#!/usr/bin/env python3
"""Makes ui/fonts/LobbyKioskHanExt.ttf: the CJK Extension characters the pinyin input
offers (the `pinyin` crate's data) that WenQuanYi Micro Hei lacks, cut from Hanazono Mincho.

    apt-get install fonts-hanazono && pip install fonttools
    python3 ui/fonts/make-han-ext.py ~/.cargo/registry/src/*/pinyin-0.11.0/pinyin-data/pinyin.txt

Characters Hanazono lacks too (a few hundred of Extensions C to H) are not offered by the
input (`src/input/pinyin.rs` keeps only what `src/fonts.rs` can draw).
"""
import re
import sys

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

HANAZONO = "/usr/share/fonts/truetype/hanazono/"
HERE = "ui/fonts/"
# The ranges src/input/pinyin.rs indexes.
RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2EE5F), (0x30000, 0x323AF)]
FAMILY = "Lobby Kiosk Han Extensions"


def main(pinyin_txt):
    offered = []
    for line in open(pinyin_txt, encoding="utf-8"):
        m = re.match(r"U\+([0-9A-F]+):", line)
        if m and any(lo <= int(m.group(1), 16) <= hi for lo, hi in RANGES):
            offered.append(int(m.group(1), 16))
    have = set(TTFont(HERE + "WenQuanYiMicroHei.ttf", lazy=True).getBestCmap())
    missing = [c for c in offered if c not in have]
    parts = []
    for name in ("HanaMinA.ttf", "HanaMinB.ttf"):
        font = TTFont(HANAZONO + name)
        cmap = font.getBestCmap()
        opts = subset.Options()
        opts.hinting = False
        opts.layout_features = []
        opts.notdef_outline = True
        opts.name_IDs = ["*"]
        opts.drop_tables += ["vhea", "vmtx", "VORG", "DSIG", "GSUB", "GPOS", "GDEF", "BASE", "JSTF"]
        cut = subset.Subsetter(opts)
        cut.populate(unicodes=[c for c in missing if c in cmap])
        cut.subset(font)
        part = "/tmp/han-ext-" + name
        font.save(part)
        parts.append(part)
    merged = Merger().merge(parts)
    names = merged["name"]
    names.names = [r for r in names.names if r.nameID not in (1, 2, 3, 4, 6, 16, 17)]
    for platform, encoding, language in ((3, 1, 0x409), (1, 0, 0)):
        for name_id, text in ((1, FAMILY), (2, "Regular"), (3, FAMILY + " Regular"), (4, FAMILY), (6, "LobbyKioskHanExt")):
            names.setName(text, name_id, platform, encoding, language)
    merged.save(HERE + "LobbyKioskHanExt.ttf")
    print(f"{len(missing)} characters missing from WenQuanYi Micro Hei, {len(merged.getBestCmap())} in the subset")


if __name__ == "__main__":
    main(sys.argv[1])
