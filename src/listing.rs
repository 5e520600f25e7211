//! The response types of the list operations that page: where their items are and how the
//! list goes on. [`crate::decode`] reads pages with it, [`crate::paginate`] follows them.

use serde::de::DeserializeOwned;

use crate::types;

/// How a list operation's response leads to the next page (for [`Listing`]).
#[doc(hidden)]
pub enum Cursor {
    /// A link to the next page; `None` on the last page.
    Link(Option<String>),
    /// The next page starts after the last item (`marker` = its id).
    AfterLastItem,
}

/// The response type of a list operation that pages: where its items are and how it
/// continues. Implemented for the list types of [`crate::types`] (those named in
/// `codegen`'s `LIST_TYPES`); the generated paging methods name it.
pub trait Listing: DeserializeOwned + Send + 'static {
    /// The type of the items.
    type Item: DeserializeOwned + Send + 'static;
    /// The key of the items' array in the response object.
    #[doc(hidden)]
    const ITEMS: &'static str;
    /// How the path of a next-page link must end.
    #[doc(hidden)]
    const PATH_SUFFIX: &'static str;
    /// The items, and how the list goes on.
    #[doc(hidden)]
    fn into_parts(self) -> (Vec<Self::Item>, Cursor);
    /// The id of an item (the marker of the page after it).
    #[doc(hidden)]
    fn item_id(item: &Self::Item) -> &str;
}

impl Listing for types::ImageList {
    type Item = types::Image;
    const ITEMS: &'static str = "images";
    const PATH_SUFFIX: &'static str = "/v2/images";
    fn into_parts(self) -> (Vec<types::Image>, Cursor) {
        (self.images, Cursor::Link(self.next))
    }
    fn item_id(item: &types::Image) -> &str {
        &item.id
    }
}

impl Listing for types::CloudImageList {
    type Item = types::Image;
    const ITEMS: &'static str = "images";
    const PATH_SUFFIX: &'static str = "/v2/cloudimages";
    fn into_parts(self) -> (Vec<types::Image>, Cursor) {
        (self.images, Cursor::AfterLastItem)
    }
    fn item_id(item: &types::Image) -> &str {
        &item.id
    }
}

impl Listing for types::ComputeImageList {
    type Item = types::ComputeImage;
    const ITEMS: &'static str = "images";
    const PATH_SUFFIX: &'static str = "/images/detail";
    fn into_parts(self) -> (Vec<types::ComputeImage>, Cursor) {
        // Nova: "images_links": [{"rel": "next", "href": "…?limit=…&marker=…"}]
        let next = self
            .extra
            .get("images_links")
            .and_then(|links| links.as_array())
            .into_iter()
            .flatten()
            .find(|link| link.get("rel").and_then(|r| r.as_str()) == Some("next"))
            .and_then(|link| link.get("href").and_then(|h| h.as_str()))
            .map(str::to_string);
        (self.images, Cursor::Link(next))
    }
    fn item_id(item: &types::ComputeImage) -> &str {
        &item.id
    }
}
