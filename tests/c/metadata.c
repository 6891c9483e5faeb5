/* metadata.c: stat and its relatives, statx, modes, umask, access checks, truncation, times.
 *
 * Semantics from stat(2), statx(2), chmod(2), umask(2), access(2), truncate(2), utimensat(2)
 * and chown(2). The tests run as root, so access() grants read and write whatever the mode,
 * but execute only when some execute bit is set (access(2); fs/namei.c generic_permission).
 */
#include "test.h"

#include <sys/sysmacros.h>
#include <sys/time.h>

/* statx(2)'s result (include/uapi/linux/stat.h): musl 1.2.3 has no statx(), so the tests call
 * the system call with their own copy of the layout. */
struct extended_timestamp {
    int64_t seconds;
    uint32_t nanoseconds;
    int32_t reserved;
};

struct extended_status {
    uint32_t mask;
    uint32_t block_size;
    uint64_t attributes;
    uint32_t link_count;
    uint32_t user;
    uint32_t group;
    uint16_t mode;
    uint16_t spare0;
    uint64_t inode;
    uint64_t size;
    uint64_t blocks;
    uint64_t attributes_mask;
    struct extended_timestamp access_time, birth_time, change_time, modification_time;
    uint32_t device_major_of_special_file, device_minor_of_special_file;
    uint32_t device_major, device_minor;
    uint64_t spare[14];
};

_Static_assert(sizeof(struct extended_status) == 256, "struct statx is 256 bytes");

#define STATX_BASIC_STATS_MASK 0x7ffU
#define STATX_RESERVED_MASK 0x80000000U

static long extended_stat(int directory, const char *path, int flags, unsigned mask,
                          struct extended_status *result)
{
    return syscall(SYS_statx, directory, path, flags, mask, result);
}

static void stat_fields_of_a_file(void)
{
    CHECK_OK(test_write_file("file", "twelve bytes", 0640));
    struct stat by_path, by_descriptor, by_link;
    CHECK_OK(stat("file", &by_path));
    CHECK(S_ISREG(by_path.st_mode));
    CHECK_EQUAL(by_path.st_mode & 07777, 0640);
    CHECK_EQUAL(by_path.st_size, 12);
    CHECK_EQUAL(by_path.st_nlink, 1);
    CHECK_EQUAL(by_path.st_uid, 0);
    CHECK_EQUAL(by_path.st_gid, 0);
    CHECK(by_path.st_blksize > 0);
    CHECK(by_path.st_ino != 0);
    int fd = open("file", O_RDONLY);
    CHECK_OK(fstat(fd, &by_descriptor));
    CHECK_EQUAL(by_descriptor.st_ino, by_path.st_ino);
    CHECK_EQUAL(by_descriptor.st_dev, by_path.st_dev);
    CHECK_OK(fstatat(fd, "", &by_link, AT_EMPTY_PATH));
    CHECK_EQUAL(by_link.st_ino, by_path.st_ino);
    CHECK_ERRNO(fstatat(fd, "", &by_link, 0), ENOENT);
    close(fd);
    CHECK_OK(lstat("file", &by_link));
    CHECK_EQUAL(by_link.st_ino, by_path.st_ino);
    CHECK_ERRNO(stat("missing", &by_path), ENOENT);
    CHECK_ERRNO(stat("file/below", &by_path), ENOTDIR);
    CHECK_ERRNO(fstat(-1, &by_path), EBADF);
    CHECK_ERRNO(fstatat(-1, "file", &by_path, 0), EBADF);
    CHECK_ERRNO(fstatat(AT_FDCWD, "file", &by_path, 0x4000000), EINVAL);
}

static void stat_fields_of_directories_and_devices(void)
{
    struct stat status;
    CHECK_OK(stat(".", &status));
    CHECK(S_ISDIR(status.st_mode));
    CHECK_OK(stat("/dev/null", &status));
    CHECK(S_ISCHR(status.st_mode));
    CHECK_EQUAL(major(status.st_rdev), 1);
    CHECK_EQUAL(minor(status.st_rdev), 3);
    CHECK_OK(stat("/dev/console", &status));
    CHECK_EQUAL(major(status.st_rdev), 5);
    CHECK_EQUAL(minor(status.st_rdev), 1);
    CHECK_OK(fstat(1, &status));
    CHECK(S_ISCHR(status.st_mode));
    /* The archive gives /tmp its mode; the root's comes from no entry, so it is not checked. */
    CHECK_OK(stat("/tmp", &status));
    CHECK_EQUAL(status.st_mode & 07777, 01777);
}

