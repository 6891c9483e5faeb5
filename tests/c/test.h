/* test.h: checks, errno names and the exec chain shared by Loam's C guest tests.
 *
 * Every C test is one static program, built twice by xtask (musl-gcc and glibc gcc, both
 * `-static -O2`), that runs as PID 1 in an initramfs without fork: each program prints its
 * result between the markers that xtask's guest_report reads and then execve()s the next program
 * of the exec chain, which it received in argv:
 *
 *     /tests/c/files.musl [own arguments...] --chain /tests/c/files.glibc /tests/rust/files ...
 *
 * The begin marker of a program is printed by whoever execs it (the previous program, or /init
 * for the first one), so a program that cannot even start still has a framed result. When an
 * exec fails the launcher reports it as that program's result and goes on with the next one;
 * after the last one it prints the done marker, syncs and powers the machine off. A program must
 * never exit: PID 1 exiting panics Linux.
 *
 * A check that fails prints `FAIL <file>:<line>: <expression> (errno <name>)`; a passing check
 * prints nothing, so a test's expected output is its summary line plus whatever it reports on
 * purpose (such as the errno of each malformed ELF file). Output must be the same under musl and
 * glibc and on Loam and Linux: print no libc-specific text (no strerror) and nothing that differs
 * between kernels by design (uname's release, addresses, times).
 *
 * Include this file first: it defines _GNU_SOURCE before any system header.
 */
#ifndef LOAM_TEST_H
#define LOAM_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

/* The markers of xtask/src/testing/guest_report.rs. */
#define TEST_BEGIN_MARKER "@@loam-test-begin "
#define TEST_END_MARKER "@@loam-test-end "
#define TEST_DONE_MARKER "@@loam-tests-done"
#define TEST_CHAIN_SEPARATOR "--chain"
/* Programs live under /tests/ and are named by their path below it: c/files.musl. */
#define TEST_DIRECTORY_PREFIX "/tests/"
/* The exit status of a program that could not be executed, as in shells. */
#define TEST_STATUS_NOT_EXECUTED 127

/* An address that no process has mapped: the first page is never mapped (mmap_min_addr). */
#define TEST_UNMAPPED_ADDRESS ((void *)1)
/* An address in the kernel half of the address space, which user pointers never reach. */
#define TEST_KERNEL_ADDRESS ((void *)0xffffffff81000000UL)

static struct {
    /* argv[0]: the path the program was executed as. */
    const char *path;
    /* The path below /tests/: c/files.musl. */
    const char *name;
    /* The name without directory and libc flavour: files. Printed in the summary line, which
     * must be the same for both builds. */
    char short_name[64];
    /* Arguments before --chain (argv[1] onwards) and the programs after it. */
    int argument_count;
    char **arguments;
    char **chain;
    unsigned long checks;
    unsigned long failures;
} test_state;

