/* directories.c: mkdir, rmdir, getdents64 (also over a directory that changes), rename, unlink.
 *
 * Semantics from mkdir(2), rmdir(2), getdents64(2), rename(2) with renameat2's flags, and
 * unlink(2); readdir(3) (POSIX) for what iteration promises while a directory changes: an entry
 * that is neither added nor removed is returned exactly once, the others at most once.
 */
#include "test.h"

#include <dirent.h>

/* renameat2's flags (include/uapi/linux/fs.h), which musl's headers lack. */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#endif

/* The record getdents64 fills in (getdents64(2)). */
struct directory_entry {
    uint64_t inode;
    int64_t offset;
    unsigned short record_length;
    unsigned char type;
    char name[];
};

#define ENTRY_NAME_LENGTH 16
#define MAXIMUM_ENTRIES 128

/* Names (and types) found by one pass over a directory. */
struct listing {
    int count;
    char names[MAXIMUM_ENTRIES][ENTRY_NAME_LENGTH];
    unsigned char types[MAXIMUM_ENTRIES];
};

/* Adds every record of one getdents64 buffer to the listing. */
static void collect_entries(const char *records, long length, struct listing *listing)
{
    for (long position = 0; position < length;) {
        const struct directory_entry *entry = (const void *)(records + position);
        if (listing->count < MAXIMUM_ENTRIES) {
            snprintf(listing->names[listing->count], ENTRY_NAME_LENGTH, "%s", entry->name);
            listing->types[listing->count] = entry->type;
            listing->count++;
        }
        position += entry->record_length;
    }
}

/* Lists a directory with getdents64 calls of `buffer_size` bytes. */
static void list_directory(int fd, size_t buffer_size, struct listing *listing)
{
    static char records[4096];
    long length;
    listing->count = 0;
    while ((length = syscall(SYS_getdents64, fd, records, buffer_size)) > 0)
        collect_entries(records, length, listing);
    CHECK_EQUAL(length, 0);
}

static int count_name(const struct listing *listing, const char *name)
{
    int count = 0;
    for (int index = 0; index < listing->count; index++)
        count += strcmp(listing->names[index], name) == 0;
    return count;
}

static unsigned char type_of(const struct listing *listing, const char *name)
{
    for (int index = 0; index < listing->count; index++) {
        if (strcmp(listing->names[index], name) == 0)
            return listing->types[index];
    }
    return 0xff;
}

static void making_and_removing_directories(void)
{
    CHECK_OK(mkdir("made", 0777));
    struct stat status;
    CHECK_OK(stat("made", &status));
    CHECK(S_ISDIR(status.st_mode));
    /* init's umask is 022. */
    CHECK_EQUAL(status.st_mode & 07777, 0755);
    CHECK_EQUAL(status.st_nlink, 2);
    CHECK_ERRNO(mkdir("made", 0755), EEXIST);
    CHECK_ERRNO(mkdir("missing/child", 0755), ENOENT);
    CHECK_OK(test_write_file("plain", "", 0644));
    CHECK_ERRNO(mkdir("plain", 0755), EEXIST);
    CHECK_ERRNO(mkdir("plain/child", 0755), ENOTDIR);
    CHECK_ERRNO(mkdir("", 0755), ENOENT);
    CHECK_OK(mkdir("made/child", 0755));
    CHECK_OK(stat("made", &status));
    CHECK_EQUAL(status.st_nlink, 3);
    CHECK_ERRNO(rmdir("made"), ENOTEMPTY);
    CHECK_ERRNO(rmdir("plain"), ENOTDIR);
    CHECK_ERRNO(rmdir("missing"), ENOENT);
    CHECK_ERRNO(rmdir("made/child/."), EINVAL);
    CHECK_ERRNO(rmdir("made/child/.."), ENOTEMPTY);
    CHECK_ERRNO(rmdir("/"), EBUSY);
    CHECK_OK(rmdir("made/child"));
    CHECK_OK(rmdir("made"));
    CHECK_ERRNO(stat("made", &status), ENOENT);
    int directory = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_OK(mkdirat(directory, "at", 0700));
    CHECK_OK(fstatat(directory, "at", &status, 0));
    CHECK_EQUAL(status.st_mode & 07777, 0700);
    CHECK_OK(unlinkat(directory, "at", AT_REMOVEDIR));
    CHECK_ERRNO(unlinkat(directory, "plain", AT_REMOVEDIR), ENOTDIR);
    close(directory);
}

