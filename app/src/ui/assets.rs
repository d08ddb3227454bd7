//! The build's hashed files as the page's head names them: the stylesheet, and the WebAssembly
//! chunks of the page being rendered, so the browser fetches them beside the main bundle
//! instead of after it. Both are worked out once, not per render as leptos_meta's
//! `HashedStylesheet` does (it reads hash.txt from disk for every page).
//!
//! Each page is a lazy route (`app.rs`): `cargo leptos build --split` moves its code into
//! chunks and writes a manifest of the chunks each route needs. Leptos 0.8 means to add these
//! `<link rel="preload">` tags itself, but reads the manifest from a context its own render
//! cannot see, so the page hydrated only after a second round of fetches (measured: no chunk
//! was named in any page). Here the manifest is read once, at the first render.

use leptos::prelude::*;
use leptos_meta::{Link, Script};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The split build's preloads, made once from its manifest: for each lazy route (keyed by its
/// split point's name, `__{route in snake case}_view_{hash}`, as `#[lazy_route]` names it,
/// less the hash) a script naming its chunks, and the split loader's URL. A render only looks
/// its route up; it used to scan the manifest and format each chunk's URL on every page.
struct Preloads {
    loader: String,
    routes: HashMap<String, Arc<str>>,
}

static PRELOADS: OnceLock<Option<Preloads>> = OnceLock::new();

/// Registers preload links for the chunks of `route` (the route type's name, as
/// `lazy_pages!` gives it) with the page's head. Nothing happens without a split build.
pub fn preload(route: &str) {
    let Some(preloads) = PRELOADS
        .get_or_init(|| use_context::<LeptosOptions>().and_then(|options| read(&options)))
        .as_ref()
    else {
        return;
    };
    let Some(chunks) = preloads.routes.get(&snake_case(route)) else {
        return;
    };
    // Rendered to register with the head (leptos_meta); they add nothing to the body, so the
    // browser's hydration walks the same nodes as before.
    let _ = view! {
        <Link rel="modulepreload" href=preloads.loader.clone() />
        <Script>{Arc::clone(chunks)}</Script>
    }
    .to_html();
}

/// A script adding a `<link rel="preload">` for each chunk as the head is parsed, so the
/// browser fetches them as early as if the links were in the HTML. One script instead of a
/// leptos_meta `Link` per chunk (120 on the ticket list): those were 5 % of the list page's
/// CPU (issue 14) and 14 KB of its 89 KB.
fn preload_script(hrefs: &[String]) -> String {
    let hrefs = serde_json::to_string(hrefs).unwrap_or_else(|_| "[]".into());
    format!(
        "for(const href of {hrefs}){{const l=document.createElement(\"link\");\
         l.rel=\"preload\";l.as=\"fetch\";l.type=\"application/wasm\";\
         l.crossOrigin=\"anonymous\";l.href=href;document.head.appendChild(l)}}"
    )
}

/// The stylesheet's `<link>`, its URL worked out at the first render.
#[component]
pub fn Stylesheet(options: LeptosOptions) -> impl IntoView {
    static HREF: OnceLock<String> = OnceLock::new();
    let href = HREF.get_or_init(|| {
        let name = match hash_of(&options, "css") {
            Some(hash) => format!("{}.{hash}", options.output_name),
            None => options.output_name.to_string(),
        };
        format!("/{}/{name}.css", options.site_pkg_dir)
    });
    view! { <link id="leptos" rel="stylesheet" href=href.as_str() /> }
}

/// `key`'s hash in this build's hash.txt (beside the binary), if file names are hashed.
fn hash_of(options: &LeptosOptions, key: &str) -> Option<String> {
    if !options.hash_files {
        return None;
    }
    let hashes = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::read_to_string(exe.parent()?.join(&*options.hash_file)).ok())?;
    hashes.lines().find_map(|line| {
        let (file, hash) = line.split_once(':')?;
        (file.trim() == key).then(|| hash.trim().to_string())
    })
}

fn read(options: &LeptosOptions) -> Option<Preloads> {
    let pkg = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let (manifest_file, loader) = if options.hash_files {
        (
            format!(
                "__wasm_split_manifest.{}.json",
                hash_of(options, "manifest")?
            ),
            format!("__wasm_split.{}.js", hash_of(options, "split")?),
        )
    } else {
        (
            "__wasm_split_manifest.json".to_string(),
            "__wasm_split.______________________.js".to_string(),
        )
    };
    let text = std::fs::read_to_string(pkg.join(manifest_file)).ok()?;
    let manifest: HashMap<String, Vec<String>> = match serde_json::from_str(&text) {
        Ok(manifest) => manifest,
        Err(e) => {
            tracing::error!(error = %e, "the split build's manifest does not parse");
            return None;
        }
    };
    let url = format!("/{}", options.site_pkg_dir);
    let routes = manifest
        .into_iter()
        .filter_map(|(split_point, chunks)| {
            let route = split_point.strip_prefix("__")?.rsplit_once("_view_")?.0;
            let hrefs: Vec<String> = chunks.iter().map(|c| format!("{url}/{c}.wasm")).collect();
            Some((route.to_string(), preload_script(&hrefs).into()))
        })
        .collect();
    Some(Preloads {
        loader: format!("{url}/{loader}"),
        routes,
    })
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn route_names_become_the_split_points_names() {
        // As `read` keys them: the split point's name less its leading `__` and `_view_{hash}`.
        let split_point = "__api_tokens_route_view_2032624981641922068";
        let key = split_point
            .strip_prefix("__")
            .and_then(|s| s.rsplit_once("_view_"));
        assert_eq!(key.map(|k| k.0), Some("api_tokens_route"));
        assert_eq!(super::snake_case("TicketsRoute"), "tickets_route");
        assert_eq!(super::snake_case("ApiTokensRoute"), "api_tokens_route");
    }

    #[test]
    fn the_preload_script_names_each_chunk_and_needs_no_escaping() {
        let script =
            super::preload_script(&["/pkg/chunk_1.a.wasm".into(), "/pkg/chunk_2.b.wasm".into()]);
        assert!(
            script.contains(r#"["/pkg/chunk_1.a.wasm","/pkg/chunk_2.b.wasm"]"#),
            "{script}"
        );
        // Written into the page as it is: nothing a `<script>` element's text must escape.
        assert!(!script.contains(['<', '>', '&']), "{script}");
    }
}
