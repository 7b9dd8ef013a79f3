//! One folder layout for everything a template saves, with one provenance
//! record and one validated way in.
//!
//! A saved artefact (a prediction model, saved groups, …) is a folder:
//!
//! ```text
//! NAME/
//!   artefact.json   the record: layout format, provenance, and every other
//!                   file of the folder with its size and blake3 hash
//!   card.ron        the template's card: what it needs to score and explain
//!   *.bpk, *.bin    weights and arrays, as the template lists them
//! ```
//!
//! [`FolderWriter`] writes the listed files first, each atomically, and the
//! record last, so a folder with a record is complete. [`Folder::open`]
//! checks, before anything is parsed, that the path is a folder, that its
//! record is readable and of this layout, and that every listed file is there
//! with its recorded size and hash; a truncated, missing or swapped file is
//! named in one sentence. The template then checks that its card agrees with
//! itself and with its weights ([`Folder::damaged`] words the sentence).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use burn::store::{BurnpackStore, ModuleSnapshot};
use burn::tensor::{Bytes, Device};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::data::Table;
use crate::error::{ClearboxError, Result, display_name};
use crate::files::write_atomically;
use crate::ml::model::{Network, NetworkShape};
use crate::words::Moment;

/// The record's file name in every artefact folder.
pub const RECORD: &str = "artefact.json";
/// The template's card in every artefact folder.
pub const CARD: &str = "card.ron";
/// The folder layout this version writes and reads.
pub const FORMAT: u32 = 3;

/// Which template made an artefact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// Learn a target column.
    Prediction,
    /// Find natural groups of rows.
    Segmentation,
    /// Learn which action to take from a log of decisions.
    Reinforcement,
}

impl TemplateKind {
    /// The template's name as the app shows it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Prediction => "Prediction",
            Self::Segmentation => "Segmentation",
            Self::Reinforcement => "Reinforcement",
        }
    }

    /// What its saved folder holds, for sentences ("a model", "saved groups").
    pub fn artefact(self) -> &'static str {
        match self {
            Self::Prediction => "a prediction model",
            Self::Segmentation => "saved groups",
            Self::Reinforcement => "a policy",
        }
    }

    /// What to do about a damaged folder of this kind, to end a sentence.
    pub fn remake(self) -> &'static str {
        match self {
            Self::Prediction => "Train it again",
            Self::Segmentation => "Find the groups again",
            Self::Reinforcement => "Learn the policy again",
        }
    }
}

/// The table an artefact was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRef {
    /// Its name as shown (file name or sample title).
    pub name: String,
    /// A short hash of the file's bytes.
    pub fingerprint: String,
    /// Rows it had.
    pub rows: usize,
    /// The key its rows were summarised per, when they summed up a log
    /// ([`crate::data::summary`]); new rows are summarised alike before
    /// scoring. Absent in artefacts made before summaries.
    #[serde(default)]
    pub summarised: Option<crate::data::PerKey>,
}

impl DataRef {
    /// The reference to `table`.
    pub fn of(table: &Table) -> Self {
        Self {
            name: table.name.clone(),
            fingerprint: table.fingerprint.clone(),
            rows: table.rows,
            summarised: table.summarised.clone(),
        }
    }
}

/// Where an artefact came from: enough to say which data, settings and
/// device produced it, and to run it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The template that made it.
    pub template: TemplateKind,
    /// The Clearbox version that made it.
    pub clearbox_version: String,
    /// When.
    pub created: Moment,
    /// From which table.
    pub data: DataRef,
    /// On which compute device (its label).
    pub device: String,
    /// With which seed.
    pub seed: u64,
    /// The template's request exactly as given (its own shape per template).
    pub settings: serde_json::Value,
}

impl Provenance {
    /// The provenance of an artefact made now by `template` from `table`.
    pub fn new(
        template: TemplateKind,
        table: &Table,
        device: &str,
        seed: u64,
        settings: &impl Serialize,
    ) -> Self {
        Self {
            template,
            clearbox_version: env!("CARGO_PKG_VERSION").to_owned(),
            created: Moment::now(),
            data: DataRef::of(table),
            device: device.to_owned(),
            seed,
            // A request is plain data; should it ever fail to serialise, the
            // record says so rather than losing the artefact.
            settings: serde_json::to_value(settings).unwrap_or(serde_json::Value::Null),
        }
    }

    /// The request back in its template's own shape.
    pub fn settings<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_value(self.settings.clone()).ok()
    }
}

/// One file of a folder as the record lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Its name inside the folder.
    pub name: String,
    /// Its size.
    pub bytes: u64,
    /// Its blake3 hash, in hex.
    pub blake3: String,
}

