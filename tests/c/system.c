/* system.c: getrandom, sysinfo and resource limits (getrlimit, setrlimit, prlimit64).
 *
 * Semantics from getrandom(2), sysinfo(2), getrlimit(2) and prlimit(2). The limits checked are
 * the ones Linux gives init (INIT_RLIMITS, include/asm-generic/resource.h): those that do not
 * depend on the amount of memory. The machine has 256 MiB.
 */
#include "test.h"

#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <time.h>

#define MEBIBYTE (1024UL * 1024)
#define INFINITE_LIMIT (~0UL)
#define GETRANDOM_NONBLOCK 0x0001
#define GETRANDOM_RANDOM 0x0002
/* Since Linux 5.6; Rust's std asks for its HashMap keys with it. */
#define GETRANDOM_INSECURE 0x0004

static int is_all_zero(const unsigned char *bytes, size_t length)
{
    for (size_t index = 0; index < length; index++) {
        if (bytes[index] != 0)
            return 0;
    }
    return 1;
}

static void random_bytes(void)
{
    unsigned char first[32], second[32];
    CHECK_EQUAL(syscall(SYS_getrandom, first, sizeof first, 0), 32);
    CHECK_EQUAL(syscall(SYS_getrandom, second, sizeof second, GETRANDOM_NONBLOCK), 32);
    CHECK(memcmp(first, second, sizeof first) != 0);
    CHECK(!is_all_zero(first, sizeof first));
    CHECK_EQUAL(syscall(SYS_getrandom, first, sizeof first, GETRANDOM_RANDOM), 32);
    CHECK_EQUAL(syscall(SYS_getrandom, first, sizeof first, GETRANDOM_INSECURE), 32);
    CHECK_ERRNO(syscall(SYS_getrandom, first, sizeof first, GETRANDOM_INSECURE | GETRANDOM_RANDOM),
                EINVAL);
    CHECK_EQUAL(syscall(SYS_getrandom, first, 0, 0), 0);
    CHECK_ERRNO(syscall(SYS_getrandom, first, sizeof first, 0x100), EINVAL);
    static unsigned char large[MEBIBYTE];
    CHECK_EQUAL(syscall(SYS_getrandom, large, sizeof large, 0), sizeof large);
    CHECK(!is_all_zero(large + sizeof large - 64, 64));
}

static void system_information(void)
{
    struct sysinfo information;
    CHECK_OK(sysinfo(&information));
    CHECK(information.mem_unit >= 1);
    unsigned long total = information.totalram * information.mem_unit;
    CHECK(total > 128 * MEBIBYTE && total <= 256 * MEBIBYTE);
    CHECK(information.freeram > 0 && information.freeram <= information.totalram);
    CHECK(information.procs >= 1);
    struct timespec boot_time;
    clock_gettime(CLOCK_BOOTTIME, &boot_time);
    long difference = boot_time.tv_sec - information.uptime;
    CHECK(difference >= -1 && difference <= 1);
}

/* Checks one limit of init against Linux's (~0 is RLIM_INFINITY). */
static void check_initial_limit(int resource, unsigned long soft, unsigned long hard,
                                const char *name)
{
    struct rlimit limit;
    if (!CHECK_OK(getrlimit(resource, &limit)) || limit.rlim_cur != soft ||
        limit.rlim_max != hard) {
        printf("FAIL %s is %lu:%lu, expected %lu:%lu\n", name, (unsigned long)limit.rlim_cur,
               (unsigned long)limit.rlim_max, soft, hard);
        test_state.failures++;
    }
}

