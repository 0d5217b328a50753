//! AMED's value lists: sharing method, data subject, data class.

use crate::text::normalize_label;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A value that is not in one of AMED's value lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// Which list was expected, e.g. `データシェアリング方法`.
    pub list: &'static str,
    /// The value as written.
    pub value: String,
    /// The values that list accepts, for the error message.
    pub expected: Vec<&'static str>,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} '{}' is not one of: {}",
            self.list,
            self.value,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}

macro_rules! value_list {
    (
        $(#[$meta:meta])*
        $name:ident, $list:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $ja:literal, $en:literal, [$($alias:literal),*] ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value of the list, in the form's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The list's name on the form.
            pub const LIST: &'static str = $list;

            /// The value as AMED's form writes it.
            pub fn label_ja(self) -> &'static str {
                match self { $($name::$variant => $ja),+ }
            }
            /// An English label.
            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            /// A stable ASCII code, used in IRIs and JSON.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// Looks a code up (the inverse of [`Self::code`]).
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
            fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($alias),*]),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            /// Accepts the Japanese label in any width or spacing, the English
            /// label, the code, and the aliases seen in filled-in forms.
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                let wanted = normalize_label(s);
                for v in Self::ALL.iter().copied() {
                    let known = [v.label_ja(), v.label_en(), v.code()];
                    if known.iter().chain(v.aliases()).any(|k| normalize_label(k) == wanted) {
                        return Ok(v);
                    }
                }
                Err(UnknownValue {
                    list: $list,
                    value: s.trim().to_string(),
                    expected: Self::ALL.iter().map(|v| v.label_ja()).collect(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label_ja())
            }
        }
    };
}

value_list! {
    /// データシェアリング方法（アクセス権）: AMED's six sharing methods.
    SharingMethod, "データシェアリング方法" {
        /// 非制限公開: anyone may use the data.
        UnrestrictedPublication = "unrestricted-publication", "非制限公開", "Unrestricted publication", ["非制限公開（オープン）", "Unrestricted Open Sharing"];
        /// 制限公開: users a database authorises (e.g. JGA); the PI does not decide access.
        RestrictedPublication = "restricted-publication", "制限公開", "Restricted publication", ["Restricted Open Sharing"];
        /// 制限共有（外部関係者と共有）: external parties the PI authorises.
        RestrictedSharingExternal = "restricted-sharing-external", "制限共有（外部関係者と共有）", "Restricted sharing with external parties", ["制限共有(外部関係者と共有)", "制限共有（外部）", "外部関係者と共有"];
        /// 制限共有（内部関係者と共有）: within the project.
        RestrictedSharingInternal = "restricted-sharing-internal", "制限共有（内部関係者と共有）", "Restricted sharing within the project", ["制限共有(内部関係者と共有)", "制限共有（内部）", "内部関係者と共有"];
        /// 非公開: not published, for humanitarian or security reasons.
        NotPublished = "not-published", "非公開", "Not published", ["Unshared"];
        /// その他（未定など）: other, or undecided.
        Other = "other", "その他（未定など）", "Other (undecided)", ["その他", "未定"];
    }
}

impl SharingMethod {
    /// 非制限公開 and 制限公開 publish the data; the other methods do not (yet).
    pub fn is_publication(self) -> bool {
        matches!(
            self,
            Self::UnrestrictedPublication | Self::RestrictedPublication
        )
    }
    /// The two 制限共有 methods, which AMED's rule moves to publication within a deadline.
    pub fn is_restricted_sharing(self) -> bool {
        matches!(
            self,
            Self::RestrictedSharingExternal | Self::RestrictedSharingInternal
        )
    }
}

value_list! {
    /// データの種別: whom or what the data are about.
    DataSubject, "データの種別（対象）" {
        /// ヒト個人: research participants and human specimens.
        HumanIndividual = "human-individual", "ヒト個人", "Individual humans", ["ヒト", "ヒト個人由来"];
        /// ヒト以外の生物由来: non-human organisms.
        NonHumanOrganism = "non-human-organism", "ヒト以外の生物由来", "Non-human organisms", ["ヒト以外の生物"];
        /// その他: chemical, physical, other.
        Other = "other", "その他", "Other", [];
    }
}

value_list! {
    /// データの種別: created data or derived data.
    DataClass, "データの種別（区分）" {
        /// 対象データ: data created, obtained or collected, including losslessly processed forms.
        Target = "target", "対象データ", "Target data", [];
        /// 派生データ: derived data that can no longer be traced back.
        Derived = "derived", "派生データ", "Derived data", [];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sharing_method_parses_from_its_label_in_both_widths() {
        for m in SharingMethod::ALL {
            assert_eq!(m.label_ja().parse::<SharingMethod>().unwrap(), *m);
            assert_eq!(m.code().parse::<SharingMethod>().unwrap(), *m);
        }
        assert_eq!(
            "制限共有(外部関係者と共有)"
                .parse::<SharingMethod>()
                .unwrap(),
            SharingMethod::RestrictedSharingExternal
        );
        assert_eq!(
            " 制限共有（内部関係者と共有） "
                .parse::<SharingMethod>()
                .unwrap(),
            SharingMethod::RestrictedSharingInternal
        );
        assert_eq!(
            "その他(未定など)".parse::<SharingMethod>().unwrap(),
            SharingMethod::Other
        );
        assert_eq!(SharingMethod::ALL.len(), 6);
    }

    #[test]
    fn unknown_value_names_the_list_and_choices() {
        let err = "公開する".parse::<SharingMethod>().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("データシェアリング方法 '公開する'"), "{msg}");
        assert!(msg.contains("非制限公開"), "{msg}");
    }

    #[test]
    fn subject_and_class_lists_do_not_overlap() {
        for s in DataSubject::ALL {
            assert!(s.label_ja().parse::<DataClass>().is_err());
        }
        for c in DataClass::ALL {
            assert!(c.label_ja().parse::<DataSubject>().is_err());
        }
    }
}
