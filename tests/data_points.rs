//! Tests of hand-placed points (the page's drawing tool): add, move, relabel, remove, pick,
//! convert to a data set and split, with every refused edit named.

use nnplay::data::points::{MAX_HAND_CLASSES, Point};
use nnplay::data::{
    DataError, DatasetKind, PointId, PointLabel, PointSet, PointTask, Target, Task, builtin,
    generate,
};

fn two_classes() -> PointSet {
    PointSet::new(PointTask::Classification { classes: 2 }).unwrap()
}

#[test]
fn add_move_relabel_remove() {
    let mut set = two_classes();
    assert!(set.is_empty());
    let a = set.add(1.0, 2.0, PointLabel::Class(0)).unwrap();
    let b = set.add(-3.0, 4.0, PointLabel::Class(1)).unwrap();
    let c = set.add(5.0, -6.0, PointLabel::Class(1)).unwrap();
    assert_eq!(set.len(), 3);
    assert!(a != b && b != c);

    set.move_point(b, 0.5, 0.25).unwrap();
    assert_eq!(set.get(b).map(|p| (p.x1, p.x2)), Some((0.5, 0.25)));
    set.set_label(a, PointLabel::Class(1)).unwrap();
    assert_eq!(set.get(a).unwrap().label, PointLabel::Class(1));

    let removed: Point = set.remove(b).unwrap();
    assert_eq!(removed.id, b);
    assert_eq!(set.len(), 2);
    assert!(set.get(b).is_none());
    // Ids are never reused, so a stale id cannot hit a new point.
    let d = set.add(0.0, 0.0, PointLabel::Class(0)).unwrap();
    assert!(d != a && d != b && d != c);
    assert_eq!(
        set.points().iter().map(|p| p.id).collect::<Vec<_>>(),
        [a, c, d]
    );
}

#[test]
fn unknown_ids_are_refused() {
    let mut set = two_classes();
    let a = set.add(1.0, 1.0, PointLabel::Class(0)).unwrap();
    set.remove(a).unwrap();
    assert!(matches!(set.remove(a), Err(DataError::UnknownPoint { id }) if id == a.0));
    assert!(matches!(
        set.move_point(PointId(77), 0.0, 0.0),
        Err(DataError::UnknownPoint { id: 77 })
    ));
    assert!(matches!(
        set.set_label(PointId(77), PointLabel::Class(0)),
        Err(DataError::UnknownPoint { id: 77 })
    ));
    assert_eq!(
        set.remove(PointId(5)).unwrap_err().to_string(),
        "no point has id 5"
    );
}

#[test]
fn points_outside_the_square_are_refused() {
    let mut set = two_classes();
    for (x1, x2) in [
        (6.5, 0.0),
        (0.0, -6.01),
        (f32::NAN, 0.0),
        (f32::INFINITY, 1.0),
    ] {
        assert!(
            matches!(
                set.add(x1, x2, PointLabel::Class(0)),
                Err(DataError::OutOfDomain { .. })
            ),
            "({x1}, {x2})"
        );
    }
    assert!(
        set.add(6.0, -6.0, PointLabel::Class(0)).is_ok(),
        "the border belongs to the square"
    );
    let id = set.add(0.0, 0.0, PointLabel::Class(1)).unwrap();
    assert!(matches!(
        set.move_point(id, 0.0, 9.0),
        Err(DataError::OutOfDomain { .. })
    ));
    assert_eq!(
        set.get(id).map(|p| (p.x1, p.x2)),
        Some((0.0, 0.0)),
        "a refused move leaves the point"
    );
    assert_eq!(set.len(), 2, "refused points are not added");
}

