/* execve.c: execve itself: failures with their errno, argv and envp, what survives an exec, and
 * shebang scripts with Linux's argument rules.
 *
 * Semantics from execve(2) and fs/binfmt_script.c: the interpreter gets the rest of the #! line
 * as one argument with surrounding blanks removed (or none), then the script's path as given to
 * execve, then the script's arguments without its argv[0]. Scripts may nest as interpreters up
 * to a depth Linux limits (fs/exec.c, search_binary_handler): a script naming itself fails with
 * ELOOP. Open descriptors (and their offsets), the working directory and the umask survive an
 * exec; close-on-exec descriptors do not. A file open for writing cannot be executed, and a
 * running executable cannot be opened for writing (ETXTBSY).
 *
 * The program runs in stages, executing itself again between them (each stage's own arguments
 * come before --chain, see test.h): main, arguments, interpreter (a script naming this program
 * with an argument), bare (without one), nested (a script whose interpreter is a script), then
 * a busybox script that executes the last stage.
 */
#include "test.h"

#include <sys/auxv.h>

#define INTERPRETER_ARGUMENT "one argument  with  inner  spaces"
#define KEPT_FILE "kept"
#define STAGE_ARGUMENTS "arguments"
#define STAGE_AFTER_BUSYBOX "after-busybox"

static char scratch[128];

/* Prints a stage's checks; the last stage's summary is test_finish's. */
static void end_stage(const char *stage)
{
    if (test_state.failures == 0)
        printf("stage %s: %lu checks passed\n", stage, test_state.checks);
    else
        printf("stage %s: %lu of %lu checks failed\n", stage, test_state.failures,
               test_state.checks);
    test_state.failures = 0;
    test_state.checks = 0;
}

static void scratch_path(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", scratch, name);
}

static void execute_fails(const char *path, int expected_errno, int line)
{
    char *argv[] = {(char *)path, NULL};
    errno = 0;
    long result = execve(path, argv, environ);
    test_check_errno(result, errno, expected_errno, path, TEST_FILE, line);
}

#define CHECK_EXECUTE_FAILS(path, expected) execute_fails((path), (expected), __LINE__)

static void files_that_cannot_be_executed(void)
{
    CHECK_EXECUTE_FAILS("/tests/missing", ENOENT);
    CHECK_EXECUTE_FAILS("", ENOENT);
    CHECK_EXECUTE_FAILS("/tmp", EACCES);
    CHECK_EXECUTE_FAILS("/init/below", ENOTDIR);
    CHECK_OK(test_write_file("not-executable", "#!/bin/busybox sh\n", 0644));
    CHECK_EXECUTE_FAILS("not-executable", EACCES);
    CHECK_OK(test_write_file("empty", "", 0755));
    CHECK_EXECUTE_FAILS("empty", ENOEXEC);
    CHECK_OK(test_write_file("text", "echo this is no script\n", 0755));
    CHECK_EXECUTE_FAILS("text", ENOEXEC);
    CHECK_OK(symlink("loop", "loop"));
    CHECK_EXECUTE_FAILS("loop", ELOOP);
    static char long_path[4200];
    memset(long_path, 'l', sizeof long_path - 1);
    CHECK_EXECUTE_FAILS(long_path, ENAMETOOLONG);
}

static void scripts_that_cannot_be_executed(void)
{
    CHECK_OK(test_write_file("missing-interpreter", "#!/missing/interpreter\n", 0755));
    CHECK_EXECUTE_FAILS("missing-interpreter", ENOENT);
    CHECK_OK(test_write_file("no-interpreter", "#!\n", 0755));
    CHECK_EXECUTE_FAILS("no-interpreter", ENOEXEC);
    CHECK_OK(test_write_file("blank-interpreter", "#!   \t \n", 0755));
    CHECK_EXECUTE_FAILS("blank-interpreter", ENOEXEC);
    CHECK_OK(test_write_file("directory-interpreter", "#!/tmp\n", 0755));
    CHECK_EXECUTE_FAILS("directory-interpreter", EACCES);
    char line[400], path[200];
    scratch_path(path, sizeof path, "self-interpreter");
    snprintf(line, sizeof line, "#!%s\n", path);
    CHECK_OK(test_write_file("self-interpreter", line, 0755));
    CHECK_EXECUTE_FAILS("self-interpreter", ELOOP);
    /* An interpreter path that does not fit in the 256 bytes Linux reads. */
    memset(line, 'i', sizeof line);
    memcpy(line, "#!/", 3);
    line[sizeof line - 1] = '\0';
    CHECK_OK(test_write_file("long-interpreter", line, 0755));
    CHECK_EXECUTE_FAILS("long-interpreter", ENOEXEC);
}

