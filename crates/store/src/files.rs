//! Files that matter, written atomically (SPEC §3): a reader sees the old content or the new,
//! never a part. Used for keys, configuration and license files.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use kinwarden_core::ids::{AttachmentId, CipherId, OrganizationId};

/// Writes a temporary file beside the target, flushes it to disk, renames it over the target,
/// then flushes the directory so the rename itself survives a crash.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace(path, contents, true)
}

/// Like [`write_atomic`] without the flushes: for state of a running process (its pid, its
/// address), which a crash makes stale anyway, so a start does not wait for the disk.
pub fn write_atomic_volatile(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace(path, contents, false)
}

fn replace(path: &Path, contents: &[u8], durable: bool) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no directory"))?;
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|err| err.error)?;
    if durable {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// `bwdata/core/licenses/organization/{id}.json`: the license each self-hosted organization
/// runs on (reference §5.5 step 6).
#[derive(Debug, Clone)]
pub struct LicenseFiles {
    dir: PathBuf,
}

impl LicenseFiles {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn path(&self, organization_id: OrganizationId) -> PathBuf {
        self.dir.join(format!("{organization_id}.json"))
    }

    pub fn write(&self, organization_id: OrganizationId, contents: &str) -> io::Result<()> {
        write_atomic(&self.path(organization_id), contents.as_bytes())
    }

    /// The stored license, or `None` when there is none.
    pub fn read(&self, organization_id: OrganizationId) -> io::Result<Option<Vec<u8>>> {
        match fs::read(self.path(organization_id)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    pub fn remove(&self, organization_id: OrganizationId) -> io::Result<()> {
        match fs::remove_file(self.path(organization_id)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }
}

/// `bwdata/attachments/{cipher id}/{attachment id}`: the encrypted bytes of the vault's attached
/// files, one file each, written atomically; removing an item's last file removes its folder.
#[derive(Debug, Clone)]
pub struct AttachmentFiles {
    dir: PathBuf,
}

impl AttachmentFiles {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn path(&self, cipher: CipherId, attachment: AttachmentId) -> PathBuf {
        self.dir
            .join(cipher.to_string())
            .join(attachment.to_string())
    }

    pub fn write(
        &self,
        cipher: CipherId,
        attachment: AttachmentId,
        bytes: &[u8],
    ) -> io::Result<()> {
        write_atomic(&self.path(cipher, attachment), bytes)
    }

    /// The file's bytes, or `None` when there is none.
    pub fn read(&self, cipher: CipherId, attachment: AttachmentId) -> io::Result<Option<Vec<u8>>> {
        match fs::read(self.path(cipher, attachment)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Removes the file (none is fine), and the item's folder once it is empty.
    pub fn remove(&self, cipher: CipherId, attachment: AttachmentId) -> io::Result<()> {
        match fs::remove_file(self.path(cipher, attachment)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
        // Fails while other files remain, which is what is wanted.
        let _ = fs::remove_dir(self.dir.join(cipher.to_string()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_read_replace_remove() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = LicenseFiles::new(dir.path().join("licenses/organization"));
        let org = OrganizationId::new();
        assert_eq!(files.read(org).expect("read"), None);
        files.write(org, "one").expect("write");
        files.write(org, "two").expect("replace");
        assert_eq!(files.read(org).expect("read"), Some(b"two".to_vec()));
        files.remove(org).expect("remove");
        files.remove(org).expect("removing twice is fine");
        assert_eq!(files.read(org).expect("read"), None);
    }

    #[test]
    fn attachments_live_under_their_item() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = AttachmentFiles::new(dir.path().join("attachments"));
        let (cipher, one, two) = (CipherId::new(), AttachmentId::new(), AttachmentId::new());
        files.write(cipher, one, b"1").expect("write");
        files.write(cipher, two, b"2").expect("write");
        files.remove(cipher, one).expect("remove");
        assert_eq!(files.read(cipher, two).expect("read"), Some(b"2".to_vec()));
        files.remove(cipher, two).expect("remove");
        files.remove(cipher, two).expect("twice");
        assert!(
            !dir.path()
                .join("attachments")
                .join(cipher.to_string())
                .exists()
        );
    }
}
