//! The guided lessons: every step's link fields parse with no notice and in canonical form (so
//! the page can tell whether a step is applied), and every step's claim holds when the step is
//! run the way the page runs it (one epoch per frame): the goals are reached, the single
//! neuron fails where the lesson says it fails, the too-large learning rate diverges, the big
//! network overfits and L2 helps, and deep sigmoids learn far slower than ReLU.

use nnplay::playground::lessons::{Goal, LESSONS, LessonRef, Progress, goal_status};
use nnplay::playground::{Playground, StepReport, query};

/// Runs a step's query for up to `max_epochs` epochs, one epoch per call as the page does;
/// stops when `until` holds. Returns every report.
fn run(q: &str, max_epochs: usize, until: impl Fn(&StepReport) -> bool) -> Vec<StepReport> {
    let mut pg = Playground::from_query(q).unwrap();
    let per_epoch = pg.state().n_train.div_ceil(pg.config().training.batch_size);
    let mut reports = vec![pg.step(0).unwrap()];
    for _ in 0..max_epochs {
        let r = pg.step(per_epoch).unwrap();
        let stop = until(&r) || r.diverged.is_some();
        reports.push(r);
        if stop {
            break;
        }
    }
    reports
}

#[test]
fn every_step_query_is_a_clean_canonical_link() {
    assert!((5..=6).contains(&LESSONS.len()));
    for (l, lesson) in LESSONS.iter().enumerate() {
        assert!((2..=6).contains(&lesson.steps.len()), "{}", lesson.title);
        for (s, step) in lesson.steps.iter().enumerate() {
            let (state, notices) = query::parse(step.query);
            assert!(
                notices.is_empty(),
                "lesson {}.{}: {notices:?}",
                l + 1,
                s + 1
            );
            Playground::new(state.config.clone()).unwrap();
            let canonical = query::write(&state, true);
            for pair in step.query.split('&') {
                let key = pair.split('=').next().unwrap();
                assert!(
                    key != "tool" && key != "lesson",
                    "{pair}: the panel sets these"
                );
                assert!(
                    canonical.split('&').any(|p| p == pair),
                    "lesson {}.{}: '{pair}' is not canonical in {canonical}",
                    l + 1,
                    s + 1
                );
            }
            assert!(!step.text.is_empty() && step.text.len() < 600);
            // The link field names the step and reads back.
            let at = format!("{}.{}", l + 1, s + 1);
            let (state, notices) =
                query::parse(&format!("{}&tool=lessons&lesson={at}", step.query));
            assert!(notices.is_empty());
            assert_eq!(state.view.lesson.unwrap().to_string(), at);
            assert!(query::write(&state, true).contains(&format!("lesson={at}")));
        }
    }
    let (state, notices) = query::parse("lesson=9.1&lr=0.1");
    assert_eq!(state.view.lesson, None);
    assert_eq!(notices.len(), 1);
    assert_eq!(state.config.training.learning_rate, 0.1);
}

#[test]
fn every_goal_is_reached_by_running_its_step() {
    for (l, lesson) in LESSONS.iter().enumerate() {
        for (s, step) in lesson.steps.iter().enumerate() {
            let Some(goal) = step.goal else { continue };
            let reports = run(step.query, 3000, |r| goal.met(&Progress::from(r)));
            let last = reports.last().unwrap();
            let at = LessonRef {
                lesson: l as u8 + 1,
                step: s as u8 + 1,
            };
            let status = goal_status(Some(at), &Progress::from(last)).unwrap();
            assert!(
                status.met,
                "lesson {at} ({}): {} not reached after {} epochs ({})",
                lesson.title, status.label, last.epoch, status.now
            );
            eprintln!(
                "lesson {at}: '{}' after {:.0} epochs",
                status.label, last.epoch
            );
        }
    }
}

fn step(lesson: usize, step: usize) -> &'static str {
    LESSONS[lesson - 1].steps[step - 1].query
}

fn final_report(q: &str, epochs: usize) -> StepReport {
    run(q, epochs, |_| false).pop().unwrap()
}

#[test]
fn a_single_neuron_cannot_do_the_circle_or_xor_but_a_hidden_layer_or_a_feature_can() {
    for (l, s) in [(1, 2), (2, 1), (4, 1)] {
        let r = final_report(step(l, s), 300);
        let acc = r.test_metric.unwrap();
        assert!(acc < 0.75, "lesson {l}.{s}: a line reached {acc} accuracy");
    }
    for (l, s) in [(1, 3), (2, 2), (2, 3), (4, 2)] {
        let r = final_report(step(l, s), 300);
        let acc = r.test_metric.unwrap();
        assert!(acc > 0.9, "lesson {l}.{s}: only {acc} accuracy");
    }
}

#[test]
fn the_learning_rate_lesson_crawls_then_works_then_diverges() {
    let small = final_report(step(3, 1), 100);
    let good = final_report(step(3, 2), 100);
    assert!(
        small.test_loss.unwrap() > 2.0 * good.test_loss.unwrap(),
        "{:?} vs {:?}",
        small.test_loss,
        good.test_loss
    );
    let too_big = run(step(3, 3), 100, |_| false);
    assert!(too_big.last().unwrap().diverged.is_some());
    assert!(
        too_big.len() < 20,
        "it took {} epochs to diverge",
        too_big.len()
    );
}

#[test]
fn the_big_network_overfits_and_l2_keeps_the_test_loss_lower() {
    let plain = run(step(5, 1), 300, |_| false);
    let best = plain
        .iter()
        .filter_map(|r| r.test_loss)
        .fold(f32::INFINITY, f32::min);
    let end = plain.last().unwrap();
    assert!(
        end.test_loss.unwrap() > 1.3 * best,
        "the test loss did not climb: best {best}, end {:?}",
        end.test_loss
    );
    assert!(end.train_loss.unwrap() < end.test_loss.unwrap());
    let l2 = final_report(step(5, 2), 300);
    assert!(
        l2.test_loss.unwrap() < end.test_loss.unwrap(),
        "L2 {:?} vs none {:?}",
        l2.test_loss,
        end.test_loss
    );
}

#[test]
fn deep_sigmoids_stay_flat_while_relu_learns() {
    let sigmoid = final_report(step(6, 1), 100);
    let relu = final_report(step(6, 2), 100);
    assert!(
        sigmoid.test_loss.unwrap() > 0.6,
        "deep sigmoid learned: {:?}",
        sigmoid.test_loss
    );
    assert!(
        relu.test_loss.unwrap() < 0.1,
        "deep ReLU did not: {:?}",
        relu.test_loss
    );
}

#[test]
fn goal_kinds_have_labels() {
    for goal in [
        Goal::EpochAtLeast { epochs: 3 },
        Goal::TestLossBelow { loss: 0.1 },
        Goal::TrainLossBelow { loss: 0.1 },
        Goal::TestAccuracyAtLeast { share: 0.9 },
        Goal::Diverged,
    ] {
        assert!(!goal.label().is_empty());
    }
}
