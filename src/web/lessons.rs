//! The guided lessons' wasm functions: the lesson table as JSON (texts, the link fields of each
//! step, each goal in words) and the state of the goal of the step the link names, read from
//! the numbers of a step report passed in as plain values.

use super::{WasmPlayground, json};
use crate::playground::lessons::{self, GoalStatus, LESSONS, Progress};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
struct StepOut {
    text: &'static str,
    query: &'static str,
    /// The goal in words, or null.
    goal: Option<String>,
}

#[derive(Serialize)]
struct LessonOut {
    title: &'static str,
    summary: &'static str,
    steps: Vec<StepOut>,
}

/// The lessons (JSON list): title, summary and steps (text, the link fields it sets, its goal).
#[wasm_bindgen]
pub fn lessons_json() -> String {
    let out: Vec<LessonOut> = LESSONS
        .iter()
        .map(|l| LessonOut {
            title: l.title,
            summary: l.summary,
            steps: l
                .steps
                .iter()
                .map(|s| StepOut {
                    text: s.text,
                    query: s.query,
                    goal: s.goal.map(|g| g.label()),
                })
                .collect(),
        })
        .collect();
    json(&out)
}

#[derive(Serialize)]
struct GoalOut {
    lesson: String,
    #[serde(flatten)]
    status: GoalStatus,
}

fn finite(v: f64) -> Option<f32> {
    v.is_finite().then_some(v as f32)
}

#[wasm_bindgen(js_class = Playground)]
impl WasmPlayground {
    /// The goal of the step the link's `lesson=` names, as `{lesson, label, met, now}`, or
    /// `null`; from a step report's numbers (NaN for a missing loss or metric).
    pub fn lesson_goal_json(
        &self,
        epoch: f64,
        train_loss: f64,
        test_loss: f64,
        test_metric: f64,
        diverged: bool,
    ) -> String {
        let at = self.inner.view().lesson;
        let progress = Progress {
            epoch,
            train_loss: finite(train_loss),
            test_loss: finite(test_loss),
            test_metric: finite(test_metric),
            diverged,
        };
        let out = lessons::goal_status(at, &progress).map(|status| GoalOut {
            lesson: at.map(|a| a.to_string()).unwrap_or_default(),
            status,
        });
        json(&out)
    }
}
