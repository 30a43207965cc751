//! How typed values sit in their columns. Ids are TEXT and enums INTEGER (the portable SQL of
//! `lib.rs`); a record's field of a core type is read through `#[sqlx(try_from = …)]`: `String`
//! or `i32` for a required column (core's `TryFrom` impls), and the two wrappers here for a
//! nullable one. Writes bind `id.to_string()` and `kind.code()`.

use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Type};

/// A nullable TEXT column read as an optional typed id.
pub(crate) struct NullableText(Option<String>);

/// A nullable INTEGER column read as an optional numbered enum.
pub(crate) struct NullableCode(Option<i32>);

macro_rules! nullable {
    ($wrapper:ident, $raw:ty) => {
        impl<DB: Database> Type<DB> for $wrapper
        where
            $raw: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <$raw as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <$raw as Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $wrapper
        where
            Option<$raw>: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                <Option<$raw> as Decode<'r, DB>>::decode(value).map(Self)
            }
        }

        impl<T: TryFrom<$raw>> TryFrom<$wrapper> for Option<T> {
            type Error = T::Error;
            fn try_from(column: $wrapper) -> Result<Self, Self::Error> {
                column.0.map(T::try_from).transpose()
            }
        }
    };
}

nullable!(NullableText, String);
nullable!(NullableCode, i32);

/// A value read outside a record (a tuple, a scalar) turned into its type; a stored value that is
/// not one is a decode error, as it would be inside a record.
pub(crate) fn typed<T, R>(raw: R) -> Result<T, crate::StoreError>
where
    T: TryFrom<R>,
    T::Error: std::error::Error + Send + Sync + 'static,
{
    T::try_from(raw).map_err(|err| crate::StoreError::Database(sqlx::Error::Decode(Box::new(err))))
}