/// The record file's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The layout's version ([`FORMAT`]).
    pub format: u32,
    /// Where the artefact came from.
    pub provenance: Provenance,
    /// Every other file of the folder.
    pub files: Vec<FileEntry>,
}

impl Record {
    /// Reads only the record of the folder `dir`, to name an artefact that
    /// was already opened and checked (its files are not read again).
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(RECORD);
        let bytes = std::fs::read(&path).map_err(|e| ClearboxError::from_io(&path, &e))?;
        read_record(&bytes).map_err(|problem| damaged(dir, problem))
    }

    /// The blake3 hash of the whole artefact: of the record, which lists
    /// every file's hash. Projects keep it to notice a changed folder.
    pub fn hash(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        blake3::hash(text.as_bytes()).to_hex().to_string()
    }
}

/// Writes an artefact folder: each file atomically, then the record.
pub struct FolderWriter {
    dir: PathBuf,
    files: Vec<FileEntry>,
}

impl FolderWriter {
    /// Starts writing into `dir` (created if needed). A record already there
    /// is removed first, so a folder is never complete with a mix of two
    /// artefacts' files.
    pub fn create(dir: &Path) -> Result<Self> {
        let failed = |e: std::io::Error| ClearboxError::SaveFailed {
            path: dir.display().to_string(),
            detail: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(failed)?;
        match std::fs::remove_file(dir.join(RECORD)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed(e)),
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            files: Vec::new(),
        })
    }

    /// Writes one file of the folder.
    pub fn file(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        write_atomically(&self.dir.join(name), bytes)?;
        self.files.retain(|f| f.name != name);
        self.files.push(FileEntry {
            name: name.to_owned(),
            bytes: bytes.len() as u64,
            blake3: blake3::hash(bytes).to_hex().to_string(),
        });
        Ok(())
    }

    /// Writes `network`'s weights into the file `name`.
    pub fn network(&mut self, name: &str, network: &Network) -> Result<()> {
        let mut store = BurnpackStore::from_bytes(None);
        let bytes = network
            .save_into(&mut store)
            .and_then(|()| store.get_bytes())
            .map_err(|e| ClearboxError::SaveFailed {
                path: self.dir.display().to_string(),
                detail: format!("{e:?}"),
            })?;
        self.file(name, &bytes)
    }

    /// Writes `numbers` into the file `name`, four little-endian bytes each.
    pub fn numbers(&mut self, name: &str, numbers: &[f32]) -> Result<()> {
        let bytes: Vec<u8> = numbers.iter().flat_map(|x| x.to_le_bytes()).collect();
        self.file(name, &bytes)
    }

    /// Writes `value` as RON into the file `name`.
    pub fn ron(&mut self, name: &str, value: &impl Serialize) -> Result<()> {
        let text =
            ron::ser::to_string_pretty(value, ron::ser::PrettyConfig::default()).map_err(|e| {
                ClearboxError::SaveFailed {
                    path: self.dir.join(name).display().to_string(),
                    detail: e.to_string(),
                }
            })?;
        self.file(name, text.as_bytes())
    }

    /// Writes the record last, completing the folder, and returns it.
    pub fn finish(self, provenance: &Provenance) -> Result<Record> {
        let record = Record {
            format: FORMAT,
            provenance: provenance.clone(),
            files: self.files,
        };
        let text =
            serde_json::to_string_pretty(&record).map_err(|e| ClearboxError::SaveFailed {
                path: self.dir.display().to_string(),
                detail: e.to_string(),
            })?;
        write_atomically(&self.dir.join(RECORD), text.as_bytes())?;
        Ok(record)
    }
}

/// An artefact folder whose record was read and whose files all match it.
#[derive(Debug, Clone)]
pub struct Folder {
    /// Where it is.
    pub dir: PathBuf,
    /// Its record.
    pub record: Record,
    /// The files' contents, checked against the record.
    contents: BTreeMap<String, Vec<u8>>,
}

