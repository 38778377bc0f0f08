//! Enums stored and typed as short codes ("confirmed", "near_poor", "hamlet_head"): one
//! macro writes what each of them needs, so a code is spelled once, next to its variant.

/// A code the enum does not know: written by another version, or by hand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} code `{code}`")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// Declares an enum from `Variant => "code"` pairs (with their doc comments and attributes),
/// and gives it:
///
/// - `ALL`, every variant in the order written;
/// - `code()`, the code stored in the database and named in dialogue files;
/// - `from_code()`, the way back, None for a code nobody declared;
/// - `TryFrom<String>`, so a store row decodes a column straight into the enum on either
///   database (`#[sqlx(try_from = "String")]`).
///
/// The enum derives `Debug, Clone, Copy, PartialEq, Eq, Hash`; serde's derives, if wanted,
/// go with the other attributes.
macro_rules! codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $code:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant),+];

            /// The code stored in the database and named in dialogue files.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.into_iter().find(|v| v.code() == code)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::codes::UnknownCode;

            fn try_from(code: String) -> Result<$name, Self::Error> {
                $name::from_code(&code).ok_or($crate::domain::codes::UnknownCode {
                    what: stringify!($name),
                    code,
                })
            }
        }
    };
}
pub(crate) use codes;
