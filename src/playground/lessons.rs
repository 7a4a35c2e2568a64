//! Guided lessons: a closed set of short lessons for students, each a few steps a teacher would
//! say. A step is a text in plain words, the link fields it sets (the page's own query, so a
//! step is exactly what a shared link would show) and optionally a goal read from the page's
//! numbers ("get the test loss below 0.1"), so the panel can say "done" and offer the next step.
//! The link's `lesson=2.3` opens lesson 2 at step 3.
//!
//! Every text is a plain string in the one table [`LESSONS`], to be translated there.

use super::messages::StepReport;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a step asks the student to reach, read from the newest step report.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Goal {
    /// Train for at least this many epochs (to watch something happen, or not happen).
    EpochAtLeast { epochs: u32 },
    /// The loss on the test points below this.
    TestLossBelow { loss: f32 },
    /// The loss on the training points below this.
    TrainLossBelow { loss: f32 },
    /// Accuracy on the test points (a share, 0–1) at least this.
    TestAccuracyAtLeast { share: f32 },
    /// Training has diverged (the page says so and stops).
    Diverged,
}

/// The numbers a goal is read from (one step report of the page).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    pub epoch: f64,
    pub train_loss: Option<f32>,
    pub test_loss: Option<f32>,
    pub test_metric: Option<f32>,
    pub diverged: bool,
}

impl From<&StepReport> for Progress {
    fn from(r: &StepReport) -> Progress {
        Progress {
            epoch: r.epoch,
            train_loss: r.train_loss,
            test_loss: r.test_loss,
            test_metric: r.test_metric,
            diverged: r.diverged.is_some(),
        }
    }
}

/// A goal's state for the panel: the goal in words, whether it is met, and where the page is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalStatus {
    pub label: String,
    pub met: bool,
    pub now: String,
}

fn number(v: f32) -> String {
    crate::nn::token::number(v)
}

impl Goal {
    /// The goal in words, as the student reads it.
    pub fn label(self) -> String {
        match self {
            Goal::EpochAtLeast { epochs } => format!("Train for {epochs} epochs"),
            Goal::TestLossBelow { loss } => format!("Get the test loss below {}", number(loss)),
            Goal::TrainLossBelow { loss } => {
                format!("Get the training loss below {}", number(loss))
            }
            Goal::TestAccuracyAtLeast { share } => {
                format!("Reach {} % test accuracy", number(share * 100.0))
            }
            Goal::Diverged => "Watch training blow up (diverge)".into(),
        }
    }

    pub fn met(self, p: &Progress) -> bool {
        match self {
            Goal::EpochAtLeast { epochs } => p.epoch + 1e-9 >= epochs as f64,
            Goal::TestLossBelow { loss } => p.test_loss.is_some_and(|v| v < loss),
            Goal::TrainLossBelow { loss } => p.train_loss.is_some_and(|v| v < loss),
            Goal::TestAccuracyAtLeast { share } => p.test_metric.is_some_and(|v| v >= share),
            Goal::Diverged => p.diverged,
        }
    }

    pub fn status(self, p: &Progress) -> GoalStatus {
        let value = |v: Option<f32>| v.map_or("–".to_string(), |v| format!("{v:.3}"));
        let now = match self {
            Goal::EpochAtLeast { epochs } => {
                format!("epoch {} of {epochs}", p.epoch.floor().min(epochs as f64))
            }
            Goal::TestLossBelow { .. } => format!("test loss now {}", value(p.test_loss)),
            Goal::TrainLossBelow { .. } => format!("training loss now {}", value(p.train_loss)),
            Goal::TestAccuracyAtLeast { .. } => format!(
                "test accuracy now {}",
                p.test_metric
                    .map_or("–".to_string(), |v| format!("{:.1} %", v * 100.0))
            ),
            Goal::Diverged => if p.diverged { "diverged" } else { "not yet" }.into(),
        };
        GoalStatus {
            label: self.label(),
            met: self.met(p),
            now,
        }
    }
}

