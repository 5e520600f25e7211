//! Keystone tokens kept on disk between processes: [`TokenCache`].

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::keystone::CatalogService;

/// The largest cache file read: 4 MiB (a big public cloud's catalog is about 100 KiB).
pub const MAX_CACHE_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The format of the files, so a later one is not misread.
const FORMAT: u32 = 1;

/// A directory of cached Keystone tokens, shared by processes of the same user. Turn it on
/// with [`ClientBuilder::token_cache`](crate::ClientBuilder::token_cache).
///
/// # What is stored, and why it is safe enough
///
/// One file per identity, `<dir>/<key>.json`, where `<key>` is the SHA-256 (hex) of the token
/// URL, the auth method, the user (id, or name and domain) or application credential (id, or
/// name and user), and the project. No secret goes into the key or the file name: neither the
/// password, nor the application credential's secret, nor the token. The file holds the
/// token, its expiry and lifetime (on this machine's clock) and the catalog (the endpoints
/// the token was issued with), so that a second process needs no Keystone request at all.
///
/// The token is a bearer credential until it expires (Keystone's default is an hour), like
/// the password that produced it, so the file is guarded like a private key: the directory is created with mode `0700` and each file with mode `0600`
/// (created with that mode, never widened afterwards), written to a temporary file and
/// renamed into place so a reader never sees half a file. A directory or file that group or
/// others may read is not used (a warning says so). A file is read only up to
/// [`MAX_CACHE_FILE_BYTES`]; one that does not parse is ignored and replaced.
///
/// A cached token is used only while more than its renewal margin (the lesser of 5 minutes
/// and 10 % of its lifetime) is left, and never after the service rejected it: a 401 removes
/// the file. Tokens of the `token` methods ([`ScopedToken`](crate::auth::ScopedToken),
/// [`ExistingToken`](crate::auth::ExistingToken)) are not cached: their key would have to be
/// derived from the token itself.
///
/// A cached token is used without the password (or secret) being checked again: with the
/// cache on, a process of the same OS user that names a cached user and project gets the
/// token even with a wrong password. That user could read the file (and `secure.yaml`)
/// anyway, so nothing is given away that was not already readable; turn the cache off (the
/// CLI's `--no-cache`) where a stale or wrong password must fail at once.
/// On platforms without Unix file modes the cache does nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenCache {
    dir: PathBuf,
}

/// A cached token as read back: the token, when it expires on the local wall clock, its whole
/// lifetime, and its catalog.
pub(crate) struct Entry {
    pub(crate) token: String,
    pub(crate) expires_local: SystemTime,
    pub(crate) lifetime: Duration,
    pub(crate) catalog: Vec<CatalogService>,
}

#[derive(Serialize, Deserialize)]
struct File {
    format: u32,
    /// What the key was made of, minus secrets (for a person looking at the file).
    identity: String,
    token: String,
    /// Seconds since the Unix epoch, on this machine's clock.
    expires_local: f64,
    lifetime_s: f64,
    catalog: Vec<CatalogService>,
}

impl TokenCache {
    /// A cache in `dir` (created, mode `0700`, when first written).
    pub fn new(dir: impl Into<PathBuf>) -> TokenCache {
        TokenCache { dir: dir.into() }
    }

