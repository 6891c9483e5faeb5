/* initial-stack.c: the initial process stack and auxiliary vector, exactly as Linux builds them.
 *
 * The program's ELF entry point is `loam_entry` (linked with `-Wl,-e,loam_entry`, see
 * initial-stack.flags): it saves the stack pointer the kernel handed over and jumps to the
 * libc's _start, which runs as usual. main then reads that raw stack. The layout comes from
 * fs/binfmt_elf.c (create_elf_tables) and fs/exec.c: argc at the 16-byte aligned stack pointer,
 * argv, NULL, envp, NULL, the auxv pairs ending with AT_NULL; above them, AT_RANDOM's 16 bytes
 * below the platform string, then the argument and environment strings, back to back, then
 * the file name given to execve (AT_EXECFN) and a NULL pointer that ends the stack.
 *
 * Only what is the same on Linux and Loam by design is printed: the order of the auxv entries
 * that the issue requires (AT_SYSINFO_EHDR, which needs a vDSO, and entries newer kernels add are
 * left out), and verdicts; addresses differ from run to run.
 */
#include "test.h"

#include <cpuid.h>
#include <elf.h>
#include <sys/auxv.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

#define PAGE_SIZE 4096UL

/* Set by loam_entry before anything else runs. */
unsigned long *initial_stack_pointer;

__asm__(".text\n"
        ".globl loam_entry\n"
        ".type loam_entry, @function\n"
        "loam_entry:\n"
        "    mov %rsp, initial_stack_pointer(%rip)\n"
        "    jmp _start\n");

void loam_entry(void);

/* The auxv types the issue requires, with the names printed for them. */
static const struct {
    unsigned long type;
    const char *name;
} required_types[] = {
    {AT_PHDR, "AT_PHDR"},         {AT_PHENT, "AT_PHENT"},     {AT_PHNUM, "AT_PHNUM"},
    {AT_PAGESZ, "AT_PAGESZ"},     {AT_BASE, "AT_BASE"},       {AT_FLAGS, "AT_FLAGS"},
    {AT_ENTRY, "AT_ENTRY"},       {AT_UID, "AT_UID"},         {AT_EUID, "AT_EUID"},
    {AT_GID, "AT_GID"},           {AT_EGID, "AT_EGID"},       {AT_SECURE, "AT_SECURE"},
    {AT_RANDOM, "AT_RANDOM"},     {AT_HWCAP, "AT_HWCAP"},     {AT_HWCAP2, "AT_HWCAP2"},
    {AT_CLKTCK, "AT_CLKTCK"},     {AT_PLATFORM, "AT_PLATFORM"}, {AT_EXECFN, "AT_EXECFN"},
    {AT_MINSIGSTKSZ, "AT_MINSIGSTKSZ"},
};

/* What the raw stack holds, located once. */
static struct {
    long argc;
    char **argv;
    char **envp;
    Elf64_auxv_t *auxv;
    long auxv_count;
} stack;

static void locate_vectors(void)
{
    stack.argc = (long)initial_stack_pointer[0];
    stack.argv = (char **)(initial_stack_pointer + 1);
    stack.envp = stack.argv + stack.argc + 1;
    char **after_environment = stack.envp;
    while (*after_environment != NULL)
        after_environment++;
    stack.auxv = (Elf64_auxv_t *)(after_environment + 1);
    while (stack.auxv[stack.auxv_count].a_type != AT_NULL)
        stack.auxv_count++;
}

static unsigned long auxv_value(unsigned long type, int *is_present)
{
    for (long index = 0; index < stack.auxv_count; index++) {
        if (stack.auxv[index].a_type == type) {
            *is_present = 1;
            return stack.auxv[index].a_un.a_val;
        }
    }
    *is_present = 0;
    return 0;
}

static unsigned long value_of(unsigned long type)
{
    int is_present;
    return auxv_value(type, &is_present);
}

static void argument_vectors(int argc, char **argv)
{
    CHECK_EQUAL((unsigned long)initial_stack_pointer % 16, 0);
    CHECK_EQUAL(stack.argc, argc);
    int is_same = 1;
    for (long index = 0; index <= stack.argc; index++)
        is_same &= stack.argv[index] == argv[index];
    CHECK(is_same);
    CHECK(stack.argv[stack.argc] == NULL);
    CHECK(stack.envp == environ);
    CHECK_STRING(getenv("HOME"), "/");
}

/* Prints the order of the required entries, which must be Linux's. */
static void auxv_order(void)
{
    printf("auxv order:");
    for (long index = 0; index < stack.auxv_count; index++) {
        for (size_t known = 0; known < sizeof required_types / sizeof required_types[0];
             known++) {
            if (stack.auxv[index].a_type == required_types[known].type)
                printf(" %s", required_types[known].name);
        }
    }
    printf("\n");
    for (size_t known = 0; known < sizeof required_types / sizeof required_types[0]; known++) {
        int is_present;
        auxv_value(required_types[known].type, &is_present);
        if (!CHECK(is_present))
            printf("missing: %s\n", required_types[known].name);
    }
}