/// One step of a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LessonStep {
    /// What the student is told, in plain words.
    pub text: &'static str,
    /// The link fields the step sets (everything else at its default), canonical values.
    pub query: &'static str,
    pub goal: Option<Goal>,
}

/// A lesson: a title, one sentence on what it teaches, and its steps.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Lesson {
    pub title: &'static str,
    pub summary: &'static str,
    pub steps: &'static [LessonStep],
}

const fn step(text: &'static str, query: &'static str, goal: Option<Goal>) -> LessonStep {
    LessonStep { text, query, goal }
}

/// The lessons, in the order of the menu.
pub static LESSONS: &[Lesson] = &[
    Lesson {
        title: "A single neuron draws a line",
        summary: "With no hidden layer, the network is one neuron: it can only split the plane with a straight line.",
        steps: &[
            step(
                "This network has no hidden layer: the inputs x1 and x2 go straight into one output neuron. One neuron computes a weighted sum of its inputs, so where it says 'half and half' is a straight line. These two clouds of points can be split by a line. Press play.",
                "dataset=gaussians&layers=",
                Some(Goal::TestLossBelow { loss: 0.1 }),
            ),
            step(
                "Now the same single neuron on the circle: blue points inside, orange points around them. Press play and watch the line move: no straight line can put a ring on one side and its middle on the other, so the loss stays high.",
                "dataset=circle&layers=",
                Some(Goal::EpochAtLeast { epochs: 50 }),
            ),
            step(
                "Give it a hidden layer of 4 neurons. Each hidden neuron draws its own line (look at their small pictures), and the output neuron combines the lines into a closed shape around the middle. Press play.",
                "dataset=circle&layers=4&lr=0.1",
                Some(Goal::TestAccuracyAtLeast { share: 0.95 }),
            ),
        ],
    },
    Lesson {
        title: "XOR needs a hidden layer",
        summary: "The classic problem a single neuron cannot solve, and the two ways out: a hidden layer or a better feature.",
        steps: &[
            step(
                "XOR: points whose x1 and x2 have the same sign are one class, the others the other class, so each class sits in two opposite corners. With no hidden layer, press play: one line can never put two opposite corners on the same side. The accuracy stays near 50 %, a coin toss.",
                "dataset=xor&layers=",
                Some(Goal::EpochAtLeast { epochs: 30 }),
            ),
            step(
                "Now add a hidden layer of 8 neurons and press play. The hidden neurons draw lines, and the output combines them: the four corners come apart.",
                "dataset=xor&layers=8&lr=0.1",
                Some(Goal::TestLossBelow { loss: 0.1 }),
            ),
            step(
                "Another way out: no hidden layer, but give the single neuron the product x1·x2 as an input. It is positive exactly where x1 and x2 have the same sign, so one weight on it is enough. Press play.",
                "dataset=xor&features=x1,x2,x1_x2&layers=&lr=0.1",
                Some(Goal::TestLossBelow { loss: 0.1 }),
            ),
        ],
    },
    Lesson {
        title: "The learning rate: too small, too large",
        summary: "How big a step the optimizer takes: too small crawls, too large overshoots and blows up.",
        steps: &[
            step(
                "The learning rate is how far each step goes downhill. Here it is 0.001, very small. Press play for 100 epochs and watch the loss chart: it hardly moves. Every step is so short that after 100 epochs the network has barely started.",
                "dataset=circle&layers=4,2&lr=0.001",
                Some(Goal::EpochAtLeast { epochs: 100 }),
            ),
            step(
                "Now 0.1, a hundred times larger. Press play: the loss falls much faster, and the boundary takes shape in a few dozen epochs.",
                "dataset=circle&layers=4,2&lr=0.1",
                Some(Goal::TestLossBelow { loss: 0.1 }),
            ),
            step(
                "And now far too large: 3, on a problem where the network predicts a number (the plane). Each step jumps right over the valley to the other side, higher up, and the next one higher still. Press play: the loss explodes at once and the page stops training (it has diverged).",
                "dataset=plane&layers=4&lr=3",
                Some(Goal::Diverged),
            ),
        ],
    },
    Lesson {
        title: "Features do the work",
        summary: "The right inputs can make a hard problem easy: the circle is a line in x1² and x2².",
        steps: &[
            step(
                "One neuron, inputs x1 and x2, on the circle: as in lesson 1 it can only draw a line. Press play and see it fail.",
                "dataset=circle&layers=",
                Some(Goal::EpochAtLeast { epochs: 30 }),
            ),
            step(
                "Now give the same single neuron x1² and x2² instead. A circle is x1² + x2² = r²: in these two inputs it is a straight line, so one neuron is enough. Press play.",
                "dataset=circle&features=x1_squared,x2_squared&layers=&lr=0.1",
                Some(Goal::TestLossBelow { loss: 0.1 }),
            ),
            step(
                "The spiral is harder: no simple feature straightens it out. With all seven features and two hidden layers, press play and be patient. Try turning features off by clicking them: which ones does it need?",
                "dataset=spiral&features=x1,x2,x1_squared,x2_squared,x1_x2,sin_x1,sin_x2&layers=8,6&lr=0.03",
                Some(Goal::TestAccuracyAtLeast { share: 0.9 }),
            ),
        ],
    },
    Lesson {
        title: "Overfitting and regularization",
        summary: "Few noisy points and a big network: it learns the noise by heart. A weight penalty keeps it simpler.",
        steps: &[
            step(
                "Only 60 points, lots of noise, and a big network of three layers. The test points are shown too (white outline). Press play and watch the two curves on the loss chart: the training loss keeps falling, while the test loss stops falling and climbs. The network is learning the noise of its few points by heart: that is overfitting.",
                "dataset=xor&points=60&noise=50&layers=8,8,8&act=relu,relu,relu&lr=0.03&showtest=1",
                Some(Goal::EpochAtLeast { epochs: 300 }),
            ),
            step(
                "Same data, same network, with L2 regularization: a penalty on large weights, which pulls every weight towards zero. Press play. The boundary stays smoother, and the test loss does not run away as far.",
                "dataset=xor&points=60&noise=50&layers=8,8,8&act=relu,relu,relu&lr=0.03&reg=l2&rate=0.03&showtest=1",
                Some(Goal::EpochAtLeast { epochs: 300 }),
            ),
            step(
                "Another cure is to stop in time. Training now pauses by itself when the test loss has not improved for 30 epochs ('or flat for' in the second bar). Press play and let it stop.",
                "dataset=xor&points=60&noise=50&layers=8,8,8&act=relu,relu,relu&lr=0.03&showtest=1&patience=30",
                Some(Goal::EpochAtLeast { epochs: 30 }),
            ),
        ],
    },
    Lesson {
        title: "Vanishing gradients",
        summary: "In a deep network of sigmoids the error signal shrinks at every layer on its way back; ReLU keeps it alive.",
        steps: &[
            step(
                "Six hidden layers of sigmoid neurons. Press play: for a long time nothing happens, the loss stays flat. The gradient is multiplied by the sigmoid's slope (at most 0.25) at every layer on its way back, so the first layers hardly learn. The 'Gradient health' tab shows it layer by layer.",
                "dataset=circle&layers=8,8,8,8,8,8&act=sigmoid,sigmoid,sigmoid,sigmoid,sigmoid,sigmoid",
                Some(Goal::EpochAtLeast { epochs: 50 }),
            ),
            step(
                "The same six layers with ReLU, whose slope is 1 wherever it is active: the gradient reaches the first layer undiminished. Press play.",
                "dataset=circle&layers=8,8,8,8,8,8&act=relu,relu,relu,relu,relu,relu&lr=0.03",
                Some(Goal::TestLossBelow { loss: 0.1 }),
            ),
            step(
                "Tanh: its slope is 1 at zero, four times the sigmoid's best, and its outputs are centred on zero. Press play: here it learns fastest of the three. Deep networks need activations whose slope does not shrink the signal.",
                "dataset=circle&layers=8,8,8,8,8,8&act=tanh,tanh,tanh,tanh,tanh,tanh&lr=0.03",
                Some(Goal::TestLossBelow { loss: 0.1 }),
            ),
        ],
    },
];

