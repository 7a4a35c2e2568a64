//! The `name(arg, …)` text form that every closed set a user picks from is written in: `relu`,
//! `leaky_relu(0.2)`, `l2(0.001)`, `uniform(-0.5,0.5)`, `step(100,0.5)`, `adam`. One parser and
//! one printer, so a link, a command-line flag, a JSON config and an error message spell a member
//! the same way. Each set lists its forms (name, other spellings, parameters with their defaults)
//! once, in its own module, by implementing [`TokenSet`].
//!
//! ```
//! use nnplay::nn::activation::Activation;
//! use nnplay::nn::token;
//! let a: Activation = token::parse(" Leaky_ReLU( 0.2 ) ").unwrap();
//! assert_eq!(a, Activation::LeakyRelu { slope: 0.2 });
//! assert_eq!(a.to_string(), "leaky_relu(0.2)");
//! assert!(token::list::<Activation>().contains("leaky_relu(slope)"));
//! ```

use crate::error::NnError;
use std::fmt;

/// Largest whole-number argument: every integer up to 2²⁴ is exact in an `f32`, so a count
/// written in a token reads back as the same count.
pub const MAX_WHOLE: f32 = 16_777_216.0;

/// One parameter of a form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// Its name in help texts and messages (`slope`); for an optimizer, the hyperparameter's key.
    pub name: &'static str,
    /// The value a bare name (`leaky_relu`) gives it.
    pub default: f32,
    /// It counts something (epochs), so only whole numbers from 0 to [`MAX_WHOLE`] are read.
    pub whole: bool,
}

impl Param {
    /// A real-valued parameter.
    pub const fn real(name: &'static str, default: f32) -> Param {
        Param {
            name,
            default,
            whole: false,
        }
    }

    /// A whole-number parameter.
    pub const fn whole(name: &'static str, default: f32) -> Param {
        Param {
            name,
            default,
            whole: true,
        }
    }
}

/// One way of writing a member of a set, e.g. `leaky_relu(slope)`.
pub struct Form<T: 'static> {
    /// The name written in tokens (lower case).
    pub name: &'static str,
    /// Other names read as this one (`identity` for `linear`); never written.
    pub aliases: &'static [&'static str],
    /// The parameters, in argument order. A token gives either none of them or all.
    pub params: &'static [Param],
    /// The member with one value per parameter, in order (unchecked: `FromStr` validates).
    pub build: fn(&[f32]) -> T,
}

impl<T> Form<T> {
    /// The member a bare name stands for.
    pub fn defaults(&self) -> T {
        (self.build)(&self.default_args())
    }

    /// The parameters' defaults, in order.
    pub fn default_args(&self) -> Vec<f32> {
        self.params.iter().map(|p| p.default).collect()
    }

    /// How the form is written in help texts: `relu`, `leaky_relu(slope)`.
    pub fn usage(&self) -> String {
        if self.params.is_empty() {
            self.name.to_string()
        } else {
            let names: Vec<&str> = self.params.iter().map(|p| p.name).collect();
            format!("{}({})", self.name, names.join(","))
        }
    }

    /// True when `name` (already lower case) is this form's name or one of its aliases.
    fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.aliases.contains(&name)
    }
}

/// A closed set whose members are written in the token form. Implementing it gives the set its
/// parser ([`parse`]), printer ([`write()`]) and help list ([`list`]).
pub trait TokenSet: Sized + 'static {
    /// What one member is called in messages: `activation`, `loss`.
    const KIND: &'static str;
    /// Every form, in the order help texts list them.
    const FORMS: &'static [Form<Self>];
    /// When true, a member whose values are all its form's defaults is written as the bare name
    /// (`huber` for `huber(1)`); otherwise the values are always written.
    const BARE_DEFAULTS: bool = false;

    /// The member's form name and its values, one per parameter of that form.
    fn token(&self) -> (&'static str, Vec<f32>);
}

/// The form named `name` (or one of its aliases; case and surrounding space do not matter).
pub fn form<T: TokenSet>(name: &str) -> Option<&'static Form<T>> {
    let name = name.trim().to_ascii_lowercase();
    T::FORMS.iter().find(|f| f.answers_to(&name))
}

