/* descriptors.c: the descriptor table (dup, dup2, dup3, fcntl, limits) and the working directory.
 *
 * Semantics from dup(2), fcntl(2), getrlimit(2) (RLIMIT_NOFILE bounds new descriptors: EMFILE,
 * and F_DUPFD at or above it: EINVAL), getcwd(2), chdir(2). Close-on-exec across an execve is
 * checked by the execve test.
 */
#include "test.h"

#include <sys/resource.h>

/* F_GETFL on x86_64 Linux also reports O_LARGEFILE, which the kernel sets on every open file
 * (force_o_largefile, include/linux/fcntl.h) but which the libcs define as 0. */
#define KERNEL_O_LARGEFILE 0100000

static void duplicating(void)
{
    int fd = open("/dev/null", O_RDWR);
    CHECK_EQUAL(fd, 3);
    CHECK_EQUAL(dup(fd), 4);
    /* dup2 onto an open descriptor closes it first; onto itself it does nothing. */
    CHECK_EQUAL(dup2(fd, 4), 4);
    CHECK_EQUAL(dup2(fd, fd), fd);
    CHECK_EQUAL(dup2(fd, 100), 100);
    CHECK_OK(fcntl(100, F_GETFD));
    CHECK_ERRNO(dup2(fd, -1), EBADF);
    CHECK_ERRNO(dup2(50, 51), EBADF);
    CHECK_ERRNO(dup2(fd, 1 << 20), EBADF);
    CHECK_ERRNO(dup(50), EBADF);
    /* Through syscall(): libcs check some arguments themselves, differently. */
    CHECK_ERRNO(syscall(SYS_dup3, fd, fd, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_dup3, fd, 5, 0x4), EINVAL);
    CHECK_EQUAL(dup3(fd, 5, O_CLOEXEC), 5);
    CHECK_EQUAL(fcntl(5, F_GETFD), FD_CLOEXEC);
    CHECK_OK(close(4));
    /* The lowest free number is reused. */
    CHECK_EQUAL(dup(fd), 4);
    CHECK_EQUAL(fcntl(4, F_GETFD), 0);
    CHECK_OK(close(4));
    CHECK_OK(close(5));
    CHECK_OK(close(100));
    CHECK_OK(close(fd));
}

static void descriptor_flags(void)
{
    int fd = open("/dev/null", O_RDONLY);
    CHECK_EQUAL(fcntl(fd, F_GETFD), 0);
    CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
    CHECK_EQUAL(fcntl(fd, F_GETFD), FD_CLOEXEC);
    /* Descriptor flags belong to the descriptor: a duplicate starts without them. */
    int duplicate = dup(fd);
    CHECK_EQUAL(fcntl(duplicate, F_GETFD), 0);
    CHECK_OK(fcntl(fd, F_SETFD, 0));
    CHECK_EQUAL(fcntl(fd, F_GETFD), 0);
    close(duplicate);
    close(fd);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK_EQUAL(fcntl(fd, F_GETFD), FD_CLOEXEC);
    close(fd);
    CHECK_ERRNO(fcntl(-1, F_GETFD), EBADF);
    CHECK_ERRNO(fcntl(40, F_SETFD, FD_CLOEXEC), EBADF);
}

