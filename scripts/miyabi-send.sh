#!/bin/sh
# miyabi-send.sh: put a message on the miyabi bus with no node at all (docs/bus-format.md).
#
#   miyabi-send.sh [-f FROM] [-p low|normal|high] [-r|--raw] [--now] [-i] TO [TEXT...]
#
# TEXT is the arguments joined by single spaces; with none, standard input (trailing newlines
# removed). Options go before TO; everything after TO is text, even when it starts with "-".
# FROM defaults to $MIYABI_AGENT, else "shell". The bus is $MIYABI_BUS, else
# $MIYABI_ROOT/.miyabi/bus, else the first .miyabi/bus found walking up from the current folder.
# Limits: MIYABI_BUS_MAX_BYTES (default 65536), MIYABI_BUS_INBOX_CAP (default: the layout's
# inbox_cap, kept in <bus>/<to>/cap by the controller, else 10000).
#
# Exit 0 only once the message is in new/ and synced; 2 for bad input or an unknown recipient
# (the known ones are listed); 1 for a full inbox or an I/O failure (nothing is left behind).
#
# Durability: plain sh has no fsync, so this uses `sync FILE` (coreutils 8.24 or later fsyncs just
# that file or folder): the tmp file is synced before the rename, and new/ after it, as
# RELIABILITY.md asks; the rename itself is atomic. Cost: about four small processes per message
# (date, sync, mv, sync; bash 5 needs no date), a few milliseconds.
# shellcheck disable=SC2015,SC2317  # `a && b || die` is meant; cleanup runs from the EXIT trap
set -u
umask 077
LC_ALL=C
export LC_ALL
prog=miyabi-send.sh
nl='
'
tab='	'
tmpf=
newf=

usage() {
  printf 'usage: %s [-f FROM] [-p low|normal|high] [-r|--raw] [--now] [-i] TO [TEXT...]\n' "$prog"
}

# die STATUS MESSAGE [HINT]
die() {
  printf '%s: %s\n' "$prog" "$2" >&2
  [ $# -lt 3 ] || printf '  hint: %s\n' "$3" >&2
  exit "$1"
}

cleanup() {
  [ -z "$tmpf" ] || rm -f -- "$tmpf"
  [ -z "$newf" ] || rm -f -- "$newf"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

failpoint() {
  case ",${MIYABI_FAILPOINT:-}," in *",bus.$1:exit,"*) trap - EXIT; exit 99 ;; esac
}

# check_name ROLE VALUE: the NAME_PATTERN of src/core/names.ts, so no name leaves the bus folder.
check_name() {
  allowed='allowed: a lowercase letter, then up to 31 of a-z 0-9 _ - (e.g. "agent-1")'
  case $2 in
    '') die 2 "$1 \"\" is empty" ;;
    *[!a-z0-9_-]*) die 2 "$1 \"$2\" contains a character other than a-z 0-9 _ -; $allowed" ;;
    [!a-z]*) die 2 "$1 \"$2\" must start with a lowercase letter; $allowed" ;;
  esac
  [ ${#2} -le 32 ] || die 2 "$1 \"$2\" is ${#2} characters long (at most 32)"
}

positive() { # NAME VALUE DEFAULT
  case $2 in
    '') eval "$1=\$3" ;;
    [1-9]*) case $2 in *[!0-9]*) die 2 "$1=\"$2\" is not a positive whole number" ;; esac; eval "$1=\$2" ;;
    *) die 2 "$1=\"$2\" is not a positive whole number" ;;
  esac
}

is_time() {
  case $1 in [1-9]??????????????????) case $1 in *[!0-9]*) return 1 ;; esac; return 0 ;; esac
  return 1
}

# line_of PREFIX: the line number of the byte after PREFIX
line_of() {
  line=1 rest=$1
  while :; do
    case $rest in *"$nl"*) rest=${rest#*"$nl"} line=$((line + 1)) ;; *) break ;; esac
  done
}

control_hint='a terminal would act on it instead of showing it; remove it (for CRLF text: tr -d "\r"), or pass --raw to send it anyway'

