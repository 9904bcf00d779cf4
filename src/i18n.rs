//! The two languages of the kiosk. Screen text is translated by Slint (`@tr` and the
//! bundled `translations/en` catalogue); this module covers what Rust itself says: the
//! command line's messages and the printed slips.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    /// Simplified Chinese, the kiosk's default and the language of the `.slint` sources.
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// The name of the bundled translation: the sources are Chinese, so Chinese is "".
    pub fn bundle_name(self) -> &'static str {
        match self {
            Lang::Zh => "",
            Lang::En => "en",
        }
    }

    /// The short code the UI and the command line use ("zh" / "en").
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Some(Lang::Zh),
            "en" | "en-us" | "en_us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the text for this language; both are always written side by side so that
    /// neither can be forgotten.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::En.pick("您好", "Hello"), "Hello");
    }
}
