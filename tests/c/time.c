/* time.c: clocks and sleeping: clock_gettime, clock_getres, gettimeofday, time, nanosleep,
 * clock_nanosleep.
 *
 * Semantics from clock_gettime(2), gettimeofday(2), time(2), nanosleep(2) and
 * clock_nanosleep(2): the monotonic clock never goes back, a sleep lasts at least the time asked
 * for, and the three views of wall-clock time agree. The wall clock comes from the machine's
 * real-time clock, so it is well past 2020. No duration is printed: they vary from run to run.
 */
#include "test.h"

#include <sys/time.h>
#include <time.h>

#define NANOSECONDS_PER_SECOND 1000000000LL
#define YEAR_2020 1577836800LL

static long long nanoseconds(clockid_t clock)
{
    struct timespec now;
    if (clock_gettime(clock, &now) != 0)
        return -1;
    return now.tv_sec * NANOSECONDS_PER_SECOND + now.tv_nsec;
}

static void monotonic_clock(void)
{
    long long previous = nanoseconds(CLOCK_MONOTONIC);
    CHECK(previous > 0);
    int went_back = 0;
    for (int round = 0; round < 1000; round++) {
        long long now = nanoseconds(CLOCK_MONOTONIC);
        went_back |= now < previous;
        previous = now;
    }
    CHECK(!went_back);
    struct timespec now;
    CHECK_OK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now));
    CHECK(now.tv_nsec >= 0 && now.tv_nsec < NANOSECONDS_PER_SECOND);
    CHECK(nanoseconds(CLOCK_BOOTTIME) >= nanoseconds(CLOCK_MONOTONIC) - 1000000);
    CHECK_OK(clock_gettime(CLOCK_MONOTONIC_RAW, &now));
    CHECK_OK(clock_gettime(CLOCK_MONOTONIC_COARSE, &now));
    CHECK_OK(clock_gettime(CLOCK_REALTIME_COARSE, &now));
    CHECK_OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now));
    CHECK_OK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now));
    CHECK_ERRNO(syscall(SYS_clock_gettime, 1000, &now), EINVAL);
    CHECK_ERRNO(syscall(SYS_clock_gettime, -1000, &now), EINVAL);
}

static void resolution(void)
{
    struct timespec resolution;
    CHECK_OK(clock_getres(CLOCK_MONOTONIC, &resolution));
    CHECK_EQUAL(resolution.tv_sec, 0);
    CHECK(resolution.tv_nsec > 0 && resolution.tv_nsec <= 1000000);
    CHECK_OK(clock_getres(CLOCK_REALTIME, &resolution));
    CHECK(resolution.tv_nsec > 0 && resolution.tv_nsec <= 1000000);
    CHECK_OK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
    CHECK_ERRNO(syscall(SYS_clock_getres, 1000, &resolution), EINVAL);
}

static void wall_clock(void)
{
    struct timespec realtime;
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &realtime));
    CHECK(realtime.tv_sec > YEAR_2020);
    struct timeval of_day;
    CHECK_OK(syscall(SYS_gettimeofday, &of_day, NULL));
    CHECK(of_day.tv_usec >= 0 && of_day.tv_usec < 1000000);
    long long difference = of_day.tv_sec - realtime.tv_sec;
    CHECK(difference >= 0 && difference <= 1);
    long seconds = syscall(SYS_time, NULL);
    CHECK(seconds - realtime.tv_sec >= 0 && seconds - realtime.tv_sec <= 1);
    time_t stored = 0;
    long returned = syscall(SYS_time, &stored);
    CHECK_EQUAL(returned, stored);
    CHECK_OK(syscall(SYS_gettimeofday, NULL, NULL));
}

/* Sleeps with `sleep` for 20 ms and checks the monotonic clock moved at least that far. */
static void sleeps_at_least(const char *name, int (*sleep)(const struct timespec *))
{
    const struct timespec duration = {.tv_sec = 0, .tv_nsec = 20000000};
    long long before = nanoseconds(CLOCK_MONOTONIC);
    int result = sleep(&duration);
    long long slept = nanoseconds(CLOCK_MONOTONIC) - before;
    if (!CHECK_EQUAL(result, 0) || !CHECK(slept >= duration.tv_nsec) ||
        !CHECK(slept < 5 * NANOSECONDS_PER_SECOND))
        printf("%s slept %lld ns\n", name, slept);
}

static int sleep_with_nanosleep(const struct timespec *duration)
{
    return nanosleep(duration, NULL);
}

static int sleep_with_clock_nanosleep(const struct timespec *duration)
{
    return clock_nanosleep(CLOCK_MONOTONIC, 0, duration, NULL);
}

static int sleep_until_with_clock_nanosleep(const struct timespec *duration)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += duration->tv_nsec;
    if (deadline.tv_nsec >= NANOSECONDS_PER_SECOND) {
        deadline.tv_sec++;
        deadline.tv_nsec -= NANOSECONDS_PER_SECOND;
    }
    return clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
}

static void sleeping(void)
{
    sleeps_at_least("nanosleep", sleep_with_nanosleep);
    sleeps_at_least("clock_nanosleep", sleep_with_clock_nanosleep);
    sleeps_at_least("clock_nanosleep until", sleep_until_with_clock_nanosleep);
    /* A deadline in the past returns at once. */
    struct timespec past = {.tv_sec = 1, .tv_nsec = 0};
    CHECK_EQUAL(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
    struct timespec zero = {0, 0};
    CHECK_OK(nanosleep(&zero, NULL));
    struct timespec invalid = {.tv_sec = 0, .tv_nsec = NANOSECONDS_PER_SECOND};
    CHECK_ERRNO(syscall(SYS_nanosleep, &invalid, NULL), EINVAL);
    invalid.tv_sec = -1;
    invalid.tv_nsec = 0;
    CHECK_ERRNO(syscall(SYS_nanosleep, &invalid, NULL), EINVAL);
    CHECK_ERRNO(syscall(SYS_clock_nanosleep, 1000, 0, &zero, NULL), EINVAL);
    /* A thread's CPU clock cannot be slept on (kernel/time/posix-cpu-timers.c). */
    CHECK_ERRNO(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &zero, NULL),
                EOPNOTSUPP);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    monotonic_clock();
    resolution();
    wall_clock();
    sleeping();
    test_finish();
    return 0;
}
