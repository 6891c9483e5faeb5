/* links.c: hard links, symbolic links, readlink, symlink loops and O_NOFOLLOW.
 *
 * Semantics from link(2), symlink(2), readlink(2), path_resolution(7) and open(2): a path walk
 * follows at most 40 symbolic links (MAXSYMLINKS, include/linux/namei.h) and fails with ELOOP
 * beyond; O_NOFOLLOW refuses only a symbolic link in the last component; O_CREAT follows a
 * dangling link and creates its target, but O_CREAT | O_EXCL never follows.
 */
#include "test.h"

#define MAXIMUM_FOLLOWED_LINKS 40

static void hard_links(void)
{
    CHECK_OK(test_write_file("original", "shared contents", 0644));
    CHECK_OK(link("original", "second"));
    struct stat original, second;
    CHECK_OK(stat("original", &original));
    CHECK_OK(stat("second", &second));
    CHECK_EQUAL(second.st_ino, original.st_ino);
    CHECK_EQUAL(second.st_nlink, 2);
    CHECK_ERRNO(link("original", "second"), EEXIST);
    CHECK_ERRNO(link("missing", "third"), ENOENT);
    CHECK_OK(mkdir("directory", 0755));
    CHECK_ERRNO(link("directory", "directory-link"), EPERM);
    CHECK_ERRNO(link("original", "missing/third"), ENOENT);
    CHECK_OK(unlink("original"));
    CHECK_OK(stat("second", &second));
    CHECK_EQUAL(second.st_nlink, 1);
    CHECK_EQUAL(second.st_size, 15);
    /* linkat with AT_EMPTY_PATH names the open file itself (root has CAP_DAC_READ_SEARCH). */
    int fd = open("second", O_RDONLY);
    CHECK_OK(linkat(fd, "", AT_FDCWD, "from-descriptor", AT_EMPTY_PATH));
    CHECK_ERRNO(linkat(fd, "", AT_FDCWD, "without-flag", 0), ENOENT);
    close(fd);
    CHECK_OK(stat("from-descriptor", &second));
    CHECK_EQUAL(second.st_nlink, 2);
    int directory = open("directory", O_RDONLY | O_DIRECTORY);
    CHECK_OK(linkat(AT_FDCWD, "second", directory, "in-directory", 0));
    CHECK_OK(stat("directory/in-directory", &second));
    CHECK_EQUAL(second.st_nlink, 3);
    close(directory);
}

static void symbolic_links(void)
{
    CHECK_OK(test_write_file("target", "through the link", 0644));
    CHECK_OK(symlink("target", "link"));
    struct stat status;
    CHECK_OK(lstat("link", &status));
    CHECK(S_ISLNK(status.st_mode));
    CHECK_EQUAL(status.st_size, 6);
    CHECK_OK(stat("link", &status));
    CHECK(S_ISREG(status.st_mode));
    CHECK_EQUAL(status.st_size, 16);
    char text[32] = {0};
    int fd = open("link", O_RDONLY);
    CHECK_EQUAL(read(fd, text, sizeof text), 16);
    close(fd);
    CHECK_ERRNO(symlink("elsewhere", "link"), EEXIST);
    CHECK_ERRNO(symlink("elsewhere", "missing/link"), ENOENT);
    CHECK_ERRNO(symlink("", "empty-target"), ENOENT);
    /* A relative target is resolved from the link's directory, not the working directory. */
    CHECK_OK(mkdir("nest", 0755));
    CHECK_OK(symlink("../target", "nest/up"));
    CHECK_OK(stat("nest/up", &status));
    CHECK_EQUAL(status.st_size, 16);
    int directory = open("nest", O_RDONLY | O_DIRECTORY);
    CHECK_OK(symlinkat("../target", directory, "up-at"));
    CHECK_OK(fstatat(directory, "up-at", &status, 0));
    CHECK_EQUAL(status.st_size, 16);
    CHECK_ERRNO(symlinkat("x", -5, "relative"), EBADF);
    close(directory);
    CHECK_OK(symlink("nest", "nest-link"));
    CHECK_OK(stat("nest-link/up", &status));
    CHECK_OK(symlink("/tmp", "absolute"));
    CHECK_OK(stat("absolute/.", &status));
    CHECK(S_ISDIR(status.st_mode));
}

