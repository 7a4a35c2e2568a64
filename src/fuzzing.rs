//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs`, run by cargo-fuzz on nightly): one
//! function per parser that takes outside input. They live in the library so that the normal
//! test suite (`tests/fuzz_corpus.rs`, stable) replays the kept corpus and every crash ever
//! found through exactly the code the fuzzer ran. Each function must return normally for every
//! input: an error is a fine answer, a panic, a hang or a non-finite number shown is a bug.
#![doc(hidden)]

use crate::data::{CsvOptions, CsvTask, Scaling, TargetColumn, parse_csv};
use crate::io::model_file;
use crate::playground::{Playground, query};

/// Splits off the first byte as a knob for the options, the rest is the text.
fn knob_and_text(data: &[u8]) -> (u8, String) {
    match data.split_first() {
        Some((&k, rest)) => (k, String::from_utf8_lossy(rest).into_owned()),
        None => (0, String::new()),
    }
}

/// The CSV reader with options chosen by the first byte, then the page's CSV import on the same
/// text into a session (which also fits the data to the plane and builds a network).
pub fn csv(data: &[u8]) {
    let (k, text) = knob_and_text(data);
    let options = CsvOptions {
        delimiter: [None, Some(b','), Some(b';'), Some(b'\t')][(k & 3) as usize],
        has_header: [None, Some(true), Some(false), None][((k >> 2) & 3) as usize],
        target: match (k >> 4) & 3 {
            0 => TargetColumn::Last,
            1 => TargetColumn::Index(((k >> 6) & 3) as usize),
            2 => TargetColumn::Name("label".into()),
            _ => TargetColumn::Name(String::new()),
        },
        task: [
            CsvTask::Auto,
            CsvTask::Classification,
            CsvTask::Regression,
            CsvTask::Auto,
        ][((k >> 6) & 3) as usize],
        scaling: [
            Scaling::None,
            Scaling::Standardize,
            Scaling::MinMax,
            Scaling::None,
        ][((k >> 2) & 3) as usize],
    };
    if let Ok((dataset, _scaler)) = parse_csv(&text, &options) {
        assert!(
            dataset.x.iter().all(|v| v.is_finite()),
            "a data set accepted holds finite numbers only"
        );
        assert_eq!(
            dataset.feature_names.len(),
            dataset.x.ncols(),
            "one name per column"
        );
    }
    if text.len() <= 64 * 1024
        && let Ok(mut pg) = Playground::from_query("layers=2&batch=4")
        && pg.load_csv(&text, &options).is_ok()
    {
        // Training may refuse (one class only, say) but never panics; a loss it reports is finite.
        if let Ok(report) = pg.step(3) {
            assert!(
                report.train_loss.is_none_or(f32::is_finite),
                "loss {:?}",
                report.train_loss
            );
        }
    }
}

/// The model file reader (page downloads, the CLI's --save, old formats), then what the CLI
/// does with a file it accepted: build the network and predict one row of its inputs.
pub fn model_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(file) = model_file::load_json(&text) else {
        return;
    };
    let Ok(net) = file.network() else {
        return;
    };
    let columns = file.input_columns().len().max(1);
    let raw = ndarray::Array2::<f32>::zeros((1, columns));
    if let Ok(inputs) = file.network_inputs(raw.view()) {
        let _ = net.predict(inputs.view());
    }
}

/// The link: any query reads (bad fields fall back with a notice), and the link written back
/// reads again with no notice at all and writes the same. (Opening a session from a fuzzed
/// link is the `session` target's `set_query`, which this one leaves out to stay fast.)
pub fn link(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (state, _notices) = query::parse(&text);
    let written = query::write(&state, true);
    let (again, notices) = query::parse(&written);
    assert!(
        notices.is_empty(),
        "the written link {written:?} has notices {notices:?}"
    );
    assert_eq!(
        query::write(&again, true),
        written,
        "a written link reads back the same"
    );
}

/// The page's message boundary: a sequence of the calls the worker makes on the session handle,
/// each chosen and given its arguments by the bytes (raw f32 bits, so NaN, infinities and huge
/// values come up), on a small network.
pub fn session(data: &[u8]) {
    let Ok(mut pg) = Playground::from_query("dataset=xor&layers=3,2&points=60&batch=5") else {
        return;
    };
    let mut bytes = Bytes(data);
    let mut buf = Vec::new();
    while let Some(op) = bytes.u8() {
        match op % 14 {
            0 => {
                let _ = pg.step(bytes.u8().unwrap_or(1) as usize % 20);
            }
            1 => {
                let _ = pg.add_point(bytes.f32(), bytes.f32(), bytes.f32());
            }
            2 => {
                let _ = pg.move_point(bytes.u8().unwrap_or(0) as u32, bytes.f32(), bytes.f32());
            }
            3 => {
                let _ = pg.remove_point(bytes.u8().unwrap_or(0) as u32);
            }
            4 => {
                let _ = pg.set_point_label(bytes.u8().unwrap_or(0) as u32, bytes.f32());
            }
            5 => {
                let _ = pg.clear_points();
            }
            6 => {
                let (layer, row, col) = (bytes.small(), bytes.small(), bytes.small());
                let _ = pg.set_weight(layer, row, col, bytes.f32());
            }
            7 => {
                let (layer, unit) = (bytes.small(), bytes.small());
                let _ = pg.set_bias(layer, unit, bytes.f32());
            }
            8 => {
                let len = bytes.u8().unwrap_or(0) as usize;
                let text = String::from_utf8_lossy(bytes.take(len)).into_owned();
                let _ = pg.set_query(&text);
            }
            9 => {
                let _ = pg.render_boundary(1 + bytes.u8().unwrap_or(0) as usize % 40, &mut buf);
            }
            10 => {
                let _ = pg.render_neurons(1 + bytes.u8().unwrap_or(0) as usize % 20, &mut buf);
            }
            11 => {
                let _ = pg.reset();
            }
            12 => {
                let _ = pg.use_generated();
            }
            _ => {
                let _ = pg.confusion();
                let _ = pg.to_query();
            }
        }
    }
}

/// A cursor over the fuzzer's bytes; running out gives zeros, so every input is a valid program.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }

    fn f32(&mut self) -> f32 {
        let mut word = [0u8; 4];
        let got = self.take(4);
        word[..got.len()].copy_from_slice(got);
        f32::from_le_bytes(word)
    }

    /// An index that is usually in range and sometimes far out of it.
    fn small(&mut self) -> usize {
        let b = self.u8().unwrap_or(0);
        if b >= 250 {
            usize::MAX - b as usize
        } else {
            b as usize % 8
        }
    }
}
