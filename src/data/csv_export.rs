//! Writing a data set together with its train/test split as one CSV file, so that the exact rows
//! a model was trained and tested on can be loaded into another tool (pandas, Keras, a
//! spreadsheet) and the split kept: `df[df.split == "test"]`.

use super::{DataError, Dataset, Target};

/// The name of the column that says which side of the split a row is on (`train` or `test`),
/// unless an input column already has that name (then [`SPLIT_COLUMN_FALLBACK`]).
pub const SPLIT_COLUMN: &str = "split";
/// The split column's name when an input column is called [`SPLIT_COLUMN`].
pub const SPLIT_COLUMN_FALLBACK: &str = "nnplay_split";

/// The training rows then the test rows, as comma-separated text with a header: the input
/// columns, the target (`label` with class names; `target` or `target1`, `target2`, … for
/// values), then the split column holding `train` or `test`.
///
/// Numbers are written in the shortest form that reads back as the same f32, as
/// [`super::to_csv`] writes them.
///
/// # Errors
/// [`DataError::Shape`] when the two sides are not parts of one data set: different input
/// columns, classes or target widths.
///
/// ```
/// use nnplay::data::{DatasetKind, csv_export::to_csv_with_split, generate};
/// let ds = generate(DatasetKind::Xor, 10, 0.0, 3).unwrap();
/// let (train, test) = ds.split(0.8, 3).unwrap();
/// let text = to_csv_with_split(&train, &test).unwrap();
/// let lines: Vec<&str> = text.lines().collect();
/// assert_eq!(lines[0], "x1,x2,label,split");
/// assert_eq!(lines.iter().filter(|l| l.ends_with(",test")).count(), 2);
/// ```
pub fn to_csv_with_split(train: &Dataset, test: &Dataset) -> Result<String, DataError> {
    if train.feature_names != test.feature_names {
        return Err(DataError::Shape(format!(
            "the training rows have the columns {} but the test rows {}",
            train.feature_names.join(", "),
            test.feature_names.join(", ")
        )));
    }
    let target_header = match (&train.target, &test.target) {
        (Target::Classes { names: a, .. }, Target::Classes { names: b, .. }) if a == b => {
            vec!["label".to_string()]
        }
        (Target::Values(a), Target::Values(b)) if a.ncols() == b.ncols() => {
            if a.ncols() == 1 {
                vec!["target".to_string()]
            } else {
                (1..=a.ncols()).map(|k| format!("target{k}")).collect()
            }
        }
        _ => {
            return Err(DataError::Shape(
                "the training and test rows have different targets (classes or values)".into(),
            ));
        }
    };
    let split = if train.feature_names.iter().any(|n| n == SPLIT_COLUMN) {
        SPLIT_COLUMN_FALLBACK
    } else {
        SPLIT_COLUMN
    };
    let mut header: Vec<String> = train.feature_names.iter().map(|n| cell(n)).collect();
    header.extend(target_header);
    header.push(split.to_string());
    let mut out = header.join(",");
    out.push('\n');
    for (ds, side) in [(train, "train"), (test, "test")] {
        for i in 0..ds.len() {
            let mut cells: Vec<String> = ds.x.row(i).iter().map(|v| v.to_string()).collect();
            match &ds.target {
                Target::Classes { labels, names } => cells.push(cell(&names[labels[i]])),
                Target::Values(v) => cells.extend(v.row(i).iter().map(|v| v.to_string())),
            }
            cells.push(side.to_string());
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    Ok(out)
}

/// A text cell: quoted when it holds a delimiter, a quote or outer spaces. A line break becomes
/// a space, since one record is one line for nnplay's reader (and for most people's scripts).
fn cell(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    if text.contains([',', ';', '\t', '"']) || text.trim() != text {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{CsvOptions, TargetColumn, parse_csv};
    use ndarray::array;

    fn classes(x: ndarray::Array2<f32>, labels: Vec<usize>) -> Dataset {
        Dataset::new(
            x,
            Target::Classes {
                labels,
                names: vec!["a, b".into(), "c".into()],
            },
            vec!["width".into(), "split".into()],
        )
        .unwrap()
    }

    #[test]
    fn rows_keep_their_side_and_read_back_as_the_same_numbers() {
        let train = classes(
            array![[0.1f32, 1.0], [1e-7, -2.5], [-4.0, 8.0]],
            vec![0, 1, 0],
        );
        let test = classes(array![[3.25f32, 0.0]], vec![1]);
        let text = to_csv_with_split(&train, &test).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "width,split,label,nnplay_split");
        assert_eq!(lines[1], "0.1,1,\"a, b\",train");
        assert_eq!(lines[4], "3.25,0,c,test");
        // Without the split column the file is one nnplay can read: same values, same classes.
        let without: String = text
            .lines()
            .map(|l| format!("{}\n", l.rsplit_once(',').unwrap().0))
            .collect();
        let options = CsvOptions {
            target: TargetColumn::Name("label".into()),
            ..CsvOptions::default()
        };
        let (back, _) = parse_csv(&without, &options).unwrap();
        assert_eq!(back.x.row(1).to_vec(), [1e-7, -2.5]);
        assert_eq!(back.class_names().unwrap(), ["a, b", "c"]);
        assert_eq!(back.labels().unwrap(), [0, 1, 0, 1]);
    }

    #[test]
    fn sides_of_different_data_sets_are_refused() {
        let train = classes(array![[0.0f32, 1.0]], vec![0]);
        let values = Dataset::new(
            array![[0.0f32, 1.0]],
            Target::Values(array![[0.5f32]]),
            vec!["width".into(), "split".into()],
        )
        .unwrap();
        assert!(matches!(
            to_csv_with_split(&train, &values),
            Err(DataError::Shape(_))
        ));
        let mut renamed = train.clone();
        renamed.feature_names[0] = "height".into();
        assert!(matches!(
            to_csv_with_split(&train, &renamed),
            Err(DataError::Shape(_))
        ));
    }
}
