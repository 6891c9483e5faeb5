/* malformed-elf.c: a corpus of broken ELF executables, generated into /tmp, and what execve says.
 *
 * Each case is a small valid static executable with one thing broken. The program executes
 * every case and prints `<case>: <errno>`, which the expected output records as Linux's answer:
 * that is the specification. The two controls (and any case a kernel accepts) run a payload
 * that executes this program again (argv[1]) with the case's number, so the run goes on and the
 * case prints `<case>: ran`.
 *
 * Only failures that Linux reports before the point of no return of execve (fs/binfmt_elf.c,
 * load_elf_binary, before begin_new_exec) can be seen here: the file header, the program header
 * table and the interpreter. Later failures (a segment that cannot be mapped: filesz > memsz,
 * misaligned offsets, huge sizes, addresses in the kernel half, no PT_LOAD, an entry point
 * outside any segment) end the process with SIGSEGV, which would end PID 1 and the whole run:
 * they need fork (issue 5). Linux checks neither EI_CLASS nor EI_DATA in its 64-bit loader, so
 * those cases run.
 */
#include "test.h"

#include <elf.h>

#define BASE_ADDRESS 0x400000UL
#define IMAGE_SIZE 512
#define CODE_OFFSET (sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr))
#define INTERPRETER_OFFSET 320
#define STAGE_RAN "ran"

/* execve(argv[1], &argv[1], envp) from the initial stack, or exit_group(127):
 *   mov rdi, [rsp+16]; lea rsi, [rsp+16]; mov rax, [rsp]; lea rdx, [rsp+rax*8+16]
 *   mov eax, 59; syscall; mov edi, 127; mov eax, 231; syscall */
static const unsigned char payload[] = {
    0x48, 0x8b, 0x7c, 0x24, 0x10, 0x48, 0x8d, 0x74, 0x24, 0x10, 0x48, 0x8b, 0x04, 0x24,
    0x48, 0x8d, 0x54, 0xc4, 0x10, 0xb8, 0x3b, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xbf, 0x7f,
    0x00, 0x00, 0x00, 0xb8, 0xe7, 0x00, 0x00, 0x00, 0x0f, 0x05,
};

/* One executable being built: its bytes and how many of them the file gets. */
struct image {
    unsigned char bytes[IMAGE_SIZE];
    size_t length;
};

static Elf64_Ehdr *header(struct image *image)
{
    return (Elf64_Ehdr *)image->bytes;
}

static Elf64_Phdr *program_header(struct image *image, int index)
{
    return (Elf64_Phdr *)(image->bytes + sizeof(Elf64_Ehdr)) + index;
}

/* A valid static executable: one read+execute PT_LOAD covering the file, entry at the payload. */
static void build_valid(struct image *image)
{
    memset(image, 0, sizeof *image);
    image->length = IMAGE_SIZE;
    Elf64_Ehdr *file = header(image);
    memcpy(file->e_ident, ELFMAG, SELFMAG);
    file->e_ident[EI_CLASS] = ELFCLASS64;
    file->e_ident[EI_DATA] = ELFDATA2LSB;
    file->e_ident[EI_VERSION] = EV_CURRENT;
    file->e_type = ET_EXEC;
    file->e_machine = EM_X86_64;
    file->e_version = EV_CURRENT;
    file->e_entry = BASE_ADDRESS + CODE_OFFSET;
    file->e_phoff = sizeof(Elf64_Ehdr);
    file->e_ehsize = sizeof(Elf64_Ehdr);
    file->e_phentsize = sizeof(Elf64_Phdr);
    file->e_phnum = 1;
    Elf64_Phdr *load = program_header(image, 0);
    load->p_type = PT_LOAD;
    load->p_flags = PF_R | PF_X;
    load->p_vaddr = load->p_paddr = BASE_ADDRESS;
    load->p_filesz = load->p_memsz = IMAGE_SIZE;
    load->p_align = 0x1000;
    memcpy(image->bytes + CODE_OFFSET, payload, sizeof payload);
}

