//! The dashboard's static files, embedded at build time from `web/` (see `build.rs`), so
//! the binary serves a working dashboard with no network and nothing beside it.

use include_dir::{Dir, include_dir};

static ASSETS: Dir<'static> = include_dir!("$OUT_DIR/dashboard");

/// One embedded file and the `Content-Type` it is served with.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
}

/// The file at `path` (relative, e.g. `app.js`); `""` is the page itself.
pub fn asset(path: &str) -> Option<Asset> {
    let path = if path.is_empty() { "index.html" } else { path };
    let file = ASSETS.get_file(path)?;
    Some(Asset {
        bytes: file.contents(),
        content_type: content_type(path),
    })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_its_bundle_are_embedded() {
        let page = asset("").expect("index.html");
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        let html = std::str::from_utf8(page.bytes).unwrap();
        assert!(html.contains("/dashboard/app.js") && html.contains("/dashboard/app.css"));
        assert!(
            asset("app.js").unwrap().bytes.len() > 10_000,
            "the bundle includes uPlot"
        );
        assert_eq!(
            asset("app.css").unwrap().content_type,
            "text/css; charset=utf-8"
        );
        assert!(asset("../Cargo.toml").is_none());
        assert!(asset("nope.js").is_none());
    }
}