static void fixed_values(void)
{
    CHECK_EQUAL(value_of(AT_PAGESZ), PAGE_SIZE);
    CHECK_EQUAL(value_of(AT_CLKTCK), 100);
    CHECK_EQUAL(value_of(AT_PHENT), sizeof(Elf64_Phdr));
    CHECK_EQUAL(value_of(AT_BASE), 0);
    CHECK_EQUAL(value_of(AT_FLAGS), 0);
    CHECK_EQUAL(value_of(AT_UID), 0);
    CHECK_EQUAL(value_of(AT_EUID), 0);
    CHECK_EQUAL(value_of(AT_GID), 0);
    CHECK_EQUAL(value_of(AT_EGID), 0);
    CHECK_EQUAL(value_of(AT_SECURE), 0);
    CHECK_STRING((const char *)value_of(AT_PLATFORM), "x86_64");
    CHECK_STRING((const char *)value_of(AT_EXECFN), stack.argv[0]);
    unsigned eax, ebx, ecx, edx;
    __cpuid(1, eax, ebx, ecx, edx);
    CHECK_EQUAL(value_of(AT_HWCAP), edx);
    /* A signal frame holds the XSAVE area of the features the kernel enabled. */
    if (ecx & bit_OSXSAVE) {
        __cpuid_count(0xd, 0, eax, ebx, ecx, edx);
        CHECK(value_of(AT_MINSIGSTKSZ) > ebx);
    }
    CHECK(value_of(AT_MINSIGSTKSZ) >= 1024);
}

/* AT_PHDR, AT_PHNUM and AT_ENTRY against the program's own file. */
static void values_from_the_file(void)
{
    static unsigned char file[65536];
    int fd = open("/proc/self/exe", O_RDONLY);
    long length = read(fd, file, sizeof file);
    close(fd);
    const Elf64_Ehdr *header = (const void *)file;
    if (!CHECK(length >= (long)sizeof *header))
        return;
    CHECK_EQUAL(value_of(AT_ENTRY), header->e_entry);
    CHECK_EQUAL(value_of(AT_ENTRY), (unsigned long)loam_entry);
    CHECK_EQUAL(value_of(AT_PHNUM), header->e_phnum);
    size_t table_size = (size_t)header->e_phnum * sizeof(Elf64_Phdr);
    CHECK(header->e_phoff + table_size <= (size_t)length &&
          memcmp((const void *)value_of(AT_PHDR), file + header->e_phoff, table_size) == 0);
    CHECK_EQUAL(getauxval(AT_PHDR), value_of(AT_PHDR));
    CHECK_EQUAL(getauxval(AT_RANDOM), value_of(AT_RANDOM));
}

/* Each string starts right after the previous one's NUL. */
static int follows(const char *string, const char *previous)
{
    return string == previous + strlen(previous) + 1;
}

static void strings_and_random_bytes(void)
{
    int is_packed = 1;
    const char *previous = stack.argv[0];
    for (long index = 1; index < stack.argc; index++, previous = stack.argv[index - 1])
        is_packed &= follows(stack.argv[index], previous);
    for (char **variable = stack.envp; *variable != NULL; previous = *variable++)
        is_packed &= follows(*variable, previous);
    CHECK(is_packed);
    const char *file_name = (const char *)value_of(AT_EXECFN);
    CHECK(follows(file_name, previous));
    /* After the file name comes one NULL pointer, and the end of the stack. */
    const char *end = file_name + strlen(file_name) + 1 + sizeof(void *);
    CHECK_EQUAL((unsigned long)end % PAGE_SIZE, 0);
    CHECK_EQUAL(*(const unsigned long *)(end - sizeof(void *)), 0);
    const unsigned char *random_bytes = (const void *)value_of(AT_RANDOM);
    const char *platform = (const char *)value_of(AT_PLATFORM);
    CHECK((const void *)(stack.auxv + stack.auxv_count + 1) <= (const void *)random_bytes);
    CHECK((const char *)random_bytes + 16 <= platform);
    CHECK(platform + strlen(platform) + 1 <= stack.argv[0]);
    unsigned char zeros[16] = {0};
    CHECK(memcmp(random_bytes, zeros, 16) != 0);
}

static void proc_auxv_is_the_same(void)
{
    static unsigned char contents[4096];
    int fd = open("/proc/self/auxv", O_RDONLY);
    long length = read(fd, contents, sizeof contents);
    close(fd);
    long expected = (stack.auxv_count + 1) * (long)sizeof(Elf64_auxv_t);
    CHECK_EQUAL(length, expected);
    CHECK(length == expected && memcmp(contents, stack.auxv, (size_t)expected) == 0);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    locate_vectors();
    argument_vectors(argc, argv);
    auxv_order();
    fixed_values();
    values_from_the_file();
    strings_and_random_bytes();
    proc_auxv_is_the_same();
    test_finish();
    return 0;
}