#[test]
fn labels_must_fit_the_task() {
    let mut set = two_classes();
    assert!(matches!(
        set.add(0.0, 0.0, PointLabel::Class(2)),
        Err(DataError::BadParameter { name: "label", .. })
    ));
    assert!(matches!(
        set.add(0.0, 0.0, PointLabel::Value(0.3)),
        Err(DataError::BadParameter { name: "label", .. })
    ));
    let mut reg = PointSet::new(PointTask::Regression).unwrap();
    assert!(matches!(
        reg.add(0.0, 0.0, PointLabel::Class(0)),
        Err(DataError::BadParameter { name: "label", .. })
    ));
    assert!(matches!(
        reg.add(0.0, 0.0, PointLabel::Value(f32::NAN)),
        Err(DataError::BadParameter { .. })
    ));
    assert!(reg.add(0.0, 0.0, PointLabel::Value(-0.7)).is_ok());

    for classes in [0, 1, MAX_HAND_CLASSES + 1] {
        assert!(matches!(
            PointSet::new(PointTask::Classification { classes }),
            Err(DataError::BadParameter {
                name: "classes",
                ..
            })
        ));
    }
}

#[test]
fn nearest_picks_the_point_under_the_mouse() {
    let mut set = two_classes();
    let a = set.add(1.0, 1.0, PointLabel::Class(0)).unwrap();
    let b = set.add(1.3, 1.0, PointLabel::Class(1)).unwrap();
    assert_eq!(set.nearest(1.1, 1.0, 0.5), Some(a));
    assert_eq!(set.nearest(1.25, 1.0, 0.5), Some(b));
    assert_eq!(set.nearest(4.0, 4.0, 0.5), None);
}

#[test]
fn to_dataset_and_split() {
    let mut set = PointSet::new(PointTask::Classification { classes: 3 }).unwrap();
    for i in 0..30 {
        let v = i as f32 / 10.0 - 1.5;
        set.add(v, -v, PointLabel::Class(i % 3)).unwrap();
    }
    let ds = set.to_dataset();
    assert_eq!(ds.x.dim(), (30, 2));
    assert_eq!(ds.feature_names, ["x1", "x2"]);
    assert_eq!(ds.task(), Task::MultiClassification { classes: 3 });
    assert_eq!(ds.class_histogram().unwrap(), [10, 10, 10]);
    let p = set.points()[4];
    assert_eq!(ds.x.row(4).to_vec(), [p.x1, p.x2]);
    assert_eq!(p.x1, -p.x2);

    let (train, test) = set.split(0.8, 5).unwrap();
    assert_eq!((train.len(), test.len()), (24, 6));
    assert_eq!(test.class_histogram().unwrap(), [2, 2, 2]);
    assert_eq!(
        set.split(0.8, 5).unwrap(),
        (train.clone(), test),
        "same seed, same split"
    );
    assert_ne!(set.split(0.8, 6).unwrap().0, train);

    let mut reg = PointSet::new(PointTask::Regression).unwrap();
    reg.add(1.0, 2.0, PointLabel::Value(0.5)).unwrap();
    reg.add(-1.0, 2.0, PointLabel::Value(-0.5)).unwrap();
    let ds = reg.to_dataset();
    assert!(matches!(&ds.target, Target::Values(v) if v.column(0).to_vec() == [0.5, -0.5]));
    assert_eq!(
        reg.split(0.5, 1).map(|(a, b)| (a.len(), b.len())).unwrap(),
        (1, 1)
    );

    let empty = two_classes();
    assert_eq!(empty.to_dataset().len(), 0);
    assert!(matches!(
        empty.split(0.8, 1),
        Err(DataError::TooFewRows { got: 0, min: 2 })
    ));
}

#[test]
fn start_from_a_generated_set_and_save_as_json() {
    let ds = generate(DatasetKind::Moons, 40, 0.2, 3).unwrap();
    let mut set = PointSet::from_dataset(&ds).unwrap();
    assert_eq!(set.len(), 40);
    assert_eq!(set.to_dataset().x, ds.x);
    assert_eq!(set.to_dataset().labels(), ds.labels());
    set.add(0.0, 0.0, PointLabel::Class(1)).unwrap();

    let json = serde_json::to_string(&set).unwrap();
    let back: PointSet = serde_json::from_str(&json).unwrap();
    assert_eq!(back, set);

    let reg = PointSet::from_dataset(&generate(DatasetKind::Plane, 20, 0.0, 1).unwrap()).unwrap();
    assert_eq!(reg.task(), PointTask::Regression);
    let iris = builtin::load(DatasetKind::Iris).unwrap();
    assert!(matches!(
        PointSet::from_dataset(&iris),
        Err(DataError::FeatureInputs { got: 4 })
    ));
}
