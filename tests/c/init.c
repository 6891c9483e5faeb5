/* init.c: /init of the exec-chain suite, which starts the chain and relaunches it for scripts.
 *
 * Booted as PID 1, it is the test named "init": it checks what the kernel gave init (argv and
 * the environment from the command line, Linux's rules in init/main.c), mounts /proc and /dev
 * (devtmpfs) for the tests, then executes the programs listed in /tests/exec-chain, one path per
 * line, through test_launch_chain (test.h).
 *
 * xtask boots again after a program that killed PID 1 or hung, with `loam_chain_resume=<n>` on
 * the command line: the kernel hands that to init as an environment variable, and init then
 * starts at line n, prints no result of its own, and removes the variable before going on.
 *
 * Run as `/init --chain <programs...>` it only launches those programs: shell scripts and Rust
 * tests end that way instead of repeating the launcher.
 *
 * Built with musl only; it is not one of the tests built twice.
 */
#include "test.h"

#include <sys/mount.h>

#define CHAIN_LIST "/tests/exec-chain"
#define RESUME_VARIABLE "loam_chain_resume"
#define MAXIMUM_CHAIN_LENGTH 256

/* Reads the chain list into a NULL-terminated array of paths (the buffer is never freed). */
static char **read_chain_list(void)
{
    static char contents[MAXIMUM_CHAIN_LENGTH * 64];
    static char *paths[MAXIMUM_CHAIN_LENGTH + 1];
    int fd = open(CHAIN_LIST, O_RDONLY);
    if (fd < 0) {
        printf("cannot open %s: errno %s\n", CHAIN_LIST, test_errno_name(errno));
        return paths;
    }
    size_t length = 0;
    ssize_t count;
    while (length < sizeof contents - 1 &&
           (count = read(fd, contents + length, sizeof contents - 1 - length)) > 0)
        length += (size_t)count;
    close(fd);
    contents[length] = '\0';
    size_t path_count = 0;
    for (char *line = strtok(contents, "\n"); line != NULL && path_count < MAXIMUM_CHAIN_LENGTH;
         line = strtok(NULL, "\n"))
        paths[path_count++] = line;
    paths[path_count] = NULL;
    return paths;
}

/* Mounts what the tests use: /proc and a devtmpfs on /dev (as the busybox suite's init does).
 * When resuming, a failure is still printed, outside any test's result. */
static void mount_for_tests(void)
{
    CHECK_OK(mount("proc", "/proc", "proc", 0, NULL));
    CHECK_OK(mount("devtmpfs", "/dev", "devtmpfs", 0, NULL));
}

/* What Linux gives init: argv[0] is the path, then the command line's plain words; the
 * environment is HOME=/ and TERM=linux, then the command line's words with '='. */
static void check_what_the_kernel_passed(int argc, char **argv)
{
    CHECK_EQUAL(getpid(), 1);
    CHECK_EQUAL(getppid(), 0);
    printf("argv[0]: %s\n", argv[0]);
    for (int index = 1; index < argc; index++)
        printf("argument: %s\n", argv[index]);
    for (char **variable = environ; *variable != NULL; variable++)
        printf("environment: %s\n", *variable);
}

static void start_chain(int argc, char **argv)
{
    const char *resume = getenv(RESUME_VARIABLE);
    char **chain = read_chain_list();
    if (resume == NULL) {
        test_state.name = "init";
        snprintf(test_state.short_name, sizeof test_state.short_name, "init");
        printf("%sinit\n", TEST_BEGIN_MARKER);
        check_what_the_kernel_passed(argc, argv);
        mount_for_tests();
        test_state.chain = chain;
        test_finish();
        return;
    }
    mount_for_tests();
    long start = strtol(resume, NULL, 10);
    long length = 0;
    while (chain[length] != NULL)
        length++;
    unsetenv(RESUME_VARIABLE);
    test_launch_chain(chain + (start >= 0 && start < length ? start : length));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], TEST_CHAIN_SEPARATOR) == 0)
        test_launch_chain(argv + 2);
    else
        start_chain(argc, argv);
    return 0;
}
