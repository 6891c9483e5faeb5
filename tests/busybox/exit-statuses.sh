# Exit statuses as wait(2) reports them to the shell: plain exits, statuses above 127 for
# processes killed by a signal, and the shell's own 126 and 127.
true
echo "true: $?"
false
echo "false: $?"
sh -c 'exit 42'
echo "exit 42: $?"
sh -c 'exit 300'
echo "exit 300 wraps to: $?"
(exit 7)
echo "subshell: $?"
! true
echo "negated true: $?"
sh -c 'kill -TERM $$'
echo "killed by SIGTERM: $?"
sh -c 'kill -KILL $$'
echo "killed by SIGKILL: $?"
sh -c 'exit 3' &
wait $!
echo "background job: $?"
no-such-command 2>/dev/null
echo "command not found: $?"
echo 'echo never printed' > /tmp/not-executable
/tmp/not-executable 2>/dev/null
echo "not executable: $?"
