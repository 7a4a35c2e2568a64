//! Finer stepping for the page's top bar: one mini-batch at a time, and the link's stop rules
//! (`stop_epoch=N`: pause when N epochs are complete; `patience=K`: pause when the test loss has
//! not improved for K epochs), run by the engine's [`Stepper`] (`src/train/stepping.rs`) on the
//! session's trainer, one batch per call so a divergence still loses only its own batch.
//!
//! The rules count the page's epochs: a settings change hands training to a new trainer whose
//! own count starts at 0, so the epoch target is moved by the epochs before it. After a rule
//! has paused the run, pressing play or "one epoch" goes on ([`StopState::resume`]): a reached
//! epoch target stays spent and the plateau count starts again; ⟲ arms the rules again.

use super::messages::StepReport;
use super::session::Playground;
use crate::error::NnError;
use crate::train::EarlyStopping;
use crate::train::stepping::{Stepper, StopCause, StopRules};

/// A step report and, when a rule paused the run, why.
/// (Not serialised whole: the wasm layer sends the report and the stop apart, which keeps
/// serde's `flatten` machinery out of the module every visitor downloads.)
#[derive(Clone, Debug, PartialEq)]
pub struct SteppedReport {
    pub report: StepReport,
    pub stopped: Option<StopCause>,
    /// The epoch target a `reached_epoch` stop met, or the patience of a `plateau` stop.
    pub rule: Option<u32>,
}

/// The stop rules' running state beside a session (the session itself does not hold it).
#[derive(Clone, Debug, Default)]
pub struct StopState {
    stepper: Stepper,
    /// The view's (stop_epoch, patience) the stepper was built for.
    asked: (Option<u32>, Option<u32>),
    /// Page epochs finished before the live trainer took over.
    offset: u64,
    /// The session's step count when last seen (smaller: ⟲ was pressed).
    last_steps: u64,
    /// The page epoch at which the user went on after a stop: an epoch target at or below it
    /// is spent.
    resumed_at: Option<u64>,
    built: bool,
}

impl StopState {
    pub fn new() -> StopState {
        StopState::default()
    }

    /// The user goes on after a stop: a reached epoch target stays spent, the plateau count
    /// starts again.
    pub fn resume(&mut self, pg: &Playground) {
        self.resumed_at = Some(pg.position().epochs_completed);
        self.built = false;
    }

    /// Rebuilds the stepper when the rules, the trainer or the run changed.
    fn follow(&mut self, pg: &Playground) -> Result<(), NnError> {
        let view = pg.view();
        let asked = (view.stop_epoch, view.patience);
        let at = pg.position();
        let offset = at.epochs_completed - pg.trainer().epoch() as u64;
        if at.steps < self.last_steps {
            self.resumed_at = None;
            self.built = false;
        }
        self.last_steps = at.steps;
        if self.built && asked == self.asked && offset == self.offset {
            return Ok(());
        }
        let spent = |n: u32| self.resumed_at.is_some_and(|r| u64::from(n) <= r);
        let rules = StopRules {
            at_epoch: asked
                .0
                .filter(|&n| !spent(n))
                .map(|n| u64::from(n).saturating_sub(offset) as usize),
            plateau: asked.1.map(|k| EarlyStopping {
                patience: k as usize,
                min_delta: 0.0,
            }),
        };
        self.stepper = Stepper::new(rules)?;
        self.asked = asked;
        self.offset = offset;
        self.built = true;
        Ok(())
    }

    fn rule(&self, cause: Option<StopCause>) -> Option<u32> {
        match cause? {
            StopCause::ReachedEpoch => self.asked.0,
            StopCause::Plateau => self.asked.1,
        }
    }
}

impl Playground {
    /// Up to `batches` steps as [`Playground::step`] does, ending on the batch where a stop
    /// rule of the view fires; once stopped, nothing runs until [`StopState::resume`] or ⟲.
    pub fn step_until(
        &mut self,
        batches: usize,
        stop: &mut StopState,
    ) -> Result<SteppedReport, NnError> {
        stop.follow(self)?;
        let stepper = &mut stop.stepper;
        let report = self.step_with(batches, |trainer, net, data| {
            let test = (data.x_test.nrows() > 0).then(|| (data.x_test.view(), data.y_test.view()));
            let train = (data.x_train.view(), data.y_train.view());
            let s = stepper.run(trainer, net, train, test, 1)?;
            Ok((s.batches > 0, s.stopped.is_none()))
        })?;
        let stopped = stop.stepper.stopped();
        stop.last_steps = self.position().steps;
        Ok(SteppedReport {
            report,
            stopped,
            rule: stop.rule(stopped),
        })
    }