impl Folder {
    /// Opens `dir` and checks it against its record. Every problem is one
    /// [`ClearboxError::DamagedArtefact`] sentence naming the folder.
    pub fn open(dir: &Path) -> Result<Self> {
        let refuse = |problem: String| damaged(dir, problem);
        let meta = std::fs::metadata(dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ClearboxError::NotFound {
                file: display_name(dir),
            },
            _ => ClearboxError::from_io(dir, &e),
        })?;
        if !meta.is_dir() {
            return Err(refuse(
                "it is a file, not a folder. Choose the folder that 'clearbox train' or the app's Save button made"
                    .into(),
            ));
        }
        let names: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| ClearboxError::from_io(dir, &e))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.'))
            .collect();
        if names.is_empty() {
            return Err(refuse(
                "the folder is empty. Choose the folder that 'clearbox train' or the app's Save button made"
                    .into(),
            ));
        }
        let text = match std::fs::read(dir.join(RECORD)) {
            Ok(bytes) => bytes,
            Err(_)
                if names
                    .iter()
                    .any(|n| n == "model.ron" || n == "segments.ron") =>
            {
                return Err(refuse(format!(
                    "it was saved by an earlier version of Clearbox, whose folders had no {RECORD}. \
                     Train it again with this version"
                )));
            }
            Err(_) => {
                return Err(refuse(format!(
                    "it holds no {RECORD}, so it is not a Clearbox model or groups folder. Choose the \
                     folder that 'clearbox train' or the app's Save button made"
                )));
            }
        };
        let record = read_record(&text).map_err(refuse)?;
        let mut contents = BTreeMap::new();
        for entry in &record.files {
            let bytes = std::fs::read(dir.join(&entry.name)).map_err(|_| {
                refuse(format!(
                    "its file '{}' is missing. Copy the whole folder again, or train it again",
                    entry.name
                ))
            })?;
            if bytes.len() as u64 != entry.bytes {
                return Err(refuse(format!(
                    "its file '{}' has {} bytes where {} were saved: it was cut short or changed. \
                     Copy the whole folder again, or train it again",
                    entry.name,
                    bytes.len(),
                    entry.bytes
                )));
            }
            if blake3::hash(&bytes).to_hex().as_str() != entry.blake3 {
                return Err(refuse(format!(
                    "its file '{}' is not the one that was saved with it (it was changed, or copied \
                     from another folder). Copy the whole folder again, or train it again",
                    entry.name
                )));
            }
            contents.insert(entry.name.clone(), bytes);
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            record,
            contents,
        })
    }

    /// The kind of artefact.
    pub fn kind(&self) -> TemplateKind {
        self.record.provenance.template
    }

    /// Whether the record lists the file `name` (for files only some
    /// artefacts of a kind have).
    pub fn holds(&self, name: &str) -> bool {
        self.contents.contains_key(name)
    }

    /// The checked bytes of the file `name`, which the template needs.
    pub fn bytes(&self, name: &str) -> Result<&[u8]> {
        self.contents
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| self.damaged(format!("its record does not list the file '{name}'")))
    }

    /// The file `name` read as RON into the template's type.
    pub fn ron<T: DeserializeOwned>(&self, name: &str) -> Result<T> {
        let bytes = self.bytes(name)?;
        let text = std::str::from_utf8(bytes)
            .map_err(|_| self.damaged(format!("its file '{name}' is not text")))?;
        ron::from_str(text).map_err(|e| {
            self.damaged(format!(
                "its file '{name}' cannot be read ({e}). {} with this version",
                self.kind().remake()
            ))
        })
    }

    /// The weights in the file `name`, loaded into a new network of `shape`
    /// on `device`; weights of another shape are refused in one sentence.
    pub fn network(&self, name: &str, shape: &NetworkShape, device: &Device) -> Result<Network> {
        let bytes = self.bytes(name)?;
        let mut network = shape.init(device);
        let mut store = BurnpackStore::from_bytes(Some(Bytes::from_bytes_vec(bytes.to_vec())));
        network.load_from(&mut store).map_err(|e| {
            let detail = format!("{e:?}");
            let first: String = detail
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(120)
                .collect();
            self.damaged(format!(
                "its weights '{name}' do not fit its card ({first}). {}",
                self.kind().remake()
            ))
        })?;
        Ok(network)
    }

    /// The numbers in the file `name`, which must be whole rows of `width`.
    pub fn numbers(&self, name: &str, width: usize) -> Result<Vec<f32>> {
        let raw = self.bytes(name)?;
        if width == 0 || raw.len() % (4 * width) != 0 {
            return Err(self.damaged(format!(
                "its '{name}' does not hold whole rows of {width} numbers. {}",
                self.kind().remake()
            )));
        }
        Ok(raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// The sentence for a folder whose parts disagree: `problem` says how.
    pub fn damaged(&self, problem: impl Into<String>) -> ClearboxError {
        damaged(&self.dir, problem.into())
    }
}

fn damaged(dir: &Path, problem: String) -> ClearboxError {
    ClearboxError::DamagedArtefact {
        folder: display_name(dir),
        problem,
    }
}

/// Reads a record, or says in a few words why it cannot be used.
fn read_record(bytes: &[u8]) -> std::result::Result<Record, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| {
        format!(
            "its {RECORD} is damaged or cut short. Copy the whole folder again, or train it again"
        )
    })?;
    let format = value.get("format").and_then(serde_json::Value::as_u64);
    let version = value
        .pointer("/provenance/clearbox_version")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("an unknown version");
    if format != Some(u64::from(FORMAT)) {
        return Err(format!(
            "it was saved by Clearbox {version} in a layout this version ({}) cannot read. Open it \
             with that version, or train it again with this one",
            env!("CARGO_PKG_VERSION")
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        format!(
            "its {RECORD} does not describe a Clearbox artefact ({e}). Copy the whole folder again, or train it again"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provenance() -> Provenance {
        Provenance {
            template: TemplateKind::Segmentation,
            clearbox_version: "0.1.0".into(),
            created: Moment::parse("2026-12-01T10:00:00Z").expect("a moment"),
            data: DataRef {
                name: "t.csv".into(),
                fingerprint: "abc".into(),
                rows: 3,
                summarised: None,
            },
            device: "CPU".into(),
            seed: 1,
            settings: serde_json::json!({ "k": 3 }),
        }
    }

    fn folder_with(dir: &Path, files: &[(&str, &[u8])]) -> Record {
        let mut writer = FolderWriter::create(dir).expect("creates");
        for (name, bytes) in files {
            writer.file(name, bytes).expect("writes");
        }
        writer.finish(&provenance()).expect("finishes")
    }

    fn problem(dir: &Path) -> String {
        match Folder::open(dir) {
            Err(ClearboxError::DamagedArtefact { problem, .. }) => problem,
            other => panic!("expected a damaged folder, got {other:?}"),
        }
    }

    #[test]
    fn a_written_folder_opens_with_its_files_checked() {
        let dir = tempfile::tempdir().expect("temp dir");
        let record = folder_with(dir.path(), &[("card.ron", b"(k: 3)"), ("w.bin", b"1234")]);
        let folder = Folder::open(dir.path()).expect("opens");
        assert_eq!(folder.record, record);
        assert_eq!(folder.kind(), TemplateKind::Segmentation);
        assert_eq!(folder.bytes("w.bin").expect("listed"), b"1234");
        assert_eq!(
            folder.record.provenance.settings::<serde_json::Value>(),
            Some(serde_json::json!({ "k": 3 }))
        );
    }

    #[test]
    fn each_kind_of_damage_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("m");
        folder_with(&path, &[("card.ron", b"(k: 3)"), ("w.bin", b"1234")]);
        std::fs::write(path.join("w.bin"), b"12").expect("truncates");
        assert!(problem(&path).contains("'w.bin' has 2 bytes where 4"));
        std::fs::write(path.join("w.bin"), b"9999").expect("swaps");
        assert!(problem(&path).contains("'w.bin' is not the one"));
        std::fs::remove_file(path.join("w.bin")).expect("removes");
        assert!(problem(&path).contains("'w.bin' is missing"));
        std::fs::write(path.join(RECORD), b"{\"format\": 2, \"prov").expect("cuts");
        assert!(problem(&path).contains("damaged or cut short"));
        std::fs::write(
            path.join(RECORD),
            br#"{"format": 9, "provenance": {"clearbox_version": "9.0.0"}}"#,
        )
        .expect("writes");
        assert!(problem(&path).contains("Clearbox 9.0.0 in a layout"));
        std::fs::remove_file(path.join(RECORD)).expect("removes");
        assert!(problem(&path).contains("holds no artefact.json"));

        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).expect("creates");
        assert!(problem(&empty).contains("the folder is empty"));
        let file = dir.path().join("file.csv");
        std::fs::write(&file, "a,b\n1,2\n").expect("writes");
        assert!(problem(&file).contains("it is a file, not a folder"));
        let old = dir.path().join("old");
        std::fs::create_dir(&old).expect("creates");
        std::fs::write(old.join("model.ron"), "()").expect("writes");
        assert!(problem(&old).contains("earlier version of Clearbox"));
        assert!(matches!(
            Folder::open(&dir.path().join("nowhere")),
            Err(ClearboxError::NotFound { .. })
        ));
    }

    #[test]
    fn rewriting_a_folder_never_leaves_a_record_of_the_old_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        folder_with(dir.path(), &[("card.ron", b"(k: 3)")]);
        let writer = FolderWriter::create(dir.path()).expect("creates");
        assert!(
            !dir.path().join(RECORD).exists(),
            "the old record is gone first"
        );
        writer.finish(&provenance()).expect("finishes");
    }
}
