//! The session's model as the library's model file ([`ModelFile`]), which the page's "Download
//! model" button saves: the network, the input pipeline that turns a raw row into the network's
//! input as the page does (the derived features x1², sin x1, …; iris's standardisation), the
//! task and classes, the training settings, and the run (the page link's query, the data set or
//! the hand-placed points, how far training went). `nnplay predict`, `eval` and `summary` and the
//! library read that file, and [`Playground::settings_of`] reads the page's settings back.

use super::prepare::DataSource;
use super::query::{self, UrlState};
use super::render::InputMap;
use super::session::Playground;
use crate::data::{DatasetKind, Scaler, Scaling};
use crate::error::NnError;
use crate::io::model_file::{InputSpec, ModelFile, PlaygroundRun};

impl Playground {
    /// The model as a model file that takes raw rows: (x1, x2) for the plane's data sets, the
    /// shipped columns for the others.
    ///
    /// # Errors
    /// [`NnError::Config`] for a model trained on a CSV file: the session does not keep how it
    /// rescaled the file's columns (its CSV scaling and the fit onto the plane), so no file could
    /// take the file's raw rows.
    ///
    /// ```
    /// use nnplay::playground::Playground;
    /// let mut pg = Playground::from_query("dataset=circle&features=x1,x2,x1_squared,x2_squared").unwrap();
    /// pg.step(5).unwrap();
    /// let file = pg.model_file().unwrap();
    /// let x = file.network_inputs(ndarray::array![[1.0f32, -2.0]].view()).unwrap();
    /// assert_eq!(x, ndarray::array![[1.0f32, -2.0, 1.0, 4.0]]);
    /// let p = file.network().unwrap().predict(x.view()).unwrap();
    /// assert_eq!(p[[0, 0]], pg.predict(1.0, -2.0).unwrap()[0]);
    /// ```
    pub fn model_file(&self) -> Result<ModelFile, NnError> {
        let data = self.data();
        let settings = &self.config().data;
        let features = match &data.input {
            InputMap::Features(f) => Some(f.clone()),
            InputMap::Raw | InputMap::NoPlane => None,
        };
        let plane = || InputSpec {
            columns: vec!["x1".into(), "x2".into()],
            features: features.clone(),
            target: None,
        };
        let (input, scaler, data_name, points) = match self.source() {
            DataSource::Csv { .. } => {
                return Err(NnError::Config(
                    "a model trained on a CSV file cannot be saved yet: the page does not keep how it rescaled the file's columns, so the saved model could not read the file's own rows".into(),
                ));
            }
            DataSource::Points(points) => (plane(), None, "points".into(), Some(points.clone())),
            DataSource::Generated if !settings.dataset.is_builtin() => {
                (plane(), None, settings.dataset.to_string(), None)
            }
            DataSource::Generated => {
                let input = InputSpec {
                    columns: data.feature_names.clone(),
                    features: None,
                    target: None,
                };
                (
                    input,
                    shipped_scaler(settings.dataset)?,
                    settings.dataset.to_string(),
                    None,
                )
            }
        };
        let task = self.task();
        let at = self.position();
        let mut train = self.trainer().config().clone();
        // The page trains without an end; the file says how many passes this model had.
        train.epochs = (at.epochs_completed as usize).max(1);
        let mut file = ModelFile::new(self.network())
            .with_input(input)
            .with_task(task)
            .with_train(train)
            .with_playground(PlaygroundRun {
                query: Some(self.to_query()),
                data: data_name,
                points,
                epochs: at.epoch,
            });
        if let Some(s) = scaler {
            file = file.with_scaler(s);
        }
        let classes = data.classes();
        if classes > 0 {
            // Sets without class names (points placed by hand) are named by class number.
            let names = (0..classes)
                .map(|k| {
                    data.class_names
                        .get(k)
                        .cloned()
                        .unwrap_or_else(|| k.to_string())
                })
                .collect();
            file = file.with_classes(names);
        }
        Ok(file)
    }

    /// The page settings (config and view) of a model file the page or the CLI wrote, read
    /// strictly: where a link falls back to a default, a file is refused, since its network was
    /// trained with exactly those settings. `None` for a file without page settings.
    pub fn settings_of(file: &ModelFile) -> Result<Option<UrlState>, NnError> {
        let Some(link) = file.playground.as_ref().and_then(|r| r.query.as_deref()) else {
            return Ok(None);
        };
        let (state, notices) = query::parse(link);
        if let Some(n) = notices.first() {
            return Err(NnError::ModelFile(format!(
                "the page settings in the file do not fit this playground: {} ({}) = '{}' {}",
                n.field, n.key, n.value, n.reason
            )));
        }
        Ok(Some(state))
    }
}

