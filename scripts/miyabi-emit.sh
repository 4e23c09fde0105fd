#!/bin/sh
# miyabi-emit.sh: put an event on the miyabi bus with no node at all (what `miyabi emit` does; git
# hooks installed by `miyabi hooks install` call it).
#
#   miyabi-emit.sh [--id ID] [--source NAME] TYPE [KEY=VALUE...]
#
# TYPE is dotted lowercase words (git.push). Values are strings. The bus is $MIYABI_BUS, else
# $MIYABI_ROOT/.miyabi/bus, else the first .miyabi/bus found walking up from the current folder.
# The event is written to _events/tmp/, synced, renamed into _events/new/ and the folder synced,
# as src/bus/events.ts does; the controller takes it at once, or after the next `miyabi up`.
# Exit 0 once it is in new/; 2 for bad input; 1 when there is no bus or the disk fails.
set -u
umask 077
LC_ALL=C
export LC_ALL
prog=miyabi-emit.sh
nl='
'
tab='	'
cr=$(printf '\r')
tmpf=

die() {
  printf '%s: %s\n' "$prog" "$2" >&2
  exit "$1"
}
trap '[ -z "$tmpf" ] || rm -f -- "$tmpf"' EXIT

# esc VALUE: JSON string body of VALUE in $out (\ " newline tab CR escaped; other controls refused)
esc() {
  s=$1 out=
  while :; do
    case $s in
      *[\\\"$nl$tab$cr]*)
        pre=${s%%[\\\"$nl$tab$cr]*}
        rest=${s#"$pre"}
        c=${rest%"${rest#?}"}
        case $c in
          "$nl") c='\n' ;;
          "$tab") c='\t' ;;
          "$cr") c='\r' ;;
          *) c=\\$c ;;
        esac
        out=$out$pre$c
        s=${rest#?}
        ;;
      *) out=$out$s; break ;;
    esac
  done
  case $out in *[[:cntrl:]]*) die 2 "a value contains a control character; only newline, tab and CR can be sent" ;; esac
}

id= source=emit
while [ $# -gt 0 ]; do
  case $1 in
    --id) [ $# -ge 2 ] || die 2 '--id needs a value'; id=$2; shift 2 ;;
    --source) [ $# -ge 2 ] || die 2 '--source needs a name'; source=$2; shift 2 ;;
    -h | --help) printf 'usage: %s [--id ID] [--source NAME] TYPE [KEY=VALUE...]\n' "$prog"; exit 0 ;;
    --) shift; break ;;
    -*) die 2 "unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || die 2 'missing the event type (e.g. git.push)'
type=$1
shift
case $type in
  '' | .* | *. | *..* | *[!a-z0-9_.-]* | [!a-z]*) die 2 "\"$type\" is not an event type; write lowercase words (a-z 0-9 _ -) joined by dots, e.g. git.push" ;;
esac
case $source in '' | *[!a-z0-9_-]* | [!a-z]*) die 2 "source \"$source\" is not a name (a-z 0-9 _ -)" ;; esac

data= sep=
for kv do
  case $kv in [A-Za-z_]*=*) ;; *) die 2 "\"$kv\" is not key=value" ;; esac
  k=${kv%%=*}
  case $k in *[!A-Za-z0-9_.-]*) die 2 "key \"$k\" has a character other than A-Z a-z 0-9 _ . -" ;; esac
  esc "${kv#*=}"
  data="$data$sep\"$k\":\"$out\""
  sep=,
done

if [ -n "${MIYABI_BUS:-}" ]; then
  bus=$MIYABI_BUS
elif [ -n "${MIYABI_ROOT:-}" ]; then
  bus=$MIYABI_ROOT/.miyabi/bus
else
  d=${PWD:-$(pwd)}
  while [ ! -d "$d/.miyabi/bus" ]; do
    [ -n "$d" ] && [ "$d" != / ] || die 1 'no miyabi bus found here or in any parent folder (set MIYABI_BUS or MIYABI_ROOT, or run miyabi up once)'
    d=${d%/*}
  done
  bus=$d/.miyabi/bus
fi
box=$bus/_events
[ -d "$box/new" ] && [ -d "$box/tmp" ] || mkdir -p -- "$box/tmp" "$box/new" "$box/quarantine" || die 1 "cannot create $box"

# shellcheck disable=SC3028  # bash 5: seconds.microseconds with no fork; else date
e=${EPOCHREALTIME:-}
case $e in
  [1-9]?????????.??????) t=${e%.*}${e#*.}000 ;;
  *) t=$(date +%s%N) ;;
esac
case $t in [1-9]??????????????????) ;; *) t=$(date +%s)000000000 ;; esac
ms=${t%??????}

set -C
seq=0
while :; do
  s=00000$seq
  s=${s#"${s%??????}"}
  name=$t.$source.$s.$$
  if { true > "$box/tmp/$name"; } 2>/dev/null; then break; fi
  [ $seq -lt 64 ] || die 1 "cannot create a file in $box/tmp"
  seq=$((seq + 1))
done
set +C
tmpf=$box/tmp/$name
esc "${id:-$name}"
printf '{"miyabi-event":1,"id":"%s","type":"%s","ts":%s,"source":"%s","data":{%s}}\n' "$out" "$type" "$ms" "$source" "$data" >> "$tmpf" || die 1 "writing $tmpf failed"
sync -- "$tmpf" 2>/dev/null || true
mv -- "$tmpf" "$box/new/$name" || die 1 "moving $tmpf into $box/new failed"
tmpf=
sync -- "$box/new" 2>/dev/null || true
printf '%s\n' "${id:-$name}"
