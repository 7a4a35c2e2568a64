//! Tests of CSV import and export and of input scaling: every option, every rejected file with
//! its named error, and round trips through `to_csv`.

use ndarray::array;
use nnplay::data::csv::{MAX_CLASSES, MAX_COLUMNS, MAX_ROWS, MIN_ROWS};
use nnplay::data::{
    CsvOptions, CsvTask, DataError, Dataset, DatasetKind, Scaler, Scaling, TargetColumn, Task,
    builtin, generate, parse_csv, to_csv,
};

fn parse(text: &str) -> Result<Dataset, DataError> {
    parse_csv(text, &CsvOptions::default()).map(|(ds, _)| ds)
}

fn parse_with(text: &str, opts: CsvOptions) -> Result<Dataset, DataError> {
    parse_csv(text, &opts).map(|(ds, _)| ds)
}

const FRUIT: &str =
    "width,height,fruit\n7.1,7.3,apple\n6.0,9.5,pear\n7.4,7.0,apple\n5.8,9.9,pear\n7.0,7.2,apple\n";

#[test]
fn header_is_detected_and_string_labels_become_classes() {
    let ds = parse(FRUIT).unwrap();
    assert_eq!(ds.feature_names, ["width", "height"]);
    assert_eq!(ds.x.dim(), (5, 2));
    assert_eq!(ds.x.row(1).to_vec(), [6.0, 9.5]);
    assert_eq!(ds.class_names().unwrap(), ["apple", "pear"]);
    assert_eq!(ds.labels().unwrap(), [0, 1, 0, 1, 0]);
    assert_eq!(ds.task(), Task::BinaryClassification);
}

#[test]
fn no_header_is_detected_and_columns_get_default_names() {
    let ds = parse("1,2,0\n3,4,1\n5,6,0\n7,8,1\n").unwrap();
    assert_eq!(ds.feature_names, ["x1", "x2"]);
    assert_eq!(ds.len(), 4);
    assert_eq!(ds.class_names().unwrap(), ["0", "1"]);

    // Text labels without a header: the first row stays data.
    let ds = parse("1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n").unwrap();
    assert_eq!(ds.len(), 4);
}