/* Adds a PT_INTERP naming `path` (`size` bytes of it, at `offset`). */
static void add_interpreter(struct image *image, const char *path, size_t size, size_t offset)
{
    header(image)->e_phnum = 2;
    Elf64_Phdr *interpreter = program_header(image, 1);
    interpreter->p_type = PT_INTERP;
    interpreter->p_flags = PF_R;
    interpreter->p_offset = offset;
    interpreter->p_vaddr = interpreter->p_paddr = BASE_ADDRESS + offset;
    interpreter->p_filesz = interpreter->p_memsz = size;
    interpreter->p_align = 1;
    size_t length = strlen(path);
    if (offset + length <= IMAGE_SIZE)
        memcpy(image->bytes + offset, path, length);
}

static void position_independent(struct image *image)
{
    header(image)->e_type = ET_DYN;
    header(image)->e_entry = CODE_OFFSET;
    program_header(image, 0)->p_vaddr = program_header(image, 0)->p_paddr = 0;
}

static void empty(struct image *image) { image->length = 0; }
static void magic_only(struct image *image) { image->length = SELFMAG; }
static void truncated_header(struct image *image) { image->length = 40; }
static void bad_magic(struct image *image) { image->bytes[1] = 'X'; }
static void class_32(struct image *image) { image->bytes[EI_CLASS] = ELFCLASS32; }
static void class_none(struct image *image) { image->bytes[EI_CLASS] = ELFCLASSNONE; }
static void big_endian(struct image *image) { image->bytes[EI_DATA] = ELFDATA2MSB; }
static void wrong_machine(struct image *image) { header(image)->e_machine = EM_AARCH64; }
static void i386_machine(struct image *image) { header(image)->e_machine = EM_386; }
static void relocatable(struct image *image) { header(image)->e_type = ET_REL; }
static void core_dump(struct image *image) { header(image)->e_type = ET_CORE; }
static void header_entry_size(struct image *image) { header(image)->e_phentsize = 32; }
static void no_headers(struct image *image) { header(image)->e_phnum = 0; }
static void too_many_headers(struct image *image) { header(image)->e_phnum = 0xffff; }
static void headers_past_end(struct image *image) { header(image)->e_phoff = 0x10000; }
static void headers_offset_overflow(struct image *image) { header(image)->e_phoff = -16UL; }
static void truncated_headers(struct image *image) { image->length = sizeof(Elf64_Ehdr) + 20; }

static void interpreter_missing(struct image *image)
{
    add_interpreter(image, "/lib64/ld-linux-x86-64.so.2", 28, INTERPRETER_OFFSET);
}

static void interpreter_unterminated(struct image *image)
{
    add_interpreter(image, "/lib64/ld-linux-x86-64.so.2", 27, INTERPRETER_OFFSET);
}

static void interpreter_too_short(struct image *image)
{
    add_interpreter(image, "", 1, INTERPRETER_OFFSET);
}

static void interpreter_too_long(struct image *image)
{
    add_interpreter(image, "/lib64/ld-linux-x86-64.so.2", 5000, INTERPRETER_OFFSET);
}

static void interpreter_past_end(struct image *image)
{
    add_interpreter(image, "/nowhere", 9, 0x10000);
}

static void interpreter_directory(struct image *image)
{
    add_interpreter(image, "/tmp", 5, INTERPRETER_OFFSET);
}

/* The interpreter exists and may be executed but is no ELF file: a short one cannot even
 * hold an ELF header (EIO from the short read), a longer one has the wrong magic. */
static void interpreter_short_text(struct image *image)
{
    add_interpreter(image, "/tmp/malformed-elf-short-text", 30, INTERPRETER_OFFSET);
}

