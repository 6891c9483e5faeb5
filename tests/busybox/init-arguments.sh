# The kernel hands init the command-line words it does not use itself: a word with `=` becomes
# an environment variable, any other word (and every word after `--`) an argument. Linux also
# gives init HOME=/ and TERM=linux. The generated /init passes its arguments on to each test.
echo "argument count: $#"
for argument in "$@"; do
    echo "argument: $argument"
done
echo "loam_guest_variable=$loam_guest_variable"
echo "HOME=$HOME"
echo "TERM=$TERM"
# Words the kernel keeps for itself must reach neither list.
echo "console=${console-unset} quiet=${quiet-unset} panic=${panic-unset}"
