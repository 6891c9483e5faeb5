/* procfs.c: the files of /proc that programs read about themselves and the machine.
 *
 * Formats from proc(5) and fs/proc/ (array.c for stat and status, base.c for auxv, cmdline and
 * exe, meminfo.c, uptime.c). A process's comm is its file name cut to 15 bytes; init's process
 * group and session are 0. Reading in small pieces must give the same bytes as one big read.
 */
#include "test.h"

#include <sys/auxv.h>
#include <sys/sysinfo.h>

static char contents[16384];

/* Reads a whole file with reads of `piece` bytes; returns its length or -1. */
static long read_in_pieces(const char *path, size_t piece)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long length = 0, count;
    while ((size_t)length + piece < sizeof contents &&
           (count = read(fd, contents + length, piece)) > 0)
        length += count;
    close(fd);
    contents[length] = '\0';
    return length;
}

static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static void own_auxiliary_vector(void)
{
    long length = read_in_pieces("/proc/self/auxv", sizeof contents / 2);
    CHECK(length > 0 && length % 16 == 0);
    const unsigned long *pairs = (const void *)contents;
    long count = length / 16;
    CHECK_EQUAL(pairs[2 * (count - 1)], AT_NULL);
    int found = 0;
    for (long index = 0; index < count; index++) {
        unsigned long type = pairs[2 * index], value = pairs[2 * index + 1];
        if (type == AT_PAGESZ || type == AT_ENTRY || type == AT_RANDOM || type == AT_PHDR) {
            CHECK_EQUAL(value, getauxval(type));
            found++;
        }
    }
    CHECK_EQUAL(found, 4);
}

static void own_command_line(int argc, char **argv)
{
    long length = read_in_pieces("/proc/self/cmdline", 5);
    long expected_length = 0;
    int is_same = 1;
    for (int index = 0; index < argc; index++) {
        size_t size = strlen(argv[index]) + 1;
        is_same &= expected_length + (long)size <= length &&
                   memcmp(contents + expected_length, argv[index], size) == 0;
        expected_length += (long)size;
    }
    CHECK_EQUAL(length, expected_length);
    CHECK(is_same);
}

static void own_executable(const char *path)
{
    char target[256] = {0};
    CHECK_EQUAL(readlink("/proc/self/exe", target, sizeof target - 1), strlen(path));
    CHECK(strcmp(target, path) == 0);
    memset(target, 0, sizeof target);
    CHECK_EQUAL(readlink("/proc/self", target, sizeof target - 1), 1);
    CHECK_STRING(target, "1");
    memset(target, 0, sizeof target);
    CHECK(readlink("/proc/1/exe", target, sizeof target - 1) > 0 && strcmp(target, path) == 0);
    struct stat by_link, by_path;
    CHECK_OK(stat("/proc/self/exe", &by_link));
    CHECK_OK(stat(path, &by_path));
    CHECK_EQUAL(by_link.st_ino, by_path.st_ino);
}

static void own_stat_and_status(const char *path)
{
    char expected[128];
    long length = read_in_pieces("/proc/self/stat", 3);
    CHECK(length > 0 && contents[length - 1] == '\n');
    /* pid (comm) state ppid pgrp session */
    snprintf(expected, sizeof expected, "1 (%.15s) R 0 0 0 ", file_name(path));
    CHECK(strncmp(contents, expected, strlen(expected)) == 0);
    length = read_in_pieces("/proc/self/status", 7);
    snprintf(expected, sizeof expected, "Name:\t%.15s\n", file_name(path));
    CHECK(strncmp(contents, expected, strlen(expected)) == 0);
    CHECK(strstr(contents, "\nState:\tR (running)\n") != NULL);
    CHECK(strstr(contents, "\nPid:\t1\n") != NULL);
    CHECK(strstr(contents, "\nPPid:\t0\n") != NULL);
    CHECK(strstr(contents, "\nUid:\t0\t0\t0\t0\n") != NULL);
    CHECK(strstr(contents, "\nGid:\t0\t0\t0\t0\n") != NULL);
    long whole = read_in_pieces("/proc/self/status", sizeof contents / 2);
    CHECK_EQUAL(whole, length);
}

/* The value of a "Name:   123 kB" line of /proc/meminfo, or -1. */
static long meminfo_kibibytes(const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "%s:", name);
    const char *line = strstr(contents, key);
    if (line == NULL || (line != contents && line[-1] != '\n'))
        return -1;
    char *end;
    long value = strtol(line + strlen(key), &end, 10);
    return strncmp(end, " kB\n", 4) == 0 ? value : -1;
}

static void memory_information(void)
{
    CHECK(read_in_pieces("/proc/meminfo", 100) > 0);
    long total = meminfo_kibibytes("MemTotal");
    CHECK(total > 0);
    CHECK(meminfo_kibibytes("MemFree") > 0);
    CHECK(meminfo_kibibytes("MemAvailable") > 0);
    CHECK(meminfo_kibibytes("MemFree") <= total);
    struct sysinfo information;
    CHECK_OK(sysinfo(&information));
    CHECK_EQUAL(total, information.totalram * information.mem_unit / 1024);
}

static void machine_files(void)
{
    CHECK(read_in_pieces("/proc/mounts", 10) > 0);
    CHECK(strstr(contents, "proc /proc proc ") != NULL);
    CHECK(strstr(contents, "devtmpfs /dev devtmpfs ") != NULL);
    CHECK(strncmp(strchr(contents, ' '), " / ", 3) == 0);
    CHECK(read_in_pieces("/proc/filesystems", 64) > 0);
    CHECK(strstr(contents, "\ttmpfs\n") != NULL);
    CHECK(strstr(contents, "nodev\tproc\n") != NULL);
    CHECK(read_in_pieces("/proc/cpuinfo", 4096) > 0);
    CHECK(strncmp(contents, "processor\t: 0\n", 14) == 0);
    CHECK(strstr(contents, "\nflags\t\t: ") != NULL);
    CHECK(read_in_pieces("/proc/uptime", 4) > 0);
    double uptime = -1, idle = -1;
    CHECK_EQUAL(sscanf(contents, "%lf %lf\n", &uptime, &idle), 2);
    CHECK(uptime > 0 && idle >= 0);
    struct stat status;
    CHECK_ERRNO(stat("/proc/99999", &status), ENOENT);
    CHECK_ERRNO(open("/proc/self/missing", O_RDONLY), ENOENT);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    own_auxiliary_vector();
    own_command_line(argc, argv);
    own_executable(argv[0]);
    own_stat_and_status(argv[0]);
    memory_information();
    machine_files();
    test_finish();
    return 0;
}
