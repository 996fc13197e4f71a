#!/bin/bash
# tests/mutate/run.sh: mutation testing of sim/ (make mutate).
#
# Each line of the mutant list (default tests/mutate/mutants.txt) is one small
# change to one source file and the test suites that should notice it:
#     FILE | ORIGINAL TEXT | REPLACEMENT | SUITES [| NOTE]
# Fields are separated by " | " (a space on each side; "\|" is a literal "|").  ORIGINAL must occur
# exactly once in FILE (add context to make it unique; "{NL}" stands for a line
# break, so a mutant can name the line before it); otherwise the mutant is "n/a"
# and is reported, not counted, which keeps the list robust to line-number drift.
# SUITES are test binaries, each optionally with a Criterion filter:
# "test_model:model/noise*".  A NOTE starting "pending" marks a mutant killed
# by tests on another branch: it is run and reported but left out of the score.
# Lines starting with # and blank lines are ignored.
#
# The repository is never modified: its files (tracked and untracked, not
# ignored) are copied to $MUTATE_DIR/tree (default build/mutate/tree), built
# there once, and each mutant is applied to that copy, rebuilt (the mutated
# object, the program and the listed suites), run, and reverted, also on
# Ctrl-C.  A mutant is "killed" when a suite fails, crashes or runs out of
# time (MUTATE_TIMEOUT seconds, default 300), "survived" when all pass, and
# "stillborn" (not counted) when it does not compile.  Before the mutants, every
# listed suite must pass on the unmutated copy.
#
# Environment: MUTATE_DIR, MUTATE_TIMEOUT, MUTATE_JOBS (Criterion --jobs,
# default 1), MUTATE_ONLY (a grep -E pattern: run only the matching lines),
# MUTATE_MIN (least score in percent for exit status 0, default 95),
# MUTATE_DRY=1 (only check that every mutant applies: nothing is built or run).
# Output: one line per mutant, then the score and the survivors; the same in
# $MUTATE_DIR/report.txt.
set -u
set -f  # the suite filters hold glob characters

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIST=${1:-$ROOT/tests/mutate/mutants.txt}
WORK=${MUTATE_DIR:-$ROOT/build/mutate}
TIMEOUT=${MUTATE_TIMEOUT:-300}
JOBS=${MUTATE_JOBS:-1}
ONLY=${MUTATE_ONLY:-}
MIN=${MUTATE_MIN:-95}
DRY=${MUTATE_DRY:-}
TREE=$WORK/tree
REPORT=$WORK/report.txt
LOG=$WORK/log
MAKE=${MAKE:-make}

