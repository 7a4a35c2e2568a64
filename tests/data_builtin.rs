//! Tests of the data sets shipped in `data/`: counts, label histograms (checked against the
//! source CSV files by scripts/data/convert.py), value ranges, and rejection of damaged files.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use nnplay::data::builtin::{self, FORMAT_VERSION, HEADER_LEN, MAGIC};
use nnplay::data::{DataError, DatasetKind, Task, generate};

fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(raw).unwrap();
    enc.finish().unwrap()
}

/// A valid uncompressed file in the shipped format.
fn file(n_classes: u8, divisor: u16, n: u32, d: u32, pixels: &[u8], labels: &[u8]) -> Vec<u8> {
    let mut raw = MAGIC.to_vec();
    raw.push(FORMAT_VERSION);
    raw.push(n_classes);
    raw.extend(divisor.to_le_bytes());
    raw.extend(n.to_le_bytes());
    raw.extend(d.to_le_bytes());
    raw.extend(pixels);
    raw.extend(labels);
    raw
}

#[test]
fn digits_have_1797_images_of_8x8() {
    let ds = builtin::load(DatasetKind::Digits).unwrap();
    assert_eq!(ds.x.dim(), (1797, 64));
    // Histogram of the last column of sklearn/datasets/data/digits.csv.gz.
    assert_eq!(
        ds.class_histogram().unwrap(),
        [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    );
    assert_eq!(ds.task(), Task::MultiClassification { classes: 10 });
    assert_eq!(ds.class_names().unwrap()[7], "7");
    assert!(ds.x.iter().all(|&v| (0.0..=1.0).contains(&v)));
    // Values are darkness levels 0..16 divided by 16.
    assert!(ds.x.iter().all(|&v| (v * 16.0).fract() == 0.0));
    assert_eq!(ds.x.iter().cloned().fold(0.0, f32::max), 1.0);
    // First row of the source: 0,0,5,13,9,1,0,0, … label 0.
    assert_eq!(
        ds.x.row(0)
            .iter()
            .take(8)
            .map(|v| v * 16.0)
            .collect::<Vec<_>>(),
        [0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]
    );
    assert_eq!(ds.labels().unwrap()[..3], [0, 1, 2]);
    assert_eq!(ds.feature_names[9], "pixel_r1_c1");
    assert_eq!(builtin::image_side(DatasetKind::Digits), Some(8));
}

#[test]
fn iris_has_150_flowers_50_per_species() {
    let ds = builtin::load(DatasetKind::Iris).unwrap();
    assert_eq!(ds.x.dim(), (150, 4));
    assert_eq!(ds.class_histogram().unwrap(), [50, 50, 50]);
    assert_eq!(
        ds.class_names().unwrap(),
        ["setosa", "versicolor", "virginica"]
    );
    assert_eq!(ds.feature_names[2], "petal length (cm)");
    // First row of sklearn's iris.csv: 5.1,3.5,1.4,0.2,0 (exact to the nearest f32).
    assert_eq!(ds.x.row(0).to_vec(), [5.1, 3.5, 1.4, 0.2]);
    // Ranges from the data set's description: sepal length 4.3–7.9, petal width 0.1–2.5.
    let col = |j: usize| ds.x.column(j).to_vec();
    assert_eq!(min_max(col(0)), (4.3, 7.9));
    assert_eq!(min_max(col(3)), (0.1, 2.5));
}

fn min_max(v: Vec<f32>) -> (f32, f32) {
    (
        v.iter().cloned().fold(f32::MAX, f32::min),
        v.iter().cloned().fold(f32::MIN, f32::max),
    )
}

#[test]
fn mnist_has_5000_images_500_per_digit() {
    let ds = builtin::load(DatasetKind::Mnist).unwrap();
    assert_eq!(ds.x.dim(), (5000, 784));
    assert_eq!(ds.class_histogram().unwrap(), [500; 10]);
    assert!(ds.x.iter().all(|&v| (0.0..=1.0).contains(&v)));
    assert_eq!(ds.x.iter().cloned().fold(0.0, f32::max), 1.0);
    // Grey levels are bytes divided by 255.
    assert!(
        ds.x.row(0)
            .iter()
            .all(|&v| ((v * 255.0).round() - v * 255.0).abs() < 1e-3)
    );
    assert_eq!(builtin::image_side(DatasetKind::Mnist), Some(28));
    // An image is mostly background: the average pixel is dark.
    let mean = ds.x.mean().unwrap();
    assert!((0.05..0.25).contains(&mean), "mean grey {mean}");
}

#[test]
fn mnist_loads_from_its_bytes_too() {
    let path = format!(
        "{}/data/{}",
        env!("CARGO_MANIFEST_DIR"),
        builtin::file_name(DatasetKind::Mnist).unwrap()
    );
    let bytes = std::fs::read(path).unwrap();
    let ds = builtin::load_mnist_from_bytes(&bytes).unwrap();
    assert_eq!(ds.len(), 5000);
}

#[test]
fn only_shipped_sets_load_and_each_kind_has_one_source() {
    assert!(matches!(
        builtin::load(DatasetKind::Circle),
        Err(DataError::WrongSource { .. })
    ));
    assert_eq!(builtin::file_name(DatasetKind::Circle), None);
    for kind in DatasetKind::all() {
        assert_eq!(kind.is_builtin(), builtin::file_name(kind).is_some());
        if kind.is_builtin() {
            assert!(matches!(
                generate(kind, 100, 0.1, 1),
                Err(DataError::WrongSource { .. })
            ));
        }
    }
}

#[test]
fn well_formed_small_file_decodes() {
    let raw = file(2, 4, 3, 2, &[0, 4, 2, 1, 3, 0], &[0, 1, 1]);
    let decoded = builtin::decode(&raw).unwrap();
    assert_eq!(
        (decoded.n_samples, decoded.n_features, decoded.n_classes),
        (3, 2, 2)
    );
    assert_eq!(decoded.x.row(0).to_vec(), [0.0, 1.0]);
    assert_eq!(decoded.x.row(2).to_vec(), [0.75, 0.0]);
    assert_eq!(decoded.labels, [0, 1, 1]);
    assert_eq!(raw.len(), HEADER_LEN + 6 + 3);
}

#[test]
fn damaged_files_are_refused() {
    let good = file(2, 4, 3, 2, &[0, 4, 2, 1, 3, 0], &[0, 1, 1]);
    let corrupt = |raw: &[u8]| matches!(builtin::decode(raw), Err(DataError::CorruptData(_)));

    assert!(corrupt(&good[..10]), "truncated header");
    let mut bad_magic = good.clone();
    bad_magic[0] = b'X';
    assert!(corrupt(&bad_magic));
    let mut bad_version = good.clone();
    bad_version[4] = 99;
    assert!(corrupt(&bad_version));
    assert!(corrupt(&good[..good.len() - 1]), "one byte short");
    let mut long = good.clone();
    long.push(0);
    assert!(corrupt(&long), "one byte too many");
    assert!(
        corrupt(&file(2, 4, 3, 2, &[0; 6], &[0, 2, 1])),
        "label beyond the classes"
    );
    assert!(corrupt(&file(2, 0, 3, 2, &[0; 6], &[0, 1, 1])), "divisor 0");
    assert!(
        corrupt(&file(2, 1, u32::MAX, u32::MAX, &[], &[])),
        "absurd sizes"
    );

    // Through the gzip layer: not gzip at all, and a valid file of the wrong shape for the kind.
    assert!(matches!(
        builtin::load_mnist_from_bytes(b"not gzip"),
        Err(DataError::CorruptData(_))
    ));
    let err = builtin::load_from_bytes(DatasetKind::Iris, &gzip(&good)).unwrap_err();
    assert!(
        matches!(err, DataError::CorruptData(ref m) if m.contains("iris")),
        "{err:?}"
    );
    let msg = builtin::load_mnist_from_bytes(&gzip(&bad_magic))
        .unwrap_err()
        .to_string();
    assert!(msg.starts_with("the shipped data is damaged"), "{msg}");
}
