/* files.c: file I/O on tmpfs: open and its flags, read and write in all their forms, offsets.
 *
 * Semantics from open(2), read(2), write(2), readv(2), pread(2), lseek(2) and close(2), and
 * what Linux does where POSIX leaves a choice: O_TRUNC truncates even with O_RDONLY, and pwrite
 * on an O_APPEND descriptor appends whatever the offset (pwrite(2), BUGS).
 */
#include "test.h"

#include <limits.h>
#include <sys/uio.h>

static char buffer[256 * 1024];

/* Reads the whole file into `buffer` (NUL-terminated) and returns its length, or -1. */
static long read_whole(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long length = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (length >= 0)
        buffer[length] = '\0';
    return length;
}

static void create_write_and_read_back(void)
{
    int fd = open("greeting", O_WRONLY | O_CREAT | O_EXCL, 0644);
    /* Descriptors 0-2 are the console: open returns the lowest free number. */
    CHECK_EQUAL(fd, 3);
    CHECK_EQUAL(write(fd, "hello world", 11), 11);
    CHECK_OK(close(fd));
    fd = open("greeting", O_RDONLY);
    CHECK_EQUAL(fd, 3);
    char text[16] = {0};
    CHECK_EQUAL(read(fd, text, 5), 5);
    CHECK(memcmp(text, "hello", 5) == 0);
    CHECK_EQUAL(read(fd, text, sizeof text), 6);
    CHECK(memcmp(text, " world", 6) == 0);
    CHECK_EQUAL(read(fd, text, sizeof text), 0);
    CHECK_EQUAL(read(fd, text, 0), 0);
    CHECK_OK(close(fd));
    CHECK_ERRNO(close(fd), EBADF);
    CHECK_ERRNO(close(-1), EBADF);
}