static void listing_a_directory(void)
{
    CHECK_OK(mkdir("listed", 0755));
    CHECK_OK(test_write_file("listed/file", "x", 0644));
    CHECK_OK(mkdir("listed/directory", 0755));
    CHECK_OK(symlink("file", "listed/link"));
    int fd = open("listed", O_RDONLY | O_DIRECTORY);
    struct listing listing;
    list_directory(fd, 4096, &listing);
    CHECK_EQUAL(listing.count, 5);
    CHECK_EQUAL(type_of(&listing, "."), DT_DIR);
    CHECK_EQUAL(type_of(&listing, ".."), DT_DIR);
    CHECK_EQUAL(type_of(&listing, "file"), DT_REG);
    CHECK_EQUAL(type_of(&listing, "directory"), DT_DIR);
    CHECK_EQUAL(type_of(&listing, "link"), DT_LNK);
    /* At the end it keeps returning 0; lseek to 0 starts over. */
    static char records[512];
    CHECK_EQUAL(syscall(SYS_getdents64, fd, records, sizeof records), 0);
    CHECK_EQUAL(lseek(fd, 0, SEEK_SET), 0);
    list_directory(fd, 64, &listing);
    CHECK_EQUAL(listing.count, 5);
    /* A buffer too small for a single record. */
    CHECK_EQUAL(lseek(fd, 0, SEEK_SET), 0);
    CHECK_ERRNO(syscall(SYS_getdents64, fd, records, 8), EINVAL);
    close(fd);
    fd = open("listed/file", O_RDONLY);
    CHECK_ERRNO(syscall(SYS_getdents64, fd, records, sizeof records), ENOTDIR);
    close(fd);
    CHECK_ERRNO(syscall(SYS_getdents64, -1, records, sizeof records), EBADF);
}

static void inode_numbers_match_stat(void)
{
    int fd = open("listed", O_RDONLY | O_DIRECTORY);
    static char records[4096];
    long length = syscall(SYS_getdents64, fd, records, sizeof records);
    int compared = 0;
    for (long position = 0; position < length;) {
        const struct directory_entry *entry = (const void *)(records + position);
        struct stat status;
        if (strcmp(entry->name, "..") != 0 &&
            fstatat(fd, entry->name, &status, AT_SYMLINK_NOFOLLOW) == 0) {
            CHECK_EQUAL(entry->inode, status.st_ino);
            compared++;
        }
        position += entry->record_length;
    }
    CHECK_EQUAL(compared, 4);
    close(fd);
}

/* Creates 40 files, then lists them two records at a time while removing names already seen
 * and adding new ones. Whether a name added during the listing is returned is unspecified
 * (readdir(3)), and Linux versions differ (6.14 returns the first one, earlier 6.x none), so
 * the loop counts its failures and the checks below do not depend on how many calls it made. */
static void listing_while_the_directory_changes(void)
{
    char name[32];
    CHECK_OK(mkdir("changing", 0755));
    for (int index = 0; index < 40; index++) {
        snprintf(name, sizeof name, "changing/old%02d", index);
        test_write_file(name, "", 0644);
    }
    int fd = open("changing", O_RDONLY | O_DIRECTORY);
    static char records[4096];
    struct listing seen = {0};
    long length;
    int added = 0, failed_changes = 0;
    while ((length = syscall(SYS_getdents64, fd, records, 48)) > 0) {
        int first_new = seen.count;
        collect_entries(records, length, &seen);
        for (int index = first_new; index < seen.count; index++) {
            if (strncmp(seen.names[index], "old", 3) == 0 && index % 3 == 0)
                failed_changes += unlinkat(fd, seen.names[index], 0) != 0;
        }
        snprintf(name, sizeof name, "new%02d", added++);
        failed_changes += close(openat(fd, name, O_WRONLY | O_CREAT, 0644)) != 0;
    }
    CHECK_EQUAL(length, 0);
    CHECK_EQUAL(failed_changes, 0);
    close(fd);
    int old_names_seen_once = 0, new_names_seen_twice = 0;
    for (int index = 0; index < 40; index++) {
        snprintf(name, sizeof name, "old%02d", index);
        old_names_seen_once += count_name(&seen, name) == 1;
    }
    for (int index = 0; index < added; index++) {
        snprintf(name, sizeof name, "new%02d", index);
        new_names_seen_twice += count_name(&seen, name) > 1;
    }
    CHECK_EQUAL(old_names_seen_once, 40);
    CHECK_EQUAL(new_names_seen_twice, 0);
    CHECK_EQUAL(count_name(&seen, "."), 1);
    CHECK_EQUAL(count_name(&seen, ".."), 1);
}