static void statx_fields(void)
{
    struct extended_status extended;
    struct stat plain;
    CHECK_OK(stat("file", &plain));
    CHECK_OK(extended_stat(AT_FDCWD, "file", 0, STATX_BASIC_STATS_MASK, &extended));
    CHECK_EQUAL(extended.mask & STATX_BASIC_STATS_MASK, STATX_BASIC_STATS_MASK);
    CHECK_EQUAL(extended.inode, plain.st_ino);
    CHECK_EQUAL(extended.size, 12);
    CHECK_EQUAL(extended.mode, plain.st_mode);
    CHECK_EQUAL(extended.link_count, 1);
    CHECK_EQUAL(extended.user, 0);
    CHECK_EQUAL(extended.block_size, plain.st_blksize);
    CHECK_EQUAL(extended.modification_time.seconds, plain.st_mtim.tv_sec);
    CHECK_EQUAL(extended.modification_time.nanoseconds, plain.st_mtim.tv_nsec);
    CHECK_EQUAL(makedev(extended.device_major, extended.device_minor), plain.st_dev);
    CHECK_OK(extended_stat(AT_FDCWD, "/dev/null", 0, STATX_BASIC_STATS_MASK, &extended));
    CHECK_EQUAL(extended.device_major_of_special_file, 1);
    CHECK_EQUAL(extended.device_minor_of_special_file, 3);
    CHECK_OK(symlink("file", "link"));
    CHECK_OK(extended_stat(AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS_MASK,
                           &extended));
    CHECK(S_ISLNK(extended.mode));
    CHECK_EQUAL(extended.size, 4);
    int fd = open("file", O_RDONLY);
    CHECK_OK(extended_stat(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS_MASK, &extended));
    CHECK_EQUAL(extended.inode, plain.st_ino);
    close(fd);
    CHECK_ERRNO(extended_stat(AT_FDCWD, "missing", 0, STATX_BASIC_STATS_MASK, &extended), ENOENT);
    CHECK_ERRNO(extended_stat(AT_FDCWD, "file", 0, STATX_RESERVED_MASK, &extended), EINVAL);
}

static void modes_and_umask(void)
{
    CHECK_OK(chmod("file", 0604));
    struct stat status;
    CHECK_OK(stat("file", &status));
    CHECK_EQUAL(status.st_mode & 07777, 0604);
    int fd = open("file", O_RDONLY);
    CHECK_OK(fchmod(fd, 04755));
    CHECK_OK(fstat(fd, &status));
    CHECK_EQUAL(status.st_mode & 07777, 04755);
    close(fd);
    CHECK_OK(fchmodat(AT_FDCWD, "link", 0600, 0));
    CHECK_OK(stat("file", &status));
    CHECK_EQUAL(status.st_mode & 07777, 0600);
    CHECK_ERRNO(chmod("missing", 0644), ENOENT);
    CHECK_ERRNO(fchmod(-1, 0644), EBADF);
    /* The umask of init is 022; umask returns the previous one. */
    CHECK_EQUAL(umask(077), 022);
    fd = open("private", O_WRONLY | O_CREAT, 0666);
    CHECK_OK(fstat(fd, &status));
    CHECK_EQUAL(status.st_mode & 07777, 0600);
    close(fd);
    CHECK_OK(mkdir("private-directory", 0777));
    CHECK_OK(stat("private-directory", &status));
    CHECK_EQUAL(status.st_mode & 07777, 0700);
    /* Only the permission bits are kept. */
    CHECK_EQUAL(umask(0777777), 077);
    CHECK_EQUAL(umask(022), 0777);
    /* chmod is not masked. */
    CHECK_OK(chmod("private", 0777));
    CHECK_OK(stat("private", &status));
    CHECK_EQUAL(status.st_mode & 07777, 0777);
}

static void access_checks(void)
{
    CHECK_OK(test_write_file("readable", "", 0644));
    CHECK_OK(access("readable", F_OK));
    CHECK_OK(access("readable", R_OK | W_OK));
    CHECK_ERRNO(access("readable", X_OK), EACCES);
    CHECK_OK(chmod("readable", 0));
    /* Root reads and writes regardless of the mode. */
    CHECK_OK(access("readable", R_OK | W_OK));
    CHECK_OK(chmod("readable", 0100));
    CHECK_OK(access("readable", X_OK));
    CHECK_OK(access(".", X_OK));
    CHECK_ERRNO(access("missing", F_OK), ENOENT);
    CHECK_ERRNO(access("readable", 8), EINVAL);
    CHECK_OK(faccessat(AT_FDCWD, "readable", X_OK, 0));
    int directory = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_OK(faccessat(directory, "readable", R_OK, 0));
    CHECK_ERRNO(faccessat(directory, "missing", R_OK, 0), ENOENT);
    close(directory);
    CHECK_OK(syscall(SYS_faccessat2, AT_FDCWD, "link", R_OK, AT_SYMLINK_NOFOLLOW));
    CHECK_ERRNO(syscall(SYS_faccessat2, AT_FDCWD, "readable", R_OK, 0x1), EINVAL);
}