    /// `$XDG_CACHE_HOME/ims` (when that is an absolute path), else `~/.cache/ims`; `None`
    /// without a home directory.
    pub fn default_dir() -> Option<PathBuf> {
        std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::home_dir().map(|home| home.join(".cache")))
            .map(|cache| cache.join("ims"))
    }

    /// The cache in [`TokenCache::default_dir`].
    pub fn in_default_dir() -> Option<TokenCache> {
        TokenCache::default_dir().map(TokenCache::new)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `identity` (a description without secrets, hashed).
    pub fn file_for(&self, identity: &str) -> PathBuf {
        let hash = hex::encode(Sha256::digest(identity.as_bytes()));
        self.dir.join(format!("{hash}.json"))
    }

    /// The entry of `identity`, if there is a usable one.
    pub(crate) fn load(&self, identity: &str) -> Option<Entry> {
        let path = self.file_for(identity);
        let text = match read_private(&path) {
            Ok(Some(text)) => text,
            Ok(None) => return None,
            Err(problem) => {
                tracing::warn!(file = %path.display(), "the token cache is not used: {problem}");
                return None;
            }
        };
        let file = match serde_json::from_slice::<File>(&text) {
            Ok(file) if file.format == FORMAT && file.identity == identity => file,
            _ => {
                tracing::debug!(file = %path.display(), "ignored a token cache file that does not parse");
                return None;
            }
        };
        let expires_local = SystemTime::UNIX_EPOCH
            .checked_add(Duration::try_from_secs_f64(file.expires_local).ok()?)?;
        Some(Entry {
            token: file.token,
            expires_local,
            lifetime: Duration::try_from_secs_f64(file.lifetime_s).ok()?,
            catalog: file.catalog,
        })
    }

    /// Stores `entry` for `identity`; a failure is logged, never returned (the token works
    /// without the cache).
    pub(crate) fn store(&self, identity: &str, entry: &Entry) {
        let file = File {
            format: FORMAT,
            identity: identity.to_string(),
            token: entry.token.clone(),
            expires_local: entry
                .expires_local
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64(),
            lifetime_s: entry.lifetime.as_secs_f64(),
            catalog: entry.catalog.clone(),
        };
        let path = self.file_for(identity);
        let result = serde_json::to_vec(&file)
            .map_err(std::io::Error::other)
            .and_then(|bytes| write_private(&self.dir, &path, &bytes));
        match result {
            Ok(()) => {
                tracing::debug!(file = %path.display(), "stored the Keystone token in the cache")
            }
            Err(e) => {
                tracing::warn!(file = %path.display(), "could not store the Keystone token in the cache: {e}")
            }
        }
    }

    /// Removes the entry of `identity` (after the service rejected its token).
    pub(crate) fn remove(&self, identity: &str) {
        let path = self.file_for(identity);
        match std::fs::remove_file(&path) {
            Ok(()) => {
                tracing::debug!(file = %path.display(), "removed a rejected token from the cache")
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(file = %path.display(), "could not remove a rejected token from the cache: {e}")
            }
        }
    }
}

/// The bytes of `path` if it exists and only its owner may read it (and its directory).
#[cfg(unix)]
fn read_private(path: &Path) -> Result<Option<Vec<u8>>, String> {
    use std::io::Read;
    use std::os::unix::fs::PermissionsExt;
    let open = |p: &Path| std::fs::File::open(p);
    if let Some(dir) = path.parent()
        && let Ok(meta) = std::fs::metadata(dir)
        && meta.permissions().mode() & 0o077 != 0
    {
        return Err(format!(
            "its directory {} may be read by others (mode {:o}; it must be 0700)",
            dir.display(),
            meta.permissions().mode() & 0o777
        ));
    }
    let file = match open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a file".into());
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(format!(
            "the file may be read by others (mode {:o}; it must be 0600)",
            meta.permissions().mode() & 0o777
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_CACHE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_CACHE_FILE_BYTES {
        return Err(format!("the file is over {MAX_CACHE_FILE_BYTES} bytes"));
    }
    Ok(Some(bytes))
}

#[cfg(not(unix))]
fn read_private(_path: &Path) -> Result<Option<Vec<u8>>, String> {
    Ok(None)
}

/// Writes `bytes` to `path` through a temporary file created with mode 0600 in `dir`
/// (created with mode 0700).
#[cfg(unix)]
fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(std::io::Error::other(format!(
            "the directory {} may be read by others (mode {mode:o}; it must be 0700)",
            dir.display()
        )));
    }
    let temporary =
        path.with_extension(format!("tmp.{}.{}", std::process::id(), fastrand::u64(..)));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

#[cfg(not(unix))]
fn write_private(_dir: &Path, _path: &Path, _bytes: &[u8]) -> std::io::Result<()> {
    Ok(())
}
