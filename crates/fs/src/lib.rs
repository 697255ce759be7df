//! Files paydesk writes are the shop's money records: accounts, amounts, PIN hashes,
//! the hub token. On Unix they are created readable by their owner only (files 0600,
//! folders paydesk creates 0700), whatever the umask; a file paydesk replaces keeps the
//! mode it had.

#![warn(missing_docs)]

use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Owner read/write only.
#[cfg(unix)]
const PRIVATE_FILE: u32 = 0o600;
/// Owner only.
#[cfg(unix)]
const PRIVATE_DIR: u32 = 0o700;

/// Creates `dir` and any missing parents; the folders created are owner-only.
pub fn create_dir_private(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, PRIVATE_DIR);
    b.create(dir)
}

fn options() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    o.write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, PRIVATE_FILE);
    o
}

/// Creates (or empties) `path` for writing, owner-only. An existing file is made
/// owner-only too.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let f = options().create(true).truncate(true).open(path)?;
    make_private(path)?;
    Ok(f)
}

/// Creates `path`, which must not exist yet, owner-only.
pub fn create_new_private(path: &Path) -> std::io::Result<File> {
    options().create_new(true).open(path)
}

/// Opens `path` for appending, creating it owner-only.
pub fn append_private(path: &Path) -> std::io::Result<File> {
    let f = options().create(true).append(true).open(path)?;
    make_private(path)?;
    Ok(f)
}

/// Writes `bytes` to `path` (created or replaced), owner-only.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = create_private(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Takes group and other access away from an existing file (files of older paydesk
/// versions were created with the umask's 0644). A missing file is fine.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() && m.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(PRIVATE_FILE))
            }
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Replaces `path` with `bytes` atomically (a temporary file beside it, synced, then
/// renamed over it). The new file keeps the old one's mode; a new file is owner-only.
pub fn replace_keeping_mode(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = options().create(true).truncate(true).open(&tmp)?;
    #[cfg(unix)]
    if let Ok(old) = std::fs::metadata(path) {
        f.set_permissions(old.permissions())?;
    }
    let written = f.write_all(bytes).and_then(|()| f.sync_all());
    drop(f);
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Why a small text file (config, catalogue, printer profile, certificate) was not
/// read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A FIFO, a device, a folder: reading it could block or never end.
    #[error("it is not a regular file")]
    NotRegular,
    /// Larger than any such file can be.
    #[error("it is larger than {cap} bytes")]
    TooLarge {
        /// The most allowed.
        cap: u64,
    },
    /// The system's words.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Reads a text file only if it is a regular file of at most `cap` bytes (a symlink
/// to `/dev/zero` or a FIFO named like a profile must not hang or fill memory).
pub fn read_text_capped(path: &Path, cap: u64) -> Result<String, ReadError> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge { cap });
    }
    let mut text = String::new();
    // The size may change between the look and the read: never read past the cap.
    File::open(path)?.take(cap + 1).read_to_string(&mut text)?;
    if text.len() as u64 > cap {
        return Err(ReadError::TooLarge { cap });
    }
    Ok(text)
}

/// Makes a new directory entry durable: syncs the folder holding `path` (Unix).
pub fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn only_small_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("ok.toml");
        std::fs::write(&ok, "a = 1").unwrap();
        assert_eq!(read_text_capped(&ok, 100).unwrap(), "a = 1");
        assert!(matches!(
            read_text_capped(&ok, 3),
            Err(ReadError::TooLarge { cap: 3 })
        ));
        // A symlink to an endless device, and a FIFO: refused without reading.
        let zero = dir.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(matches!(
            read_text_capped(&zero, 100),
            Err(ReadError::NotRegular)
        ));
        let fifo = dir.path().join("fifo.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read_text_capped(&fifo, 100),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            read_text_capped(dir.path(), 100),
            Err(ReadError::NotRegular)
        ));
    }

    #[test]
    fn files_and_folders_are_owner_only_and_a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        create_dir_private(&sub).unwrap();
        assert_eq!(mode(&sub), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);

        let f = sub.join("x.csv");
        write_private(&f, b"1").unwrap();
        assert_eq!(mode(&f), 0o600);

        // An old world-readable file is tightened when written again.
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&f, b"2").unwrap();
        assert_eq!(mode(&f), 0o600);

        // A config the admin keeps at 0640 stays 0640 when replaced; a new one is 0600.
        let c = sub.join("config.toml");
        replace_keeping_mode(&c, b"a = 1").unwrap();
        assert_eq!(mode(&c), 0o600);
        std::fs::set_permissions(&c, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace_keeping_mode(&c, b"a = 2").unwrap();
        assert_eq!(mode(&c), 0o640);
        assert_eq!(std::fs::read(&c).unwrap(), b"a = 2");
    }
}
