#!/usr/bin/env bash
# The summary tables of committed measurements, made from the results files themselves (tfbench --json/--out):
# for each file its device, the ceilings of the run and one row per benchmark, as markdown on stdout.
#   reports/measurements/summarize.sh                      every results file under reports/measurements/
#   reports/measurements/summarize.sh DIR|FILE.json ...    the files named, or the *.json files in each DIR
#   reports/measurements/summarize.sh --update             rewrite the summary in each machine's README.md, between
#                                                          <!-- summary:begin --> and <!-- summary:end -->
# Needs jq (Debian: apt-get install jq). Without --update it reads the files only and writes nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if ! command -v jq >/dev/null; then
  echo "summarize.sh: needs jq (Debian: apt-get install jq)" >&2
  exit 2
fi

update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi

files=()
collect() {
  local path="$1"
  if [ -d "$path" ]; then
    while IFS= read -r f; do files+=("$f"); done < <(find "$path" -name '*.json' -type f | sort)
  elif [ -f "$path" ]; then
    files+=("$path")
  else
    echo "summarize.sh: $path: no such file or folder" >&2
    exit 2
  fi
}

# One file ($1, shown as $2): a heading, the ceilings, then the benchmarks. Numbers are rounded for reading; the file keeps them whole.
summarize_one() {
  jq -r --arg file "$2" '
    def r(d): if . == null then "-" else (. * pow(10; d) | round / pow(10; d) | tostring) end;
    def nz: if . == 0 then null else . end;
    def size: if . >= 1073741824 then "\(. / 1073741824 | r(1)) GiB" elif . >= 1048576 then "\(. / 1048576 | r(1)) MiB"
              else "\(. / 1024 | r(1)) KiB" end;
    def ms: if . == null then "-" else (. * 1000 | r(3)) end;
    def pct: if . == null then "-" else ((. * 100 | round | tostring) + "%") end;
    .context as $c | ($c.ceilings // {}) as $k |
    "### `\($file)`", "",
    "Device: \($c.device.name // "-") (\($c.device.platform // "-"), driver \($c.device.driver // "-")); " +
      "host: \($c.host.cpu_model // "-"), \($c.host.cores // "-") cores, hwloc L3 \(($c.host.l3_total_bytes // 0) / 1048576 | r(0)) MiB; " +
      "tfbench \($c.tfbench_version // "-").", "",
    "| ceiling | value | set by |", "|---|---|---|",
    "| bandwidth read | \($k.bandwidth_read_gbps | r(1)) GB/s | \($k.bandwidth_read_source // "-") |",
    "| bandwidth read-write | \($k.bandwidth_gbps | r(1)) GB/s | \($k.bandwidth_source // "-") |",
    "| peak fp32 | \($k.peak_gflops_fp32 | r(1)) GFLOP/s | |",
    "| peak fp64 | \($k.peak_gflops_fp64 | r(1)) GFLOP/s | |",
    "| ridge fp32 (read-write) | \($k.ridge_fp32 | r(2)) FLOP/byte | |",
    "| ridge fp32 (read) | \($k.ridge_read_fp32 | r(2)) FLOP/byte | |",
    (if $k.ridge_fp32_swept then "| swept ridge fp32 | \($k.ridge_fp32_swept | r(2)) FLOP/byte | intensity suite |" else empty end),
    (($k.levels // [])[] | "| level \(.name) | \(.bandwidth_gbps | r(1)) GB/s | cache suite, \(.first_bytes | size) - \(.last_bytes | size) |"),
    "| out of cache | \($k.out_of_cache.rule // "-") | working sets of \($k.out_of_cache.working_set_bytes // 0 | size) |",
    "",
    "| benchmark | median ms | GFLOP/s | GB/s | of roof | samples | notes |", "|---|---:|---:|---:|---:|---:|---|",
    (.benchmarks[] |
      if .error_occurred then "| \(.name) | - | - | - | - | - | \(.error_message) |"
      else "| \(.name) | \(.time_median_s | ms) | \(.gflops | nz | r(2)) | \(.gbytes_per_second | nz | r(2)) | " +
           "\(if .roofline_fraction == null then "-" else (.roofline_fraction | pct) + (if .roof_kind == "read" then " r" else "" end) end) | " +
           "\(.sample_count // .iterations // "-") | " +
           ([if .verified then "verified" else "NOT verified" end,
             if .cache_resident then "cache-resident" else empty end,
             if .unstable then "unstable (\(.noise_percent | r(1))%)" else empty end] | join(", ")) + " |"
      end),
    ""' "$1"
}

summarize_files() {
  local f rel
  for f in "$@"; do
    rel="${f#"$here"/}"
    [ "$rel" = "$f" ] || rel="reports/measurements/$rel"
    summarize_one "$f" "$rel"
  done
}

# A machine's README.md: the text between the markers replaced by the summary of that machine's files, written to a
# temporary file beside it and renamed into place.
update_readme() {
  local machine="$1" readme="$1/README.md" summary tmp
  grep -q '<!-- summary:begin -->' "$readme" 2>/dev/null || return 0
  files=()
  collect "$machine"
  summary="$(mktemp)"
  tmp="$(mktemp "$machine/.README.md.XXXXXX")"
  summarize_files "${files[@]}" >"$summary"
  awk -v summary="$summary" '
    /<!-- summary:begin -->/ { print; while ((getline line < summary) > 0) print line; skipping = 1; next }
    /<!-- summary:end -->/ { skipping = 0 }
    !skipping' "$readme" >"$tmp"
  rm -f "$summary"
  chmod --reference="$readme" "$tmp"
  mv "$tmp" "$readme"
  echo "summarize.sh: updated $readme"
}

if [ "$update" = 1 ]; then
  for machine in "$here"/*/; do update_readme "${machine%/}"; done
  exit 0
fi
if [ $# -eq 0 ]; then collect "$here"; else for p in "$@"; do collect "$p"; done; fi
if [ ${#files[@]} -eq 0 ]; then
  echo "summarize.sh: no results files found" >&2
  exit 2
fi
summarize_files "${files[@]}"