[ -f "$LIST" ] || { echo "mutate: $LIST: no such mutant list" >&2; exit 2; }
case $WORK in /*) ;; *) WORK=$ROOT/$WORK; TREE=$WORK/tree; REPORT=$WORK/report.txt; LOG=$WORK/log;; esac
mkdir -p "$WORK" "$LOG"

# The copy: sources replaced, build outputs kept.  A run that died with a mutant
# applied (the "dirty" marker) may have left a mutated object behind: drop them.
if [ -e "$WORK/dirty" ]; then
    rm -rf "$TREE/build"
    rm -f "$WORK/dirty"
fi
mkdir -p "$TREE"
find "$TREE" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$TREE" -xf - \
    || { echo "mutate: cannot copy the repository to $TREE" >&2; exit 2; }

# The object of source sim/LAYER/NAME.c, relative to build/obj: LAYER/NAME.o.
obj_of() {
    local f=${1#sim/}
    echo "${f%.c}.o"
}

APPLIED=""  # "FILE" while a mutant is applied
restore() {
    if [ -n "$APPLIED" ]; then
        cp "$WORK/pristine.src" "$TREE/$APPLIED"
        if [ -f "$WORK/pristine.o" ]; then
            cp "$WORK/pristine.o" "$TREE/build/obj/$(obj_of "$APPLIED")"
        else
            rm -f "$TREE/build/obj/$(obj_of "$APPLIED")"
        fi
        APPLIED=""
        rm -f "$WORK/dirty"
    fi
}
trap 'restore' EXIT
trap 'restore; echo "mutate: interrupted" >&2; exit 130' INT TERM

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

# Replaces the single occurrence of $2 by $3 in file $1 (both with "{NL}" for
# line breaks); exit status 0 when done, 3 when absent, 4 when not unique.
mutate_file() {
    ORIG=$2 REPL=$3 awk '
        BEGIN { o = ENVIRON["ORIG"]; r = ENVIRON["REPL"]; gsub(/\{NL\}/, "\n", o); gsub(/\{NL\}/, "\n", r) }
        { text = text $0 "\n" }
        END {
            n = 0; rest = text
            while ((i = index(rest, o)) > 0) { n++; rest = substr(rest, i + length(o)) }
            if (n == 0) exit 3
            if (n > 1) exit 4
            i = index(text, o)
            printf "%s%s%s", substr(text, 1, i - 1), r, substr(text, i + length(o)) > (FILENAME ".mut")
        }' "$1" && mv "$1.mut" "$1"
}

# Runs suite spec $1 ("test_x" or "test_x:filter") in the copy; its status.
run_suite() {
    local bin=${1%%:*} filter=""
    case $1 in *:*) filter=${1#*:};; esac
    (cd "$TREE" && COOPSIM=build/coopsim COOPSIM_MPI= timeout "$TIMEOUT" build/tests/$bin \
        --jobs "$JOBS" ${filter:+--filter "$filter"})
}

targets() {  # make targets for suite specs "$@"
    local s
    printf '%s' "build/coopsim"
    for s in "$@"; do printf ' build/tests/%s' "${s%%:*}"; done
}

# Parse the list once: FILE, ORIG, REPL, SUITES, NOTE per mutant.
n=0
declare -a M_FILE M_ORIG M_REPL M_SUITES M_NOTE M_LINE
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case $(trim "$line") in ''|'#'*) continue;; esac
    if [ -n "$ONLY" ] && ! printf '%s\n' "$line" | grep -Eq -- "$ONLY"; then
        continue
    fi
    rest=${line//\\|/$'\001'}  # \| is a literal |, not a separator
    f=(); while :; do
        case $rest in
            *" | "*) x=$(trim "${rest%%" | "*}"); rest=${rest#*" | "};;
            *) x=$(trim "$rest"); rest="";;
        esac
        f+=("${x//$'\001'/|}")
        [ -n "$rest" ] || break
    done
    if [ ${#f[@]} -lt 4 ]; then
        echo "mutate: $LIST:$lineno: expected FILE | ORIGINAL | REPLACEMENT | SUITES [| NOTE]" >&2
        exit 2
    fi
    M_FILE[n]=${f[0]} M_ORIG[n]=${f[1]} M_REPL[n]=${f[2]} M_SUITES[n]=${f[3]}
    M_NOTE[n]=${f[4]:-} M_LINE[n]=$lineno
    n=$((n + 1))
done <"$LIST"
[ "$n" -gt 0 ] || { echo "mutate: no mutants selected" >&2; exit 2; }

if [ -n "$DRY" ]; then
    bad=0
    for ((k = 0; k < n; k++)); do
        file=${M_FILE[k]}
        if [ ! -f "$TREE/$file" ]; then rc=9; else
            cp "$TREE/$file" "$WORK/dry.src"
            mutate_file "$WORK/dry.src" "${M_ORIG[k]}" "${M_REPL[k]}"; rc=$?
        fi
        case $rc in 0) st=ok;; 3) st="n/a (original text absent)";; 4) st="n/a (not unique)";;
                    *) st="n/a (no file)";; esac
        [ $rc -eq 0 ] || bad=$((bad + 1))
        echo "$(basename "$LIST"):${M_LINE[k]}: $st: $file"
    done
    rm -f "$WORK/dry.src"
    echo "mutate: $n mutants, $bad not applicable"
    exit 0
fi

# Baseline: the unmutated copy builds and every listed suite passes.
all_suites=$(printf '%s\n' "${M_SUITES[@]}" | tr ' ' '\n' | grep -v '^$' | sort -u)
echo "mutate: building $TREE and running the $(echo "$all_suites" | wc -l) suites on unmutated code"
# shellcheck disable=SC2046
if ! $MAKE -C "$TREE" -j2 BUILD=build $(targets $all_suites) >"$LOG/baseline.build" 2>&1; then
    echo "mutate: the unmutated copy does not build: see $LOG/baseline.build" >&2
    exit 2
fi
for s in $all_suites; do
    if ! run_suite "$s" >"$LOG/baseline.$(echo "$s" | tr -c 'A-Za-z0-9_.\n' '_')" 2>&1; then
        echo "mutate: suite $s fails without any mutant: see $LOG/" >&2
        exit 2
    fi
done

: >"$REPORT"
killed=0 survived=0 na=0 still=0 pending=0
survivors=""
for ((k = 0; k < n; k++)); do
    file=${M_FILE[k]} id="$(basename "$LIST"):${M_LINE[k]}"
    what="$file: '${M_ORIG[k]}' -> '${M_REPL[k]}'"
    status=""
    if [ ! -f "$TREE/$file" ]; then
        status="n/a (no file)"
    else
        cp "$TREE/$file" "$WORK/pristine.src"
        obj="$TREE/build/obj/$(obj_of "$file")"
        rm -f "$WORK/pristine.o"
        [ -f "$obj" ] && cp "$obj" "$WORK/pristine.o"
        : >"$WORK/dirty"
        APPLIED=$file
        mutate_file "$TREE/$file" "${M_ORIG[k]}" "${M_REPL[k]}"
        rc=$?
        if [ $rc -eq 3 ]; then status="n/a (original text absent)"
        elif [ $rc -eq 4 ]; then status="n/a (original text not unique)"
        elif [ $rc -ne 0 ]; then status="n/a (cannot rewrite $file)"
        else
            log="$LOG/mutant.${M_LINE[k]}"
            # shellcheck disable=SC2046
            if ! $MAKE -C "$TREE" -j2 BUILD=build $(targets ${M_SUITES[k]}) >"$log.build" 2>&1; then
                status="stillborn (does not compile)"
            else
                status="survived"
                for s in ${M_SUITES[k]}; do
                    run_suite "$s" >"$log.$(echo "$s" | tr -c 'A-Za-z0-9_.\n' '_')" 2>&1
                    rc=$?
                    if [ $rc -eq 124 ]; then status="killed by $s (timeout)"; break
                    elif [ $rc -ne 0 ]; then status="killed by $s"; break; fi
                done
            fi
        fi
        restore
    fi
    pend=0
    case ${M_NOTE[k]} in pending*) pend=1;; esac
    case $status in
        killed*) [ $pend -eq 1 ] && pending=$((pending + 1)) || killed=$((killed + 1));;
        survived) if [ $pend -eq 1 ]; then pending=$((pending + 1))
                  else survived=$((survived + 1)); survivors="$survivors  $id $what"$'\n'; fi;;
        n/a*) na=$((na + 1));;
        stillborn*) still=$((still + 1));;
    esac
    line="$id: $status: $what${M_NOTE[k]:+ [${M_NOTE[k]}]}"
    echo "$line" | tee -a "$REPORT"
done

total=$((killed + survived))
pct=0
[ $total -gt 0 ] && pct=$((100 * killed / total))
{
    echo
    echo "mutation score: $killed killed of $total ($pct%); $na n/a, $still stillborn, $pending pending (not scored)"
    if [ -n "$survivors" ]; then
        echo "survivors:"
        printf '%s' "$survivors"
    fi
} | tee -a "$REPORT"
[ $pct -ge "$MIN" ]