static void initial_limits(void)
{
    check_initial_limit(RLIMIT_CPU, INFINITE_LIMIT, INFINITE_LIMIT, "RLIMIT_CPU");
    check_initial_limit(RLIMIT_FSIZE, INFINITE_LIMIT, INFINITE_LIMIT, "RLIMIT_FSIZE");
    check_initial_limit(RLIMIT_DATA, INFINITE_LIMIT, INFINITE_LIMIT, "RLIMIT_DATA");
    check_initial_limit(RLIMIT_STACK, 8 * MEBIBYTE, INFINITE_LIMIT, "RLIMIT_STACK");
    check_initial_limit(RLIMIT_CORE, 0, INFINITE_LIMIT, "RLIMIT_CORE");
    check_initial_limit(RLIMIT_RSS, INFINITE_LIMIT, INFINITE_LIMIT, "RLIMIT_RSS");
    check_initial_limit(RLIMIT_NOFILE, 1024, 4096, "RLIMIT_NOFILE");
    check_initial_limit(RLIMIT_MEMLOCK, 8 * MEBIBYTE, 8 * MEBIBYTE, "RLIMIT_MEMLOCK");
    check_initial_limit(RLIMIT_AS, INFINITE_LIMIT, INFINITE_LIMIT, "RLIMIT_AS");
    check_initial_limit(RLIMIT_LOCKS, INFINITE_LIMIT, INFINITE_LIMIT, "RLIMIT_LOCKS");
    check_initial_limit(RLIMIT_MSGQUEUE, 819200, 819200, "RLIMIT_MSGQUEUE");
    check_initial_limit(RLIMIT_NICE, 0, 0, "RLIMIT_NICE");
    check_initial_limit(RLIMIT_RTPRIO, 0, 0, "RLIMIT_RTPRIO");
    check_initial_limit(RLIMIT_RTTIME, INFINITE_LIMIT, INFINITE_LIMIT, "RLIMIT_RTTIME");
}

static void changing_limits(void)
{
    struct rlimit original, limit;
    CHECK_OK(getrlimit(RLIMIT_FSIZE, &original));
    limit.rlim_cur = 4096;
    limit.rlim_max = 1 * MEBIBYTE;
    CHECK_OK(setrlimit(RLIMIT_FSIZE, &limit));
    CHECK_OK(getrlimit(RLIMIT_FSIZE, &limit));
    CHECK_EQUAL(limit.rlim_cur, 4096);
    CHECK_EQUAL(limit.rlim_max, MEBIBYTE);
    /* The soft limit may not exceed the hard one. */
    limit.rlim_cur = 2 * MEBIBYTE;
    CHECK_ERRNO(setrlimit(RLIMIT_FSIZE, &limit), EINVAL);
    /* Root may raise a hard limit again (CAP_SYS_RESOURCE). */
    CHECK_OK(setrlimit(RLIMIT_FSIZE, &original));
    CHECK_OK(getrlimit(RLIMIT_FSIZE, &limit));
    CHECK_EQUAL(limit.rlim_max, INFINITE_LIMIT);
    /* No more descriptors than fs.nr_open (1048576), even for root. */
    struct rlimit too_many = {.rlim_cur = 1024, .rlim_max = 2 * MEBIBYTE};
    CHECK_ERRNO(setrlimit(RLIMIT_NOFILE, &too_many), EPERM);
    CHECK_ERRNO(syscall(SYS_getrlimit, 100, &limit), EINVAL);
    CHECK_ERRNO(syscall(SYS_setrlimit, 100, &limit), EINVAL);
}

static void limits_of_a_process(void)
{
    struct rlimit by_getrlimit, by_prlimit, old, new_limit;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &by_getrlimit));
    CHECK_OK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &by_prlimit));
    CHECK_EQUAL(by_prlimit.rlim_cur, by_getrlimit.rlim_cur);
    CHECK_EQUAL(by_prlimit.rlim_max, by_getrlimit.rlim_max);
    CHECK_OK(syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, NULL, &by_prlimit));
    CHECK_EQUAL(by_prlimit.rlim_cur, 1024);
    /* prlimit64 sets and returns the old value in one call. */
    new_limit.rlim_cur = 512;
    new_limit.rlim_max = 4096;
    CHECK_OK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &new_limit, &old));
    CHECK_EQUAL(old.rlim_cur, 1024);
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &by_getrlimit));
    CHECK_EQUAL(by_getrlimit.rlim_cur, 512);
    CHECK_OK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &old, NULL));
    CHECK_ERRNO(syscall(SYS_prlimit64, 99999, RLIMIT_NOFILE, NULL, &old), ESRCH);
    CHECK_ERRNO(syscall(SYS_prlimit64, 0, 100, NULL, &old), EINVAL);
    CHECK_ERRNO(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, TEST_UNMAPPED_ADDRESS), EFAULT);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    random_bytes();
    system_information();
    initial_limits();
    changing_limits();
    limits_of_a_process();
    test_finish();
    return 0;
}