    /// `batches` single mini-batch steps (the top bar's "one mini-batch" button): they run even
    /// after a rule stopped the run, as the user asked for them.
    pub fn step_batches(
        &mut self,
        batches: usize,
        stop: &mut StopState,
    ) -> Result<SteppedReport, NnError> {
        stop.follow(self)?;
        let stepper = &mut stop.stepper;
        let report = self.step_with(batches, |trainer, net, data| {
            stepper.one_batch(trainer, net, data.x_train.view(), data.y_train.view())?;
            Ok((true, true))
        })?;
        stop.last_steps = self.position().steps;
        Ok(SteppedReport {
            report,
            stopped: None,
            rule: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(q: &str) -> (Playground, StopState, usize) {
        let pg = Playground::from_query(q).unwrap();
        let per_epoch = pg
            .data()
            .n_train()
            .div_ceil(pg.config().training.batch_size);
        (pg, StopState::new(), per_epoch)
    }

    #[test]
    fn stops_on_the_batch_that_completes_the_epoch() {
        let (mut pg, mut stop, per_epoch) = session("dataset=circle&stop_epoch=3");
        let r = pg.step_until(2 * per_epoch + 1, &mut stop).unwrap();
        assert_eq!(r.stopped, None);
        let r = pg.step_until(10 * per_epoch, &mut stop).unwrap();
        assert_eq!(r.stopped, Some(StopCause::ReachedEpoch));
        assert_eq!(r.rule, Some(3));
        assert_eq!(r.report.epochs_completed, 3);
        assert_eq!(r.report.steps, 3 * per_epoch as u64);
        // Stopped: nothing runs, but one mini-batch still does.
        assert_eq!(pg.step_until(5, &mut stop).unwrap().report.batches, 0);
        let r = pg.step_batches(1, &mut stop).unwrap();
        assert_eq!(r.report.steps, 3 * per_epoch as u64 + 1);
        // Going on: the target is spent.
        stop.resume(&pg);
        let r = pg.step_until(2 * per_epoch, &mut stop).unwrap();
        assert_eq!(r.stopped, None);
        assert_eq!(r.report.batches, 2 * per_epoch);
        // ⟲ arms it again.
        pg.reset().unwrap();
        let r = pg.step_until(10 * per_epoch, &mut stop).unwrap();
        assert_eq!(r.stopped, Some(StopCause::ReachedEpoch));
        assert_eq!(r.report.epochs_completed, 3);
    }

    #[test]
    fn the_epoch_target_counts_page_epochs_across_a_settings_change() {
        let (mut pg, mut stop, per_epoch) = session("dataset=circle&stop_epoch=4");
        pg.step_until(2 * per_epoch, &mut stop).unwrap();
        // A new learning rate hands training to a new trainer (its own count starts at 0).
        pg.set_query("dataset=circle&stop_epoch=4&lr=0.1").unwrap();
        assert_eq!(pg.trainer().epoch(), 0);
        let r = pg.step_until(10 * per_epoch, &mut stop).unwrap();
        assert_eq!(r.stopped, Some(StopCause::ReachedEpoch));
        assert_eq!(r.report.epochs_completed, 4);
    }

    #[test]
    fn a_plateau_of_the_test_loss_stops_the_run() {
        // A learning rate of 0 never improves anything: patience 2 stops after epoch 3 (the
        // first epoch sets the best, two more without improvement).
        let (mut pg, mut stop, per_epoch) = session("dataset=xor&lr=0&patience=2");
        let r = pg.step_until(20 * per_epoch, &mut stop).unwrap();
        assert_eq!(r.stopped, Some(StopCause::Plateau));
        assert_eq!(r.rule, Some(2));
        assert_eq!(r.report.epochs_completed, 3);
    }

    #[test]
    fn without_rules_it_trains_like_step() {
        let (mut a, mut stop, _) = session("dataset=xor");
        let mut b = Playground::from_query("dataset=xor").unwrap();
        let ra = a.step_until(77, &mut stop).unwrap();
        let rb = b.step(77).unwrap();
        assert_eq!(ra.report, rb);
        assert_eq!(a.network().params(), b.network().params());
    }
}