static void files_busy_for_writing(void)
{
    CHECK_ERRNO(open(test_state.path, O_WRONLY), ETXTBSY);
    int fd = open("being-written", O_WRONLY | O_CREAT, 0755);
    CHECK_EQUAL(write(fd, "#!/bin/busybox sh\n", 18), 18);
    CHECK_EXECUTE_FAILS("being-written", ETXTBSY);
    close(fd);
}

static void arguments_too_long(void)
{
    /* One string longer than MAX_ARG_STRLEN (32 pages). */
    static char long_argument[200000];
    memset(long_argument, 'a', sizeof long_argument - 1);
    char *argv[] = {"/init", long_argument, NULL};
    CHECK_ERRNO(execve("/init", argv, environ), E2BIG);
}

/* Executes the `arguments` stage with extra arguments, variables and descriptors. */
static void execute_arguments_stage(void)
{
    CHECK_OK(test_write_file(KEPT_FILE, "0123456789", 0644));
    int kept = open(KEPT_FILE, O_RDONLY);
    CHECK_EQUAL(kept, 3);
    char skipped[2];
    CHECK_EQUAL(read(kept, skipped, 2), 2);
    CHECK_EQUAL(open(KEPT_FILE, O_RDONLY | O_CLOEXEC), 4);
    CHECK_EQUAL(dup2(kept, 5), 5);
    CHECK_OK(fcntl(5, F_SETFD, FD_CLOEXEC));
    umask(027);
    size_t count = 0;
    while (environ[count] != NULL)
        count++;
    char **environment = calloc(count + 3, sizeof *environment);
    memcpy(environment, environ, count * sizeof *environment);
    environment[count] = "LOAM_EXECVE_VARIABLE=set by execve";
    environment[count + 1] = "LOAM_EMPTY=";
    char *arguments[] = {STAGE_ARGUMENTS, "with space", "", "x=y", NULL};
    end_stage("main");
    test_execute_self(arguments, environment);
    CHECK(!"execve of this program returned");
}

static void check_arguments_stage(void)
{
    CHECK_EQUAL(test_state.argument_count, 4);
    CHECK_STRING(test_state.arguments[1], "with space");
    CHECK_STRING(test_state.arguments[2], "");
    CHECK_STRING(test_state.arguments[3], "x=y");
    CHECK_STRING(getenv("LOAM_EXECVE_VARIABLE"), "set by execve");
    CHECK_STRING(getenv("LOAM_EMPTY"), "");
    CHECK_STRING(getenv("HOME"), "/");
    /* Descriptor 3 survived with its offset; the close-on-exec ones are gone. */
    char rest[9] = {0};
    CHECK_EQUAL(read(3, rest, 8), 8);
    CHECK_STRING(rest, "23456789");
    CHECK_ERRNO(fcntl(4, F_GETFD), EBADF);
    CHECK_ERRNO(fcntl(5, F_GETFD), EBADF);
    CHECK_EQUAL(umask(022), 027);
    char directory[128];
    CHECK(getcwd(directory, sizeof directory) != NULL && strcmp(directory, scratch) == 0);
    CHECK_STRING((const char *)getauxval(AT_EXECFN), test_state.path);
    close(3);
    unsetenv("LOAM_EXECVE_VARIABLE");
    unsetenv("LOAM_EMPTY");
}

/* Executes a script whose #! line names this program, and with what argv. */
static void execute_script(const char *name, const char *interpreter_line, char **argv)
{
    char path[200];
    scratch_path(path, sizeof path, name);
    CHECK_OK(test_write_file(path, interpreter_line, 0755));
    fflush(stdout);
    char **full_argv = test_chain_argv(argv[0], argv + 1, test_state.chain);
    execve(path, full_argv, environ);
    CHECK(!"execve of the script returned");
}

static void execute_interpreter_stage(void)
{
    char line[300];
    /* Blanks after the interpreter and at the end are dropped, those inside kept. */
    snprintf(line, sizeof line, "#!%s \t " INTERPRETER_ARGUMENT " \t\nignored\n",
             test_state.path);
    char *argv[] = {"argv0 of the script", "script argument", NULL};
    end_stage(STAGE_ARGUMENTS);
    execute_script("interpreted", line, argv);
}

