#!/bin/bash
# bench/memory.sh [ENTRIES] [RUNS] - the memory store at scale.
#
# Builds a store of ENTRIES (default 100,000) generated entries of realistic
# lengths (a few lines to a few KB of notes and Rust code), importing them
# with `rwb /memory-import` (timed; goal < 10 s), then times, in one run and
# on the same file, `rwb --json /memory-search` in each mode (fulltext,
# vector, hybrid) against the plain sqlite3 CLI running the equivalent FTS5
# query (the same MATCH, join, expiry filter, rank order, snippet and
# LIMIT). Every timing is a whole process (start, open, query, print, exit).
# Prints p50/p95 per mode, the ratios to sqlite3 and the store's size.
# Goals: fulltext within 1.2x of sqlite3; hybrid p50 under 25 ms.
#
# BENCH_DIR=DIR keeps the corpus and the store there. RWB=path/to/rwb picks the binary; by default a Release build is made in
# build-bench/ (the vector scan is a tight loop: -O0 would measure the
# compiler, not the design).
set -euo pipefail
entries=${1:-100000}
runs=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${RWB:-}" ]; then
	cmake -S "$here" -B "$here/build-bench" -DCMAKE_BUILD_TYPE=Release -DRWB_WERROR=OFF >/dev/null
	make -C "$here/build-bench" -j2 rwb >/dev/null
	RWB=$here/build-bench/rwb
fi
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed (apt-get install sqlite3)"; exit 3; }
if [ -n "${BENCH_DIR:-}" ]; then
	# keep the store for a closer look (profiling); reuse it when it is there
	tmp=$BENCH_DIR
	mkdir -p "$tmp"
else
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
fi
db=$tmp/memory.db
export RWB_DB=$db HOME=$tmp
unset RWB_EMBED_CMD

# ---- the corpus: deterministic, realistic lengths ----
[ -s "$tmp/corpus.json" ] || awk -v n="$entries" 'BEGIN {
	srand(42);
	split("tokio runtime async await future task spawn channel bounded mpsc backpressure mutex arc rwlock " \
	      "lifetime borrow checker annotation reference slice vector hashmap btreemap iterator closure trait " \
	      "generic enum dispatch typestate builder newtype arena allocation bumpalo simd avx2 intrinsics " \
	      "unsafe pointer ffi wrapper safety invariant drop panic unwind error result option anyhow thiserror " \
	      "serde serialize deserialize json parser lexer token benchmark criterion profile flamegraph perf " \
	      "cache latency throughput allocation inline codegen lto release debug test proptest fuzz miri " \
	      "clippy lint workspace crate module visibility macro derive attribute const static atomic ordering " \
	      "acquire release relaxed rayon thread pool queue scheduler waker poll pin unpin send sync", v, " ");
	nv = length(v);
	split("the a to of and in is for with when that it on by use this be not or as keep avoid prefer", s, " ");
	ns = length(s);
	# a vocabulary of 20,000 other words with a Zipf-like skew: notes use
	# many words, a few of them often (a tiny vocabulary would make every
	# query match a third of the store)
	split("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go ka ke ki ko la le li lo lu " \
	      "ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi", syl, " ");
	nsyl = length(syl);
	nw = 20000;
	for (k = 1; k <= nw; k++) {
		x = k; w = "";
		do { w = w syl[1 + x % nsyl]; x = int(x / nsyl); } while (x > 0);
		voc[k] = w "r";
	}
	split("rust-systems-developer perf-team infra agents notes", nsp, " ");
	split("tokio-app parser cli-tool storage-engine web-api game-engine embedded kernel-module", prj, " ");
	split("async-patterns optimisation unsafe-review error-handling ffi testing design-patterns benchmarks", typ, " ");
	split("short_term mid_term long_term long_term", lay, " ");
	printf "{\"format\":\"rwb-memory\",\"version\":1,\"entries\":[\n";
	for (i = 1; i <= n; i++) {
		p = prj[1 + int(rand() * 8)]; t = typ[1 + int(rand() * 8)];
		key = nsp[1 + int(rand() * 5)] "/" p "/" t "-" i;
		# lengths: mostly short notes, some long write-ups (log-normal-ish)
		words = 20 + int(rand() * rand() * rand() * 600);
		val = "";
		for (w = 0; w < words; w++) {
			r = rand();
			if (r < 0.2) val = val v[1 + int(rand() * nv)] " ";
			else if (r < 0.55) val = val s[1 + int(rand() * ns)] " ";
			else val = val voc[1 + int(nw * rand() ^ 3)] " ";
			if (w % 14 == 13) val = val "\\n";
		}
		if (rand() < 0.3)
			val = val "\\n```rust\\nfn " v[1 + int(rand() * nv)] "_" v[1 + int(rand() * nv)] "(x: &mut Vec<u64>) -> Option<u64> { x.pop() }\\n```\\n";
		printf "%s{\"key\":\"%s\",\"value\":\"%s\",\"layer\":\"%s\",\"category\":\"%s\",\"project\":\"%s\",\"tags\":[\"bench\"]}\n",
		       (i > 1 ? "," : ""), key, val, lay[1 + int(rand() * 4)], t, p;
	}
	printf "]}\n";
}' > "$tmp/corpus.json"
echo "corpus: $entries entries, $(( $(stat -c %s "$tmp/corpus.json") / 1024 / 1024 )) MB of JSON"

rm -f "$db" "$db-wal" "$db-shm"
t0=$(date +%s%N)
"$RWB" --json /memory-import --file "$tmp/corpus.json" > "$tmp/import.json" 2>/dev/null
t1=$(date +%s%N)
import_ms=$(( (t1 - t0) / 1000000 ))
echo "import: $(cat "$tmp/import.json") in $import_ms ms (goal < 10000 ms)"
"$RWB" /memory-search --query warmup --mode hybrid >/dev/null 2>&1 || true
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
size_kb=$(( $(stat -c %s "$db") / 1024 ))
echo "store: $(( size_kb / 1024 )) MB ($(sqlite3 "$db" 'SELECT count(*) FROM memory_entries') entries)"