/// A step of a lesson as the link writes it, `lesson=2.3` (both from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LessonRef {
    pub lesson: u8,
    pub step: u8,
}

impl LessonRef {
    /// The lesson (index from 0 into [`LESSONS`]) and step it names.
    pub fn get(self) -> (&'static Lesson, &'static LessonStep) {
        let lesson = &LESSONS[self.lesson as usize - 1];
        (lesson, &lesson.steps[self.step as usize - 1])
    }
}

impl fmt::Display for LessonRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.lesson, self.step)
    }
}

impl FromStr for LessonRef {
    type Err = String;

    fn from_str(text: &str) -> Result<LessonRef, String> {
        let text = text.trim();
        let (l, s) = text.split_once('.').unwrap_or((text, "1"));
        let lesson: usize = l
            .trim()
            .parse()
            .map_err(|_| "is not lesson.step (e.g. 2.1)".to_string())?;
        let Some(found) = lesson.checked_sub(1).and_then(|i| LESSONS.get(i)) else {
            return Err(format!(
                "names no lesson (there are 1 to {})",
                LESSONS.len()
            ));
        };
        let step: usize = s
            .trim()
            .parse()
            .map_err(|_| "is not lesson.step (e.g. 2.1)".to_string())?;
        if step == 0 || step > found.steps.len() {
            return Err(format!(
                "names no step of lesson {lesson} (it has 1 to {})",
                found.steps.len()
            ));
        }
        Ok(LessonRef {
            lesson: lesson as u8,
            step: step as u8,
        })
    }
}

