//! The teaching-tool panels a link can open (`tool=race`): a closed set, one open at a time.
//! The page's tabs (`www/ui/tools.js`) and the worker's hooks (`www/worker/tools.js`) use the
//! same tokens.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A panel of teaching tools below the playground.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    /// Optimizer race: copies of the network with different optimizers, in lock-step.
    Race,
    /// Backprop inspector: one sample's forward and backward pass, stage by stage.
    Inspector,
    /// Loss landscape: a 2-D slice of the loss around the current weights.
    Landscape,
    /// Gradient and weight health per layer over time.
    Health,
    /// Guided lessons.
    Lessons,
}

impl Tool {
    pub const ALL: [Tool; 5] = [
        Tool::Race,
        Tool::Inspector,
        Tool::Landscape,
        Tool::Health,
        Tool::Lessons,
    ];

    pub fn token(self) -> &'static str {
        match self {
            Tool::Race => "race",
            Tool::Inspector => "inspector",
            Tool::Landscape => "landscape",
            Tool::Health => "health",
            Tool::Lessons => "lessons",
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

impl FromStr for Tool {
    type Err = String;

    fn from_str(text: &str) -> Result<Tool, String> {
        let t = text.trim().to_ascii_lowercase();
        Tool::ALL
            .into_iter()
            .find(|tool| tool.token() == t)
            .ok_or_else(|| {
                let names: Vec<&str> = Tool::ALL.iter().map(|t| t.token()).collect();
                format!("unknown tool (expected one of: {})", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_unknown_names_are_refused() {
        for tool in Tool::ALL {
            assert_eq!(tool.token().parse::<Tool>(), Ok(tool));
        }
        assert_eq!(" Race ".parse::<Tool>(), Ok(Tool::Race));
        let err = "<script>".parse::<Tool>().unwrap_err();
        assert!(err.contains("race, inspector"), "{err}");
    }
}