static void renaming(void)
{
    CHECK_OK(test_write_file("before", "moved", 0644));
    CHECK_OK(rename("before", "after"));
    struct stat status;
    CHECK_ERRNO(stat("before", &status), ENOENT);
    CHECK_OK(stat("after", &status));
    CHECK_EQUAL(status.st_size, 5);
    CHECK_OK(test_write_file("victim", "replaced", 0644));
    CHECK_OK(rename("after", "victim"));
    CHECK_OK(stat("victim", &status));
    CHECK_EQUAL(status.st_size, 5);
    CHECK_ERRNO(rename("after", "anything"), ENOENT);
    CHECK_OK(rename("victim", "victim"));
    CHECK_OK(mkdir("empty", 0755));
    CHECK_OK(mkdir("full", 0755));
    CHECK_OK(mkdir("full/inner", 0755));
    CHECK_ERRNO(rename("victim", "empty"), EISDIR);
    CHECK_ERRNO(rename("empty", "victim"), ENOTDIR);
    CHECK_ERRNO(rename("empty", "full"), ENOTEMPTY);
    CHECK_ERRNO(rename("full", "full/inner/moved"), EINVAL);
    CHECK_OK(rename("full", "empty"));
    CHECK_OK(stat("empty/inner", &status));
    CHECK_ERRNO(stat("full", &status), ENOENT);
    /* Two names of one file: rename does nothing and both stay (rename(2)). */
    CHECK_OK(link("victim", "alias"));
    CHECK_OK(rename("victim", "alias"));
    CHECK_OK(stat("victim", &status));
    CHECK_EQUAL(status.st_nlink, 2);
}

static void renaming_with_flags(void)
{
    CHECK_OK(test_write_file("left", "L", 0644));
    CHECK_OK(test_write_file("right", "RR", 0644));
    CHECK_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "left", AT_FDCWD, "right", RENAME_NOREPLACE),
                EEXIST);
    CHECK_OK(syscall(SYS_renameat2, AT_FDCWD, "left", AT_FDCWD, "right", RENAME_EXCHANGE));
    struct stat status;
    CHECK_OK(stat("left", &status));
    CHECK_EQUAL(status.st_size, 2);
    CHECK_OK(stat("right", &status));
    CHECK_EQUAL(status.st_size, 1);
    CHECK_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "left", AT_FDCWD, "gone", RENAME_EXCHANGE),
                ENOENT);
    CHECK_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "left", AT_FDCWD, "right",
                        RENAME_EXCHANGE | RENAME_NOREPLACE),
                EINVAL);
    CHECK_OK(syscall(SYS_renameat2, AT_FDCWD, "left", AT_FDCWD, "third", RENAME_NOREPLACE));
    int directory = open("empty", O_RDONLY | O_DIRECTORY);
    CHECK_OK(renameat(AT_FDCWD, "third", directory, "moved-in"));
    CHECK_OK(fstatat(directory, "moved-in", &status, 0));
    close(directory);
}

static void unlinking(void)
{
    CHECK_OK(test_write_file("doomed", "still readable", 0644));
    int fd = open("doomed", O_RDONLY);
    CHECK_OK(unlink("doomed"));
    struct stat status;
    CHECK_ERRNO(stat("doomed", &status), ENOENT);
    /* The open file outlives its last name. */
    CHECK_OK(fstat(fd, &status));
    CHECK_EQUAL(status.st_nlink, 0);
    char text[15] = {0};
    CHECK_EQUAL(read(fd, text, 14), 14);
    CHECK_STRING(text, "still readable");
    close(fd);
    CHECK_ERRNO(unlink("doomed"), ENOENT);
    CHECK_ERRNO(unlink("empty"), EISDIR);
    CHECK_ERRNO(unlink("plain/below"), ENOTDIR);
    CHECK_ERRNO(unlinkat(AT_FDCWD, "plain", 0x1), EINVAL);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    test_enter_scratch_directory();
    making_and_removing_directories();
    listing_a_directory();
    inode_numbers_match_stat();
    listing_while_the_directory_changes();
    renaming();
    renaming_with_flags();
    unlinking();
    test_finish();
    return 0;
}
