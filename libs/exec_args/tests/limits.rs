//! Behaviour tests of Linux's `execve` string limits.

use errno::Errno;
use exec_args::{
    ARG_MAX, ArgumentBudget, DEFAULT_STACK_LIMIT_BYTES, MAX_ARG_STRINGS, MAX_ARG_STRLEN,
    argument_space_limit,
};

const MIB: u64 = 1024 * 1024;

#[test]
fn constants_have_linux_values() {
    assert_eq!(MAX_ARG_STRLEN, 131_072);
    assert_eq!(MAX_ARG_STRINGS, 0x7FFF_FFFF);
    assert_eq!(ARG_MAX, 131_072);
    assert_eq!(DEFAULT_STACK_LIMIT_BYTES, 8 * MIB);
}

#[test]
fn space_is_a_quarter_of_the_stack_limit_between_arg_max_and_six_mebibytes() {
    assert_eq!(argument_space_limit(8 * MIB), 2 * MIB);
    assert_eq!(argument_space_limit(16 * MIB), 4 * MIB);
    assert_eq!(argument_space_limit(100 * MIB), 6 * MIB);
    assert_eq!(argument_space_limit(u64::MAX), 6 * MIB);
    assert_eq!(argument_space_limit(64 * 1024), ARG_MAX);
    assert_eq!(argument_space_limit(0), ARG_MAX);
}

#[test]
fn pointers_are_charged_up_front_with_argc_at_least_one() {
    let budget = ArgumentBudget::new(3, 2, 8 * MIB).unwrap();
    assert_eq!(budget.remaining_bytes(), 2 * MIB - 5 * 8);
    let no_arguments = ArgumentBudget::new(0, 2, 8 * MIB).unwrap();
    assert_eq!(no_arguments.remaining_bytes(), 2 * MIB - 3 * 8);
}

#[test]
fn space_can_be_used_up_exactly_but_not_exceeded() {
    // Linux 6.18, 8 MiB stack, argv ["/bin/true"], execfn "/bin/true", 16 environment strings:
    // 2096996 environment bytes ran and 2096997 failed with E2BIG.
    let mut budget = ArgumentBudget::new(1, 16, 8 * MIB).unwrap();
    budget.charge_string(9).unwrap();
    budget.charge_string(9).unwrap();
    let environment_bytes = 2_096_996_usize;
    let mut left = environment_bytes;
    while left > 0 {
        let with_nul = left.min(MAX_ARG_STRLEN);
        budget.charge_string(with_nul - 1).unwrap();
        left -= with_nul;
    }
    assert_eq!(budget.remaining_bytes(), 0);
    assert_eq!(budget.charge_string(0), Err(Errno::E2BIG));
}

#[test]
fn failed_charge_leaves_the_budget_unchanged() {
    let mut budget = ArgumentBudget::new(1, 0, 0).unwrap();
    let before = budget.remaining_bytes();
    assert_eq!(budget.charge_string(before as usize), Err(Errno::E2BIG));
    assert_eq!(budget.remaining_bytes(), before);
}

#[test]
fn single_string_may_take_max_arg_strlen_with_its_nul() {
    let mut budget = ArgumentBudget::new(1, 0, 8 * MIB).unwrap();
    assert_eq!(budget.charge_string(MAX_ARG_STRLEN - 1), Ok(()));
    assert_eq!(budget.charge_string(MAX_ARG_STRLEN), Err(Errno::E2BIG));
    assert_eq!(budget.charge_string(usize::MAX), Err(Errno::E2BIG));
}

#[test]
fn too_many_strings_are_refused() {
    assert_eq!(
        ArgumentBudget::new(MAX_ARG_STRINGS + 1, 0, u64::MAX),
        Err(Errno::E2BIG)
    );
    assert_eq!(
        ArgumentBudget::new(1, MAX_ARG_STRINGS + 1, u64::MAX),
        Err(Errno::E2BIG)
    );
    // Within the count limit the pointers alone overflow the space.
    assert_eq!(
        ArgumentBudget::new(MAX_ARG_STRINGS, MAX_ARG_STRINGS, u64::MAX),
        Err(Errno::E2BIG)
    );
    assert_eq!(
        ArgumentBudget::new(usize::MAX, usize::MAX, u64::MAX),
        Err(Errno::E2BIG)
    );
}

#[test]
fn pointers_filling_the_whole_space_are_refused() {
    // ARG_MAX bytes hold 16384 pointers; Linux fails when they take all of it.
    assert_eq!(ArgumentBudget::new(16_384, 0, 0), Err(Errno::E2BIG));
    let budget = ArgumentBudget::new(16_383, 0, 0).unwrap();
    assert_eq!(budget.remaining_bytes(), 8);
}