# Slow path, only for text with something besides printable ASCII, LF and TAB.
check_text_slow() {
  bad=$(printf '%s' "$text" | tr -d '\n\t\040-\176\200-\377')
  if [ -n "$bad" ]; then
    c=${bad%"${bad#?}"}
    pre=${text%%"$c"*}
    line_of "$pre"
    code=$(printf '%d' "'$c")
    if [ "$code" -eq 127 ]; then
      what='DEL (0x7f)'
    else
      set -- NUL SOH STX ETX EOT ENQ ACK BEL BS TAB LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US
      shift "$code"
      # shellcheck disable=SC2059  # the format is an octal escape built on purpose
      what="$1 ($(printf '0x%02x' "$code"), Ctrl-$(printf "\\$(printf '%03o' $((code + 64)))"))"
    fi
    die 2 "message text contains the control character $what at byte ${#pre} (line $line)" "$control_hint"
  fi
  case $text in
    *[![:print:][:cntrl:]]*) ;; # bytes >= 0x80: UTF-8 checks below
    *) return 0 ;;
  esac
  c2=$(printf '\302')
  c1=$(printf '\200\201\202\203\204\205\206\207\210\211\212\213\214\215\216\217\220\221\222\223\224\225\226\227\230\231\232\233\234\235\236\237')
  # shellcheck disable=SC2295  # $c1 is meant as the bytes of a bracket expression
  case $text in
    *"$c2"[$c1]*)
      pre=${text%%"$c2"[$c1]*}
      rest=${text#"$pre"?}
      code=$(printf '%d' "'${rest%"${rest#?}"}")
      line_of "$pre"
      die 2 "message text contains the control character U+00$(printf '%02X' "$code") (a C1 control) at byte ${#pre} (line $line)" "$control_hint"
      ;;
  esac
  if command -v iconv >/dev/null 2>&1; then
    if ! err=$(printf '%s' "$text" | iconv -f UTF-8 -t UTF-8 2>&1 >/dev/null); then
      case $err in
        *"position "[0-9]*) where=" at byte ${err##*position }" ;;
        *) where=' at its end (a character is cut short)' ;;
      esac
      die 2 "message text is not valid UTF-8$where" 'convert the text to UTF-8 (iconv -t UTF-8), or pass --raw to send the bytes as they are'
    fi
  fi
}

from=${MIYABI_AGENT:-shell}
prio=normal
raw=
now=
print_id=
while [ $# -gt 0 ]; do
  case $1 in
    -f) [ $# -ge 2 ] || die 2 '-f needs a sender name' "$(usage)"; from=$2; shift 2 ;;
    -f?*) from=${1#-f}; shift ;;
    --from=*) from=${1#--from=}; shift ;;
    -p) [ $# -ge 2 ] || die 2 '-p needs low, normal or high' "$(usage)"; prio=$2; shift 2 ;;
    -p?*) prio=${1#-p}; shift ;;
    --priority=*) prio=${1#--priority=}; shift ;;
    -r | --raw) raw=1; shift ;;
    --now) now=1; shift ;;
    -i) print_id=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    -?*) die 2 "unknown option $1" "$(usage)" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || die 2 'missing the recipient' "$(usage)"
to=$1
shift
check_name recipient "$to"
check_name sender "$from"
case $prio in high | normal | low) ;; *) die 2 "priority \"$prio\" is not one of high, normal, low" ;; esac
positive MIYABI_BUS_MAX_BYTES "${MIYABI_BUS_MAX_BYTES:-}" 65536
cap_env=${MIYABI_BUS_INBOX_CAP:-}
positive MIYABI_BUS_INBOX_CAP "$cap_env" 10000
flags=${raw:+raw}
[ -z "$now" ] || flags=${flags:+$flags,}now

if [ -n "${MIYABI_BUS:-}" ]; then
  bus=$MIYABI_BUS
elif [ -n "${MIYABI_ROOT:-}" ]; then
  bus=$MIYABI_ROOT/.miyabi/bus
