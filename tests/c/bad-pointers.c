/* bad-pointers.c: every kind of bad user pointer makes a system call fail with EFAULT.
 *
 * Unmapped addresses, kernel addresses, pages without the needed access, and strings that run
 * into an unmapped page: the kernel must return EFAULT (the errno lists of read(2), write(2),
 * open(2), stat(2) and the others) and never crash or read its own memory. All calls go
 * through syscall() so that no libc wrapper touches the pointer first.
 */
#include "test.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <time.h>

#define PAGE_SIZE 4096

static void bad_buffers_for_read_and_write(void)
{
    CHECK_OK(test_write_file("data", "some bytes to read", 0644));
    int fd = open("data", O_RDWR);
    CHECK_ERRNO(syscall(SYS_read, fd, TEST_UNMAPPED_ADDRESS, 10), EFAULT);
    CHECK_ERRNO(syscall(SYS_read, fd, TEST_KERNEL_ADDRESS, 10), EFAULT);
    CHECK_ERRNO(syscall(SYS_write, fd, TEST_UNMAPPED_ADDRESS, 10), EFAULT);
    CHECK_ERRNO(syscall(SYS_write, fd, TEST_KERNEL_ADDRESS, 10), EFAULT);
    CHECK_ERRNO(syscall(SYS_pread64, fd, TEST_UNMAPPED_ADDRESS, 10, 0), EFAULT);
    CHECK_ERRNO(syscall(SYS_pwrite64, fd, TEST_KERNEL_ADDRESS, 10, 0), EFAULT);
    /* Nothing was read or written by the failed calls. */
    CHECK_EQUAL(lseek(fd, 0, SEEK_CUR), 0);
    struct stat status;
    CHECK_OK(fstat(fd, &status));
    CHECK_EQUAL(status.st_size, 18);
    /* A count of zero touches no memory. */
    CHECK_EQUAL(syscall(SYS_write, fd, TEST_UNMAPPED_ADDRESS, 0), 0);
    CHECK_EQUAL(syscall(SYS_read, fd, TEST_UNMAPPED_ADDRESS, 0), 0);
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    CHECK_ERRNO(syscall(SYS_read, fd, TEST_UNMAPPED_ADDRESS, 10), EFAULT);
    close(fd);
    CHECK_ERRNO(syscall(SYS_write, 1, TEST_KERNEL_ADDRESS, 10), EFAULT);
}

static void bad_vectors(void)
{
    int fd = open("data", O_RDONLY);
    char byte;
    struct iovec vector = {.iov_base = TEST_UNMAPPED_ADDRESS, .iov_len = 4};
    CHECK_ERRNO(syscall(SYS_readv, fd, TEST_UNMAPPED_ADDRESS, 1), EFAULT);
    CHECK_ERRNO(syscall(SYS_readv, fd, &vector, 1), EFAULT);
    vector.iov_base = TEST_KERNEL_ADDRESS;
    CHECK_ERRNO(syscall(SYS_writev, 1, &vector, 1), EFAULT);
    vector.iov_base = &byte;
    vector.iov_len = 1;
    CHECK_EQUAL(syscall(SYS_readv, fd, &vector, 1), 1);
    close(fd);
}

static void bad_paths(void)
{
    struct stat status;
    CHECK_ERRNO(syscall(SYS_open, TEST_UNMAPPED_ADDRESS, O_RDONLY), EFAULT);
    CHECK_ERRNO(syscall(SYS_openat, AT_FDCWD, TEST_KERNEL_ADDRESS, O_RDONLY), EFAULT);
    CHECK_ERRNO(syscall(SYS_stat, TEST_UNMAPPED_ADDRESS, &status), EFAULT);
    CHECK_ERRNO(syscall(SYS_lstat, TEST_KERNEL_ADDRESS, &status), EFAULT);
    CHECK_ERRNO(syscall(SYS_newfstatat, AT_FDCWD, TEST_UNMAPPED_ADDRESS, &status, 0), EFAULT);
    CHECK_ERRNO(syscall(SYS_mkdir, TEST_UNMAPPED_ADDRESS, 0755), EFAULT);
    CHECK_ERRNO(syscall(SYS_unlink, TEST_UNMAPPED_ADDRESS), EFAULT);
    CHECK_ERRNO(syscall(SYS_rename, "data", TEST_UNMAPPED_ADDRESS), EFAULT);
    CHECK_ERRNO(syscall(SYS_chdir, TEST_KERNEL_ADDRESS), EFAULT);
    CHECK_ERRNO(syscall(SYS_access, TEST_UNMAPPED_ADDRESS, F_OK), EFAULT);
    CHECK_ERRNO(syscall(SYS_execve, TEST_UNMAPPED_ADDRESS, NULL, NULL), EFAULT);
    char *arguments[] = {"/tests/missing", NULL};
    CHECK_ERRNO(syscall(SYS_execve, "/init", TEST_UNMAPPED_ADDRESS, NULL), EFAULT);
    CHECK_ERRNO(syscall(SYS_execve, "/init", arguments, TEST_KERNEL_ADDRESS), EFAULT);
    /* The failed calls changed nothing. */
    CHECK_OK(stat("data", &status));
}

