#!/usr/bin/env bash
# tests/layers.sh [ROOT]: includes flow one way (README.md, "A short tour").  The layers,
# lowest first, are the folders of sim/:
#
#   base < config < model < experiment < analysis < output < figures < cli
#
# A file of sim/LAYER/ (or a public header include/coop_*.h, whose layer is the
# folder of its .c file) may include the headers of its own layer and of the
# layers below it, never one of a layer above.  A public header's layer: the
# folder of sim/*/NAME.c or sim/*/NAME_*.c for include/coop_NAME.h, the last
# _PART of NAME dropped until one matches (coop_output_impl.h -> output.c); a
# header without a .c of its own is placed in the table below.  A private
# header sim/LAYER/x.h is of LAYER.  Prints one line per violation, naming the
# file, the include and both layers, and exits 1; exits 0 when there is none.
# tests/test_layers.c runs it on the tree and on a copy with a bad include.
set -euo pipefail
root=${1:-.}
cd "$root"

layers=(base config model experiment analysis output figures cli)

# Headers without a .c file of their name: their layer, with the reason.
declare -A placed=(
    [coop_version.h]=base   # the version string, a constant that every layer may print
)

# Justified exceptions, "FILE INCLUDE" -> reason.  None so far: keep it so.
declare -A allowed=()

rank() {
    local i
    for i in "${!layers[@]}"; do
        [ "${layers[$i]}" = "$1" ] && { echo "$i"; return; }
    done
    echo -1
}

# The layer of public header include/$1 (coop_NAME.h); empty when it has none.
header_layer() {
    local h=$1 name dirs
    if [ -n "${placed[$h]:-}" ]; then
        echo "${placed[$h]}"
        return
    fi
    name=${h#coop_}
    name=${name%.h}
    while [ -n "$name" ]; do
        dirs=$(ls sim/*/"$name".c sim/*/"$name"_*.c 2>/dev/null | xargs -r -n1 dirname | sort -u)
        if [ -n "$dirs" ]; then
            if [ "$(echo "$dirs" | wc -l)" -ne 1 ]; then
                echo "?ambiguous: $(echo "$dirs" | tr '\n' ' ')"
                return
            fi
            basename "$dirs"
            return
        fi
        [ "${name%_*}" = "$name" ] && break
        name=${name%_*}
    done
    echo ""
}

declare -A hlayer=()
bad=0
for f in include/coop_*.h; do
    h=$(basename "$f")
    l=$(header_layer "$h")
    if [ -z "$l" ] || [ "${l#\?}" != "$l" ] || [ "$(rank "$l")" -lt 0 ]; then
        echo "tests/layers.sh: include/$h: no layer (no sim/*/${h#coop_}.c; place it in" \
             "the script's table) ${l#\?}"
        bad=1
        continue
    fi
    hlayer[$h]=$l
done

# The layer of the file that `file` includes as "inc"; empty when not found.
include_layer() {
    local file=$1 inc=$2 dir
    dir=$(dirname "$file")
    if [ -f "$dir/$inc" ] && [ "${dir#sim/}" != "$dir" ]; then
        local p
        p=$(cd "$dir" && cd "$(dirname "$inc")" && pwd)
        basename "$p"
    elif [ -n "${hlayer[$inc]:-}" ]; then
        echo "${hlayer[$inc]}"
    else
        echo ""
    fi
}

for file in include/coop_*.h sim/*/*.[ch]; do
    if [ "${file#include/}" != "$file" ]; then
        own=${hlayer[$(basename "$file")]:-}
        [ -n "$own" ] || continue
    else
        own=$(basename "$(dirname "$file")")
        if [ "$(rank "$own")" -lt 0 ]; then
            echo "tests/layers.sh: $file: sim/$own/ is not a layer (${layers[*]})"
            bad=1
            continue
        fi
    fi
    while IFS= read -r inc; do
        l=$(include_layer "$file" "$inc")
        if [ -z "$l" ]; then
            echo "tests/layers.sh: $file includes \"$inc\", which is neither in include/ nor" \
                 "beside it"
            bad=1
        elif [ "$(rank "$l")" -gt "$(rank "$own")" ] && [ -z "${allowed["$file $inc"]:-}" ]; then
            echo "tests/layers.sh: $file ($own layer) includes $inc ($l layer, above it)"
            bad=1
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done
exit $bad