static void open_errors(void)
{
    CHECK_ERRNO(open("greeting", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    CHECK_ERRNO(open("greeting", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERRNO(open(".", O_WRONLY), EISDIR);
    CHECK_ERRNO(open("/tmp", O_RDWR), EISDIR);
    CHECK_ERRNO(open("missing", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("missing/file", O_RDWR | O_CREAT, 0644), ENOENT);
    CHECK_ERRNO(open("greeting/below", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(open("", O_RDONLY), ENOENT);
    char long_name[NAME_MAX + 2];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    CHECK_ERRNO(open(long_name, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
    static char long_path[PATH_MAX + 16];
    memset(long_path, 'p', sizeof long_path - 1);
    for (size_t index = 100; index < sizeof long_path - 1; index += 100)
        long_path[index] = '/';
    CHECK_ERRNO(open(long_path, O_RDONLY), ENAMETOOLONG);
}

static void wrong_access_modes(void)
{
    char byte;
    int fd = open("greeting", O_RDONLY);
    CHECK_ERRNO(write(fd, "x", 1), EBADF);
    close(fd);
    fd = open("greeting", O_WRONLY);
    CHECK_ERRNO(read(fd, &byte, 1), EBADF);
    close(fd);
    fd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_ERRNO(read(fd, &byte, 1), EISDIR);
    CHECK_ERRNO(write(fd, "x", 1), EBADF);
    close(fd);
    CHECK_ERRNO(read(-1, &byte, 1), EBADF);
    CHECK_ERRNO(write(1000, "x", 1), EBADF);
}

static void openat_relative_to_a_directory(void)
{
    CHECK_OK(mkdir("sub", 0755));
    int directory = open("sub", O_RDONLY | O_DIRECTORY);
    CHECK(directory >= 0);
    int fd = openat(directory, "inside", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQUAL(write(fd, "in sub", 6), 6);
    close(fd);
    CHECK_EQUAL(read_whole("sub/inside"), 6);
    /* An absolute path ignores the directory descriptor, even an invalid one. */
    fd = openat(-5, "/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    close(fd);
    fd = openat(AT_FDCWD, "sub/inside", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERRNO(openat(fd, "x", O_RDONLY), ENOTDIR);
    close(fd);
    CHECK_ERRNO(openat(-5, "sub/inside", O_RDONLY), EBADF);
    CHECK_ERRNO(openat(directory, "../sub/missing", O_RDONLY), ENOENT);
    fd = openat(directory, "../greeting", O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
    close(directory);
}

static void scattered_reads_and_writes(void)
{
    int fd = open("vectors", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct iovec pieces[3] = {
        {.iov_base = "one ", .iov_len = 4},
        {.iov_base = "", .iov_len = 0},
        {.iov_base = "two three", .iov_len = 9},
    };
    CHECK_EQUAL(writev(fd, pieces, 3), 13);
    CHECK_EQUAL(lseek(fd, 0, SEEK_SET), 0);
    char first[6] = {0}, second[16] = {0};
    struct iovec halves[2] = {
        {.iov_base = first, .iov_len = 5},
        {.iov_base = second, .iov_len = sizeof second},
    };
    CHECK_EQUAL(readv(fd, halves, 2), 13);
    CHECK_STRING(first, "one t");
    CHECK_STRING(second, "wo three");
    CHECK_ERRNO(syscall(SYS_readv, fd, halves, -1), EINVAL);
    CHECK_ERRNO(syscall(SYS_writev, fd, pieces, 1025), EINVAL);
    CHECK_EQUAL(writev(fd, pieces, 0), 0);
    close(fd);
}

static void positioned_reads_and_writes(void)
{
    int fd = open("positioned", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_EQUAL(write(fd, "0123456789", 10), 10);
    CHECK_EQUAL(pwrite(fd, "AB", 2, 3), 2);
    char text[8] = {0};
    CHECK_EQUAL(pread(fd, text, 4, 2), 4);
    CHECK_STRING(text, "2AB5");
    /* Neither call moved the file offset. */
    CHECK_EQUAL(lseek(fd, 0, SEEK_CUR), 10);
    CHECK_ERRNO(pread(fd, text, 1, -1), EINVAL);
    CHECK_ERRNO(pwrite(fd, text, 1, -1), EINVAL);
    CHECK_EQUAL(pread(fd, text, 4, 100), 0);
    /* Writing past the end leaves a hole that reads as zeros. */
    CHECK_EQUAL(pwrite(fd, "end", 3, 5000), 3);
    struct stat status;
    CHECK_OK(fstat(fd, &status));
    CHECK_EQUAL(status.st_size, 5003);
    char hole[16];
    memset(hole, 'x', sizeof hole);
    CHECK_EQUAL(pread(fd, hole, sizeof hole, 4000), 16);
    CHECK(memcmp(hole, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0);
    close(fd);
}

static void seeking(void)
{
    int fd = open("positioned", O_RDWR);
    CHECK_EQUAL(lseek(fd, 4, SEEK_SET), 4);
    CHECK_EQUAL(lseek(fd, 2, SEEK_CUR), 6);
    CHECK_EQUAL(lseek(fd, -3, SEEK_END), 5000);
    char text[4] = {0};
    CHECK_EQUAL(read(fd, text, 3), 3);
    CHECK_STRING(text, "end");
    CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERRNO(lseek(fd, -6000, SEEK_END), EINVAL);
    CHECK_ERRNO(lseek(fd, 0, 42), EINVAL);
    /* The failed seeks left the offset alone. */
    CHECK_EQUAL(lseek(fd, 0, SEEK_CUR), 5003);
    CHECK_EQUAL(lseek(fd, 10000, SEEK_SET), 10000);
    CHECK_EQUAL(read(fd, text, 1), 0);
    CHECK_ERRNO(lseek(-1, 0, SEEK_SET), EBADF);
    close(fd);
}

static void appending(void)
{
    CHECK_OK(test_write_file("log", "first\n", 0644));
    int appender = open("log", O_WRONLY | O_APPEND);
    int writer = open("log", O_WRONLY);
    CHECK_EQUAL(write(writer, "FIRST", 5), 5);
    CHECK_EQUAL(lseek(appender, 0, SEEK_SET), 0);
    CHECK_EQUAL(write(appender, "second\n", 7), 7);
    CHECK_EQUAL(lseek(appender, 0, SEEK_CUR), 13);
    /* pwrite ignores the offset on an O_APPEND descriptor. */
    CHECK_EQUAL(pwrite(appender, "third\n", 6, 0), 6);
    CHECK_EQUAL(read_whole("log"), 19);
    CHECK_STRING(buffer, "FIRST\nsecond\nthird\n");
    /* O_APPEND can be turned off through fcntl, and then writes land at the offset. */
    CHECK_OK(fcntl(appender, F_SETFL, 0));
    CHECK_EQUAL(lseek(appender, 0, SEEK_SET), 0);
    CHECK_EQUAL(write(appender, "f", 1), 1);
    CHECK_EQUAL(read_whole("log"), 19);
    CHECK_STRING(buffer, "fIRST\nsecond\nthird\n");
    close(appender);
    close(writer);
}

static void truncating_on_open(void)
{
    CHECK_OK(test_write_file("truncated", "some contents", 0644));
    int fd = open("truncated", O_WRONLY | O_TRUNC);
    CHECK_EQUAL(lseek(fd, 0, SEEK_END), 0);
    CHECK_EQUAL(write(fd, "new", 3), 3);
    close(fd);
    CHECK_EQUAL(read_whole("truncated"), 3);
    /* Linux truncates even when the file is opened read-only (open(2) leaves it unspecified). */
    fd = open("truncated", O_RDONLY | O_TRUNC);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQUAL(read_whole("truncated"), 0);
}

static void duplicates_share_the_offset(void)
{
    CHECK_OK(test_write_file("shared", "abcdef", 0644));
    int fd = open("shared", O_RDONLY);
    int duplicate = dup(fd);
    int separate = open("shared", O_RDONLY);
    char text[3] = {0};
    CHECK_EQUAL(read(fd, text, 2), 2);
    CHECK_EQUAL(read(duplicate, text, 2), 2);
    CHECK_STRING(text, "cd");
    CHECK_EQUAL(lseek(fd, 0, SEEK_CUR), 4);
    CHECK_EQUAL(read(separate, text, 2), 2);
    CHECK_STRING(text, "ab");
    CHECK_OK(close(fd));
    /* The open file description lives on while a duplicate refers to it. */
    CHECK_EQUAL(read(duplicate, text, 2), 2);
    CHECK_STRING(text, "ef");
    close(duplicate);
    close(separate);
}

static void large_file_round_trip(void)
{
    int fd = open("large", O_RDWR | O_CREAT | O_TRUNC, 0644);
    for (size_t index = 0; index < sizeof buffer; index++)
        buffer[index] = (char)(index * 7 + index / 4096);
    CHECK_EQUAL(write(fd, buffer, sizeof buffer), sizeof buffer);
    CHECK_OK(fsync(fd));
    CHECK_OK(fdatasync(fd));
    static char copy[sizeof buffer];
    CHECK_EQUAL(pread(fd, copy, sizeof copy, 0), sizeof copy);
    CHECK(memcmp(buffer, copy, sizeof copy) == 0);
    close(fd);
    CHECK_ERRNO(fsync(-1), EBADF);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    test_enter_scratch_directory();
    create_write_and_read_back();
    open_errors();
    wrong_access_modes();
    openat_relative_to_a_directory();
    scattered_reads_and_writes();
    positioned_reads_and_writes();
    seeking();
    appending();
    truncating_on_open();
    duplicates_share_the_offset();
    large_file_round_trip();
    test_finish();
    return 0;
}
