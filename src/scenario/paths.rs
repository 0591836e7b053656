//! Which files a scenario file may name, and where its relative paths
//! lead.
//!
//! A scenario file's paths (the edge list, the observed cascades, the
//! files of the `fit` section) are relative to the file's folder. By
//! default ([`PathPolicy::InsideFolder`]) they must stay in that folder or
//! below it: an absolute path, a `..` step, or a symlink in the folder
//! whose target lies outside it is refused with an
//! [`Error::PathOutsideFolder`] naming the field, so that a document
//! received from someone else reads nothing its user did not point at. A
//! caller who trusts the document allows every path with
//! [`PathPolicy::Anywhere`] (`wom ... --allow-outside-paths`).

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Which files a scenario file may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathPolicy {
    /// Only files in the scenario file's folder or below it (the
    /// default): a relative path with no `..` step, and, for a file that
    /// exists, one whose real location (symlinks followed) is inside the
    /// folder's real location.
    #[default]
    InsideFolder,
    /// Any file: absolute paths and paths that leave the folder too
    /// (relative paths are still relative to the folder). For documents
    /// the caller trusts.
    Anywhere,
}

/// How a scenario file is read ([`Scenario::from_file_with_options`]).
///
/// ```
/// use wom::scenario::{LoadOptions, PathPolicy};
///
/// let trusting = LoadOptions::default().with_paths(PathPolicy::Anywhere);
/// assert_eq!(trusting.paths, PathPolicy::Anywhere);
/// assert_eq!(LoadOptions::default().paths, PathPolicy::InsideFolder);
/// ```
///
/// [`Scenario::from_file_with_options`]: super::Scenario::from_file_with_options
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadOptions {
    /// Which files the document may name (default: only those in its
    /// folder or below).
    pub paths: PathPolicy,
}

impl LoadOptions {
    /// These options with the path policy `paths`.
    #[must_use]
    pub fn with_paths(mut self, paths: PathPolicy) -> Self {
        self.paths = paths;
        self
    }
}

/// Places the paths of a scenario file read from `folder`: each relative
/// path becomes relative to `folder`, once `policy` has let it through.
pub(super) struct Placer<'a> {
    folder: &'a Path,
    policy: PathPolicy,
    /// The folder's real location, found at the first file that exists.
    real_folder: Option<PathBuf>,
}

impl<'a> Placer<'a> {
    pub(super) fn new(folder: &'a Path, policy: PathPolicy) -> Self {
        Placer {
            folder,
            policy,
            real_folder: None,
        }
    }

    /// Checks `file`, named by the field at JSON path `field`, and makes
    /// it relative to the folder.
    ///
    /// # Errors
    /// [`Error::PathOutsideFolder`] when the policy refuses it;
    /// [`Error::Io`] when the folder's real location cannot be found.
    pub(super) fn place(&mut self, field: &str, file: &mut PathBuf) -> Result<()> {
        if self.policy == PathPolicy::Anywhere {
            if file.is_relative() {
                *file = self.folder.join(&*file);
            }
            return Ok(());
        }
        let refuse = |reason: String| Error::PathOutsideFolder {
            field: field.to_string(),
            path: file.clone(),
            reason,
        };
        for part in file.components() {
            match part {
                Component::Prefix(_) | Component::RootDir => {
                    return Err(refuse("is absolute".to_string()));
                }
                Component::ParentDir => {
                    return Err(refuse("has a `..` step".to_string()));
                }
                Component::CurDir | Component::Normal(_) => {}
            }
        }
        let joined = self.folder.join(&*file);
        // A file that does not exist is not read either: its error comes
        // when the scenario runs. One that exists must really be inside.
        if let Ok(real) = std::fs::canonicalize(&joined) {
            let folder = self.real_folder()?;
            if !real.starts_with(folder) {
                return Err(refuse(format!(
                    "leads through a symlink to {}, outside the scenario's folder {}",
                    real.display(),
                    folder.display()
                )));
            }
        }
        *file = joined;
        Ok(())
    }

    fn real_folder(&mut self) -> Result<&Path> {
        if self.real_folder.is_none() {
            let folder = if self.folder.as_os_str().is_empty() {
                Path::new(".")
            } else {
                self.folder
            };
            let real = std::fs::canonicalize(folder).map_err(|source| Error::Io {
                file: folder.display().to_string(),
                line: None,
                source,
            })?;
            self.real_folder = Some(real);
        }
        Ok(self.real_folder.as_deref().unwrap_or(self.folder))
    }
}
