//! Decoding a response body into its type, with errors that name the place.
//!
//! A body is decoded in one pass with `serde_json`, from `&str` once the whole body is
//! checked to be UTF-8. Only when that fails is it read again to
//! say where: with `serde_path_to_error` for the JSON path (`images[3].min_disk`), and as a
//! `serde_json::Value` for the id of the list item the path is in. So a body that decodes
//! costs nothing extra.
//!
//! A page of a list ([`page`]) that fails as a whole is decoded item by item: the items that
//! decode are kept, each one that does not becomes an error of its own, and the page's
//! envelope (its `next` link) is read without them. Only a page whose envelope is wrong (not
//! an object, no list of items, a wrong `next`) fails as a whole.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::http::Reply;
use crate::listing::{Cursor, Listing};

/// The body of `reply` as `T`.
pub(crate) fn body<T: DeserializeOwned>(operation: &str, reply: &Reply) -> Result<T, Error> {
    fast::<T>(&reply.body).map_err(|error| explain::<T>(operation, reply, error))
}

/// The one-pass decode: UTF-8 checked once over the whole body, then read as `&str` (so the
/// parser does not check each string again); a body that is not UTF-8 is read as bytes for
/// serde_json's error, which names the place.
fn fast<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

/// A page of a list, decoded item by item where it has to be.
pub(crate) struct Decoded<L: Listing> {
    /// The items that decoded.
    pub(crate) items: Vec<L::Item>,
    /// One error for each item that did not.
    pub(crate) rejected: Vec<Error>,
    /// How the list goes on.
    pub(crate) cursor: Cursor,
    /// The id of the page's last item, decoded or not.
    pub(crate) last_id: Option<String>,
}

/// The body of `reply` as a page of `L`.
pub(crate) fn page<L: Listing>(operation: &str, reply: &Reply) -> Result<Decoded<L>, Error> {
    let whole_error = match fast::<L>(&reply.body) {
        Ok(list) => {
            let (items, cursor) = list.into_parts();
            let last_id = items.last().map(|item| L::item_id(item).to_string());
            return Ok(Decoded {
                items,
                rejected: Vec::new(),
                cursor,
                last_id,
            });
        }
        Err(error) => error,
    };
    let fail = |error| explain::<L>(operation, reply, error);
    let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(&reply.body) else {
        return Err(fail(whole_error));
    };
    let Some(Value::Array(raw_items)) =
        object.insert(L::ITEMS.to_string(), Value::Array(Vec::new()))
    else {
        return Err(fail(whole_error));
    };
    let envelope: L = match serde_json::from_value(Value::Object(object)) {
        Ok(envelope) => envelope,
        Err(_) => return Err(fail(whole_error)),
    };
    let (_, cursor) = envelope.into_parts();
    let last_id = raw_items.last().and_then(item_id);
    let mut items = Vec::with_capacity(raw_items.len());
    let mut rejected = Vec::new();
    for (index, raw) in raw_items.into_iter().enumerate() {
        let id = item_id(&raw);
        match serde_path_to_error::deserialize::<_, L::Item>(raw) {
            Ok(item) => items.push(item),
            Err(error) => {
                let inner = error.path().to_string();
                let path = match inner.as_str() {
                    "." => format!("{}[{index}]", L::ITEMS),
                    _ => format!("{}[{index}].{inner}", L::ITEMS),
                };
                rejected.push(Error::decode(
                    operation,
                    reply,
                    path,
                    id,
                    error.into_inner(),
                ));
            }
        }
    }
    Ok(Decoded {
        items,
        rejected,
        cursor,
        last_id,
    })
}

/// The error of a body that did not decode as `T`: read again for the path and the item id.
fn explain<T: DeserializeOwned>(operation: &str, reply: &Reply, error: serde_json::Error) -> Error {
    let mut deserializer = serde_json::Deserializer::from_slice(&reply.body);
    let (path, error) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(traced) => (traced.path().to_string(), traced.into_inner()),
        // Decoded this time: the first failure was after the value (trailing characters).
        Ok(_) => (String::new(), error),
    };
    let id = list_item_of(&path).and_then(|(key, index)| {
        let value = serde_json::from_slice::<Value>(&reply.body).ok()?;
        item_id(value.get(key)?.get(index)?)
    });
    Error::decode(operation, reply, path, id, error)
}

/// The array key and index a path starts with: `images[3].min_disk` → (`images`, 3).
fn list_item_of(path: &str) -> Option<(&str, usize)> {
    let (key, rest) = path.split_once('[')?;
    let (index, _) = rest.split_once(']')?;
    Some((key, index.parse().ok()?))
}

/// The `id` of a list item, if it has a string one.
fn item_id(item: &Value) -> Option<String> {
    item.get("id")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_list_item() {
        assert_eq!(list_item_of("images[3].min_disk"), Some(("images", 3)));
        assert_eq!(list_item_of("images[12]"), Some(("images", 12)));
        assert_eq!(list_item_of("next"), None);
        assert_eq!(list_item_of("."), None);
    }
}
