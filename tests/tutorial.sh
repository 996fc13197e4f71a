#!/usr/bin/env bash
# tests/tutorial.sh [FILE]: runs every command of docs/TUTORIAL.md (or FILE), in order,
# in a scratch copy of the repository, so that the tutorial cannot rot.  Run from
# anywhere; tests/test_tutorial.c runs it in `make test`.
#
# What the Markdown means (each fence's info string; see the comment at the top of
# docs/TUTORIAL.md):
#   ```sh         run with bash (-e, -o pipefail) in the scratch copy's root
#   ```r          run with Rscript;  ```python  run with python3 (one that has pandas)
#   ```cfg PATH   append the block to PATH (relative to the root); the first block
#                 for a PATH in the file creates it.  ```cfg without a PATH: shown only
#   ```text       output of the last run block: each non-blank line (trailing blanks
#                 ignored; a line "..." stands for lines left out) must appear in that
#                 output, in this order, as a whole line (several text blocks after
#                 one run block quote its output in order)
#   <!-- expect: TEXT -->   TEXT must appear somewhere in the last run block's output
#   <!-- status: N -->      the last run block must exit with status N (default 0)
# Any other fence (```text before any run block, ``` without a word) is shown only.
#
# The first failure stops the run: "FILE:LINE: what failed" (LINE: the line of the
# fence in FILE) and the end of the block's output; exit status 1.  The scratch copy
# holds the tree without .git, results/ and build/, plus build/coopsim (or $COOPSIM)
# and build/obj (with their times, so `make` there has nothing to do); it is removed
# at the end unless TUTORIAL_KEEP=1, which also keeps each block's output
# (blocks/N.out beside it): the way to refresh a quoted output.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
doc=${1:-$root/docs/TUTORIAL.md}
[ -f "$doc" ] || { echo "tutorial.sh: $doc: no such file" >&2; exit 2; }
doc=$(cd "$(dirname "$doc")" && pwd)/$(basename "$doc")
shown=${doc#"$root"/}

work=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-tutorial-XXXXXX")
scratch=$work/repo
blocks=$work/blocks
mkdir -p "$scratch" "$blocks"
if [ "${TUTORIAL_KEEP:-0}" = 1 ]; then
    echo "tutorial.sh: scratch copy kept in $scratch" >&2
else
    trap 'rm -rf "$work"' EXIT
fi

# The scratch copy.
tar -C "$root" --anchored --exclude=./.git --exclude=./results --exclude=./build -cf - . |
    tar -C "$scratch" -xf - || { echo "tutorial.sh: cannot copy $root" >&2; exit 1; }
mkdir -p "$scratch/results" "$scratch/build"
[ -f "$root/results/README.md" ] && cp -p "$root/results/README.md" "$scratch/results/"
for b in coopsim obj; do
    [ -e "$root/build/$b" ] && cp -a "$root/build/$b" "$scratch/build/"
done
# The program under test, when COOPSIM names one (make test's; make sanitize's
# build/asan/coopsim), stands in for build/coopsim, newer than the objects.
if [ -n "${COOPSIM:-}" ] && [ -x "$COOPSIM" ]; then
    cp "$COOPSIM" "$scratch/build/coopsim" && touch "$scratch/build/coopsim"
fi

# Split the document: run block N is $blocks/N.{kind,line,code}; its quoted output
# $blocks/N.text, its expectations $blocks/N.expect, its exit status $blocks/N.status
# (each with the document line that states it: "LINE<TAB>...").
awk -v dir="$blocks" '
function flush() { if (out != "") close(out); out = "" }
/^```/ && !infence {
    infence = 1; info = substr($0, 4); split(info, w, " "); kind = w[1]; arg = w[2]
    out = ""
    if (kind == "sh" || kind == "r" || kind == "python" || (kind == "cfg" && arg != "")) {
        n++
        printf "%s\n", (kind == "cfg" ? "cfg " arg : kind) > (dir "/" n ".kind"); close(dir "/" n ".kind")
        printf "%d\n", NR > (dir "/" n ".line"); close(dir "/" n ".line")
        out = dir "/" n ".code"; printf "" > out
        if (kind != "cfg") last = n
    } else if (kind == "text" && last > 0) {
        out = dir "/" last ".text"
        textline = NR
    }
    next
}
/^```/ && infence { infence = 0; flush(); next }
infence && out != "" {
    if (out ~ /\.text$/) printf "%d\t%s\n", textline, $0 >> out
    else print >> out
    next
}
!infence && last > 0 && match($0, /<!-- expect: .* -->/) {
    s = substr($0, RSTART + 13, RLENGTH - 17)
    printf "%d\t%s\n", NR, s >> (dir "/" last ".expect"); close(dir "/" last ".expect")
}
!infence && last > 0 && match($0, /<!-- status: [0-9]+ -->/) {
    s = substr($0, RSTART + 13, RLENGTH - 17)
    printf "%d\t%s\n", NR, s > (dir "/" last ".status"); close(dir "/" last ".status")
}
END { if (infence) { printf "unterminated fence\n" > "/dev/stderr"; exit 1 } }
' "$doc" || { echo "$shown: cannot split the document" >&2; exit 1; }

# A python3 that has pandas (Debian's, when another one comes first on PATH).
python=python3
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import pandas' >/dev/null 2>&1; then python=$p; break; fi
done

fail() { # LINE MESSAGE [OUTPUT]
    echo "$shown:$1: $2" >&2
    if [ -n "${3:-}" ] && [ -s "$3" ]; then
        echo "---- the block's output (last 30 lines):" >&2
        tail -n 30 "$3" >&2
    fi
    exit 1
}

# Checks the quoted output ($1: LINE<TAB>text lines)
# against the real one ($2): every line, in order, as a whole line.
check_text() {
    awk -F '\t' '
    NR == FNR { sub(/[ \t\r]+$/, ""); got[++g] = $0; next }
    {
        line = $1; t = substr($0, length($1) + 2); sub(/[ \t\r]+$/, "", t)
        if (t == "" || t == "...") next
        while (i < g && got[i + 1] != t) i++
        if (i >= g) { printf "%s\t%s\n", line, t; exit 1 }
        i++
    }' "$2" "$1"
}

# The blocks run as in a reader's shell: not as part of an outer make (make test's
# MAKEFLAGS would carry its jobserver and variables, such as make sanitize's BUILD,
# into the tutorial's `make`).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
n=$(ls "$blocks" | grep -c '\.kind$')
declare -A created   # the cfg files written so far
cd "$scratch" || exit 1
for ((i = 1; i <= n; i++)); do
    kind=$(cat "$blocks/$i.kind")
    line=$(cat "$blocks/$i.line")
    code=$blocks/$i.code
    out=$blocks/$i.out
    case $kind in
        cfg\ *)
            path=${kind#cfg }
            mkdir -p "$(dirname "$path")"
            [ -n "${created[$path]:-}" ] || : > "$path"
            created[$path]=1
            cat "$code" >> "$path"
            continue;;
        sh) bash -e -o pipefail "$code" > "$out" 2>&1;;
        r) command -v Rscript >/dev/null 2>&1 ||
               fail "$line" "Rscript not found (make deps installs r-base-core)"
           Rscript "$code" > "$out" 2>&1;;
        python) "$python" "$code" > "$out" 2>&1;;
    esac
    status=$?
    want=0
    [ -f "$blocks/$i.status" ] && want=$(cut -f2 "$blocks/$i.status")
    [ "$status" = "$want" ] ||
        fail "$line" "the $kind block exited with status $status, not $want" "$out"
    if [ -f "$blocks/$i.text" ]; then
        miss=$(check_text "$blocks/$i.text" "$out") ||
            fail "${miss%%$'\t'*}" "quoted output not in the output of the block at line $line (in this order): ${miss#*$'\t'}" "$out"
    fi
    if [ -f "$blocks/$i.expect" ]; then
        while IFS=$'\t' read -r at want_text; do
            grep -qF -- "$want_text" "$out" ||
                fail "$at" "expected text not in the output of the block at line $line: $want_text" "$out"
        done < "$blocks/$i.expect"
    fi
done
echo "tutorial.sh: $shown: $n blocks ran and their quoted output matched ($SECONDS s)"