/// The scaling the session applies to a shipped data set's raw columns (see `prepare.rs`,
/// `base_dataset`): iris's centimetres of very different spreads are standardised over the
/// whole set; the images are used as they are.
fn shipped_scaler(kind: DatasetKind) -> Result<Option<Scaler>, NnError> {
    if kind != DatasetKind::Iris {
        return Ok(None);
    }
    let raw = crate::data::builtin::load(kind)?;
    Ok(Some(Scaler::fit(raw.x.view(), Scaling::Standardize)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{PointLabel, PointTask};
    use ndarray::{Array2, ArrayView1};

    fn session(query: &str) -> Playground {
        let mut pg = Playground::from_query(query).expect("valid query");
        pg.step(7).unwrap();
        pg
    }

    /// True when `row` is (to rounding) one of the rows of `rows`.
    fn contains(rows: &Array2<f32>, row: ArrayView1<f32>) -> bool {
        rows.rows().into_iter().any(|r| {
            r.iter()
                .zip(row.iter())
                .all(|(a, b)| (a - b).abs() <= 1e-5 * (1.0 + b.abs()))
        })
    }

    /// The file's pipeline, run on the data set's raw rows, gives the very inputs the session
    /// trains on: every training row of the session is among them.
    #[test]
    fn the_pipeline_turns_raw_rows_into_the_sessions_inputs() {
        for q in [
            "dataset=circle&features=x1,x2,x1_squared,x2_squared,x1_x2,sin_x1,sin_x2",
            "dataset=xsinx&features=x1,sin_x1",
            "dataset=spirals3&features=sin_x2,x1",
            "dataset=iris&layers=4",
        ] {
            let pg = session(q);
            let file = pg.model_file().unwrap();
            let d = &pg.config().data;
            let raw = if d.dataset.is_builtin() {
                crate::data::builtin::load(d.dataset).unwrap()
            } else {
                crate::data::generate(
                    d.dataset,
                    d.points,
                    d.noise_percent as f32 / 100.0,
                    d.seed as u64,
                )
                .unwrap()
            };
            let inputs = file.network_inputs(raw.x.view()).unwrap();
            let trained = &pg.data().x_train;
            assert_eq!(inputs.ncols(), trained.ncols(), "{q}");
            for row in trained.rows() {
                assert!(contains(&inputs, row), "{q}: {row} is not a pipeline row");
            }
            assert_eq!(file.scaler.is_some(), d.dataset == DatasetKind::Iris, "{q}");
        }
    }

    #[test]
    fn the_file_holds_the_run_and_reads_back_as_the_same_model() {
        let pg = session("dataset=xor&layers=5,3&act=relu&features=x1,x2,x1_x2&showtest=1");
        let file = pg.model_file().unwrap();
        let text = crate::io::model_file::save_json(&file);
        let back = crate::io::model_file::load_json(&text).unwrap();
        assert_eq!(back, file);
        assert_eq!(back.network().unwrap().params(), pg.network().params());
        assert_eq!(back.classes, Some(pg.state().class_names.clone()));
        let run = back.playground.as_ref().unwrap();
        assert_eq!(
            (run.data.as_str(), run.epochs),
            ("xor", pg.position().epoch)
        );
        assert!(run.epochs > 0.0);
        // The settings come back whole, view included, and rebuild the same architecture.
        let settings = Playground::settings_of(&back).unwrap().unwrap();
        assert_eq!(settings.config, *pg.config());
        assert_eq!(settings.view, pg.view());
        assert_eq!(
            settings.config.network_config(3, pg.task()),
            back.network,
            "the settings would build another network"
        );
    }

    #[test]
    fn hand_placed_points_travel_with_the_model() {
        let mut pg = Playground::from_query("dataset=circle&layers=3").unwrap();
        pg.start_points(PointTask::Classification { classes: 3 }, false)
            .unwrap();
        for (i, (x1, x2)) in [(-2.0, 1.0), (2.0, 1.0), (0.0, -3.0), (1.0, 1.0)]
            .into_iter()
            .enumerate()
        {
            pg.add_point(x1, x2, (i % 3) as f32).unwrap();
        }
        pg.step(3).unwrap();
        let file = pg.model_file().unwrap();
        let run = file.playground.as_ref().unwrap();
        assert_eq!(run.data, "points");
        let points = run.points.as_ref().unwrap();
        assert_eq!(points.len(), 4);
        assert_eq!(points.points()[2].label, PointLabel::Class(2));
        assert_eq!(file.classes.as_ref().unwrap().len(), 3);
        assert_eq!(file.input_columns(), ["x1", "x2"]);
    }

    #[test]
    fn a_csv_model_is_refused_and_a_bad_link_in_a_file_is_named() {
        let mut pg = Playground::from_query("dataset=circle").unwrap();
        let text = "a,b,label\n1,2,x\n2,1,y\n3,3,x\n0,1,y\n";
        pg.load_csv(text, &crate::data::CsvOptions::default())
            .unwrap();
        assert!(matches!(pg.model_file(), Err(NnError::Config(m)) if m.contains("CSV")));

        let mut file = session("dataset=circle").model_file().unwrap();
        assert!(Playground::settings_of(&file).unwrap().is_some());
        file.playground.as_mut().unwrap().query = Some("dataset=circle&lr=fast".into());
        assert!(
            matches!(Playground::settings_of(&file), Err(NnError::ModelFile(m)) if m.contains("lr"))
        );
        file.playground = None;
        assert_eq!(Playground::settings_of(&file).unwrap(), None);
    }
}