/// The state of the goal of the step the link names, or `None` (no lesson, or no goal).
pub fn goal_status(at: Option<LessonRef>, progress: &Progress) -> Option<GoalStatus> {
    let (_, step) = at?.get();
    Some(step.goal?.status(progress))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_print_and_refuse_what_is_not_there() {
        let r: LessonRef = "2.3".parse().unwrap();
        assert_eq!(r, LessonRef { lesson: 2, step: 3 });
        assert_eq!(r.to_string(), "2.3");
        assert_eq!("4".parse::<LessonRef>().unwrap().to_string(), "4.1");
        for bad in ["0.1", "7.1", "2.0", "2.9", "x", "2.x", "-1.1"] {
            assert!(bad.parse::<LessonRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn goals_read_the_report() {
        let p = Progress {
            epoch: 99.5,
            train_loss: Some(0.2),
            test_loss: Some(0.09),
            test_metric: Some(0.95),
            diverged: false,
        };
        assert!(!Goal::EpochAtLeast { epochs: 100 }.met(&p));
        assert!(Goal::EpochAtLeast { epochs: 99 }.met(&p));
        assert!(Goal::TestLossBelow { loss: 0.1 }.met(&p));
        assert!(!Goal::TrainLossBelow { loss: 0.1 }.met(&p));
        assert!(Goal::TestAccuracyAtLeast { share: 0.95 }.met(&p));
        assert!(!Goal::Diverged.met(&p));
        let s = Goal::TestLossBelow { loss: 0.1 }.status(&p);
        assert_eq!(s.label, "Get the test loss below 0.1");
        assert_eq!(s.now, "test loss now 0.090");
        assert!(goal_status(None, &p).is_none());
        let at = Some("1.1".parse().unwrap());
        assert!(goal_status(at, &p).unwrap().met);
    }
}