else
  d=${PWD:-$(pwd)}
  while [ ! -d "$d/.miyabi/bus" ]; do
    case $d in /* ) ;; *) d= ;; esac
    [ -n "$d" ] && [ "$d" != / ] || die 1 'no miyabi bus found here or in any parent folder' 'run it inside a miyabi project, or set MIYABI_BUS or MIYABI_ROOT'
    d=${d%/*}
    d=${d:-/}
  done
  bus=$d/.miyabi/bus
fi

box=$bus/$to
if [ ! -d "$box" ] || [ -L "$box" ]; then
  known=
  for d in "$bus"/*/; do
    n=${d%/}
    n=${n##*/}
    [ -d "$d" ] && [ ! -L "$bus/$n" ] && [ ! -e "$d/stopped" ] || continue
    case $n in [a-z]*) case $n in *[!a-z0-9_-]*) ;; *) [ ${#n} -gt 32 ] || known=${known:+$known, }$n ;; esac ;; esac
  done
  [ -z "$known" ] || die 2 "unknown recipient \"$to\"; known: $known" 'send to one of the agents above (miyabi ls lists them)'
  die 2 "unknown recipient \"$to\"; no agent has an inbox in $bus yet" 'start the project first: miyabi up'
fi
# An agent stopped by `miyabi kill` keeps its inbox but takes nothing new (src/bus/layout.ts).
if [ -f "$box/stopped" ]; then
  read -r why < "$box/stopped" || why=
  die 2 "agent \"$to\" was stopped (${why:-stopped}); it takes no messages until it runs again" "start it again with \`miyabi spawn $to\`; what was queued before waits in its inbox (miyabi inbox $to)"
fi
if [ ! -d "$box/tmp" ] || [ ! -d "$box/new" ]; then
  mkdir -p -- "$box/tmp" "$box/new" "$box/cur" || die 1 "cannot create the inbox folders in $box"
fi

if [ $# -gt 0 ]; then
  IFS=' '
  text="$*"
  unset IFS
else
  [ ! -t 0 ] || die 2 'no message text' 'give it as arguments or on standard input'
  tmpf=$box/tmp/.stdin.$$
  rm -f -- "$tmpf"
  cat > "$tmpf" || die 1 "cannot read standard input into $tmpf"
  nbytes=$(wc -c < "$tmpf") || die 1 "cannot read $tmpf"
  { text=$(cat -- "$tmpf" && printf x); } 2>/dev/null || die 1 "cannot read $tmpf"
  text=${text%x}
  rm -f -- "$tmpf"
  tmpf=
  [ ${#text} -eq $((nbytes)) ] || die 2 'message text contains a NUL byte' 'NUL bytes cannot be typed into a terminal; remove them (tr -d "\000")'
  while :; do case $text in *"$nl") text=${text%"$nl"} ;; *) break ;; esac; done
fi
[ -n "$text" ] || die 2 'message text is empty' 'give the message text as arguments or on standard input'
[ ${#text} -le "$MIYABI_BUS_MAX_BYTES" ] || die 2 "message text is ${#text} bytes, over the limit of $MIYABI_BUS_MAX_BYTES bytes" 'write the text to a file and send its path instead, or raise MIYABI_BUS_MAX_BYTES'
if [ -z "$raw" ]; then
  # shellcheck disable=SC2101  # [![:print:]...] is a negated bracket expression holding a class
  case $text in *[![:print:]"$nl$tab"]*) check_text_slow ;; esac
fi

# Id: <ns since the epoch, 19 digits>.<sender>.<seq, 6 digits>.<pid>, as src/bus/ids.ts.
# shellcheck disable=SC3028  # unset outside bash 5, which is what the fallback is for
e=${EPOCHREALTIME:-} # bash 5: seconds.microseconds, no fork
case $e in
  [1-9]?????????.??????) t=${e%.*}${e#*.}000 ;;
  *) t=$(date +%s%N) ;;
esac
case $t in [1-9]??????????????????) ;; *) t=$(date +%s)000000000 ;; esac # a date without %N

# The layout's inbox_cap, which the controller writes into the inbox; the variable wins.
if [ -z "$cap_env" ] && [ -f "$box/cap" ]; then
  read -r cap_file < "$box/cap" || cap_file=
  case $cap_file in [1-9]*) case $cap_file in *[!0-9]*) ;; *) MIYABI_BUS_INBOX_CAP=$cap_file ;; esac ;; esac
fi

# Pending messages: the cap, and the newest id (a new id sorts after it even if the clock went back).
set -- "$box/new"/*
[ -e "$1" ] || [ -L "$1" ] || shift
[ $# -lt "$MIYABI_BUS_INBOX_CAP" ] || die 1 "inbox of $to is full: $# messages are waiting in $box/new (limit $MIYABI_BUS_INBOX_CAP)" "$to is not taking messages: check that the controller runs (miyabi status) and the agent is alive; retry later, or raise MIYABI_BUS_INBOX_CAP"
newest=
if [ $# -gt 0 ]; then
  eval "f=\${$#}" # the last name in C-locale order is the newest id, unless it is junk
  f=${f##*/}
  if is_time "${f%%.*}"; then newest=${f%%.*}; else
    for f do f=${f##*/}; ! is_time "${f%%.*}" || newest=${f%%.*}; done
  fi
fi
if [ -n "$newest" ] && [ "$newest" -ge "$t" ] && [ $((newest - t)) -le 86400000000000 ]; then t=$((newest + 1)); fi
created=${t%??????}

set -C
seq=0
while :; do
  s=00000$seq
  s=${s#"${s%??????}"}
  id=$t.$from.$s.$$
  if { true > "$box/tmp/$id"; } 2>/dev/null; then break; fi
  [ -e "$box/tmp/$id" ] || [ -L "$box/tmp/$id" ] || die 1 "cannot create $box/tmp/$id" "check the owner and permissions of $box/tmp"
  [ $seq -lt 64 ] || die 1 "cannot find a free name in $box/tmp"
  seq=$((seq + 1)) # a clash: next sequence, as Dovecot does
done
set +C
tmpf=$box/tmp/$id
sync_hint="check the disk (dmesg); this needs a sync that takes a file operand (coreutils 8.24 or later, or busybox)"
printf 'miyabi-message 1\nid: %s\nfrom: %s\nto: %s\npriority: %s\ncreated: %s\n%slength: %s\n\n%s' \
  "$id" "$from" "$to" "$prio" "$created" "${flags:+flags: $flags$nl}" "${#text}" "$text" >> "$tmpf" ||
  die 1 "writing $tmpf failed" "free some disk space on the file system holding $box, then try again"
failpoint afterTmpWrite
sync -- "$tmpf" || die 1 "fsync of $tmpf failed" "$sync_hint"
failpoint afterFsync
mv -- "$tmpf" "$box/new/$id" || die 1 "moving $tmpf to $box/new failed"
newf=$box/new/$id
tmpf=
failpoint afterRename
sync -- "$box/new" || die 1 "fsync of $box/new failed" "$sync_hint"
newf=
[ -z "$print_id" ] || printf '%s\n' "$id"
exit 0