# queries: words, prefixes, phrases, two-word and typo queries
queries=("tokio runtime" "lifetime annotation" "backpressure" "simd avx2 intrinsics" "mutex" "arena*"
	 "\"borrow checker\"" "flamegraph perf" "unsafe pointer safety" "serde json parser" "waker poll pin"
	 "criterion benchmark" "rayon thread pool" "ffi wrapper" "atomic ordering acquire"
	 "lifetme anotation" "schedulr" "typestate builder" "thiserror anyhow" "miri fuzz")

# the FTS5 text rwb builds from a query (quoted terms, phrases kept, a trailing * kept)
fts_text() {
	local q=$1 out="" w
	if [[ $q == \"*\" ]]; then printf '%s' "$q"; return; fi
	for w in $q; do
		if [[ $w == *\* ]]; then out+="\"${w%\*}\"* "; else out+="\"$w\" "; fi
	done
	printf '%s' "${out% }"
}

time_ms() { # command...: wall time of one process in ms (3 decimals)
	local s e
	s=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 || true
	e=$EPOCHREALTIME
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }'
}
pct() { sort -g | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.5); if(i<1)i=1; if(i>NR)i=NR; printf "%.1f", a[i]}'; }

now_ms=$(( $(date +%s) * 1000 ))
declare -A times engine
for r in $(seq "$runs"); do
	for q in "${queries[@]}"; do
		f=$(fts_text "$q")
		f=${f//\'/\'\'}
		sql="SELECT e.key, snippet(memory_fts, -1, '[', ']', '…', 12) FROM memory_fts f JOIN memory_entries e ON e.id = f.rowid WHERE memory_fts MATCH '$f' AND (e.expires_at IS NULL OR e.expires_at > $now_ms) ORDER BY f.rank LIMIT 10;"
		times[sqlite3]+="$(time_ms sqlite3 "$db" "$sql")"$'\n'
		# the query alone inside sqlite3 (.timer), to compare with rwb's took_ms
		engine[sqlite3]+="$(printf '.timer on\n%s\n' "$sql" | sqlite3 "$db" | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | awk '{ printf "%.3f", $1 * 1000 }')"$'\n'
		for m in fulltext vector hybrid; do
			s0=$EPOCHREALTIME
			out=$("$RWB" --json /memory-search --query "$q" --mode "$m" 2>/dev/null || true)
			s1=$EPOCHREALTIME
			times[$m]+="$(awk -v s="$s0" -v e="$s1" 'BEGIN { printf "%.3f", (e - s) * 1000 }')"$'\n'
			engine[$m]+="$(printf '%s' "$out" | sed -n 's/.*"took_ms":\([0-9.e+-]*\).*/\1/p')"$'\n'
		done
	done
done

printf '\nwhole process (start, open the store, search, print, exit):\n'
printf '%-10s %8s %8s %10s\n' mode "p50 ms" "p95 ms" "p50/sqlite3"
s50=$(printf '%s' "${times[sqlite3]}" | pct 50)
for m in sqlite3 fulltext vector hybrid; do
	p50=$(printf '%s' "${times[$m]}" | pct 50)
	p95=$(printf '%s' "${times[$m]}" | pct 95)
	printf '%-10s %8s %8s %10s\n' "$m" "$p50" "$p95" "$(awk -v a="$p50" -v b="$s50" 'BEGIN { printf "%.2fx", a / b }')"
done
printf '\nthe search alone (rwb: took_ms; sqlite3: .timer of the statement):\n'
printf '%-10s %8s %8s %10s\n' mode "p50 ms" "p95 ms" "p50/sqlite3"
s50=$(printf '%s' "${engine[sqlite3]}" | pct 50)
for m in sqlite3 fulltext vector hybrid; do
	p50=$(printf '%s' "${engine[$m]}" | pct 50)
	p95=$(printf '%s' "${engine[$m]}" | pct 95)
	printf '%-10s %8s %8s %10s\n' "$m" "$p50" "$p95" "$(awk -v a="$p50" -v b="$s50" 'BEGIN { printf "%.2fx", a / b }')"
done
printf '\nrwb start-up without a search (rwb --version / a store command that finds nothing):'
v=(); h=()
for _ in 1 2 3 4 5 6 7 8 9; do v+=("$(time_ms "$RWB" --version)"); h+=("$(time_ms "$RWB" /memory-history --key none/such/key)"); done
printf ' %s / %s ms p50\n' "$(printf '%s\n' "${v[@]}" | pct 50)" "$(printf '%s\n' "${h[@]}" | pct 50)"
printf 'load average while measuring: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "goals: fulltext <= 1.2x sqlite3; hybrid p50 < 25 ms; import < 10000 ms ($import_ms ms)"
# a sanity line: rwb and sqlite3 agree on the best full-text hit
q="tokio runtime"
a=$("$RWB" --json /memory-search --query "$q" --mode fulltext --limit 1 2>/dev/null | sed 's/.*"key":"\([^"]*\)".*/\1/')
b=$(sqlite3 "$db" "SELECT e.key FROM memory_fts f JOIN memory_entries e ON e.id = f.rowid WHERE memory_fts MATCH '$(fts_text "$q")' AND (e.expires_at IS NULL OR e.expires_at > $now_ms) ORDER BY f.rank LIMIT 1;")
echo "best hit for '$q': rwb $a, sqlite3 $b $([ "$a" = "$b" ] && echo '(same)' || echo '(DIFFERENT)')"
