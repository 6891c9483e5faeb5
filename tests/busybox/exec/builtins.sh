#!/bin/busybox sh
# Busybox's shell as PID 1 with builtins only. Without fork the shell can run no external
# command, command substitution, pipeline or subshell (each forks); redirections, loops,
# functions, arithmetic and parameter expansion need no new process. The script is executed as
# `/tests/busybox/exec/builtins --chain <programs...>`; it prints its own end marker and hands
# the rest of the chain to `/init --chain`, which executes the next program.
echo "the shell is PID $$, started with $1"
printf '%s=%d, %s=%x\n' decimal 42 hexadecimal 255
count=6
echo "arithmetic: $((count * 7)) $((count / 4)) $((count % 4)) $((1 << 10))"
path=/tests/busybox/exec/builtins
echo "expansion: ${path##*/} ${path%/*} ${#path} ${unset_variable:-default}"
positional() {
    set -- one "two words" three
    echo "positional parameters: $# \"$2\""
}
positional
for word in alpha beta gamma; do
    printf '%s ' "$word"
done
echo
greet() {
    local greeting="hello"
    echo "$greeting, $1"
    return 3
}
greet function
echo "function status: $?"
scratch=/tmp/busybox-builtins
echo "first line" > "$scratch"
echo "second line" >> "$scratch"
while read -r line; do
    echo "read: $line"
done < "$scratch"
[ -f "$scratch" ] && echo "test: $scratch is a file"
[ -d "$scratch" ] || echo "test: $scratch is no directory"
[ "$HOME" = / ] && echo "HOME is /"
cd /tmp && pwd
cd /
umask
ulimit -n
case "$TERM" in
    linux) echo "TERM is linux" ;;
    *) echo "TERM is $TERM" ;;
esac
type cd
echo "@@loam-test-end ${0#/tests/} status=0"
exec /init "$@"