static void interpreter_not_elf(struct image *image)
{
    add_interpreter(image, "/tmp/malformed-elf-long-text", 29, INTERPRETER_OFFSET);
}

static void interpreter_not_executable(struct image *image)
{
    add_interpreter(image, "/tests/exec-chain", 18, INTERPRETER_OFFSET);
}

static void valid(struct image *image) { (void)image; }

static void writable_and_executable(struct image *image)
{
    program_header(image, 0)->p_flags = PF_R | PF_W | PF_X;
}

/* Two PT_LOADs for the same pages: Linux maps both, the second over the first. */
static void overlapping_segments(struct image *image)
{
    header(image)->e_phnum = 2;
    *program_header(image, 1) = *program_header(image, 0);
}

static const struct {
    const char *name;
    void (*breaks)(struct image *image);
} cases[] = {
    {"valid-executable", valid},
    {"valid-position-independent", position_independent},
    {"segment-read-write-execute", writable_and_executable},
    {"overlapping-segments", overlapping_segments},
    {"empty-file", empty},
    {"magic-only", magic_only},
    {"truncated-file-header", truncated_header},
    {"bad-magic", bad_magic},
    {"class-32-bit", class_32},
    {"class-none", class_none},
    {"big-endian", big_endian},
    {"machine-aarch64", wrong_machine},
    {"machine-i386", i386_machine},
    {"type-relocatable", relocatable},
    {"type-core", core_dump},
    {"program-header-size-32", header_entry_size},
    {"no-program-headers", no_headers},
    {"65535-program-headers", too_many_headers},
    {"program-headers-past-end", headers_past_end},
    {"program-headers-offset-overflow", headers_offset_overflow},
    {"program-headers-truncated", truncated_headers},
    {"interpreter-missing", interpreter_missing},
    {"interpreter-not-nul-terminated", interpreter_unterminated},
    {"interpreter-name-1-byte", interpreter_too_short},
    {"interpreter-name-5000-bytes", interpreter_too_long},
    {"interpreter-name-past-end", interpreter_past_end},
    {"interpreter-directory", interpreter_directory},
    {"interpreter-shorter-than-a-header", interpreter_short_text},
    {"interpreter-not-elf", interpreter_not_elf},
    {"interpreter-not-executable", interpreter_not_executable},
};

#define CASE_COUNT ((int)(sizeof cases / sizeof cases[0]))

/* Writes the case's file, executes it, and reports; returns only if execve failed. */
static void run_case(int index)
{
    struct image image;
    build_valid(&image);
    cases[index].breaks(&image);
    char path[128], number[16];
    snprintf(path, sizeof path, "/tmp/malformed-elf-%s", cases[index].name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK_EQUAL(write(fd, image.bytes, image.length), image.length);
    close(fd);
    snprintf(number, sizeof number, "%d", index);
    char *arguments[] = {(char *)test_state.path, STAGE_RAN, number, NULL};
    char **argv = test_chain_argv(path, arguments, test_state.chain);
    fflush(stdout);
    execve(path, argv, environ);
    printf("%s: %s\n", cases[index].name, test_errno_name(errno));
    free(argv);
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    int first = 0;
    if (test_state.argument_count == 2 && strcmp(test_state.arguments[0], STAGE_RAN) == 0) {
        int ran = atoi(test_state.arguments[1]);
        if (ran >= 0 && ran < CASE_COUNT)
            printf("%s: ran\n", cases[ran].name);
        first = ran + 1;
    } else {
        CHECK_OK(test_write_file("/tmp/malformed-elf-short-text", "not an ELF file\n", 0755));
        CHECK_OK(test_write_file("/tmp/malformed-elf-long-text",
                                 "#!/bin/busybox sh\n# A text file longer than an ELF header.\n"
                                 "echo this script is no ELF interpreter\n",
                                 0755));
    }
    for (int index = first; index < CASE_COUNT; index++)
        run_case(index);
    test_finish();
    return 0;
}
