# Pipes between processes: data flows in order, writers block when the pipe is full (more than
# the 64 KiB a Linux pipe holds goes through), and a reader that stops early ends the writer
# with SIGPIPE instead of leaving it running forever.
echo "hello through a pipe" | tr a-z A-Z
seq 1 20000 | sort -rn | head -n 1
seq 1 50000 | wc -l
printf 'b\na\nc\n' | sort | tr '\n' ,
echo
yes loam | head -n 3
echo "words counted: $(echo one two three | wc -w)"
echo "read from a pipe: $(echo abc | { read -r line; echo "$line"; })"
false | true
echo "status of a pipeline is its last command's: $?"
true | false
echo "status of a pipeline is its last command's: $?"