static void truncation(void)
{
    CHECK_OK(test_write_file("shrinking", "0123456789", 0644));
    CHECK_OK(truncate("shrinking", 4));
    struct stat status;
    CHECK_OK(stat("shrinking", &status));
    CHECK_EQUAL(status.st_size, 4);
    int fd = open("shrinking", O_RDWR);
    CHECK_OK(ftruncate(fd, 8192));
    char text[16];
    memset(text, 'x', sizeof text);
    CHECK_EQUAL(pread(fd, text, sizeof text, 2), 16);
    CHECK(memcmp(text, "23\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0);
    /* The offset is not changed by truncation. */
    CHECK_EQUAL(lseek(fd, 0, SEEK_CUR), 0);
    CHECK_ERRNO(ftruncate(fd, -1), EINVAL);
    close(fd);
    fd = open("shrinking", O_RDONLY);
    CHECK_ERRNO(ftruncate(fd, 0), EINVAL);
    close(fd);
    CHECK_ERRNO(truncate(".", 0), EISDIR);
    CHECK_ERRNO(truncate("missing", 0), ENOENT);
    CHECK_ERRNO(truncate("shrinking", -1), EINVAL);
    CHECK_ERRNO(ftruncate(-1, 0), EBADF);
}

static void timestamps(void)
{
    struct timespec times[2] = {
        {.tv_sec = 1000000000, .tv_nsec = 5},
        {.tv_sec = 1234567890, .tv_nsec = 123456789},
    };
    CHECK_OK(utimensat(AT_FDCWD, "file", times, 0));
    struct stat status;
    CHECK_OK(stat("file", &status));
    CHECK_EQUAL(status.st_atim.tv_sec, 1000000000);
    CHECK_EQUAL(status.st_atim.tv_nsec, 5);
    CHECK_EQUAL(status.st_mtim.tv_sec, 1234567890);
    CHECK_EQUAL(status.st_mtim.tv_nsec, 123456789);
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_nsec = UTIME_NOW;
    CHECK_OK(utimensat(AT_FDCWD, "file", times, 0));
    CHECK_OK(stat("file", &status));
    CHECK_EQUAL(status.st_atim.tv_sec, 1000000000);
    CHECK(status.st_mtim.tv_sec > 1600000000);
    /* Writing updates the modification and change times. */
    times[1].tv_sec = 0;
    times[1].tv_nsec = 0;
    CHECK_OK(utimensat(AT_FDCWD, "file", times, 0));
    int fd = open("file", O_WRONLY);
    CHECK_EQUAL(write(fd, "x", 1), 1);
    CHECK_OK(fstat(fd, &status));
    CHECK(status.st_mtim.tv_sec > 1600000000);
    close(fd);
    times[1].tv_nsec = 1000000000;
    CHECK_ERRNO(utimensat(AT_FDCWD, "file", times, 0), EINVAL);
    CHECK_ERRNO(utimensat(AT_FDCWD, "missing", NULL, 0), ENOENT);
}

static void ownership(void)
{
    CHECK_OK(chown("file", 1000, 100));
    struct stat status;
    CHECK_OK(stat("file", &status));
    CHECK_EQUAL(status.st_uid, 1000);
    CHECK_EQUAL(status.st_gid, 100);
    /* -1 leaves an ID as it is. */
    CHECK_OK(chown("file", (uid_t)-1, 0));
    CHECK_OK(lstat("file", &status));
    CHECK_EQUAL(status.st_uid, 1000);
    CHECK_EQUAL(status.st_gid, 0);
    CHECK_OK(lchown("link", 7, 7));
    CHECK_OK(lstat("link", &status));
    CHECK_EQUAL(status.st_uid, 7);
    CHECK_OK(stat("link", &status));
    CHECK_EQUAL(status.st_uid, 1000);
    int fd = open("file", O_RDONLY);
    CHECK_OK(fchown(fd, 0, 0));
    close(fd);
    CHECK_OK(fchownat(AT_FDCWD, "link", 0, 0, AT_SYMLINK_NOFOLLOW));
    CHECK_ERRNO(chown("missing", 0, 0), ENOENT);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    test_enter_scratch_directory();
    stat_fields_of_a_file();
    stat_fields_of_directories_and_devices();
    statx_fields();
    modes_and_umask();
    access_checks();
    truncation();
    timestamps();
    ownership();
    test_finish();
    return 0;
}
