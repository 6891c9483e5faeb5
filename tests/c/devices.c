/* devices.c: the character devices of /dev and the console's terminal ioctls.
 *
 * Semantics from null(4), zero(4) (and /dev/full, which fails writes with ENOSPC), random(4),
 * tty(4) (init has no controlling terminal, so /dev/tty gives ENXIO: drivers/tty/tty_io.c),
 * ioctl_tty(2) and ioctl(2)'s FIONBIO/FIOCLEX. /dev is the devtmpfs that /init mounted; device
 * numbers are Linux's (Documentation/admin-guide/devices.txt).
 */
#include "test.h"

#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

static void device_numbers(void)
{
    static const struct {
        const char *path;
        unsigned major, minor;
    } devices[] = {
        {"/dev/null", 1, 3},   {"/dev/zero", 1, 5}, {"/dev/full", 1, 7},
        {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
        {"/dev/console", 5, 1},
    };
    for (size_t index = 0; index < sizeof devices / sizeof devices[0]; index++) {
        struct stat status;
        if (!CHECK_OK(stat(devices[index].path, &status)))
            continue;
        if (!CHECK(S_ISCHR(status.st_mode)) ||
            !CHECK_EQUAL(major(status.st_rdev), devices[index].major) ||
            !CHECK_EQUAL(minor(status.st_rdev), devices[index].minor))
            printf("  for %s\n", devices[index].path);
    }
}

static void null_device(void)
{
    int fd = open("/dev/null", O_RDWR);
    char bytes[100];
    CHECK_EQUAL(read(fd, bytes, sizeof bytes), 0);
    CHECK_EQUAL(write(fd, bytes, sizeof bytes), 100);
    CHECK_EQUAL(lseek(fd, 1000, SEEK_SET), 0);
    close(fd);
}

static void zero_and_full_devices(void)
{
    static char bytes[8192];
    memset(bytes, 0xff, sizeof bytes);
    int fd = open("/dev/zero", O_RDWR);
    CHECK_EQUAL(read(fd, bytes, sizeof bytes), sizeof bytes);
    int is_zero = 1;
    for (size_t index = 0; index < sizeof bytes; index++)
        is_zero &= bytes[index] == 0;
    CHECK(is_zero);
    CHECK_EQUAL(write(fd, "x", 1), 1);
    close(fd);
    fd = open("/dev/full", O_RDWR);
    CHECK_ERRNO(write(fd, "x", 1), ENOSPC);
    bytes[0] = 1;
    CHECK_EQUAL(read(fd, bytes, 16), 16);
    CHECK_EQUAL(bytes[0], 0);
    close(fd);
}

static void random_devices(void)
{
    unsigned char first[64], second[64];
    int fd = open("/dev/urandom", O_RDONLY);
    CHECK_EQUAL(read(fd, first, sizeof first), 64);
    CHECK_EQUAL(read(fd, second, sizeof second), 64);
    CHECK(memcmp(first, second, sizeof first) != 0);
    close(fd);
    fd = open("/dev/random", O_RDONLY);
    CHECK_EQUAL(read(fd, first, sizeof first), 64);
    CHECK(memcmp(first, second, sizeof first) != 0);
    close(fd);
}

static void terminals(void)
{
    /* init has no controlling terminal. */
    CHECK_ERRNO(open("/dev/tty", O_RDWR), ENXIO);
    CHECK(isatty(1));
    struct termios settings;
    CHECK_OK(ioctl(1, TCGETS, &settings));
    /* Linux's defaults for a new terminal (tty_std_termios, drivers/tty/tty_io.c). */
    CHECK(settings.c_lflag & ICANON);
    CHECK(settings.c_lflag & ECHO);
    CHECK(settings.c_lflag & ISIG);
    CHECK(settings.c_oflag & OPOST);
    CHECK(settings.c_oflag & ONLCR);
    CHECK(settings.c_iflag & ICRNL);
    struct winsize size;
    CHECK_OK(ioctl(1, TIOCGWINSZ, &size));
    CHECK_ERRNO(lseek(1, 0, SEEK_CUR), ESPIPE);
    int fd = open("/dev/console", O_RDWR | O_NOCTTY);
    CHECK(fd >= 0);
    CHECK_EQUAL(write(fd, "", 0), 0);
    close(fd);
    fd = open("/dev/null", O_RDWR);
    CHECK_ERRNO(ioctl(fd, TCGETS, &settings), ENOTTY);
    CHECK(!isatty(fd));
    close(fd);
    CHECK_ERRNO(ioctl(-1, TCGETS, &settings), EBADF);
}

static void descriptor_ioctls(void)
{
    int fd = open("/dev/console", O_RDWR | O_NOCTTY);
    int enable = 1, disable = 0;
    CHECK_OK(ioctl(fd, FIONBIO, &enable));
    CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
    CHECK_OK(ioctl(fd, FIONBIO, &disable));
    CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
    CHECK_OK(ioctl(fd, FIOCLEX));
    CHECK_EQUAL(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_OK(ioctl(fd, FIONCLEX));
    CHECK_EQUAL(fcntl(fd, F_GETFD), 0);
    close(fd);
    /* FIOCLEX works on any descriptor, not only terminals. */
    fd = open("/dev/null", O_RDONLY);
    CHECK_OK(ioctl(fd, FIOCLEX));
    CHECK_EQUAL(fcntl(fd, F_GETFD), FD_CLOEXEC);
    close(fd);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    device_numbers();
    null_device();
    zero_and_full_devices();
    random_devices();
    terminals();
    descriptor_ioctls();
    test_finish();
    return 0;
}
