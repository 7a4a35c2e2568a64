//! The session's pictures: buffer sizes and content of the plane, neuron and feature
//! pictures, the largest network, and the colours of many classes and of regression.

use super::{session, train_until};
use nnplay::playground::render::pixel_point;

fn distinct(buf: &[u8]) -> usize {
    let mut set: Vec<[u8; 4]> = buf
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2], p[3]])
        .collect();
    set.sort();
    set.dedup();
    set.len()
}

#[test]
fn render_buffers_have_the_right_sizes_and_content() {
    let mut pg = session("dataset=circle&layers=4,2&features=x1,x2,x1_squared&opt=adam&lr=0.03");
    pg.step(100).unwrap();
    let mut out = Vec::new();
    for res in [100, 200] {
        pg.render_boundary(res, &mut out).unwrap();
        assert_eq!(out.len(), res * res * 4);
        assert!(out.chunks_exact(4).all(|p| p[3] == 255));
        assert!(distinct(&out) > 20, "shaded, not flat");
    }
    // Centre (inside the disc: class "inside", 1 → blue) and corner (outside → orange).
    pg.render_boundary(100, &mut out).unwrap();
    let px = |r: usize, c: usize| &out[(r * 100 + c) * 4..(r * 100 + c) * 4 + 3];
    let (centre, corner) = (px(50, 50).to_vec(), px(0, 0).to_vec());
    assert!(centre[2] > centre[0], "blue-ish centre {centre:?}");
    assert!(corner[0] > corner[2], "orange-ish corner {corner:?}");
    assert_eq!(pixel_point(100, 0, 0), (-5.94, 5.94));

    pg.render_neurons(32, &mut out).unwrap();
    assert_eq!(out.len(), (4 + 2 + 1) * 32 * 32 * 4);
    for image in out.chunks_exact(32 * 32 * 4) {
        assert!(distinct(image) > 4, "each neuron varies over the plane");
    }
    pg.render_features(20, &mut out).unwrap();
    assert_eq!(out.len(), 3 * 20 * 20 * 4);
    // x1 runs orange → blue from left to right.
    assert!(out[0] > out[2] && out[(19) * 4 + 2] > out[(19) * 4]);
    assert!(pg.render_boundary(5, &mut out).is_err());
    assert!(pg.render_neurons(1000, &mut out).is_err());

    let state = pg.state();
    assert_eq!(pg.train_points().len(), state.n_train * 3);
    assert_eq!(pg.test_points().len(), state.n_test * 3);
    assert!(
        pg.train_points()
            .chunks_exact(3)
            .all(|p| p[0].abs() <= 6.0 && (p[2] == 0.0 || p[2] == 1.0))
    );
    let p = pg.predict(0.0, 0.0).unwrap();
    assert_eq!(p.len(), 1);
    assert!(p[0] > 0.5);
}

#[test]
fn the_largest_network_renders() {
    let mut pg = session(
        "layers=32,32,32,32,32,32,32,32&act=relu&init=he_uniform&features=x1,x2,x1_squared,x2_squared,x1_x2,sin_x1,sin_x2",
    );
    pg.step(2).unwrap();
    let mut out = Vec::new();
    pg.render_boundary(200, &mut out).unwrap();
    assert_eq!(out.len(), 200 * 200 * 4);
    pg.render_neurons(40, &mut out).unwrap();
    assert_eq!(out.len(), (8 * 32 + 1) * 40 * 40 * 4);
    pg.render_features(40, &mut out).unwrap();
    assert_eq!(out.len(), 7 * 40 * 40 * 4);
}

#[test]
fn multiclass_and_regression_colours() {
    let mut pg = session("dataset=blobs4&layers=8&opt=adam&lr=0.05");
    train_until(&mut pg, 100, |r| r.train_metric.unwrap() > 0.9);
    let mut out = Vec::new();
    pg.render_boundary(60, &mut out).unwrap();
    assert!(distinct(&out) > 50);
    assert_eq!(pg.predict(1.0, 1.0).unwrap().len(), 4);
    let mut pg = session("dataset=plane&layers=&opt=adam&lr=0.1");
    train_until(&mut pg, 100, |r| r.train_metric.unwrap() > 0.95);
    pg.render_boundary(50, &mut out).unwrap();
    // Lower left is negative (orange), upper right positive (blue).
    let px = |r: usize, c: usize| out[(r * 50 + c) * 4..(r * 50 + c) * 4 + 3].to_vec();
    let (low_left, up_right) = (px(49, 0), px(0, 49));
    assert!(
        low_left[0] > low_left[2] && up_right[2] > up_right[0],
        "{low_left:?} {up_right:?}"
    );
}