/* The errno values tests expect or meet, with the names <errno.h> gives them. */
static const struct {
    int value;
    const char *name;
} test_errno_names[] = {
    {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINTR, "EINTR"}, {EIO, "EIO"},
    {ENXIO, "ENXIO"}, {E2BIG, "E2BIG"}, {ENOEXEC, "ENOEXEC"}, {EBADF, "EBADF"},
    {ECHILD, "ECHILD"}, {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"},
    {EFAULT, "EFAULT"}, {ENOTBLK, "ENOTBLK"}, {EBUSY, "EBUSY"}, {EEXIST, "EEXIST"},
    {EXDEV, "EXDEV"}, {ENODEV, "ENODEV"}, {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"}, {ENFILE, "ENFILE"}, {EMFILE, "EMFILE"}, {ENOTTY, "ENOTTY"},
    {ETXTBSY, "ETXTBSY"}, {EFBIG, "EFBIG"}, {ENOSPC, "ENOSPC"}, {ESPIPE, "ESPIPE"},
    {EROFS, "EROFS"}, {EMLINK, "EMLINK"}, {EPIPE, "EPIPE"}, {EDOM, "EDOM"}, {ERANGE, "ERANGE"},
    {ENAMETOOLONG, "ENAMETOOLONG"}, {ENOSYS, "ENOSYS"}, {ENOTEMPTY, "ENOTEMPTY"},
    {ELOOP, "ELOOP"}, {ELIBBAD, "ELIBBAD"}, {EOVERFLOW, "EOVERFLOW"},
    {EOPNOTSUPP, "EOPNOTSUPP"}, {ETIMEDOUT, "ETIMEDOUT"},
};

/* The name of an errno value as <errno.h> spells it, or its number for rare ones. */
static inline const char *test_errno_name(int error)
{
    static char number[16];
    if (error == 0)
        return "none";
    for (size_t index = 0; index < sizeof test_errno_names / sizeof test_errno_names[0]; index++) {
        if (test_errno_names[index].value == error)
            return test_errno_names[index].name;
    }
    snprintf(number, sizeof number, "%d", error);
    return number;
}

/* Records one check; prints the failure with the errno of the moment. */
static inline int test_check(int is_passed, const char *expression, const char *file, int line)
{
    int error = errno;
    test_state.checks++;
    if (!is_passed) {
        test_state.failures++;
        printf("FAIL %s:%d: %s (errno %s)\n", file, line, expression, test_errno_name(error));
    }
    errno = error;
    return is_passed;
}

/* Checks that a call which returns -1 on failure fails with exactly this errno. */
static inline int test_check_errno(long result, int error, int expected, const char *expression,
                                   const char *file, int line)
{
    test_state.checks++;
    if (result == -1 && error == expected)
        return 1;
    test_state.failures++;
    printf("FAIL %s:%d: %s fails with %s (returned %ld, errno %s)\n", file, line, expression,
           test_errno_name(expected), result, test_errno_name(error));
    return 0;
}

static inline int test_check_equal(long long actual, long long expected, const char *expression,
                                   const char *file, int line)
{
    int error = errno;
    test_state.checks++;
    if (actual == expected)
        return 1;
    test_state.failures++;
    printf("FAIL %s:%d: %s (got %lld, expected %lld, errno %s)\n", file, line, expression,
           actual, expected, test_errno_name(error));
    return 0;
}

static inline int test_check_string(const char *actual, const char *expected,
                                    const char *expression, const char *file, int line)
{
    test_state.checks++;
    if (actual != NULL && strcmp(actual, expected) == 0)
        return 1;
    test_state.failures++;
    printf("FAIL %s:%d: %s (got \"%s\", expected \"%s\")\n", file, line, expression,
           actual != NULL ? actual : "(null)", expected);
    return 0;
}

/* The source file's name without its directory, which depends on where xtask builds. */
#ifdef __FILE_NAME__
#define TEST_FILE __FILE_NAME__
#else
#define TEST_FILE __FILE__
#endif

/* CHECK(condition): the condition holds. */
#define CHECK(condition) test_check(!!(condition), #condition, TEST_FILE, __LINE__)
/* CHECK_OK(call): a call returning -1 on failure succeeds (returns >= 0). */
#define CHECK_OK(call) test_check((long)(call) >= 0, #call, TEST_FILE, __LINE__)
/* CHECK_ERRNO(call, ENOENT): the call returns -1 with errno ENOENT. */
#define CHECK_ERRNO(call, expected)                                                           \
    do {                                                                                      \
        errno = 0;                                                                            \
        long test_result_ = (long)(call);                                                     \
        test_check_errno(test_result_, errno, (expected), #call, TEST_FILE, __LINE__);         \
    } while (0)
/* CHECK_EQUAL(actual, expected): two integers are equal; both are printed on failure. */
#define CHECK_EQUAL(actual, expected)                                                         \
    test_check_equal((long long)(actual), (long long)(expected), #actual " == " #expected,    \
                     TEST_FILE, __LINE__)
#define CHECK_STRING(actual, expected)                                                        \
    test_check_string((actual), (expected), #actual " == " #expected, TEST_FILE, __LINE__)

/* The name of the program at `path`: the part below /tests/, or the path itself. */
static inline const char *test_name_of(const char *path)
{
    size_t prefix_length = strlen(TEST_DIRECTORY_PREFIX);
    if (strncmp(path, TEST_DIRECTORY_PREFIX, prefix_length) == 0)
        return path + prefix_length;
    return path;
}

/* Reads argv: the program's own arguments, the chain after --chain, and its names. */
static inline void test_start(int argc, char **argv)
{
    test_state.path = argv[0];
    test_state.name = test_name_of(argv[0]);
    const char *base = strrchr(test_state.name, '/');
    base = base != NULL ? base + 1 : test_state.name;
    snprintf(test_state.short_name, sizeof test_state.short_name, "%s", base);
    char *flavour = strchr(test_state.short_name, '.');
    if (flavour != NULL)
        *flavour = '\0';
    test_state.arguments = argv + 1;
    test_state.argument_count = 0;
    test_state.chain = argv + argc;
    for (int index = 1; index < argc; index++) {
        if (strcmp(argv[index], TEST_CHAIN_SEPARATOR) == 0) {
            test_state.chain = argv + index + 1;
            break;
        }
        test_state.argument_count++;
    }
}

/* Builds the argv of a program: `program`, then `arguments`, then --chain and the chain. */
static inline char **test_chain_argv(const char *program, char *const arguments[], char **chain)
{
    size_t argument_count = 0, chain_length = 0;
    while (arguments != NULL && arguments[argument_count] != NULL)
        argument_count++;
    while (chain[chain_length] != NULL)
        chain_length++;
    char **argv = calloc(argument_count + chain_length + 3, sizeof *argv);
    if (argv == NULL)
        return NULL;
    size_t next = 0;
    argv[next++] = (char *)program;
    for (size_t index = 0; index < argument_count; index++)
        argv[next++] = arguments[index];
    argv[next++] = TEST_CHAIN_SEPARATOR;
    for (size_t index = 0; index < chain_length; index++)
        argv[next++] = chain[index];
    argv[next] = NULL;
    return argv;
}

/* Prints the done marker and powers the machine off (sync first, as reboot(2) asks). */
static inline void test_power_off(void)
{
    printf("%s\n", TEST_DONE_MARKER);
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    /* Only reached if the kernel refused; exiting PID 1 at least ends the boot at once. */
    printf("power-off failed: errno %s\n", test_errno_name(errno));
    fflush(stdout);
    _exit(1);
}

/* Executes the chain's programs in order until one starts; after the last, powers off. */
static inline void test_launch_chain(char **chain)
{
    for (char **next = chain; *next != NULL; next++) {
        const char *name = test_name_of(*next);
        printf("%s%s\n", TEST_BEGIN_MARKER, name);
        fflush(stdout);
        char **argv = test_chain_argv(*next, NULL, next + 1);
        if (argv != NULL)
            execve(*next, argv, environ);
        printf("cannot execute %s: errno %s\n", *next, test_errno_name(errno));
        printf("%s%s status=%d\n", TEST_END_MARKER, name, TEST_STATUS_NOT_EXECUTED);
        free(argv);
    }
    test_power_off();
}

/* Executes this same program again with other arguments (and environment), keeping the chain.
 * Returns only if execve fails. */
static inline void test_execute_self(char *const arguments[], char *const environment[])
{
    fflush(stdout);
    char **argv = test_chain_argv(test_state.path, arguments, test_state.chain);
    if (argv != NULL)
        execve(test_state.path, argv, environment);
    free(argv);
}

/* Prints the summary and the end marker, then hands the machine to the next program. */
static inline void test_finish(void)
{
    if (test_state.failures == 0)
        printf("%s: %lu checks passed\n", test_state.short_name, test_state.checks);
    else
        printf("%s: %lu of %lu checks failed\n", test_state.short_name, test_state.failures,
               test_state.checks);
    printf("%s%s status=%d\n", TEST_END_MARKER, test_state.name, test_state.failures ? 1 : 0);
    /* The working directory survives execve: leave the next program where /init started. */
    if (chdir("/") != 0)
        printf("cannot return to /: errno %s\n", test_errno_name(errno));
    test_launch_chain(test_state.chain);
}

/* Creates /tmp/<name>, with / turned into -, and makes it the working directory. Each build of
 * a test has its own, so the musl and glibc runs never see each other's files. */
static inline const char *test_enter_scratch_directory(void)
{
    static char directory[128];
    snprintf(directory, sizeof directory, "/tmp/%s", test_state.name);
    for (char *slash = directory + strlen("/tmp/"); *slash != '\0'; slash++) {
        if (*slash == '/')
            *slash = '-';
    }
    if (!CHECK_OK(mkdir(directory, 0755)) || !CHECK_OK(chdir(directory)))
        printf("scratch directory %s unusable\n", directory);
    return directory;
}

/* Writes a whole string to a new file with the given mode, for setting up cases. */
static inline int test_write_file(const char *path, const char *contents, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return -1;
    size_t length = strlen(contents);
    ssize_t written = write(fd, contents, length);
    close(fd);
    return written == (ssize_t)length ? 0 : -1;
}

#endif
