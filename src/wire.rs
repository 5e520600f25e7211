//! What the generated types need to read and write JSON exactly as the service sent it.
//!
//! The objects of [`crate::types`] are read and written by serde impls that `codegen`
//! generates (not derived): `null` is accepted for every optional field, and for a list or
//! map field it gives an empty one; a key sent twice keeps its last value (when both values
//! have the field's type); keys the spec does not list go to `extra`. Each object's
//! [`Presence`] records the optional fields that were sent as `null`, or as an empty list or
//! map, which the typed fields alone cannot tell from a field left out; serialising an object
//! writes them back. So a typed image serialised again holds every key the service sent, with
//! `null` where it sent `null`, and nothing where it sent nothing.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Visitor};

/// How the service sent an optional field that has no typed value (see [`Presence`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sent {
    /// The field was `null`.
    Null,
    /// The field was an empty list or map (`[]`, `{}`).
    Empty,
}

/// The optional fields of an object that the service sent as `null` or empty, by their JSON
/// names; every other optional field without a value was left out. Empty (and allocation
/// free) for most objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Presence {
    sent: Vec<(&'static str, Sent)>,
}

impl Presence {
    /// How the field `key` (its JSON name, such as `__os_version`) was sent, if it was sent
    /// as `null` or empty.
    pub fn get(&self, key: &str) -> Option<Sent> {
        self.sent
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, sent)| *sent)
    }

    /// Whether the field `key` was sent as `null`.
    pub fn is_null(&self, key: &str) -> bool {
        self.get(key) == Some(Sent::Null)
    }

    /// Whether the field `key` was sent as an empty list or map.
    pub fn is_empty(&self, key: &str) -> bool {
        self.get(key) == Some(Sent::Empty)
    }

    /// Every field recorded, in the order they came.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Sent)> + '_ {
        self.sent.iter().copied()
    }

    /// Marks `key` as sent `null`, or empty, or neither (with a value): the last time a key
    /// is sent decides.
    pub fn record(&mut self, key: &'static str, null: bool, empty: bool) {
        self.sent.retain(|(name, _)| *name != key);
        if null {
            self.sent.push((key, Sent::Null));
        } else if empty {
            self.sent.push((key, Sent::Empty));
        }
    }

    /// [`Presence::record`] for a key not recorded before (the generated decoders know when
    /// a key comes the first time): nothing earlier to replace.
    #[doc(hidden)]
    pub fn record_new(&mut self, key: &'static str, null: bool, empty: bool) {
        if null {
            self.sent.push((key, Sent::Null));
        } else if empty {
            self.sent.push((key, Sent::Empty));
        }
    }

    /// Marks `key` as sent `null` (for building an object by hand).
    pub fn set_null(&mut self, key: &'static str) {
        self.record(key, true, false);
    }
}

/// An object key, borrowed from the body when it has no escapes.
#[doc(hidden)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string.
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }
            fn visit_str<E>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_string())))
            }
            fn visit_string<E>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_time_a_key_is_sent_decides() {
        let mut presence = Presence::default();
        presence.record("tags", true, false);
        assert!(presence.is_null("tags"));
        presence.record("tags", false, true);
        assert!(presence.is_empty("tags"));
        presence.record("tags", false, false);
        assert_eq!(presence.get("tags"), None);
        assert_eq!(presence.iter().count(), 0);
    }
}
