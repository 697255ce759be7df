//! Which process is handling something in the journal, and whether it still runs.
//!
//! A payment between two steps is either being taken right now by a live process (a
//! till on this journal) or was left there by a process that died (it waits for its
//! recovery question). Only the process id tells them apart, and a pid alone is
//! reused: the mark also carries the host, the boot and the process's start time, so
//! a pid reused after a crash or a reboot never passes for the old process.

use std::fmt;

/// A running process, as written into the journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessMark {
    /// The machine's name.
    pub host: String,
    /// The boot the process runs in (empty where the system does not say).
    pub boot: String,
    /// The process id.
    pub pid: u32,
    /// When the process started, in the system's clock ticks since boot (0 where
    /// the system does not say).
    pub started: u64,
}

/// What is known about a marked process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    /// It runs on this machine now.
    Alive,
    /// It ran on this machine and is gone (or the machine restarted since).
    Gone,
    /// It runs on another machine: nothing can be known from here.
    Elsewhere,
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
}

/// The start time of a process (field 22 of `/proc/<pid>/stat`), Linux only.
fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: fields after the
    // last ')' start at field 3.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// The machine's name as the system gives it.
pub fn host_name() -> String {
    read_trimmed("/proc/sys/kernel/hostname")
        .or_else(|| read_trimmed("/etc/hostname"))
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

impl ProcessMark {
    /// This process.
    pub fn current() -> ProcessMark {
        let pid = std::process::id();
        ProcessMark {
            host: host_name(),
            boot: read_trimmed("/proc/sys/kernel/random/boot_id").unwrap_or_default(),
            pid,
            started: start_ticks(pid).unwrap_or(0),
        }
    }

    /// Reads a mark written by [`fmt::Display`]; `None` for anything else.
    pub fn parse(text: &str) -> Option<ProcessMark> {
        let mut parts = text.rsplitn(4, ':');
        let started = parts.next()?.parse().ok()?;
        let pid = parts.next()?.parse().ok()?;
        let boot = parts.next()?.to_string();
        let host = parts.next()?.to_string();
        Some(ProcessMark {
            host,
            boot,
            pid,
            started,
        })
    }

    /// Whether the process still runs, seen from this machine.
    pub fn liveness(&self) -> Liveness {
        let here = ProcessMark::current();
        if self.host != here.host {
            return Liveness::Elsewhere;
        }
        if *self == here {
            return Liveness::Alive;
        }
        if !self.boot.is_empty() && !here.boot.is_empty() && self.boot != here.boot {
            return Liveness::Gone;
        }
        match start_ticks(self.pid) {
            // A pid in use by a process that started at another time is a new one.
            Some(t) if self.started != 0 => {
                if t == self.started {
                    Liveness::Alive
                } else {
                    Liveness::Gone
                }
            }
            Some(_) => Liveness::Alive,
            None if std::path::Path::new("/proc/self/stat").exists() => Liveness::Gone,
            None => signal_zero(self.pid),
        }
    }
}

/// Without `/proc`: signal 0 says whether the pid exists (reuse cannot be told).
fn signal_zero(pid: u32) -> Liveness {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return Liveness::Gone;
        };
        // SAFETY: kill(2) with signal 0 only checks the pid; no memory is touched.
        let r = unsafe { libc::kill(pid, 0) };
        if r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) {
            Liveness::Alive
        } else {
            Liveness::Gone
        }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        Liveness::Alive
    }
}

impl fmt::Display for ProcessMark {
    /// `host:boot:pid:started` — what the journal stores.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}:{}",
            self.host, self.boot, self.pid, self.started
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_reads_back_and_this_process_is_alive() {
        let me = ProcessMark::current();
        assert_eq!(ProcessMark::parse(&me.to_string()), Some(me.clone()));
        assert_eq!(me.liveness(), Liveness::Alive);
        assert_eq!(ProcessMark::parse("not a mark"), None);
    }

    #[test]
    fn a_finished_process_and_a_reused_pid_are_gone_another_host_is_elsewhere() {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut mark = ProcessMark::current();
        mark.pid = child.id();
        mark.started = start_ticks(child.id()).unwrap_or(0);
        child.wait().unwrap();
        assert_eq!(mark.liveness(), Liveness::Gone);

        // Our own pid with another start time: a new process under an old number.
        let mut reused = ProcessMark::current();
        reused.started += 1;
        assert_eq!(reused.liveness(), Liveness::Gone);

        let mut other = ProcessMark::current();
        other.host = format!("{}-other", other.host);
        assert_eq!(other.liveness(), Liveness::Elsewhere);
    }
}
