//! The optimizer race as the page runs it: the lanes a link asks for ([`RaceLanes`], the
//! `race=` field, e.g. `sgd:0.03,momentum:0.03,adam:0.01`) and a [`SessionRace`] built from the
//! session's data, network and training settings, which steps the engine's [`Race`]
//! (`src/train/race.rs`) and draws each lane's decision boundary with the session's renderer.
//!
//! Every lane starts from the session's *start* weights (what ⟲ gives), not from the weights
//! trained so far: a race compares optimizers from the same starting line.

use super::config::{DataSettings, MAX_LEARNING_RATE, NetworkSettings, PlaygroundConfig};
use super::render::{self, InputMap, PlaneStyle, Renderer};
use super::score::metric_for;
use super::session::Playground;
use crate::data::Task;
use crate::error::NnError;
use crate::nn::network::Network;
use crate::nn::regularization::Regularization;
use crate::nn::token;
use crate::train::optim::Optimizer;
use crate::train::race::{
    LaneRecord, LaneSettings, MAX_LANES, MIN_LANES, Race, RaceData, RaceReport, RaceTick,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One lane as a link writes it: `adam:0.01`, or with hyperparameters `adam(0.8,0.99,1e-7):0.01`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LaneSpec {
    pub optimizer: Optimizer,
    pub learning_rate: f32,
}

impl LaneSpec {
    pub fn new(optimizer: Optimizer, learning_rate: f32) -> LaneSpec {
        LaneSpec {
            optimizer,
            learning_rate,
        }
    }
}

/// The lanes of the race, 2 to 4 (a fixed array, so the view settings stay `Copy`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaceLanes {
    len: u8,
    lanes: [LaneSpec; MAX_LANES],
}

// Learning rates are validated finite when read, so `==` is an equivalence on these values.
impl Eq for RaceLanes {}

impl Default for RaceLanes {
    /// Plain SGD against Adam at the playground's default learning rate.
    fn default() -> Self {
        RaceLanes::new(&[
            LaneSpec::new(Optimizer::Sgd, 0.03),
            LaneSpec::new(Optimizer::adam(), 0.03),
        ])
        .expect("two lanes")
    }
}

impl RaceLanes {
    /// 2 to 4 lanes, or why not.
    pub fn new(lanes: &[LaneSpec]) -> Result<RaceLanes, String> {
        if !(MIN_LANES..=MAX_LANES).contains(&lanes.len()) {
            return Err(format!(
                "has {} lanes; a race has {MIN_LANES} to {MAX_LANES}",
                lanes.len()
            ));
        }
        let mut all = [lanes[0]; MAX_LANES];
        all[..lanes.len()].copy_from_slice(lanes);
        Ok(RaceLanes {
            len: lanes.len() as u8,
            lanes: all,
        })
    }

    /// The lanes of the engine's settings (a preset's), keeping at most four.
    pub fn from_settings(settings: &[LaneSettings]) -> RaceLanes {
        let specs: Vec<LaneSpec> = settings
            .iter()
            .take(MAX_LANES)
            .map(|l| LaneSpec::new(l.optimizer, l.learning_rate))
            .collect();
        RaceLanes::new(&specs).unwrap_or_default()
    }

    pub fn lanes(&self) -> &[LaneSpec] {
        &self.lanes[..self.len as usize]
    }

    /// The engine's settings of each lane, labelled as the page shows them.
    pub fn settings(&self) -> Vec<LaneSettings> {
        self.lanes()
            .iter()
            .map(|l| LaneSettings {
                label: format!("{}, lr {}", l.optimizer, token::number(l.learning_rate)),
                ..LaneSettings::new(l.optimizer, l.learning_rate)
            })
            .collect()
    }
}

impl fmt::Display for RaceLanes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items: Vec<String> = self
            .lanes()
            .iter()
            .map(|l| format!("{}:{}", l.optimizer, token::number(l.learning_rate)))
            .collect();
        f.write_str(&items.join(","))
    }
}

impl FromStr for RaceLanes {
    type Err = String;

