//! The language of everything perfeval prints: Simplified Chinese by default, English on
//! request (`--lang en`, or `PERFEVAL_LANG=en`; the flag wins).
//!
//! The texts live in message catalogues under `locales/` (one TOML file per area, both
//! languages side by side under one message id) and are looked up with `t!`. The choice
//! is not taken from `LANG`: servers commonly run `C.UTF-8`, and a finance bureau's CI
//! should not switch its reports to English because of it.

use std::ffi::OsString;

/// A language perfeval speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese, the default.
    Zh,
    En,
}

impl Lang {
    /// The catalogue's locale name.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// `zh`, `zh-CN`, `zh_CN.UTF-8`, `cn` (any case) or `en`, `en_US.UTF-8`…: a locale's
    /// encoding and modifier are ignored, and every Chinese locale gets the Simplified
    /// Chinese there is.
    pub fn parse(value: &str) -> Option<Lang> {
        let value = value.trim().to_ascii_lowercase().replace('_', "-");
        let value = value.split(['.', '@']).next().unwrap_or_default();
        match value {
            "cn" | "chinese" => Some(Lang::Zh),
            v if v == "zh" || v.starts_with("zh-") => Some(Lang::Zh),
            v if v == "en" || v.starts_with("en-") || v == "english" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Names the environment variable that chooses the language.
pub const ENV: &str = "PERFEVAL_LANG";

/// The language asked for: `--lang X` or `--lang=X` among `args` (before a `--`), else
/// `env` (the value of `PERFEVAL_LANG`), else Chinese. A value neither names is returned
/// as `Err` with the value, for the caller to report once the language is set.
pub fn choose(args: &[OsString], env: Option<OsString>) -> (Lang, Option<String>) {
    let mut asked: Option<String> = None;
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            // `--lang --quiet` gives no value: clap says so once the language is set.
            asked = iter
                .next()
                .map(|v| v.to_string_lossy().into_owned())
                .filter(|v| !v.starts_with('-'));
        } else if let Some(v) = arg.strip_prefix("--lang=") {
            asked = Some(v.to_string());
        }
    }
    // `--lang=` with nothing after it says nothing: the environment decides.
    let asked = asked
        .filter(|v| !v.trim().is_empty())
        .or_else(|| env.map(|v| v.to_string_lossy().into_owned()));
    match asked {
        None => (Lang::Zh, None),
        Some(v) if v.trim().is_empty() => (Lang::Zh, None),
        Some(v) => match Lang::parse(&v) {
            Some(lang) => (lang, None),
            None => (Lang::Zh, Some(v)),
        },
    }
}

/// Makes `lang` the language of every message from now on.
pub fn set(lang: Lang) {
    rust_i18n::set_locale(lang.locale());
}

/// The language messages are written in now. A library caller that never chose one gets
/// English, the catalogues' fallback.
pub fn current() -> Lang {
    if &*rust_i18n::locale() == "zh-CN" {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// `f`'s result with messages rendered in `lang`, the language then put back. For the one
/// comparison with text written in a given language (a rubric test's `refused`); the CLI
/// runs it on one thread.
pub(crate) fn rendered_in<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    /// Puts the language back however `f` ends.
    struct Restore(Lang);
    impl Drop for Restore {
        fn drop(&mut self) {
            set(self.0);
        }
    }
    let _restore = Restore(current());
    set(lang);
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn chinese_unless_asked() {
        assert_eq!(
            choose(&args(&["perfeval", "score", "f"]), None),
            (Lang::Zh, None)
        );
        assert_eq!(
            choose(&args(&["perfeval", "--lang", "en", "score"]), None),
            (Lang::En, None)
        );
        assert_eq!(
            choose(&args(&["perfeval", "score", "--lang=EN"]), None),
            (Lang::En, None)
        );
    }

    #[test]
    fn locale_names_are_read_as_the_language_they_name() {
        for zh in ["zh_CN.UTF-8", "zh-TW", "zh-Hant", "ZH", "cn"] {
            assert_eq!(Lang::parse(zh), Some(Lang::Zh), "{zh}");
        }
        for en in ["en_US.UTF-8", "en-GB", "English", "en@euro"] {
            assert_eq!(Lang::parse(en), Some(Lang::En), "{en}");
        }
        assert_eq!(Lang::parse("fr_FR.UTF-8"), None);
        assert_eq!(
            choose(&args(&["perfeval", "--lang", "--quiet", "score"]), None),
            (Lang::Zh, None)
        );
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        let env = Some(OsString::from("en"));
        assert_eq!(choose(&args(&["perfeval"]), env.clone()), (Lang::En, None));
        assert_eq!(
            choose(&args(&["perfeval", "--lang", "zh"]), env),
            (Lang::Zh, None)
        );
    }

    #[test]
    fn an_unknown_language_is_reported_not_guessed() {
        assert_eq!(
            choose(&args(&["perfeval", "--lang", "fr"]), None),
            (Lang::Zh, Some("fr".to_string()))
        );
        // After `--`, `--lang` is a file name.
        assert_eq!(
            choose(&args(&["perfeval", "score", "--", "--lang"]), None),
            (Lang::Zh, None)
        );
    }
}
