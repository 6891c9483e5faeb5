/* memory.c: the program break and anonymous mappings: brk, mmap, munmap, mprotect, mremap, madvise.
 *
 * Semantics from brk(2) (the system call returns the new break, or the old one when it cannot
 * move it; musl's sbrk refuses on purpose, so it is called raw), mmap(2), munmap(2),
 * mprotect(2), mremap(2) and madvise(2). A fault would end PID 1 and the whole run, so no check
 * touches memory it may not: access rights are checked through the kernel in bad-pointers.
 */
#include "test.h"

#include <sys/mman.h>

#define PAGE_SIZE 4096UL
/* A hint far above anything a small static program maps. */
#define FREE_ADDRESS ((void *)0x200000000000UL)

static long program_break(unsigned long requested)
{
    return syscall(SYS_brk, requested);
}

static int is_zero(const char *memory, size_t length)
{
    for (size_t index = 0; index < length; index++) {
        if (memory[index] != 0)
            return 0;
    }
    return 1;
}

static void moving_the_break(void)
{
    unsigned long start = (unsigned long)program_break(0);
    CHECK(start != 0);
    /* The break need not be page-aligned; the memory up to it is usable and zeroed. */
    unsigned long grown = start + 3 * PAGE_SIZE + 100;
    CHECK_EQUAL(program_break(grown), grown);
    char *memory = (char *)start;
    CHECK(is_zero(memory, grown - start));
    memset(memory, 'b', grown - start);
    CHECK_EQUAL(program_break(start + PAGE_SIZE), start + PAGE_SIZE);
    CHECK_EQUAL(program_break(0), start + PAGE_SIZE);
    /* Memory given back and taken again is zero-filled anew. */
    CHECK_EQUAL(program_break(grown), grown);
    unsigned long first_page_end = (start + PAGE_SIZE + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    CHECK(is_zero((char *)first_page_end, grown - first_page_end));
    /* Refusals return the current break. */
    CHECK_EQUAL(program_break(1), grown);
    CHECK_EQUAL(program_break(start + (1UL << 46)), grown);
    CHECK_EQUAL(program_break(start), start);
}

static void break_stops_at_a_mapping(void)
{
    unsigned long start = (unsigned long)program_break(0);
    unsigned long page_after = (start + 16 * PAGE_SIZE) & ~(PAGE_SIZE - 1);
    void *blocker = mmap((void *)page_after, PAGE_SIZE, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(blocker == (void *)page_after);
    CHECK_EQUAL(program_break(page_after + PAGE_SIZE), start);
    /* Linux keeps a page between the break and the next mapping (mm/mmap.c, brk). */
    CHECK_EQUAL(program_break(page_after), start);
    CHECK_EQUAL(program_break(page_after - PAGE_SIZE), page_after - PAGE_SIZE);
    CHECK_EQUAL(program_break(start), start);
    munmap(blocker, PAGE_SIZE);
}

static void anonymous_mappings(void)
{
    char *memory = mmap(NULL, 3 * PAGE_SIZE + 1, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(memory != MAP_FAILED);
    CHECK_EQUAL((unsigned long)memory % PAGE_SIZE, 0);
    /* The length is rounded up to whole pages, all zero. */
    CHECK(is_zero(memory, 4 * PAGE_SIZE));
    memset(memory, 'm', 4 * PAGE_SIZE);
    CHECK_OK(munmap(memory, 4 * PAGE_SIZE));
    char *hinted = mmap(FREE_ADDRESS, PAGE_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(hinted == FREE_ADDRESS);
    hinted[0] = 'h';
    /* MAP_FIXED replaces what is there with fresh zero pages. */
    char *fixed = mmap(hinted, PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(fixed == hinted);
    CHECK_EQUAL(fixed[0], 0);
    errno = 0;
    CHECK(mmap(hinted, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
               -1, 0) == MAP_FAILED);
    CHECK_EQUAL(errno, EEXIST);
    CHECK_OK(munmap(hinted, PAGE_SIZE));
    char *huge = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(huge != MAP_FAILED);
    huge[(1UL << 29) + 7] = 'n';
    CHECK_EQUAL(huge[(1UL << 29) + 7], 'n');
    CHECK_OK(munmap(huge, 1UL << 30));
}

static void invalid_mappings(void)
{
    int anonymous = MAP_PRIVATE | MAP_ANONYMOUS;
    CHECK_ERRNO(syscall(SYS_mmap, 0, 0, PROT_READ, anonymous, -1, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_mmap, FREE_ADDRESS + 1, PAGE_SIZE, PROT_READ, anonymous | MAP_FIXED,
                        -1, 0),
                EINVAL);
    CHECK_ERRNO(syscall(SYS_mmap, 0, PAGE_SIZE, PROT_READ, anonymous, -1, 100), EINVAL);
    CHECK_ERRNO(syscall(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
    CHECK_ERRNO(syscall(SYS_mmap, 0, 1UL << 47, PROT_READ, anonymous, -1, 0), ENOMEM);
    CHECK_ERRNO(syscall(SYS_mmap, 0, -PAGE_SIZE, PROT_READ, anonymous, -1, 0), ENOMEM);
    CHECK_ERRNO(syscall(SYS_munmap, FREE_ADDRESS + 1, PAGE_SIZE), EINVAL);
    CHECK_ERRNO(syscall(SYS_munmap, FREE_ADDRESS, 0), EINVAL);
    /* Unmapping what is not mapped is not an error. */
    CHECK_OK(munmap(FREE_ADDRESS, PAGE_SIZE));
}

/* Maps four pages at FREE_ADDRESS, filled with 'a', 'b', 'c', 'd'. */
static char *four_lettered_pages(void)
{
    char *pages = mmap(FREE_ADDRESS, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(pages == FREE_ADDRESS);
    for (int page = 0; page < 4; page++)
        memset(pages + page * PAGE_SIZE, 'a' + page, PAGE_SIZE);
    return pages;
}

static void partial_unmapping(void)
{
    char *pages = four_lettered_pages();
    CHECK_OK(munmap(pages + PAGE_SIZE, PAGE_SIZE));
    /* The hole is free again; its neighbours are untouched. */
    void *refill = mmap(pages + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(refill == pages + PAGE_SIZE);
    CHECK_EQUAL(pages[PAGE_SIZE], 0);
    CHECK_EQUAL(pages[0], 'a');
    CHECK_EQUAL(pages[2 * PAGE_SIZE], 'c');
    CHECK_EQUAL(pages[4 * PAGE_SIZE - 1], 'd');
    errno = 0;
    CHECK(mmap(pages + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED);
    CHECK_EQUAL(errno, EEXIST);
    /* One call unmaps across several mappings and the holes between them. */
    CHECK_OK(munmap(pages, 8 * PAGE_SIZE));
    CHECK_ERRNO(madvise(pages, PAGE_SIZE, MADV_NORMAL), ENOMEM);
}

static void protection_changes(void)
{
    char *pages = four_lettered_pages();
    CHECK_OK(mprotect(pages + PAGE_SIZE, PAGE_SIZE, PROT_READ));
    CHECK_OK(mprotect(pages + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE));
    CHECK_EQUAL(pages[PAGE_SIZE], 'b');
    pages[0] = 'A';
    pages[3 * PAGE_SIZE] = 'D';
    CHECK_OK(mprotect(pages, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE));
    CHECK_EQUAL(pages[2 * PAGE_SIZE], 'c');
    pages[PAGE_SIZE] = 'B';
    CHECK_OK(mprotect(pages, PAGE_SIZE, PROT_READ | PROT_EXEC));
    /* Through syscall(): musl's mprotect() rounds the address down itself. */
    CHECK_ERRNO(syscall(SYS_mprotect, pages + 1, PAGE_SIZE, PROT_READ), EINVAL);
    CHECK_ERRNO(mprotect(pages, PAGE_SIZE, 0x100), EINVAL);
    CHECK_ERRNO(mprotect(pages + 4 * PAGE_SIZE, PAGE_SIZE, PROT_READ), ENOMEM);
    /* A range that is only partly mapped fails too. */
    CHECK_ERRNO(mprotect(pages + 3 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), ENOMEM);
    CHECK_OK(munmap(pages, 4 * PAGE_SIZE));
}

static void remapping(void)
{
    char *pages = four_lettered_pages();
    /* Shrinking stays in place and frees the tail. */
    CHECK(mremap(pages, 4 * PAGE_SIZE, 2 * PAGE_SIZE, 0) == pages);
    void *tail = mmap(pages + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(tail == pages + 2 * PAGE_SIZE);
    /* Growing is blocked by that mapping unless the kernel may move it. */
    errno = 0;
    CHECK(mremap(pages, 2 * PAGE_SIZE, 3 * PAGE_SIZE, 0) == MAP_FAILED);
    CHECK_EQUAL(errno, ENOMEM);
    char *moved = mremap(pages, 2 * PAGE_SIZE, 3 * PAGE_SIZE, MREMAP_MAYMOVE);
    CHECK(moved != MAP_FAILED && moved != pages);
    CHECK_EQUAL(moved[0], 'a');
    CHECK_EQUAL(moved[2 * PAGE_SIZE - 1], 'b');
    CHECK_EQUAL(moved[2 * PAGE_SIZE], 0);
    void *old_place = mmap(pages, PAGE_SIZE, PROT_READ,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(old_place == pages);
    char *fixed = mremap(moved, 3 * PAGE_SIZE, PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
                         FREE_ADDRESS + 16 * PAGE_SIZE);
    CHECK(fixed == FREE_ADDRESS + 16 * PAGE_SIZE);
    CHECK_EQUAL(fixed[0], 'a');
    CHECK_ERRNO(syscall(SYS_mremap, fixed + 1, PAGE_SIZE, PAGE_SIZE, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_mremap, fixed, PAGE_SIZE, PAGE_SIZE, 0x80), EINVAL);
    CHECK_ERRNO(syscall(SYS_mremap, FREE_ADDRESS + 64 * PAGE_SIZE, PAGE_SIZE, PAGE_SIZE, 0),
                EFAULT);
    munmap(fixed, PAGE_SIZE);
    munmap(old_place, PAGE_SIZE);
    munmap(tail, PAGE_SIZE);
}

static void advice(void)
{
    char *pages = four_lettered_pages();
    /* Private anonymous pages given up with MADV_DONTNEED read as zero afterwards. */
    CHECK_OK(madvise(pages + PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED));
    CHECK_EQUAL(pages[0], 'a');
    CHECK(is_zero(pages + PAGE_SIZE, 2 * PAGE_SIZE));
    CHECK_EQUAL(pages[3 * PAGE_SIZE], 'd');
    CHECK_OK(madvise(pages, 4 * PAGE_SIZE, MADV_SEQUENTIAL));
    CHECK_ERRNO(madvise(pages, PAGE_SIZE, 12345), EINVAL);
    CHECK_ERRNO(madvise(pages + 1, PAGE_SIZE, MADV_NORMAL), EINVAL);
    CHECK_ERRNO(madvise(pages + 4 * PAGE_SIZE, PAGE_SIZE, MADV_NORMAL), ENOMEM);
    munmap(pages, 4 * PAGE_SIZE);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    moving_the_break();
    break_stops_at_a_mapping();
    anonymous_mappings();
    invalid_mappings();
    partial_unmapping();
    protection_changes();
    remapping();
    advice();
    test_finish();
    return 0;
}
