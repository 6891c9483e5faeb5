//! Per-architecture system calls; each arch's table (`table_<arch>.rs`) names them.

pub mod x86_64;
