/* process-setup.c: what C libraries ask of the kernel while a process starts, and reboot(2)'s
 * checks short of powering off.
 *
 * Semantics from arch_prctl(2) (on x86_64 both libcs keep a pointer to the thread control block
 * at %fs:0, so ARCH_GET_FS must return the base the libc set), set_tid_address(2) (returns the
 * thread ID), set_robust_list(2) (the head's size must be 24 bytes: EINVAL otherwise) and
 * reboot(2) (the magic numbers are checked first: EINVAL; LINUX_REBOOT_CMD_CAD_OFF only tells
 * Ctrl-Alt-Del to send SIGINT to init).
 */
#include "test.h"

/* arch_prctl codes (arch/x86/include/uapi/asm/prctl.h): musl-gcc sees no kernel headers. */
#define ARCH_SET_GS 0x1001
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

#define ROBUST_LIST_HEAD_SIZE 24
#define REBOOT_MAGIC_1 0xfee1deadU
#define REBOOT_MAGIC_2 672274793U
#define REBOOT_COMMAND_CAD_OFF 0U

static unsigned long thread_pointer(void)
{
    unsigned long pointer;
    __asm__("mov %%fs:0, %0" : "=r"(pointer));
    return pointer;
}

static void thread_area(void)
{
    unsigned long base = 0;
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_FS, &base));
    CHECK_EQUAL(base, thread_pointer());
    unsigned long original_gs = 1;
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_GS, &original_gs));
    CHECK_EQUAL(original_gs, 0);
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_SET_GS, 0x12345000UL));
    unsigned long gs = 0;
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
    CHECK_EQUAL(gs, 0x12345000UL);
    CHECK_OK(syscall(SYS_arch_prctl, ARCH_SET_GS, original_gs));
    CHECK_ERRNO(syscall(SYS_arch_prctl, 0x1999, &gs), EINVAL);
    CHECK_ERRNO(syscall(SYS_arch_prctl, ARCH_GET_FS, TEST_UNMAPPED_ADDRESS), EFAULT);
    /* A base outside user space is refused. */
    CHECK_ERRNO(syscall(SYS_arch_prctl, ARCH_SET_GS, 0xffff800000000000UL), EPERM);
}

static void thread_bookkeeping(void)
{
    static int clear_on_exit;
    CHECK_EQUAL(syscall(SYS_set_tid_address, &clear_on_exit), 1);
    static unsigned long robust_list_head[3];
    robust_list_head[0] = (unsigned long)robust_list_head;
    CHECK_OK(syscall(SYS_set_robust_list, robust_list_head, ROBUST_LIST_HEAD_SIZE));
    CHECK_ERRNO(syscall(SYS_set_robust_list, robust_list_head, ROBUST_LIST_HEAD_SIZE - 1),
                EINVAL);
}

static void reboot_checks(void)
{
    CHECK_ERRNO(syscall(SYS_reboot, 0x12345678U, REBOOT_MAGIC_2, REBOOT_COMMAND_CAD_OFF, NULL),
                EINVAL);
    CHECK_ERRNO(syscall(SYS_reboot, REBOOT_MAGIC_1, 0x12345678U, REBOOT_COMMAND_CAD_OFF, NULL),
                EINVAL);
    CHECK_ERRNO(syscall(SYS_reboot, REBOOT_MAGIC_1, REBOOT_MAGIC_2, 0x12345678U, NULL), EINVAL);
    CHECK_OK(syscall(SYS_reboot, REBOOT_MAGIC_1, REBOOT_MAGIC_2, REBOOT_COMMAND_CAD_OFF, NULL));
}

int main(int argc, char **argv)
{
    test_start(argc, argv);
    thread_area();
    thread_bookkeeping();
    reboot_checks();
    test_finish();
    return 0;
}