#[test]
fn forcing_the_header_option_overrides_detection() {
    let text = "1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,9,1\n";
    let ds = parse_with(
        text,
        CsvOptions {
            has_header: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(ds.feature_names, ["1", "2"]);
    assert_eq!(ds.len(), 4);
    let err = parse_with(
        FRUIT,
        CsvOptions {
            has_header: Some(false),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::NonNumeric { line: 1, column: 1, ref value } if value == "width"),
        "{err:?}"
    );
}

#[test]
fn each_delimiter_is_sniffed_or_forced() {
    for delim in [",", ";", "\t"] {
        let text = FRUIT.replace(',', delim);
        let ds = parse(&text).unwrap();
        assert_eq!(ds.x.dim(), (5, 2), "delimiter {delim:?}");
        assert_eq!(ds.class_names().unwrap(), ["apple", "pear"]);
        let forced = parse_with(
            &text,
            CsvOptions {
                delimiter: Some(delim.as_bytes()[0]),
                ..Default::default()
            },
        );
        assert_eq!(forced.unwrap(), ds);
    }
    let bad = parse_with(
        FRUIT,
        CsvOptions {
            delimiter: Some(b'|'),
            ..Default::default()
        },
    );
    assert!(matches!(
        bad,
        Err(DataError::BadParameter {
            name: "delimiter",
            ..
        })
    ));
}

#[test]
fn semicolon_files_may_use_decimal_commas() {
    let ds = parse("a;b;y\n1,5;2;0\n2,5;3;1\n3,5;4;0\n4,5;5;1\n").unwrap();
    assert_eq!(ds.x.column(0).to_vec(), [1.5, 2.5, 3.5, 4.5]);
}

#[test]
fn target_by_name_or_index() {
    let text = "label,a,b\nx,1,2\ny,3,4\nx,5,6\ny,7,8\n";
    let by_name = parse_with(
        text,
        CsvOptions {
            target: TargetColumn::Name("label".into()),
            ..Default::default()
        },
    );
    let by_index = parse_with(
        text,
        CsvOptions {
            target: TargetColumn::Index(0),
            ..Default::default()
        },
    );
    let by_name = by_name.unwrap();
    assert_eq!(by_name, by_index.unwrap());
    assert_eq!(by_name.feature_names, ["a", "b"]);
    assert_eq!(by_name.x.row(3).to_vec(), [7.0, 8.0]);
    assert_eq!(by_name.class_names().unwrap(), ["x", "y"]);

    let middle = parse_with(
        text,
        CsvOptions {
            target: TargetColumn::Index(1),
            ..Default::default()
        },
    )
    .unwrap_err();
    // Column "a" as target leaves the text column "label" as an input.
    assert!(
        matches!(middle, DataError::NonNumeric { line: 2, column: 1, ref value } if value == "x"),
        "{middle:?}"
    );

    let unknown = parse_with(
        text,
        CsvOptions {
            target: TargetColumn::Name("price".into()),
            ..Default::default()
        },
    );
    assert!(matches!(unknown, Err(DataError::UnknownColumn(ref c)) if c == "price"));
    let out = parse_with(
        text,
        CsvOptions {
            target: TargetColumn::Index(3),
            ..Default::default()
        },
    );
    assert!(matches!(
        out,
        Err(DataError::ColumnOutOfRange {
            index: 3,
            columns: 3
        })
    ));
}

#[test]
fn task_is_guessed_or_forced() {
    let ints = "a,y\n1,0\n2,1\n3,2\n4,1\n5,0\n";
    assert_eq!(
        parse(ints).unwrap().task(),
        Task::MultiClassification { classes: 3 }
    );
    let reg = parse_with(
        ints,
        CsvOptions {
            task: CsvTask::Regression,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(reg.task(), Task::Regression);
    assert_eq!(
        reg.target_matrix().column(0).to_vec(),
        [0.0, 1.0, 2.0, 1.0, 0.0]
    );

    let reals = "a,y\n1,0.5\n2,1.25\n3,2\n4,1\n";
    assert_eq!(parse(reals).unwrap().task(), Task::Regression);
    let forced = parse_with(
        reals,
        CsvOptions {
            task: CsvTask::Classification,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(forced.class_names().unwrap(), ["0.5", "1", "1.25", "2"]);

    // Many different whole numbers are a quantity, not classes.
    let many: String = std::iter::once("a,y\n".to_string())
        .chain((0..30).map(|i| format!("{i},{}\n", i * 3)))
        .collect();
    assert_eq!(parse(&many).unwrap().task(), Task::Regression);

    // Numeric labels sort by value, and "1" and "1.0" are one class.
    let numeric = parse("a,y\n1,10\n2,9\n3,1.0\n4,1\n").unwrap();
    assert_eq!(numeric.class_names().unwrap(), ["1.0", "9", "10"]);
    assert_eq!(numeric.labels().unwrap(), [2, 1, 0, 0]);

    let text_target = parse_with(
        FRUIT,
        CsvOptions {
            task: CsvTask::Regression,
            ..Default::default()
        },
    );
    assert!(matches!(
        text_target,
        Err(DataError::NonNumeric {
            line: 2,
            column: 3,
            ..
        })
    ));
}

#[test]
fn quoted_cells_blank_lines_crlf_and_bom_are_handled() {
    let text = "\u{feff}\"width, cm\",\"h\",\"kind\"\r\n\r\n1,2,\"big \"\"A\"\"\"\r\n3,4,small\r\n5, 6 ,\"big \"\"A\"\"\"\r\n7,8,small\r\n\r\n";
    let ds = parse(text).unwrap();
    assert_eq!(ds.feature_names, ["width, cm", "h"]);
    assert_eq!(ds.class_names().unwrap(), ["big \"A\"", "small"]);
    assert_eq!(ds.x.row(2).to_vec(), [5.0, 6.0]);
}

#[test]
fn round_trip_through_to_csv() {
    let sets = [
        generate(DatasetKind::Spiral, 60, 0.3, 1).unwrap(),
        generate(DatasetKind::BlobsK { classes: 4 }, 60, 0.3, 1).unwrap(),
        generate(DatasetKind::MultiGaussian, 60, 0.3, 1).unwrap(),
        builtin::load(DatasetKind::Iris).unwrap(),
    ];
    for ds in sets {
        let text = to_csv(&ds);
        let task = if ds.task() == Task::Regression {
            CsvTask::Regression
        } else {
            CsvTask::Classification
        };
        let opts = CsvOptions {
            has_header: Some(true),
            task,
            ..Default::default()
        };
        let (back, scaler) = parse_csv(&text, &opts).unwrap();
        assert_eq!(scaler, Scaler::identity(ds.n_features()));
        assert_eq!(back.feature_names, ds.feature_names);
        assert_eq!(back.x, ds.x, "inputs must come back bit for bit");
        match ds.task() {
            Task::Regression => assert_eq!(back.target, ds.target),
            _ => {
                // Class numbers follow the sorted names; the name of each row's class is what must match.
                let name = |d: &Dataset, i: usize| {
                    d.class_names().unwrap()[d.labels().unwrap()[i]].clone()
                };
                assert!((0..ds.len()).all(|i| name(&ds, i) == name(&back, i)));
            }
        }
    }
}

#[test]
fn empty_file_is_refused() {
    for text in ["", "\n\n", "  \r\n \n", "\u{feff}"] {
        assert!(matches!(parse(text), Err(DataError::EmptyFile)), "{text:?}");
    }
}

#[test]
fn ragged_rows_name_the_line() {
    let err = parse("a,b,y\n1,2,0\n3,4,1\n5,0\n7,8,1\n").unwrap_err();
    assert!(
        matches!(
            err,
            DataError::Ragged {
                line: 4,
                expected: 3,
                got: 2
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "line 4 has 2 columns, but the first row has 3"
    );
    // Blank lines still count, so the number is the line the editor shows.
    let err = parse("a,b,y\n\n1,2,0\n3,4,1,9\n5,6,0\n7,8,1\n").unwrap_err();
    assert!(
        matches!(
            err,
            DataError::Ragged {
                line: 4,
                expected: 3,
                got: 4
            }
        ),
        "{err:?}"
    );
}

#[test]
fn non_numeric_cells_name_line_and_column() {
    let err = parse("a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,abc,0\n").unwrap_err();
    assert!(
        matches!(err, DataError::NonNumeric { line: 6, column: 2, ref value } if value == "abc"),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "line 6, column 2: 'abc' is not a number");

    let err = parse("a,b,y\n1,2,0\n3,,1\n5,6,0\n7,8,1\n").unwrap_err();
    assert!(
        matches!(err, DataError::MissingValue { line: 3, column: 2 }),
        "{err:?}"
    );
    let err = parse("a,b,y\n1,2,0\n3,4,\n5,6,0\n7,8,1\n").unwrap_err();
    assert!(
        matches!(err, DataError::MissingValue { line: 3, column: 3 }),
        "{err:?}"
    );

    let err = parse("a,b,y\n1,\"2,0\n").unwrap_err();
    assert!(
        matches!(
            err,
            DataError::Csv {
                line: 2,
                column: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let err = parse("a,b,y\n1,2,0\n1,\"2\"x,0\n").unwrap_err();
    assert!(
        matches!(
            err,
            DataError::Csv {
                line: 3,
                column: 2,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn nan_and_infinity_are_refused() {
    for (cell, column) in [("NaN", 1), ("inf", 1), ("-Infinity", 1), ("1e39", 1)] {
        let text = format!("a,b,y\n1,2,0\n{cell},4,1\n5,6,0\n7,8,1\n");
        let err = parse(&text).unwrap_err();
        assert!(
            matches!(err, DataError::NonFinite { line: 3, column: c } if c == column),
            "{cell}: {err:?}"
        );
    }
    let err = parse_with(
        "a,y\n1,2\n2,nan\n3,1\n4,2\n",
        CsvOptions {
            task: CsvTask::Regression,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::NonFinite { line: 3, column: 2 }),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("line 3, column 2: "));
}

#[test]
fn a_single_class_is_refused() {
    let err = parse("a,b,y\n1,2,cat\n3,4,cat\n5,6,cat\n7,8,cat\n").unwrap_err();
    assert!(
        matches!(err, DataError::SingleClass { ref class } if class == "cat"),
        "{err:?}"
    );
    let err = parse_with(
        "a,y\n1,1\n2,1\n3,1\n4,1\n",
        CsvOptions {
            task: CsvTask::Classification,
            ..Default::default()
        },
    );
    assert!(matches!(err, Err(DataError::SingleClass { .. })));
}

#[test]
fn too_few_rows_and_columns_are_refused() {
    let err = parse("a,b,y\n1,2,0\n3,4,1\n5,6,0\n").unwrap_err();
    assert!(
        matches!(
            err,
            DataError::TooFewRows {
                got: 3,
                min: MIN_ROWS
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(&MIN_ROWS.to_string()));
    let err = parse("a,b,y\n").unwrap_err();
    assert!(
        matches!(err, DataError::TooFewRows { got: 0, .. }),
        "{err:?}"
    );
    let err = parse("1\n2\n3\n4\n5\n").unwrap_err();
    assert!(
        matches!(err, DataError::TooFewColumns { got: 1 }),
        "{err:?}"
    );
}

#[test]
fn row_column_and_class_limits_are_stated() {
    let wide: String = (0..=MAX_COLUMNS)
        .map(|j| j.to_string())
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    let err = parse(&wide.repeat(5)).unwrap_err();
    assert!(
        matches!(err, DataError::TooManyColumns { limit: MAX_COLUMNS, got } if got == MAX_COLUMNS + 1),
        "{err:?}"
    );
    assert!(err.to_string().contains("at most 1000"));

    let long = "1,0\n2,1\n".repeat(MAX_ROWS / 2 + 1);
    let err = parse(&long).unwrap_err();
    assert!(
        matches!(err, DataError::TooManyRows { limit: MAX_ROWS, got } if got == MAX_ROWS + 2),
        "{err:?}"
    );
    assert!(err.to_string().contains("at most 100000"));

    let classes: String = (0..=MAX_CLASSES).map(|i| format!("{i},c{i}\n")).collect();
    let err = parse(&classes).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::TooManyClasses {
                limit: MAX_CLASSES,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn scaling_is_applied_and_returned() {
    let text = "a,b,y\n1,10,0\n2,10,1\n3,10,0\n4,10,1\n";
    let (ds, scaler) = parse_csv(
        text,
        &CsvOptions {
            scaling: Scaling::Standardize,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(scaler.kind, Scaling::Standardize);
    let col = ds.x.column(0);
    assert!(col.mean().unwrap().abs() < 1e-6);
    assert!((col.mapv(|v| v * v).mean().unwrap() - 1.0).abs() < 1e-5);
    // A constant column becomes 0, not NaN.
    assert!(ds.x.column(1).iter().all(|&v| v == 0.0));

    let (ds, scaler) = parse_csv(
        text,
        &CsvOptions {
            scaling: Scaling::MinMax,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(ds.x.column(0).to_vec(), [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]);
    // A new input is scaled the same way as the training file.
    let mut row = [2.5f32, 10.0];
    scaler.transform_row(&mut row);
    assert_eq!(row, [0.5, 0.0]);
}

#[test]
fn scaler_fits_transforms_inverts_and_serialises() {
    let x = array![[1.0f32, -5.0, 3.0], [3.0, 5.0, 3.0], [5.0, 0.0, 3.0]];
    let std = Scaler::fit(x.view(), Scaling::Standardize);
    let z = std.transform(x.view());
    for j in 0..3 {
        assert!(z.column(j).mean().unwrap().abs() < 1e-6);
        assert!(z.column(j).iter().all(|v| v.is_finite()));
    }
    assert!((z.column(0).mapv(|v| v * v).mean().unwrap() - 1.0).abs() < 1e-5);

    let mm = Scaler::fit(x.view(), Scaling::MinMax);
    let m = mm.transform(x.view());
    assert_eq!(m.column(1).to_vec(), [0.0, 1.0, 0.5]);
    assert!(m.iter().all(|&v| (0.0..=1.0).contains(&v)));

    let mut row = [4.0f32, 1.0, 3.0];
    let original = row;
    mm.transform_row(&mut row);
    assert_eq!(
        row.to_vec(),
        mm.transform(array![[4.0f32, 1.0, 3.0]].view())
            .row(0)
            .to_vec()
    );
    mm.inverse_transform_row(&mut row);
    assert!(row.iter().zip(original).all(|(a, b)| (a - b).abs() < 1e-5));

    let none = Scaler::fit(x.view(), Scaling::None);
    assert_eq!(none.transform(x.view()), x);

    let json = serde_json::to_string(&std).unwrap();
    assert_eq!(serde_json::from_str::<Scaler>(&json).unwrap(), std);
    let opts = CsvOptions {
        target: TargetColumn::Name("y".into()),
        scaling: Scaling::MinMax,
        ..Default::default()
    };
    let json = serde_json::to_string(&opts).unwrap();
    assert_eq!(serde_json::from_str::<CsvOptions>(&json).unwrap(), opts);
}
