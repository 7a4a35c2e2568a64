//! Other data for the session: points placed by hand, CSV files, and the shipped sets that
//! have no plane.

use super::{session, train_until};
use nnplay::data::PointTask;
use nnplay::playground::CsvImport;

#[test]
fn hand_placed_points_become_the_data() {
    let mut pg = session("train=50");
    pg.start_points(PointTask::Classification { classes: 3 }, false)
        .unwrap();
    assert!(matches!(pg.step(1), Err(nnplay::error::NnError::EmptyData)));
    let mut ids = Vec::new();
    for i in 0..12 {
        let (x, label) = (-5.0 + i as f32 * 0.8, (i % 3) as f32);
        ids.push(pg.add_point(x, 1.0, label).unwrap());
    }
    let state = pg.state();
    assert_eq!(
        (state.source, state.task, state.classes),
        ("points", "multiclass", 3)
    );
    assert_eq!(state.n_train + state.n_test, 12);
    assert_eq!(pg.user_points().len(), 12 * 4);
    assert_eq!(pg.network().out_dim(), 3);
    pg.step(5).unwrap();
    let before = (pg.train_points().to_vec(), pg.network().params().to_vec());
    pg.move_point(ids[0].0, -5.0, -3.0).unwrap();
    assert_eq!(
        pg.network().params(),
        before.1.as_slice(),
        "editing points keeps the weights"
    );
    let moved = pg
        .train_points()
        .chunks_exact(3)
        .chain(pg.test_points().chunks_exact(3))
        .any(|p| p[0] == -5.0 && p[1] == -3.0);
    assert!(moved);
    assert_eq!(pg.nearest_point(-5.1, -3.0, 0.5), Some(ids[0].0));
    pg.remove_point(ids[1].0).unwrap();
    pg.set_point_label(ids[2].0, 0.0).unwrap();
    assert_eq!(pg.state().n_train + pg.state().n_test, 11);
    assert!(pg.add_point(7.0, 0.0, 0.0).is_err(), "outside the plane");
    assert!(pg.add_point(0.0, 0.0, 3.0).is_err(), "no class 3");
    assert!(pg.add_point(0.0, 0.0, 0.5).is_err(), "not a class number");
    assert!(pg.move_point(999, 0.0, 0.0).is_err());
    let mut out = Vec::new();
    pg.render_boundary(32, &mut out).unwrap();
    // Regression points from the current data; back to the generated set afterwards.
    let mut pg = session("dataset=plane");
    pg.start_points(PointTask::Classification { classes: 2 }, true)
        .unwrap();
    assert_eq!(pg.state().task, "regression");
    assert_eq!(pg.user_points().len(), 500 * 4);
    pg.use_generated().unwrap();
    assert_eq!(pg.state().source, "generated");
    assert!(pg.move_point(0, 0.0, 0.0).is_err());
}

#[test]
fn csv_files_drive_the_network_inputs() {
    let mut pg = session("layers=4");
    let mut text = String::from("a,b,kind\n");
    for i in 0..40 {
        let (a, b) = (i as f32 * 10.0, (i % 7) as f32);
        text += &format!(
            "{a},{b},{}\n",
            if a + 30.0 * b > 300.0 { "big" } else { "small" }
        );
    }
    let summary = pg
        .load_csv(&text, &CsvImport::default().into_options().unwrap())
        .unwrap();
    assert_eq!(
        (summary.rows, summary.has_plane, summary.task),
        (40, true, "binary")
    );
    assert_eq!(summary.feature_names, ["a", "b"]);
    assert_eq!(summary.class_names, ["big", "small"]);
    assert!(
        pg.train_points()
            .chunks_exact(3)
            .all(|p| p[0].abs() <= 5.0 && p[1].abs() <= 5.0),
        "mapped onto the plane"
    );
    pg.step(20).unwrap();
    let mut out = Vec::new();
    pg.render_boundary(40, &mut out).unwrap();

    // Three input columns: trains, but nothing to draw.
    let text3 = "x,y,z,t\n1,2,3,0.5\n2,3,1,0.1\n3,1,2,0.9\n4,4,4,0.3\n5,2,1,0.2\n6,1,1,0.8\n";
    let options = CsvImport::from_json(r#"{"task":"regression","scaling":"standardize"}"#)
        .unwrap()
        .into_options()
        .unwrap();
    let summary = pg.load_csv(text3, &options).unwrap();
    assert!(!summary.has_plane && summary.network_rebuilt);
    assert_eq!(pg.network().in_dim(), 3);
    assert_eq!(pg.state().task, "regression");
    pg.step(3).unwrap();
    assert!(
        pg.render_boundary(100, &mut out)
            .unwrap_err()
            .to_string()
            .contains("not a 2-D plane")
    );
    assert!(pg.train_points().is_empty());
    // Errors name the line.
    let err = pg
        .load_csv("a,b,c\n1,2,x\n1,oops,y\n", &options)
        .unwrap_err()
        .to_string();
    assert!(err.contains("line"), "{err}");
    assert!(
        CsvImport::from_json(r#"{"delimiter":"|"}"#)
            .unwrap()
            .into_options()
            .is_err()
    );
    assert!(CsvImport::from_json(r#"{"colour":"red"}"#).is_err());
}

#[test]
fn shipped_sets_train_without_a_plane() {
    let mut pg = session("dataset=iris&layers=8&opt=adam&lr=0.03&batch=16");
    let s = pg.state();
    assert_eq!(
        (s.task, s.classes, s.has_plane, s.n_train + s.n_test),
        ("multiclass", 3, false, 150)
    );
    train_until(&mut pg, 100, |r| r.test_metric.unwrap() > 0.85);
}