    fn from_str(text: &str) -> Result<RaceLanes, String> {
        let lanes = token::split_list(text)
            .into_iter()
            .map(|item| {
                let (opt, lr) = item.rsplit_once(':').ok_or_else(|| {
                    format!("lane '{item}' is not optimizer:learning_rate (e.g. adam:0.01)")
                })?;
                let optimizer = opt
                    .trim()
                    .parse::<Optimizer>()
                    .map_err(|e| format!("lane '{item}': {e}"))?;
                let learning_rate: f32 = lr
                    .trim()
                    .parse()
                    .map_err(|_| format!("lane '{item}': the learning rate is not a number"))?;
                if !(learning_rate.is_finite()
                    && learning_rate > 0.0
                    && learning_rate <= MAX_LEARNING_RATE)
                {
                    return Err(format!(
                        "lane '{item}': the learning rate must be in (0, {}]",
                        token::number(MAX_LEARNING_RATE)
                    ));
                }
                Ok(LaneSpec::new(optimizer, learning_rate))
            })
            .collect::<Result<Vec<_>, String>>()?;
        RaceLanes::new(&lanes)
    }
}

/// What a race was built from: when the session's differs, the race starts over.
#[derive(Clone, Debug, PartialEq)]
struct Origin {
    data: DataSettings,
    network: NetworkSettings,
    batch_size: usize,
    regularization: Regularization,
    dropout: f32,
    clip_norm: Option<f32>,
    source: &'static str,
    n_train: usize,
    lanes: RaceLanes,
}

impl Origin {
    fn of(pg: &Playground) -> Origin {
        let PlaygroundConfig {
            data,
            network,
            training: t,
        } = pg.config().clone();
        Origin {
            data,
            network,
            batch_size: t.batch_size,
            regularization: t.regularization,
            dropout: t.dropout,
            clip_norm: t.clip_norm,
            source: pg.source().token(),
            n_train: pg.data().n_train(),
            lanes: pg.view().race,
        }
    }
}

/// The race as the page is sent it each frame.
#[derive(Serialize)]
pub struct PageReport<'a> {
    pub steps: usize,
    pub epoch: usize,
    pub metric: crate::train::metrics::Metric,
    pub lanes: Vec<PageLane<'a>>,
}

#[derive(Serialize)]
pub struct PageLane<'a> {
    pub label: &'a str,
    pub diverged: Option<&'a str>,
    pub history: &'a [LaneRecord],
}

/// A race on the session's data, with the lanes of the session's view.
#[derive(Clone, Debug)]
pub struct SessionRace {
    race: Race,
    origin: Origin,
    input: InputMap,
    task: Task,
    value_scale: f32,
    renderer: Renderer,
    labels: Vec<String>,
    /// The session's step count when last seen: a smaller one means ⟲ was pressed.
    session_steps: u64,
}

impl Playground {
    /// A new race: each lane a copy of the start weights, trained with the session's loss,
    /// batch size, penalty, clipping and seed (so the same batches in the same order) and its
    /// own optimizer and learning rate.
    pub fn start_race(&self) -> Result<SessionRace, NnError> {
        let data = self.data();
        let task = data.task;
        let config = self.config();
        let net = Network::new(&config.network_config(data.in_dim(), task))?;
        let mut base = config.train_config(task);
        base.metric = Some(metric_for(task));
        let test = (data.x_test.nrows() > 0).then(|| (data.x_test.clone(), data.y_test.clone()));
        let settings = self.view().race.settings();
        let mut race = Race::new(
            &net,
            &base,
            &settings,
            RaceData {
                x_train: data.x_train.clone(),
                y_train: data.y_train.clone(),
                test,
            },
        )?;
        // One record per frame at most, as the session's own history has one row per step.
        race.record_last_only(true);
        Ok(SessionRace {
            race,
            origin: Origin::of(self),
            input: data.input.clone(),
            task,
            value_scale: data.value_scale,
            renderer: Renderer::default(),
            labels: settings.into_iter().map(|s| s.label).collect(),
            session_steps: self.position().steps,
        })
    }
}

impl SessionRace {
    /// True when the session no longer matches the race (other data, network, batch size,
    /// penalty or lanes, or a reset): the caller starts a new one.
    pub fn is_stale(&self, pg: &Playground) -> bool {
        pg.position().steps < self.session_steps || Origin::of(pg) != self.origin
    }

    /// `batches` mini-batch steps in every lane, in lock-step. `pg` is the session the race
    /// follows (its step count is remembered to notice a reset).
    pub fn step(&mut self, pg: &Playground, batches: usize) -> Result<RaceTick, NnError> {
        self.session_steps = pg.position().steps;
        self.race.step(batches)
    }

    pub fn race(&self) -> &Race {
        &self.race
    }

    /// The report with each lane's history from record `from` on (the page has the rest).
    pub fn report_from(&self, from: usize) -> RaceReport {
        let mut report = self.race.report();
        for lane in &mut report.lanes {
            lane.history.drain(..from.min(lane.history.len()));
        }
        report
    }