static void status_flags(void)
{
    CHECK_OK(test_write_file("flags", "", 0644));
    int fd = open("flags", O_RDWR | O_APPEND);
    CHECK_EQUAL(fcntl(fd, F_GETFL), O_RDWR | O_APPEND | KERNEL_O_LARGEFILE);
    CHECK_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
    CHECK_EQUAL(fcntl(fd, F_GETFL), O_RDWR | O_NONBLOCK | KERNEL_O_LARGEFILE);
    /* The access mode cannot change. */
    CHECK_OK(fcntl(fd, F_SETFL, O_WRONLY | O_APPEND));
    CHECK_EQUAL(fcntl(fd, F_GETFL), O_RDWR | O_APPEND | KERNEL_O_LARGEFILE);
    /* Status flags belong to the open file description, which duplicates share. */
    int duplicate = dup(fd);
    CHECK_OK(fcntl(duplicate, F_SETFL, 0));
    CHECK_EQUAL(fcntl(fd, F_GETFL), O_RDWR | KERNEL_O_LARGEFILE);
    close(duplicate);
    close(fd);
    fd = open("flags", O_RDONLY);
    CHECK_EQUAL(fcntl(fd, F_GETFL), O_RDONLY | KERNEL_O_LARGEFILE);
    CHECK_ERRNO(fcntl(fd, 12345), EINVAL);
    close(fd);
    fd = open("flags", O_WRONLY);
    CHECK_EQUAL(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    close(fd);
}

static void duplicating_above_a_number(void)
{
    int fd = open("/dev/null", O_RDONLY);
    CHECK_EQUAL(fcntl(fd, F_DUPFD, 10), 10);
    CHECK_EQUAL(fcntl(fd, F_DUPFD, 10), 11);
    CHECK_EQUAL(fcntl(10, F_GETFD), 0);
    CHECK_EQUAL(fcntl(fd, F_DUPFD_CLOEXEC, 20), 20);
    CHECK_EQUAL(fcntl(20, F_GETFD), FD_CLOEXEC);
    CHECK_EQUAL(fcntl(fd, F_DUPFD, 0), 4);
    CHECK_ERRNO(fcntl(fd, F_DUPFD, -1), EINVAL);
    CHECK_ERRNO(fcntl(fd, F_DUPFD, 1 << 20), EINVAL);
    CHECK_ERRNO(fcntl(99, F_DUPFD, 0), EBADF);
    for (int other = 4; other <= 20; other++)
        close(other);
    close(fd);
}

static void descriptor_limit(void)
{
    struct rlimit limit;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &limit));
    /* Linux gives init 1024 soft and 4096 hard (INR_OPEN_CUR and INR_OPEN_MAX). */
    CHECK_EQUAL(limit.rlim_cur, 1024);
    CHECK_EQUAL(limit.rlim_max, 4096);
    struct rlimit lowered = {.rlim_cur = 8, .rlim_max = limit.rlim_max};
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &lowered));
    int opened = 0;
    while (open("/dev/null", O_RDONLY) >= 0)
        opened++;
    CHECK_EQUAL(errno, EMFILE);
    CHECK_EQUAL(opened, 5);
    CHECK_ERRNO(dup(0), EMFILE);
    CHECK_ERRNO(fcntl(0, F_DUPFD, 8), EINVAL);
    CHECK_ERRNO(dup2(0, 8), EBADF);
    CHECK_EQUAL(dup2(0, 7), 7);
    for (int fd = 3; fd < 8; fd++)
        CHECK_OK(close(fd));
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &limit));
}

static void working_directory(const char *scratch)
{
    char path[256];
    CHECK(getcwd(path, sizeof path) != NULL);
    CHECK(strcmp(path, scratch) == 0);
    /* The system call returns the length with the NUL. */
    CHECK_EQUAL(syscall(SYS_getcwd, path, sizeof path), strlen(scratch) + 1);
    CHECK_ERRNO(syscall(SYS_getcwd, path, 2), ERANGE);
    CHECK_OK(mkdir("sub", 0755));
    CHECK_OK(chdir("sub"));
    CHECK(getcwd(path, sizeof path) != NULL && strstr(path, "/sub") != NULL);
    CHECK_OK(chdir(".."));
    CHECK(getcwd(path, sizeof path) != NULL && strcmp(path, scratch) == 0);
    CHECK_ERRNO(chdir("missing"), ENOENT);
    CHECK_ERRNO(chdir("flags"), ENOTDIR);
    CHECK_ERRNO(chdir(""), ENOENT);
    int directory = open("sub", O_RDONLY | O_DIRECTORY);
    CHECK_OK(fchdir(directory));
    CHECK(getcwd(path, sizeof path) != NULL && strstr(path, "/sub") != NULL);
    close(directory);
    int file = open("../flags", O_RDONLY);
    CHECK_ERRNO(fchdir(file), ENOTDIR);
    close(file);
    CHECK_ERRNO(fchdir(-1), EBADF);
    /* Through a symbolic link, the working directory is the directory itself. */
    CHECK_OK(chdir(scratch));
    CHECK_OK(symlink("sub", "sub-link"));
    CHECK_OK(chdir("sub-link"));
    CHECK(getcwd(path, sizeof path) != NULL && strstr(path, "/sub-link") == NULL);
    CHECK_OK(chdir("/"));
    CHECK(getcwd(path, sizeof path) != NULL && strcmp(path, "/") == 0);
    CHECK_OK(chdir(scratch));
}

static void removed_working_directory(const char *scratch)
{
    CHECK_OK(mkdir("removed", 0755));
    CHECK_OK(chdir("removed"));
    CHECK_OK(rmdir("../removed"));
    char path[256];
    CHECK_ERRNO(syscall(SYS_getcwd, path, sizeof path), ENOENT);
    CHECK_ERRNO(open("new", O_WRONLY | O_CREAT, 0644), ENOENT);
    CHECK_OK(chdir(scratch));
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    const char *scratch = test_enter_scratch_directory();
    duplicating();
    descriptor_flags();
    status_flags();
    duplicating_above_a_number();
    descriptor_limit();
    working_directory(scratch);
    removed_working_directory(scratch);
    test_finish();
    return 0;
}
