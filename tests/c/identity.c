/* identity.c: who the process is: IDs of PID 1, credentials, uname and the host name.
 *
 * Linux starts init as PID 1 with parent 0, thread ID 1, process group 0 (init/main.c: init is
 * not a group leader), all user and group IDs 0 and no supplementary groups. uname(2) reports
 * "Linux" and "x86_64", and "(none)" as host and domain name until someone sets one
 * (include/linux/uts.h). The release and version strings differ between kernels by design and
 * are only checked to be present.
 */
#include "test.h"

#include <sched.h>
#include <sys/times.h>
#include <sys/utsname.h>

static void process_identifiers(void)
{
    CHECK_EQUAL(getpid(), 1);
    CHECK_EQUAL(getppid(), 0);
    CHECK_EQUAL(syscall(SYS_gettid), 1);
    CHECK_EQUAL(getpgrp(), 0);
    CHECK_OK(sched_yield());
}

static void credentials(void)
{
    CHECK_EQUAL(getuid(), 0);
    CHECK_EQUAL(geteuid(), 0);
    CHECK_EQUAL(getgid(), 0);
    CHECK_EQUAL(getegid(), 0);
    CHECK_EQUAL(getgroups(0, NULL), 0);
    gid_t groups[4];
    CHECK_EQUAL(getgroups(4, groups), 0);
    CHECK_ERRNO(syscall(SYS_getgroups, -1, groups), EINVAL);
    /* Root may set its IDs to what they already are. */
    CHECK_OK(setuid(0));
    CHECK_OK(setgid(0));
    CHECK_EQUAL(getuid(), 0);
    CHECK_EQUAL(getegid(), 0);
}

static void system_names(void)
{
    struct utsname names;
    CHECK_OK(uname(&names));
    CHECK_STRING(names.sysname, "Linux");
    CHECK_STRING(names.machine, "x86_64");
    CHECK_STRING(names.nodename, "(none)");
    CHECK_STRING(names.domainname, "(none)");
    CHECK(strlen(names.release) > 0);
    CHECK(strlen(names.version) > 0);
}

static void host_name(void)
{
    CHECK_OK(sethostname("loam-guest", 10));
    struct utsname names;
    CHECK_OK(uname(&names));
    CHECK_STRING(names.nodename, "loam-guest");
    char name[65];
    CHECK_OK(gethostname(name, sizeof name));
    CHECK_STRING(name, "loam-guest");
    /* The length counts bytes; no NUL is needed in the argument. */
    CHECK_OK(sethostname("abcdef", 3));
    CHECK_OK(uname(&names));
    CHECK_STRING(names.nodename, "abc");
    char too_long[66];
    memset(too_long, 'x', sizeof too_long);
    CHECK_ERRNO(sethostname(too_long, 65), EINVAL);
    CHECK_ERRNO(syscall(SYS_sethostname, "x", -1), EINVAL);
    CHECK_ERRNO(syscall(SYS_sethostname, TEST_UNMAPPED_ADDRESS, 4), EFAULT);
    CHECK_OK(sethostname(too_long, 64));
    CHECK_OK(uname(&names));
    CHECK_EQUAL(strlen(names.nodename), 64);
    CHECK_OK(sethostname("(none)", 6));
}

static void process_times(void)
{
    struct tms times_now;
    clock_t ticks = times(&times_now);
    CHECK(ticks != (clock_t)-1);
    CHECK(times_now.tms_utime >= 0 && times_now.tms_stime >= 0);
    CHECK_EQUAL(times_now.tms_cutime, 0);
    CHECK_EQUAL(times_now.tms_cstime, 0);
    CHECK_EQUAL(sysconf(_SC_CLK_TCK), 100);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    process_identifiers();
    credentials();
    system_names();
    host_name();
    process_times();
    test_finish();
    return 0;
}
