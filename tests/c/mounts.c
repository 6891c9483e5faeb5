/* mounts.c: mount and umount2 of tmpfs and proc, and statfs/fstatfs of what is mounted.
 *
 * Semantics from mount(2), umount(2) and statfs(2). The initramfs root is a tmpfs (Linux uses
 * tmpfs for rootfs when it has CONFIG_TMPFS), /dev is the devtmpfs /init mounted, which is a
 * tmpfs too, and the magic numbers are those of include/uapi/linux/magic.h.
 */
#include "test.h"

#include <sys/mount.h>
#include <sys/statfs.h>

#define TMPFS_MAGIC_NUMBER 0x01021994
#define PROC_MAGIC_NUMBER 0x9fa0

static char mount_point[160];

/* Whether /proc/mounts has a line "<source> <point> <type> ...". */
static int is_listed(const char *source, const char *point, const char *type)
{
    static char table[8192];
    int fd = open("/proc/mounts", O_RDONLY);
    long length = 0, count;
    while ((count = read(fd, table + length, sizeof table - 1 - length)) > 0)
        length += count;
    close(fd);
    table[length] = '\0';
    char line[256];
    snprintf(line, sizeof line, "%s %s %s ", source, point, type);
    const char *found = strstr(table, line);
    return found != NULL && (found == table || found[-1] == '\n');
}

static void statistics_of_mounted_filesystems(void)
{
    struct statfs root, proc, devices, by_descriptor;
    CHECK_OK(statfs("/", &root));
    CHECK_EQUAL(root.f_type, TMPFS_MAGIC_NUMBER);
    CHECK_EQUAL(root.f_bsize, 4096);
    CHECK_EQUAL(root.f_namelen, 255);
    CHECK_OK(statfs("/proc", &proc));
    CHECK_EQUAL(proc.f_type, PROC_MAGIC_NUMBER);
    CHECK_OK(statfs("/dev", &devices));
    CHECK_EQUAL(devices.f_type, TMPFS_MAGIC_NUMBER);
    int fd = open("/proc/self/stat", O_RDONLY);
    CHECK_OK(fstatfs(fd, &by_descriptor));
    CHECK_EQUAL(by_descriptor.f_type, PROC_MAGIC_NUMBER);
    close(fd);
    CHECK_ERRNO(statfs("/missing", &root), ENOENT);
    CHECK_ERRNO(fstatfs(-1, &root), EBADF);
}

static void mounting_a_tmpfs(const char *scratch)
{
    CHECK_OK(mount("scratch", mount_point, "tmpfs", 0, NULL));
    CHECK(is_listed("scratch", mount_point, "tmpfs"));
    struct statfs statistics;
    CHECK_OK(statfs(mount_point, &statistics));
    CHECK_EQUAL(statistics.f_type, TMPFS_MAGIC_NUMBER);
    struct stat outside, inside;
    CHECK_OK(stat(".", &outside));
    CHECK_OK(stat(mount_point, &inside));
    CHECK(inside.st_dev != outside.st_dev);
    CHECK_OK(test_write_file("mnt/inside", "on the tmpfs", 0644));
    CHECK_OK(stat("mnt/inside", &inside));
    CHECK_ERRNO(rename("mnt/inside", "outside"), EXDEV);
    CHECK_ERRNO(link("mnt/inside", "outside"), EXDEV);
    /* A busy file system stays until MNT_DETACH or the last user is gone. */
    int fd = open("mnt/inside", O_RDONLY);
    CHECK_ERRNO(umount2(mount_point, 0), EBUSY);
    close(fd);
    CHECK_OK(umount2(mount_point, 0));
    CHECK(!is_listed("scratch", mount_point, "tmpfs"));
    CHECK_ERRNO(stat("mnt/inside", &inside), ENOENT);
    CHECK_OK(mount("detached", mount_point, "tmpfs", 0, NULL));
    CHECK_OK(chdir("mnt"));
    CHECK_ERRNO(umount2(mount_point, 0), EBUSY);
    CHECK_OK(umount2(mount_point, MNT_DETACH));
    /* The working directory is still in the detached tree, whose root is its own parent: only
     * an absolute path leads out. */
    CHECK_OK(chdir(".."));
    CHECK_ERRNO(access("mnt", F_OK), ENOENT);
    CHECK_OK(chdir(scratch));
    CHECK(!is_listed("detached", mount_point, "tmpfs"));
}

static void mounting_read_only_and_proc(void)
{
    CHECK_OK(mount("readonly", mount_point, "tmpfs", MS_RDONLY, NULL));
    CHECK_ERRNO(open("mnt/file", O_WRONLY | O_CREAT, 0644), EROFS);
    CHECK_ERRNO(mkdir("mnt/directory", 0755), EROFS);
    CHECK_OK(umount2(mount_point, 0));
    CHECK_OK(mount("proc", mount_point, "proc", 0, NULL));
    char target[16] = {0};
    CHECK_EQUAL(readlink("mnt/self", target, sizeof target - 1), 1);
    CHECK_STRING(target, "1");
    CHECK_OK(umount2(mount_point, 0));
    /* Mounts stack: the newest one is seen, and unmounting uncovers the one below. */
    CHECK_OK(mount("lower", mount_point, "tmpfs", 0, NULL));
    CHECK_OK(test_write_file("mnt/lower-file", "", 0644));
    CHECK_OK(mount("upper", mount_point, "tmpfs", 0, NULL));
    CHECK_ERRNO(access("mnt/lower-file", F_OK), ENOENT);
    CHECK_OK(umount2(mount_point, 0));
    CHECK_OK(access("mnt/lower-file", F_OK));
    CHECK_OK(umount2(mount_point, 0));
}

static void mount_errors(void)
{
    CHECK_ERRNO(mount("none", "missing", "tmpfs", 0, NULL), ENOENT);
    CHECK_ERRNO(mount("none", mount_point, "no-such-filesystem", 0, NULL), ENODEV);
    CHECK_OK(test_write_file("file", "", 0644));
    CHECK_ERRNO(mount("none", "file", "proc", 0, NULL), ENOTDIR);
    CHECK_ERRNO(umount2(mount_point, 0), EINVAL);
    CHECK_ERRNO(umount2("missing", 0), ENOENT);
    CHECK_ERRNO(umount2(mount_point, 0x80000000), EINVAL);
    CHECK_ERRNO(syscall(SYS_mount, "none", TEST_UNMAPPED_ADDRESS, "tmpfs", 0, NULL), EFAULT);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    const char *scratch = test_enter_scratch_directory();
    snprintf(mount_point, sizeof mount_point, "%s/mnt", scratch);
    CHECK_OK(mkdir(mount_point, 0755));
    statistics_of_mounted_filesystems();
    mounting_a_tmpfs(scratch);
    mounting_read_only_and_proc();
    mount_errors();
    test_finish();
    return 0;
}