static void check_interpreter_stage(void)
{
    char script[200];
    scratch_path(script, sizeof script, "interpreted");
    CHECK_EQUAL(test_state.argument_count, 3);
    CHECK_STRING(test_state.arguments[1], script);
    CHECK_STRING(test_state.arguments[2], "script argument");
    /* The interpreter is what runs; AT_EXECFN names the file given to execve. */
    char executable[200] = {0};
    CHECK(readlink("/proc/self/exe", executable, sizeof executable - 1) > 0);
    CHECK_STRING(executable, test_state.path);
    CHECK_STRING((const char *)getauxval(AT_EXECFN), script);
}

static void execute_bare_stage(void)
{
    char line[300];
    snprintf(line, sizeof line, "#!%s\n", test_state.path);
    char *argv[] = {"argv0 of the bare script", NULL};
    end_stage("interpreter");
    execute_script("bare", line, argv);
}

static void check_bare_stage(void)
{
    char script[200];
    scratch_path(script, sizeof script, "bare");
    CHECK_EQUAL(test_state.argument_count, 1);
    CHECK_STRING(test_state.arguments[0], script);
}

/* The script "nested" names the script "bare" as its interpreter. */
static void execute_nested_stage(void)
{
    char line[300];
    scratch_path(line, sizeof line, "bare");
    memmove(line + 2, line, strlen(line) + 1);
    memcpy(line, "#!", 2);
    strcat(line, "\n");
    char *argv[] = {"argv0 of the nested script", NULL};
    end_stage("bare");
    execute_script("nested", line, argv);
}

static void check_nested_stage(void)
{
    char bare[200], nested[200];
    scratch_path(bare, sizeof bare, "bare");
    scratch_path(nested, sizeof nested, "nested");
    CHECK_EQUAL(test_state.argument_count, 2);
    CHECK_STRING(test_state.arguments[0], bare);
    CHECK_STRING(test_state.arguments[1], nested);
}

/* A busybox shell script that only reports and executes its arguments: no fork needed. */
static void execute_busybox_stage(void)
{
    const char *script = "#!/bin/busybox sh\n"
                         "[ \"$2\" = " STAGE_AFTER_BUSYBOX " ] && echo 'busybox ran the script'\n"
                         "exec \"$@\"\n";
    char *argv[] = {"busybox-script", (char *)test_state.path, STAGE_AFTER_BUSYBOX, NULL};
    end_stage("nested");
    execute_script("busybox-script", script, argv);
}

static int ends_with(const char *text, const char *end)
{
    size_t text_length = strlen(text), end_length = strlen(end);
    return text_length >= end_length && strcmp(text + text_length - end_length, end) == 0;
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    snprintf(scratch, sizeof scratch, "/tmp/%s", test_state.name);
    for (char *slash = scratch + strlen("/tmp/"); *slash != '\0'; slash++)
        *slash = *slash == '/' ? '-' : *slash;
    const char *stage = test_state.argument_count > 0 ? test_state.arguments[0] : "";
    if (test_state.argument_count == 0) {
        test_enter_scratch_directory();
        files_that_cannot_be_executed();
        scripts_that_cannot_be_executed();
        files_busy_for_writing();
        arguments_too_long();
        execute_arguments_stage();
    } else if (strcmp(stage, STAGE_ARGUMENTS) == 0) {
        check_arguments_stage();
        execute_interpreter_stage();
    } else if (strcmp(stage, INTERPRETER_ARGUMENT) == 0) {
        check_interpreter_stage();
        execute_bare_stage();
    } else if (ends_with(stage, "/bare") && test_state.argument_count == 1) {
        check_bare_stage();
        execute_nested_stage();
    } else if (ends_with(stage, "/bare")) {
        check_nested_stage();
        execute_busybox_stage();
    } else if (strcmp(stage, STAGE_AFTER_BUSYBOX) == 0) {
        CHECK_EQUAL(test_state.argument_count, 1);
        /* The variables added for the arguments stage were removed before it went on. */
        CHECK(getenv("LOAM_EXECVE_VARIABLE") == NULL);
        CHECK_STRING(getenv("TERM"), "linux");
    } else {
        printf("unknown stage %s\n", stage);
    }
    test_finish();
    return 0;
}
