//! Resource limits (`getrlimit(2)`, `setrlimit(2)`, `prlimit64(2)`): a soft and a hard value
//! per resource, kept across `execve` (Linux keeps them in `signal_struct`).

use errno::{Errno, Result};
use linux_raw_sys::general as linux;

/// `RLIM_INFINITY` as the 64-bit ABI shows it.
pub const INFINITY: u64 = u64::MAX;
/// `fs.nr_open`'s default: no `RLIMIT_NOFILE` may exceed it, even for root.
const NR_OPEN: u64 = 1 << 20;
const RESOURCE_COUNT: usize = linux::RLIM_NLIMITS as usize;

/// One resource's limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub soft: u64,
    pub hard: u64,
}

/// Every resource's limits of one process.
#[derive(Clone, Debug)]
pub struct ResourceLimits {
    limits: [Limit; RESOURCE_COUNT],
}

impl ResourceLimits {
    /// The limits Linux gives init (`INIT_RLIMITS`, include/asm-generic/resource.h, with
    /// `RLIMIT_STACK` from `_STK_LIM` and `RLIMIT_NOFILE` from `INR_OPEN_CUR`/`INR_OPEN_MAX`;
    /// `RLIMIT_NPROC` and `RLIMIT_SIGPENDING` are set from the memory size at boot, here 1024).
    pub fn initial() -> Self {
        let mut limits = [Limit {
            soft: INFINITY,
            hard: INFINITY,
        }; RESOURCE_COUNT];
        let mut set = |resource: u32, soft: u64, hard: u64| {
            limits[resource as usize] = Limit { soft, hard };
        };
        set(linux::RLIMIT_STACK, 8 << 20, INFINITY);
        set(linux::RLIMIT_CORE, 0, INFINITY);
        set(linux::RLIMIT_NOFILE, 1024, 4096);
        set(linux::RLIMIT_NPROC, 1024, 1024);
        set(linux::RLIMIT_SIGPENDING, 1024, 1024);
        set(linux::RLIMIT_MEMLOCK, 8 << 20, 8 << 20);
        set(linux::RLIMIT_MSGQUEUE, 819_200, 819_200);
        set(linux::RLIMIT_NICE, 0, 0);
        set(linux::RLIMIT_RTPRIO, 0, 0);
        Self { limits }
    }

    /// The limits of `resource`; `EINVAL` for an unknown one.
    pub fn get(&self, resource: u32) -> Result<Limit> {
        self.limits
            .get(resource as usize)
            .copied()
            .ok_or(Errno::EINVAL)
    }

    /// The soft limit of a resource known to exist.
    pub fn soft(&self, resource: u32) -> u64 {
        self.limits[resource as usize].soft
    }

    /// Sets `resource` to `limit` with `do_prlimit`'s checks (kernel/sys.c): `EINVAL` for an
    /// unknown resource or a soft limit above the hard one, `EPERM` for `RLIMIT_NOFILE` above
    /// `fs.nr_open` or for raising a hard limit without `CAP_SYS_RESOURCE` (`may_raise_hard`).
    pub fn set(&mut self, resource: u32, limit: Limit, may_raise_hard: bool) -> Result<()> {
        let current = self.get(resource)?;
        if limit.soft > limit.hard {
            return Err(Errno::EINVAL);
        }
        if resource == linux::RLIMIT_NOFILE && limit.hard > NR_OPEN {
            return Err(Errno::EPERM);
        }
        if limit.hard > current.hard && !may_raise_hard {
            return Err(Errno::EPERM);
        }
        self.limits[resource as usize] = limit;
        Ok(())
    }

    /// The soft `RLIMIT_NOFILE`, as a descriptor bound.
    pub fn open_files(&self) -> usize {
        usize::try_from(self.soft(linux::RLIMIT_NOFILE)).unwrap_or(usize::MAX)
    }
}