static void bad_result_buffers(void)
{
    CHECK_ERRNO(syscall(SYS_stat, "data", TEST_UNMAPPED_ADDRESS), EFAULT);
    CHECK_ERRNO(syscall(SYS_fstat, 0, TEST_KERNEL_ADDRESS), EFAULT);
    CHECK_ERRNO(syscall(SYS_getcwd, TEST_UNMAPPED_ADDRESS, 100), EFAULT);
    CHECK_ERRNO(syscall(SYS_uname, TEST_UNMAPPED_ADDRESS), EFAULT);
    CHECK_ERRNO(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, TEST_UNMAPPED_ADDRESS), EFAULT);
    CHECK_ERRNO(syscall(SYS_gettimeofday, TEST_KERNEL_ADDRESS, NULL), EFAULT);
    CHECK_ERRNO(syscall(SYS_nanosleep, TEST_UNMAPPED_ADDRESS, NULL), EFAULT);
    CHECK_ERRNO(syscall(SYS_getrandom, TEST_UNMAPPED_ADDRESS, 16, 0), EFAULT);
    CHECK_ERRNO(syscall(SYS_sysinfo, TEST_UNMAPPED_ADDRESS), EFAULT);
    CHECK_ERRNO(syscall(SYS_getrlimit, RLIMIT_NOFILE, TEST_UNMAPPED_ADDRESS), EFAULT);
    CHECK_ERRNO(syscall(SYS_readlink, "/proc/self/exe", TEST_UNMAPPED_ADDRESS, 64), EFAULT);
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_ERRNO(syscall(SYS_getdents64, fd, TEST_UNMAPPED_ADDRESS, 4096), EFAULT);
    close(fd);
}

/* A string that fills the last bytes of a page and runs into an unmapped one. */
static void strings_running_into_unmapped_memory(void)
{
    char *pages = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(pages != MAP_FAILED);
    CHECK_OK(munmap(pages + PAGE_SIZE, PAGE_SIZE));
    char *tail = pages + PAGE_SIZE - 100;
    memset(tail, 'a', 100);
    CHECK_ERRNO(syscall(SYS_open, tail, O_RDONLY), EFAULT);
    CHECK_ERRNO(syscall(SYS_mkdir, tail, 0755), EFAULT);
    /* With a NUL at the very end the same memory is a fine name. */
    tail[99] = '\0';
    CHECK_OK(syscall(SYS_mkdir, tail, 0755));
    CHECK_OK(syscall(SYS_rmdir, tail));
    munmap(pages, PAGE_SIZE);
}

/* Memory the process may not touch in the needed way: the kernel must not either. */
static void pages_without_access(void)
{
    char *page = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    int fd = open("data", O_RDWR | O_APPEND);
    CHECK_ERRNO(syscall(SYS_write, fd, page, 4), EFAULT);
    CHECK_ERRNO(syscall(SYS_read, fd, page, 4), EFAULT);
    CHECK_OK(mprotect(page, PAGE_SIZE, PROT_READ));
    CHECK_ERRNO(syscall(SYS_read, fd, page, 4), EFAULT);
    CHECK_EQUAL(syscall(SYS_write, fd, page, 4), 4);
    CHECK_OK(mprotect(page, PAGE_SIZE, PROT_READ | PROT_WRITE));
    CHECK_EQUAL(syscall(SYS_pread64, fd, page, 4, 0), 4);
    CHECK(memcmp(page, "some", 4) == 0);
    close(fd);
    munmap(page, PAGE_SIZE);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    test_enter_scratch_directory();
    bad_buffers_for_read_and_write();
    bad_vectors();
    bad_paths();
    bad_result_buffers();
    strings_running_into_unmapped_memory();
    pages_without_access();
    test_finish();
    return 0;
}
