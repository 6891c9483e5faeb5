# Files in the initramfs root, which the kernel unpacks into a writable tmpfs: create, append,
# read, rename, list, link and remove, with the sizes and errors that a real kernel reports.
mkdir /scratch && cd /scratch || exit 1
echo "first line" > notes.txt
echo "second line" >> notes.txt
cat notes.txt
echo "size: $(wc -c < notes.txt)"
mv notes.txt renamed.txt
ls -1
[ -e notes.txt ] || echo "the old name is gone"
printf 'no newline' > partial.txt
echo "partial: $(cat partial.txt) ($(stat -c %s partial.txt) bytes)"
mkdir -p nested/deeper
echo payload > nested/deeper/file.txt
find . | sort
ln -s renamed.txt symbolic
echo "symlink points to $(readlink symbolic) and reads: $(head -n 1 symbolic)"
ln renamed.txt hard
echo "link count: $(stat -c %h renamed.txt)"
rm renamed.txt
echo "hard link still reads: $(tail -n 1 hard)"
cat symbolic
echo "cat of a dangling symlink: $?"
rm -r nested
rmdir /scratch 2>/dev/null || echo "rmdir of a non-empty directory fails"
ls -1a
