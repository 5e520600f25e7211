//! Every response type through the crate's decode path: the input as the body of each of the
//! five operations (ImageList, CloudImageList, Image, ComputeImageList, V1ImageList), and as
//! a page of each of the three lists that page (item by item). Checks: no panic; a value
//! that decodes serialises and decodes again to the same JSON; errors are decode errors of
//! the operation; the page decode agrees with the whole decode (`ims::fuzzing::check_page`).

use ims::fuzzing::{self, Body, List};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        for kind in [Body::Image, Body::V1ImageList] {
            fuzzing::check_body(kind, data);
        }
        // check_page decodes the body whole (check_body) of the three list types as well.
        for list in List::ALL {
            fuzzing::check_page(list, data);
        }
    });
}
