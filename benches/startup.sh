#!/usr/bin/env bash
# Whole-process figures of the performance budgets: cold start to the first frame on
# screen and peak RSS of the kiosk against a bare Slint window (examples/baseline_window.rs,
# same Slint features, same embedded font), N runs interleaved so a noisy machine hits
# both alike; Chromium showing the same page as a kiosk when it is installed; binary sizes
# with and without the embedded font.
#
# The kiosk is started on three databases: fresh (just through its first run), 180 days
# of records (the default retention, at the five-year seed's daily rate) and five years.
# The seeded ones are made once with the hidden `seed-history` command and kept in
# target/kiosk-bench/ (five years: 2M visits, 1.1 GB, about ten minutes to seed).
#
#   benches/startup.sh [RUNS]          (default 10; SKIP_BUILD=1 uses the existing builds)
#   STARTUP_DATABASES="fresh 180"      (default "fresh 180 1826": the sizes, in days)
#
# Needs python3 and an X server: without DISPLAY it runs itself under xvfb-run
# (apt-get install xvfb). Not part of .ci/run: it is a benchmark, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}

if [ -z "${STARTUP_UNDER_XVFB:-}" ]; then
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    if [ "${PROFILE:-release}" = release ]; then
      cargo build --release --features bench-data --bin lobby-kiosk --example baseline_window
    else
      cargo build --features bench-data --bin lobby-kiosk --example baseline_window
    fi
  fi
  command -v xvfb-run >/dev/null || { echo "xvfb-run not found: apt-get install xvfb" >&2; exit 2; }
  # Our own server with a black root (-br): the probe sees the first frame as the first
  # non-black pixel. 1920x1080 like the kiosk's screen.
  STARTUP_UNDER_XVFB=1 exec xvfb-run -a -s "-screen 0 1920x1080x24 -br" "$0" "$RUNS"
fi

# PROFILE=debug measures the debug builds (when a release build is out of reach: the
# ratios then say how start-up scales with the database, not whether the budget is met).
KIOSK=target/${PROFILE:-release}/lobby-kiosk
BASE=target/${PROFILE:-release}/examples/baseline_window
PROBE="python3 benches/first_frame.py"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/runs.jsonl"

# A data folder that has been through its first run (database created, directory seeded),
# as on a kiosk that restarts; and the seeded ones, made once.
"$KIOSK" --data-dir "$WORK/data" residents list >/dev/null
DATABASES=${STARTUP_DATABASES:-fresh 180 1826}
declare -A FOLDER NAME
for db in $DATABASES; do
  case $db in
    fresh) FOLDER[$db]=$WORK/data; NAME[$db]="fresh database" ;;
    *)
      FOLDER[$db]=target/kiosk-bench/startup-${db}d-${PROFILE:-release}
      if [ "$db" = 1826 ]; then NAME[$db]="five-year database"; else NAME[$db]="${db}-day database"; fi
      if [ ! -e "${FOLDER[$db]}/seeded" ]; then
        rm -rf "${FOLDER[$db]}"
        echo "seeding the ${NAME[$db]} once into ${FOLDER[$db]} ..." >&2
        LOBBY_KIOSK_SEED_HISTORY=1 "$KIOSK" --data-dir "${FOLDER[$db]}" seed-history --days "$db" >&2
        touch "${FOLDER[$db]}/seeded"
      fi
      echo "${NAME[$db]}: $(du -m "${FOLDER[$db]}/kiosk.sqlite3" | cut -f1) MB" >&2
      ;;
  esac
done

CHROME=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null; then CHROME=$c; break; fi
done
if [ -n "$CHROME" ]; then
  cat >"$WORK/page.html" <<'HTML'
<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#F3F5F4;font:28px sans-serif;display:flex;flex-direction:column;align-items:center;justify-content:center;height:100vh}
button{font-size:28px;margin:12px;padding:24px 64px}</style></head><body>
<div>您好，欢迎光临 Welcome</div><button>访客登记 Visitors</button>
<button>装修临时通行证 Worker pass</button><button>业主服务 Residents</button></body></html>
HTML
else
  echo "chromium not installed: the Chromium comparison is skipped" >&2
