//! The wasm binding layer in a real browser (wasm-bindgen-test, headless Chromium): sessions
//! built from queries, stepping, rendering, option lists, hostile links and CSV errors surfacing
//! as JS errors, shipped data handed in at run time, and seeds giving the same weights as
//! natively.
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test web` (see docs/WASM_API.md).

#![cfg(target_arch = "wasm32")]

use nnplay::web::{
    WasmPlayground, default_query, missing_data, normalize_query, options_json, provide_dataset,
};
use serde_json::Value;
use std::io::Read;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn parse(json: &str) -> Value {
    serde_json::from_str(json).expect("valid JSON")
}

/// A plain JS object with these fields, as the page's worker sends options.
fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[wasm_bindgen_test]
fn a_session_from_a_query_steps_and_renders() {
    let mut pg = WasmPlayground::from_query("dataset=xor&layers=4,2&opt=adam&lr=0.03").unwrap();
    assert_eq!(parse(&pg.notices_json()), Value::Array(vec![]));
    let report = parse(&pg.step(25).unwrap());
    assert_eq!(report["steps"], 25);
    assert_eq!(report["metric"], "accuracy");
    assert!(report["train_loss"].as_f64().unwrap() > 0.0);
    assert!(report["diverged"].is_null());
    assert_eq!(pg.history_len(), 1);
    let history = pg.history(0).to_vec();
    assert_eq!(history.len(), 6);
    assert_eq!(history[0], 25.0);

    let boundary = pg.render_boundary(100).unwrap();
    assert_eq!(boundary.length(), 100 * 100 * 4);
    let ptr = pg.render_boundary_ptr(50).unwrap();
    assert!(ptr > 0);
    let neurons = pg.render_neurons(32).unwrap();
    assert_eq!(neurons.length(), (4 + 2 + 1) * 32 * 32 * 4);
    assert_eq!(pg.render_features(16).unwrap().length(), 2 * 16 * 16 * 4);
    let state = parse(&pg.state_json());
    assert_eq!(
        pg.train_points().length() as u64,
        state["n_train"].as_u64().unwrap() * 3
    );
    assert_eq!(pg.predict(0.5, 0.5).unwrap().length(), 1);
    assert!(
        pg.render_boundary(1).is_err(),
        "resolution out of range is an error, not a panic"
    );
    assert!(pg.query().contains("dataset=xor"));
    assert!(!parse(&pg.confusion_json()).is_null());
    let snapshot = parse(&pg.network_json());
    assert_eq!(snapshot["layers"].as_array().unwrap().len(), 3);
    assert_eq!(
        pg.params().length() as u64,
        snapshot["n_params"].as_u64().unwrap()
    );
}

#[wasm_bindgen_test]
fn options_json_parses_and_lists_every_menu() {
    let o = parse(&options_json());
    for key in [
        "datasets",
        "activations",
        "losses",
        "optimizers",
        "initializers",
        "schedules",
        "regularizations",
        "features",
        "url",
        "palette",
    ] {
        assert!(!o[key].as_array().unwrap().is_empty(), "{key}");
    }
    assert_eq!(o["defaults"], default_query());
    assert!(default_query().starts_with("dataset=circle&"));
}

#[wasm_bindgen_test]
fn a_bad_query_gives_notices_not_a_panic() {
    let pg =
        WasmPlayground::from_query("dataset=unicorns&lr=NaN&layers=999&%%%=&act=softmax").unwrap();
    let notices = parse(&pg.notices_json());
    let keys: Vec<&str> = notices
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["key"].as_str().unwrap())
        .collect();
    for key in ["dataset", "lr", "layers", "act"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    let normalized = parse(&normalize_query("?lr=-1"));
    assert!(normalized["query"].as_str().unwrap().contains("lr=0.03"));
    assert_eq!(normalized["notices"][0]["key"], "lr");
    // Errors reach JS as exceptions with the library's message.
    let mut pg = pg;
    assert!(pg.set_weight(9, 0, 0, 1.0).is_err());
    assert!(pg.set_bias(0, 0, f32::NAN).is_err());
    assert!(pg.load_csv("a,b\n1,oops\n", JsValue::UNDEFINED).is_err());
    let four = "a,b,c\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n";
    for bad in [
        object(&[("delimiter", "|".into())]),
        object(&[("task", "guess".into())]),
        object(&[("scaling", JsValue::from_f64(1.0))]),
        object(&[("target", object(&[("index", JsValue::from_f64(-1.0))]))]),
        object(&[("has_header", "yes".into())]),
    ] {
        assert!(pg.load_csv(four, bad).is_err());
    }
    assert!(pg.move_point(3, 0.0, 0.0).is_err());
    assert!(pg.step(1_000_000).is_err());
}

/// The first six weights and training-point values of the session `query` match what the
/// native build printed for it.
fn assert_same_as_native(query: &str, weights: [f32; 6], points: [f32; 6]) {
    let pg = WasmPlayground::from_query(query).unwrap();
    for (what, got, want) in [
        ("weights", pg.params().to_vec(), weights),
        ("points", pg.train_points().to_vec(), points),
    ] {
        assert!(
            got.iter().zip(&want).all(|(a, b)| close(*a, *b)),
            "{query:?} {what}: {:?}",
            &got[..6]
        );
    }
}

#[wasm_bindgen_test]
fn the_same_seed_gives_the_same_weights_and_points_as_natively() {
    // Values printed by the native build (tests/playground.rs computes the same sessions).
    assert_same_as_native(
        "",
        [
            -0.71856165,
            0.08382201,
            -0.4292693,
            0.3453338,
            0.847538,
            -0.76808333,
        ],
        [3.2642999, 3.733447, 0.0, 1.5440059, -0.46438602, 1.0],
    );
    assert_same_as_native(
        "dataset=spirals3&layers=5&act=relu&init=he_normal&wseed=42",
        [
            -1.6050252,
            -1.3986567,
            1.1598966,
            0.038294446,
            1.9419075,
            -0.33897796,
        ],
        [1.8872098, -4.3256345, 1.0, -3.2417035, 1.1964726, 0.0],
    );
}

#[wasm_bindgen_test]
fn points_and_csv_through_the_binding() {
    let mut pg = WasmPlayground::from_query("layers=3").unwrap();
    pg.start_points(2, false).unwrap();
    let a = pg.add_point(-2.0, 1.0, 0.0).unwrap();
    let b = pg.add_point(2.0, 1.0, 1.0).unwrap();
    pg.add_point(2.5, -1.0, 1.0).unwrap();
    pg.add_point(-2.5, -1.0, 0.0).unwrap();
    assert_ne!(a, b);
    assert_eq!(pg.user_points().length(), 16);
    assert_eq!(pg.nearest_point(-2.1, 1.0, 0.5), a as f64);
    assert_eq!(pg.nearest_point(5.0, 5.0, 0.1), -1.0);
    pg.remove_point(b).unwrap();
    assert!(pg.add_point(0.0, 0.0, 2.0).is_err());
    pg.step(3).unwrap();
    pg.use_generated().unwrap();

    let csv = "x,y,label\n1,2,a\n2,1,b\n3,3,a\n4,1,b\n5,2,a\n6,1,b\n";
    let options = object(&[
        ("task", "classification".into()),
        ("scaling", "min_max".into()),
        ("target", object(&[("name", "label".into())])),
    ]);
    let summary = parse(&pg.load_csv(csv, options).unwrap());
    assert_eq!(summary["has_plane"], true);
    assert_eq!(summary["task"], "binary");
    // The target by position: the middle column's fractions are a regression target.
    let numbers = "p,q,r\n1,2.5,0\n2,1.5,1\n3,3.5,0\n4,1.25,1\n5,2.75,0\n6,1.1,1\n";
    let options = object(&[("target", object(&[("index", JsValue::from_f64(1.0))]))]);
    let summary = parse(&pg.load_csv(numbers, options).unwrap());
    assert_eq!(summary["task"], "regression");
    assert_eq!(summary["feature_names"], serde_json::json!(["p", "r"]));
    pg.step(2).unwrap();
    assert_eq!(pg.render_boundary(20).unwrap().length(), 20 * 20 * 4);
}

#[wasm_bindgen_test]
fn divergence_reaches_js_as_a_message() {
    let mut pg =
        WasmPlayground::from_query("dataset=plane&layers=8,8&act=relu,relu&lr=1000000").unwrap();
    let report = parse(&pg.step(50).unwrap());
    assert!(
        report["diverged"]
            .as_str()
            .unwrap()
            .starts_with("training diverged")
    );
    assert!(pg.params().to_vec().iter().all(|p| p.is_finite()));
}

#[wasm_bindgen_test]
fn a_shipped_data_set_loads_once_its_file_is_handed_in() {
    // This build holds no data file: the page fetches iris before it can use it.
    let need = parse(&missing_data("dataset=iris&layers=4").expect("iris is not built in"));
    assert_eq!(need["dataset"], "iris");
    assert_eq!(need["file"], "iris.bin.gz");
    assert_eq!(missing_data("dataset=circle"), None);
    assert!(WasmPlayground::from_query("dataset=iris").is_err());
    // The browser gunzips the file; the gzip bytes themselves and other sets' files are refused.
    let gz: &[u8] = include_bytes!("../data/iris.bin.gz");
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut raw)
        .unwrap();
    assert!(provide_dataset("iris", gz.to_vec()).is_err());
    assert!(provide_dataset("digits", raw.clone()).is_err());
    assert!(provide_dataset("circle", raw.clone()).is_err());
    assert!(provide_dataset("nope", raw.clone()).is_err());
    assert!(missing_data("dataset=iris").is_some());
    provide_dataset("iris", raw).unwrap();
    assert_eq!(missing_data("dataset=iris"), None);
    let mut pg = WasmPlayground::from_query("dataset=iris&layers=4&opt=adam&lr=0.05").unwrap();
    assert_eq!(
        parse(&pg.state_json())["n_train"].as_u64().unwrap()
            + parse(&pg.state_json())["n_test"].as_u64().unwrap(),
        150
    );
    let first = parse(&pg.step(1).unwrap())["train_loss"].as_f64().unwrap();
    let later = parse(&pg.step(200).unwrap())["train_loss"]
        .as_f64()
        .unwrap();
    assert!(later < first, "{first} → {later}");
}
