//! Both doc parsers of `xtask`: the input as a Markdown page (with HTML tables) and as a
//! reStructuredText page, through `xtask::docs::parse_page`. Checks: no panic; the same text
//! parses the same way twice; an error names a line within the text
//! (`xtask::docs::check_page`).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let text = String::from_utf8_lossy(data);
        xtask::docs::check_page("page.md", &text);
        xtask::docs::check_page("page.rst", &text);
    });
}