/// Every form of the set in help order: `linear, step, …, leaky_relu(slope), elu(alpha), …`.
pub fn list<T: TokenSet>() -> String {
    T::FORMS
        .iter()
        .map(Form::usage)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a member from its token. Case and spaces around the name and the arguments do not
/// matter; a bare name (or empty parentheses) takes the defaults. The member is not validated:
/// each set's `FromStr` does that after this.
pub fn parse<T: TokenSet>(text: &str) -> Result<T, NnError> {
    let lower = text.trim().to_ascii_lowercase();
    let what = || format!("{} '{}'", T::KIND, lower);
    let (name, inner) = match lower.split_once('(') {
        Some((name, rest)) => {
            let inner = rest
                .strip_suffix(')')
                .ok_or_else(|| NnError::Config(format!("missing ')' at the end of {}", what())))?;
            (name.trim(), Some(inner.trim()))
        }
        None => (lower.as_str(), None),
    };
    let form = T::FORMS
        .iter()
        .find(|f| f.answers_to(name))
        .ok_or_else(|| {
            NnError::Config(format!(
                "unknown {} (expected one of {})",
                what(),
                list::<T>()
            ))
        })?;
    let args = match inner {
        None | Some("") => form.default_args(),
        Some(inner) => {
            let args = inner
                .split(',')
                .map(|a| {
                    let a = a.trim();
                    match a.parse::<f32>() {
                        Ok(v) if v.is_finite() => Ok(v),
                        _ => Err(NnError::Config(format!(
                            "'{a}' is not a finite number in {}",
                            what()
                        ))),
                    }
                })
                .collect::<Result<Vec<f32>, _>>()?;
            check_arity(form, &args)
                .map_err(|why| NnError::Config(format!("{}: {why}", what())))?;
            args
        }
    };
    Ok((form.build)(&args))
}

/// Why `args` do not fit `form`: their number, or a count that is not a whole number.
fn check_arity<T>(form: &Form<T>, args: &[f32]) -> Result<(), String> {
    if args.len() != form.params.len() {
        return Err(match form.params.len() {
            0 => format!("{} takes no arguments", form.name),
            n => format!(
                "{} takes {n} argument{} ({}), or none for {}",
                form.name,
                if n == 1 { "" } else { "s" },
                form.usage(),
                form.params
                    .iter()
                    .map(|p| format!("{} = {}", p.name, number(p.default)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    for (p, &v) in form.params.iter().zip(args) {
        if p.whole && !(v.fract() == 0.0 && (0.0..=MAX_WHOLE).contains(&v)) {
            return Err(format!(
                "{} must be a whole number from 0 to {}, got {}",
                p.name,
                number(MAX_WHOLE),
                number(v)
            ));
        }
    }
    Ok(())
}

/// Writes a member as its token: `relu`, `leaky_relu(0.2)`, `step(100,0.5)`.
pub fn write<T: TokenSet>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let (name, args) = value.token();
    let bare = args.is_empty()
        || (T::BARE_DEFAULTS && form::<T>(name).is_some_and(|form| form.default_args() == args));
    f.write_str(name)?;
    if !bare {
        let args: Vec<String> = args.into_iter().map(number).collect();
        write!(f, "({})", args.join(","))?;
    }
    Ok(())
}

/// A number as tokens and links write it: plain decimals, exponent form for the very small and
/// the very large (`1e-8`). Both are the shortest text that reads back to the same `f32`.
pub fn number(v: f32) -> String {
    if v != 0.0 && (v.abs() < 1e-4 || v.abs() >= 1e7) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Splits a comma list of tokens at its top-level commas only, so `relu,leaky_relu(0.2)` is two
/// items and `uniform(-1,1)` one. Items are trimmed; empty items are kept for the caller to
/// reject.
pub fn split_list(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(text[start..].trim());
    items
}

/// Test helpers every set's module uses on its own forms.
#[cfg(test)]
pub(crate) mod check {
    use super::*;
    use proptest::prelude::*;

    /// Names and aliases are lower case and unique, each answers with its own form, the bare name
    /// gives the defaults and every form's defaults print and read back.
    pub fn forms_are_consistent<T: TokenSet + PartialEq + fmt::Debug + fmt::Display>() {
        let mut seen = Vec::new();
        for f in T::FORMS {
            for name in std::iter::once(&f.name).chain(f.aliases) {
                assert_eq!(*name, name.to_ascii_lowercase(), "{name}");
                assert!(!seen.contains(name), "{name} names two forms");
                seen.push(*name);
                assert_eq!(parse::<T>(name).unwrap(), f.defaults(), "{name}");
            }
            let value = f.defaults();
            assert_eq!(value.token().0, f.name, "token() names {}'s form", f.name);
            assert_eq!(value.token().1.len(), f.params.len(), "{}", f.name);
            assert_eq!(parse::<T>(&value.to_string()).unwrap(), value, "{}", f.name);
        }
    }

    /// Any member of the set: a form, then a value for each of its parameters (whole numbers for
    /// counts, reals of every magnitude otherwise).
    pub fn any_member<T: TokenSet + fmt::Debug>() -> impl Strategy<Value = T> {
        let real = prop_oneof![
            -10.0f32..10.0,
            // Down to subnormals, up to 1e38 (10³⁹ would overflow to ∞).
            (-44i32..=38, -1.0f32..1.0).prop_map(|(e, m)| m * 10f32.powi(e)),
            Just(0.0f32),
        ];
        (
            0..T::FORMS.len(),
            prop::collection::vec((real, 0u32..100_000), 4),
        )
            .prop_map(|(i, values)| {
                let form = &T::FORMS[i];
                let args: Vec<f32> = form
                    .params
                    .iter()
                    .zip(values)
                    .map(|(p, (real, whole))| if p.whole { whole as f32 } else { real })
                    .collect();
                (form.build)(&args)
            })
    }

    /// Printing then parsing gives the member back, bit for bit in every value.
    pub fn round_trips<T: TokenSet + PartialEq + fmt::Debug + fmt::Display>(value: &T) {
        let text = value.to_string();
        let back: T = parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(&back, value, "{text}");
        let bits = |v: &T| v.token().1.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        // −0 prints as "-0" and reads back as −0, so even the sign of zero survives.
        assert_eq!(bits(&back), bits(value), "{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Initializer;

    #[test]
    fn lists_split_only_at_top_level_commas() {
        assert_eq!(
            split_list("relu, leaky_relu(0.2) ,uniform(-1,1)"),
            ["relu", "leaky_relu(0.2)", "uniform(-1,1)"]
        );
        assert_eq!(split_list("a,,b"), ["a", "", "b"]);
        assert_eq!(split_list(""), [""]);
        assert_eq!(split_list("f(1,2))),x"), ["f(1,2)))", "x"]);
    }

    #[test]
    fn numbers_are_short_and_read_back() {
        for (v, text) in [
            (0.03f32, "0.03"),
            (1e-8, "1e-8"),
            (0.0001, "0.0001"),
            (0.00001, "1e-5"),
            (100.0, "100"),
            (1e7, "1e7"),
            (-0.5, "-0.5"),
        ] {
            assert_eq!(number(v), text);
            assert_eq!(text.parse::<f32>().unwrap(), v);
        }
    }

    /// Every rejection names the set, the text and what would have been accepted.
    #[test]
    fn bad_tokens_say_what_is_wrong() {
        let message = |text: &str| parse::<Activation>(text).unwrap_err().to_string();
        assert_eq!(
            message("swish"),
            "unknown activation 'swish' (expected one of linear, step, step_ste, step_exact, sigmoid, tanh, relu, leaky_relu(slope), elu(alpha), softplus, gelu, softmax)"
        );
        assert_eq!(
            message("leaky_relu(0.2"),
            "missing ')' at the end of activation 'leaky_relu(0.2'"
        );
        assert_eq!(
            message("leaky_relu(x)"),
            "'x' is not a finite number in activation 'leaky_relu(x)'"
        );
        assert_eq!(
            message("leaky_relu(nan)"),
            "'nan' is not a finite number in activation 'leaky_relu(nan)'"
        );
        assert_eq!(
            message("relu(2)"),
            "activation 'relu(2)': relu takes no arguments"
        );
        assert_eq!(
            parse::<Initializer>("uniform(1)").unwrap_err().to_string(),
            "initializer 'uniform(1)': uniform takes 2 arguments (uniform(low,high)), or none for low = -0.5, high = 0.5"
        );
    }

    #[test]
    fn empty_parentheses_mean_the_defaults() {
        assert_eq!(
            parse::<Activation>("elu()").unwrap(),
            Activation::Elu { alpha: 1.0 }
        );
    }
}
