//! Next-link resolution of the paging streams. The input is the page URL, a newline, the
//! link (a page URL that is not `http`/`https` with a host is replaced by a fixed one).
//! Checks for both lists with links: no panic; a followed link stays on the page's scheme,
//! host and port and the list's path; a link to another origin is refused as a foreign link;
//! the next page's URL keeps every other parameter and carries the marker once
//! (`ims::fuzzing::check_next_link`).

use ims::fuzzing::{self, Linked};
use url::Url;

const DEFAULT_PAGE: &str = "http://127.0.0.1:8000/v2/images?limit=5&marker=m0";

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let text = String::from_utf8_lossy(data);
        let (page, link) = text.split_once('\n').unwrap_or((DEFAULT_PAGE, &text));
        let page = Url::parse(page)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .unwrap_or_else(|| Url::parse(DEFAULT_PAGE).expect("a valid URL"));
        for list in [Linked::Images, Linked::ComputeImages] {
            fuzzing::check_next_link(list, link, &page);
        }
    });
}
