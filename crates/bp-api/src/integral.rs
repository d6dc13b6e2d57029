//! Integers as JSON Schema counts them: `3` and `3.0` are the same integer there, and a
//! generated client (or a JavaScript caller, whose numbers are all floats) may send either.
//! serde refuses `3.0` for an integer field; these accept it, and still refuse fractions,
//! negatives and values out of the field's range with a clear message. Every integer of the
//! API is documented as `int64`, so values past 2⁶³−1 are refused too.

use serde::Deserializer;
use serde::de::{Error, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// For `#[serde(deserialize_with = "crate::integral::de")]` on an unsigned integer field.
pub fn de<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    struct Integral<T>(PhantomData<T>);

    impl<T: TryFrom<u64>> Visitor<'_> for Integral<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number, not negative, within the field's range")
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<T, E> {
            if v > i64::MAX as u64 {
                return Err(E::invalid_value(serde::de::Unexpected::Unsigned(v), &self));
            }
            T::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<T, E> {
            u64::try_from(v)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
                .and_then(|v| self.visit_u64(v))
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<T, E> {
            // 2^64 is the first float past u64::MAX.
            if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
                self.visit_u64(v as u64)
            } else {
                Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
            }
        }
    }

    deserializer.deserialize_any(Integral(PhantomData))
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug)]
    struct Small {
        #[serde(deserialize_with = "super::de")]
        n: u8,
    }

    fn n(json: &str) -> Result<u8, String> {
        serde_json::from_str::<Small>(&format!("{{\"n\": {json}}}"))
            .map(|s| s.n)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn whole_floats_count_as_integers_and_nothing_else_does() {
        assert_eq!(n("3"), Ok(3));
        assert_eq!(n("3.0"), Ok(3));
        assert_eq!(n("255.0"), Ok(255));
        for bad in ["3.5", "-1", "256", "256.0", "1e300", "\"3\""] {
            let e = n(bad).unwrap_err();
            assert!(
                e.contains("whole number") || e.contains("invalid type"),
                "{bad}: {e}"
            );
        }
    }
}