    /// [`SessionRace::report_from`] for the page: lanes by label, their records from `from`.
    /// (Its own shape, of strings and numbers, so the optimizer enums' derived serialisers stay
    /// out of the wasm module.)
    pub fn page_report(&self, from: usize) -> PageReport<'_> {
        let race = &self.race;
        PageReport {
            steps: race.steps(),
            epoch: race.epoch(),
            metric: metric_for(self.task),
            lanes: (0..race.n_lanes())
                .map(|i| {
                    let history = race.history(i).unwrap_or_default();
                    PageLane {
                        label: &self.labels[i],
                        diverged: race.diverged(i),
                        history: &history[from.min(history.len())..],
                    }
                })
                .collect(),
        }
    }

    /// Lane `lane`'s output over the plane, res × res RGBA (as the session's boundary).
    pub fn render_boundary(
        &mut self,
        lane: usize,
        res: usize,
        discretize: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), NnError> {
        if !self.input.has_plane() {
            return Err(NnError::Config(
                "this data has no 2-D plane: there is no boundary to draw".into(),
            ));
        }
        render::check_res(
            res,
            render::MIN_THUMB_RES,
            render::MAX_RES,
            "lane resolution",
        )?;
        let net = self.race.network(lane).ok_or_else(|| {
            NnError::Config(format!(
                "lane {lane} does not exist (the race has {})",
                self.race.n_lanes()
            ))
        })?;
        let style = PlaneStyle {
            task: self.task,
            output: net.output_activation(),
            discretize,
            value_scale: self.value_scale,
        };
        self.renderer.boundary(net, &self.input, style, res, out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::query;

    fn race_of(q: &str) -> (Playground, SessionRace) {
        let pg = Playground::from_query(q).unwrap();
        let race = pg.start_race().unwrap();
        (pg, race)
    }

    #[test]
    fn lanes_round_trip_through_their_text() {
        let lanes: RaceLanes = "sgd:0.03, momentum:0.03,adam(0.8,0.99,1e-7):0.01"
            .parse()
            .unwrap();
        assert_eq!(lanes.lanes().len(), 3);
        assert_eq!(
            lanes.to_string(),
            "sgd:0.03,momentum:0.03,adam(0.8,0.99,1e-7):0.01"
        );
        assert_eq!(lanes.to_string().parse::<RaceLanes>(), Ok(lanes));
        assert_eq!(
            RaceLanes::default().to_string().parse::<RaceLanes>(),
            Ok(RaceLanes::default())
        );
    }

    #[test]
    fn the_preset_reads_back_as_a_link_field() {
        let preset = crate::train::race::preset("sgd_momentum_adam_spiral").unwrap();
        let text = RaceLanes::from_settings(&preset.lanes).to_string();
        assert_eq!(text, "sgd:0.03,momentum:0.03,adam:0.03");
        let (state, notices) = query::parse(&format!("dataset=spiral&race={text}"));
        assert!(notices.is_empty());
        assert_eq!(state.view.race.settings().len(), 3);
    }

    #[test]
    fn invalid_lane_text_falls_back_with_a_notice() {
        for bad in [
            "sgd:0.03",
            "sgd:0.03,adam:0.01,sgd:1,adam:2,sgd:3",
            "sgd:0.03,nope:0.1",
            "sgd:0.03,adam:NaN",
            "sgd:0.03,adam:-1",
            "sgd,adam",
        ] {
            let (state, notices) = query::parse(&format!("race={bad}&lr=0.1"));
            assert_eq!(state.view.race, RaceLanes::default(), "{bad}");
            assert_eq!(state.config.training.learning_rate, 0.1);
            let n = notices
                .iter()
                .find(|n| n.key == "race")
                .unwrap_or_else(|| panic!("no notice for {bad}"));
            assert_eq!(n.fallback, RaceLanes::default().to_string());
        }
        let (state, notices) = query::parse("race=sgd:0.1,adam:0.01&tool=race");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(state.view.race.to_string(), "sgd:0.1,adam:0.01");
        let written = query::write(&state, true);
        assert!(written.contains("race=sgd:0.1,adam:0.01"), "{written}");
        assert_eq!(query::parse(&written).0, state);
    }

    #[test]
    fn lanes_start_from_the_session_start_weights_and_equal_losses() {
        let (mut pg, race) =
            race_of("dataset=spiral&race=sgd:0.03,momentum:0.03,adam:0.03,rmsprop:0.01");
        pg.step(50).unwrap();
        pg.reset().unwrap();
        let start = pg.network().params().to_vec();
        let report = race.report_from(0);
        assert_eq!(report.lanes.len(), 4);
        for lane in 0..4 {
            assert_eq!(race.race().network(lane).unwrap().params(), &start[..]);
        }
        let first = &report.lanes[0].history[0];
        for lane in &report.lanes {
            assert_eq!(lane.history.len(), 1);
            assert_eq!(lane.history[0].train_loss, first.train_loss);
            assert_eq!(lane.history[0].test_loss, first.test_loss);
            assert!(lane.history[0].test_metric.is_some());
        }
    }

    #[test]
    fn lanes_differ_only_by_their_optimizer() {
        // Two lanes alike and one different: the alike ones stay bit for bit equal (same
        // batches, same order, same seed), the other one moves elsewhere.
        let (pg, mut race) = race_of("dataset=xor&race=adam:0.01,adam:0.01,sgd:0.01");
        let per_epoch = pg
            .data()
            .n_train()
            .div_ceil(pg.config().training.batch_size);
        let mut tick = race.step(&pg, 0).unwrap();
        for _ in 0..3 {
            tick = race.step(&pg, per_epoch).unwrap();
        }
        race.step(&pg, 2).unwrap();
        assert_eq!(tick.epoch, 3);
        let net = |l| race.race().network(l).unwrap().params().to_vec();
        assert_eq!(net(0), net(1));
        assert_ne!(net(0), net(2));
        let report = race.report_from(1);
        assert_eq!(report.lanes[0].history.len(), 3);
        for lane in &report.lanes {
            let epochs: Vec<usize> = lane.history.iter().map(|r| r.epoch).collect();
            assert_eq!(epochs, [1, 2, 3]);
        }
        assert_eq!(report.lanes[0].history, report.lanes[1].history);
        assert_ne!(
            report.lanes[0].history[2].train_loss,
            report.lanes[2].history[2].train_loss
        );
    }

    #[test]
    fn a_call_over_many_epochs_records_its_last_boundary_only() {
        let (pg, mut race) = race_of("dataset=xor&race=sgd:0.03,adam:0.03");
        let per_epoch = pg
            .data()
            .n_train()
            .div_ceil(pg.config().training.batch_size);
        race.step(&pg, 10 * per_epoch + 3).unwrap();
        race.step(&pg, per_epoch - 3).unwrap();
        for lane in &race.report_from(0).lanes {
            let at: Vec<(usize, usize)> = lane.history.iter().map(|r| (r.epoch, r.steps)).collect();
            assert_eq!(at, [(0, 0), (10, 10 * per_epoch), (11, 11 * per_epoch)]);
        }
    }

    #[test]
    fn a_lane_with_the_session_settings_trains_like_the_session() {
        // The race's lane and the session see the same batches from the same weights: with the
        // session's own optimizer and rate, they end at the same weights.
        let (mut pg, mut race) = race_of("dataset=circle&opt=sgd&lr=0.03&race=sgd:0.03,adam:0.03");
        pg.step(40).unwrap();
        race.step(&pg, 40).unwrap();
        let lane = race.race().network(0).unwrap().params();
        for (a, b) in lane.iter().zip(pg.network().params()) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn a_reset_or_new_settings_make_the_race_stale() {
        let (mut pg, mut race) = race_of("dataset=circle");
        pg.step(10).unwrap();
        race.step(&pg, 10).unwrap();
        assert!(!race.is_stale(&pg));
        // Settings the lanes replace (the main optimizer and learning rate) do not matter.
        pg.set_query("dataset=circle&lr=0.1&opt=adam").unwrap();
        assert!(!race.is_stale(&pg));
        pg.reset().unwrap();
        assert!(race.is_stale(&pg));
        let race = pg.start_race().unwrap();
        pg.set_query("dataset=circle&race=sgd:0.1,adam:0.1")
            .unwrap();
        assert!(race.is_stale(&pg));
        let race = pg.start_race().unwrap();
        pg.set_query("dataset=xor&race=sgd:0.1,adam:0.1").unwrap();
        assert!(race.is_stale(&pg));
    }

    #[test]
    fn each_lane_draws_its_boundary() {
        let (pg, mut race) = race_of("dataset=xor&layers=4&race=sgd:0.3,adam:0.03");
        race.step(&pg, 200).unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        race.render_boundary(0, 32, false, &mut a).unwrap();
        race.render_boundary(1, 32, false, &mut b).unwrap();
        assert_eq!(a.len(), 32 * 32 * 4);
        assert_ne!(a, b);
        assert!(race.render_boundary(2, 32, false, &mut a).is_err());
        assert!(race.render_boundary(0, 2, false, &mut a).is_err());
    }
}