fi

for i in $(seq 1 "$RUNS"); do
  SLINT_BACKEND=winit-software $PROBE --label "baseline software" -- "$BASE" >>"$OUT"
  for db in $DATABASES; do
    SLINT_BACKEND=winit-software $PROBE --label "kiosk software, ${NAME[$db]}" -- \
      "$KIOSK" --data-dir "${FOLDER[$db]}" run --windowed >>"$OUT"
  done
  if [ -z "${SKIP_FEMTOVG:-}" ]; then
    SLINT_BACKEND=winit-femtovg $PROBE --label "baseline femtovg" -- "$BASE" >>"$OUT"
    SLINT_BACKEND=winit-femtovg $PROBE --label "kiosk femtovg, fresh database" -- \
      "$KIOSK" --data-dir "$WORK/data" run --windowed >>"$OUT"
  fi
  # First run ever: creates, migrates and seeds a new database.
  SLINT_BACKEND=winit-software $PROBE --label "kiosk software, first run" -- \
    "$KIOSK" --data-dir "$WORK/fresh$i" run --windowed >>"$OUT"
  if [ -n "$CHROME" ]; then
    $PROBE --label "chromium" -- "$CHROME" --kiosk --no-first-run --no-sandbox \
      --user-data-dir="$WORK/chrome$i" --window-size=1280,800 "file://$WORK/page.html" >>"$OUT"
  fi
  echo "run $i/$RUNS done" >&2
done

python3 - "$OUT" "$KIOSK" "$BASE" ui/fonts/WenQuanYiMicroHei.ttf <<'PY'
import json, os, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
kiosk, base, font = sys.argv[2:5]
by = {}
for r in runs:
    by.setdefault(r["label"], []).append(r)
def med(label, key):
    vals = [r[key] for r in by.get(label, []) if r[key] is not None]
    return statistics.median(vals) if vals else None
print(f"{'':42} {'first frame ms':>15} {'peak RSS MiB':>13} {'PSS MiB (all procs)':>20}   n")
for label, rs in by.items():
    ff, rss, pss = med(label, "first_frame_ms"), med(label, "peak_rss_kib"), med(label, "pss_total_kib")
    spread = [r["first_frame_ms"] for r in rs if r["first_frame_ms"] is not None]
    lo, hi = (min(spread), max(spread)) if spread else (0, 0)
    print(f"{label:42} {ff:8.1f} ({lo:.0f}-{hi:.0f}) {rss/1024:13.1f} {pss/1024:20.1f}   {len(rs)}")
kiosks = [l for l in by if l.startswith("kiosk ") and "first run" not in l]
for k in kiosks:
    renderer, database = k[len("kiosk "):].split(", ", 1)
    b = f"baseline {renderer}"
    if med(k, "first_frame_ms") and med(b, "first_frame_ms"):
        print(f"ratio kiosk/baseline, {renderer}, {database}: first frame {med(k,'first_frame_ms')/med(b,'first_frame_ms'):.2f}x "
              f"(budget 1.3x), peak RSS {med(k,'peak_rss_kib')/med(b,'peak_rss_kib'):.2f}x (budget 1.5x)")
# Paired ratios (run i of the kiosk against run i of the baseline) are steadier.
for k in kiosks:
    renderer, database = k[len("kiosk "):].split(", ", 1)
    b_runs, k_runs = by.get(f"baseline {renderer}", []), by.get(k, [])
    pairs = [kk["first_frame_ms"] / bb["first_frame_ms"] for bb, kk in zip(b_runs, k_runs) if bb["first_frame_ms"] and kk["first_frame_ms"]]
    if pairs:
        print(f"median of paired first-frame ratios, {renderer}, {database}: {statistics.median(pairs):.2f}x")
fb = open(font, "rb").read()
for path in (kiosk, base):
    data = open(path, "rb").read()
    copies = data.count(fb[4096:4096 + 256])
    size = len(data)
    print(f"{path}: {size/1e6:.1f} MB, embedded font copies {copies}, without the font {(size - copies*len(fb))/1e6:.1f} MB")
PY