static void reading_links(void)
{
    char target[64];
    memset(target, 'x', sizeof target);
    /* readlink does not add a NUL and returns the length. */
    CHECK_EQUAL(readlink("link", target, sizeof target), 6);
    CHECK(memcmp(target, "targetx", 7) == 0);
    CHECK_EQUAL(readlink("link", target, 3), 3);
    CHECK(memcmp(target, "tar", 3) == 0);
    CHECK_ERRNO(readlink("target", target, sizeof target), EINVAL);
    CHECK_ERRNO(readlink("missing", target, sizeof target), ENOENT);
    /* Through syscall(): musl's readlink() turns a zero size into a one-byte buffer. */
    CHECK_ERRNO(syscall(SYS_readlink, "link", target, 0), EINVAL);
    int directory = open("nest", O_RDONLY | O_DIRECTORY);
    CHECK_EQUAL(readlinkat(directory, "up", target, sizeof target), 9);
    CHECK(memcmp(target, "../target", 9) == 0);
    close(directory);
    /* A link in an earlier component is followed. */
    CHECK_EQUAL(readlink("nest-link/up", target, sizeof target), 9);
}

static void dangling_links(void)
{
    CHECK_OK(symlink("not-yet", "dangling"));
    struct stat status;
    CHECK_ERRNO(stat("dangling", &status), ENOENT);
    CHECK_OK(lstat("dangling", &status));
    CHECK_ERRNO(open("dangling", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    int fd = open("dangling", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(stat("not-yet", &status));
    CHECK(S_ISREG(status.st_mode));
}

static void make_link_chain(const char *prefix, int length, const char *final_target)
{
    char name[32], target[32];
    for (int index = 0; index < length; index++) {
        snprintf(name, sizeof name, "%s%02d", prefix, index);
        if (index + 1 < length)
            snprintf(target, sizeof target, "%s%02d", prefix, index + 1);
        else
            snprintf(target, sizeof target, "%s", final_target);
        CHECK_OK(symlink(target, name));
    }
}

static void link_loops(void)
{
    CHECK_OK(symlink("loop-b", "loop-a"));
    CHECK_OK(symlink("loop-a", "loop-b"));
    struct stat status;
    CHECK_ERRNO(open("loop-a", O_RDONLY), ELOOP);
    CHECK_ERRNO(stat("loop-a", &status), ELOOP);
    CHECK_ERRNO(stat("loop-a/below", &status), ELOOP);
    CHECK_OK(lstat("loop-a", &status));
    CHECK_OK(symlink("self", "self"));
    CHECK_ERRNO(open("self", O_RDONLY), ELOOP);
    /* 40 links in a row are followed; the 41st is one too many. */
    make_link_chain("allowed", MAXIMUM_FOLLOWED_LINKS, "target");
    CHECK_OK(stat("allowed00", &status));
    make_link_chain("excess", MAXIMUM_FOLLOWED_LINKS + 1, "target");
    CHECK_ERRNO(stat("excess00", &status), ELOOP);
    CHECK_OK(stat("excess01", &status));
}

static void refusing_to_follow(void)
{
    CHECK_ERRNO(open("link", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERRNO(open("dangling", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644), ELOOP);
    int fd = open("target", O_RDONLY | O_NOFOLLOW);
    CHECK(fd >= 0);
    close(fd);
    /* Only the last component is refused. */
    fd = open("nest-link/up", O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERRNO(open("nest-link/up", O_RDONLY | O_NOFOLLOW), ELOOP);
    fd = open("nest-link/../target", O_RDONLY | O_NOFOLLOW);
    CHECK(fd >= 0);
    close(fd);
    struct stat status;
    CHECK_OK(fstatat(AT_FDCWD, "link", &status, AT_SYMLINK_NOFOLLOW));
    CHECK(S_ISLNK(status.st_mode));
    CHECK_OK(fstatat(AT_FDCWD, "link", &status, 0));
    CHECK(S_ISREG(status.st_mode));
    /* The link itself is checked against O_DIRECTORY before O_NOFOLLOW is. */
    CHECK_ERRNO(open("nest-link", O_RDONLY | O_DIRECTORY | O_NOFOLLOW), ENOTDIR);
}

static void removing_links(void)
{
    /* unlink removes the link, never its target. */
    CHECK_OK(unlink("link"));
    struct stat status;
    CHECK_OK(stat("target", &status));
    CHECK_OK(unlink("nest-link"));
    CHECK_OK(stat("nest/up", &status));
    CHECK_ERRNO(rmdir("absolute"), ENOTDIR);
    CHECK_OK(rename("absolute", "renamed-link"));
    char target[8] = {0};
    CHECK_EQUAL(readlink("renamed-link", target, sizeof target - 1), 4);
    CHECK_STRING(target, "/tmp");
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    test_enter_scratch_directory();
    hard_links();
    symbolic_links();
    reading_links();
    dangling_links();
    link_loops();
    refusing_to_follow();
    removing_links();
    test_finish();
    return 0;
}
