//! The WebAssembly chunks of the page being rendered, named in the page's head so the browser
//! fetches them beside the main bundle instead of after it.
//!
//! Each page is a lazy route (`app.rs`): `cargo leptos build --split` moves its code into
//! chunks and writes a manifest of the chunks each route needs. Leptos 0.8 means to add these
//! `<link rel="preload">` tags itself, but reads the manifest from a context its own render
//! cannot see, so the page hydrated only after a second round of fetches (measured: no chunk
//! was named in any page). Here the manifest is read once, at the first render.

use leptos::prelude::*;
use leptos_meta::Link;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The split build's manifest: the split loader's file and each lazy route's chunks.
struct Manifest {
    loader: String,
    routes: HashMap<String, Vec<String>>,
}

static MANIFEST: OnceLock<Option<Manifest>> = OnceLock::new();

/// Registers preload links for the chunks of `route` (the route type's name, as
/// `lazy_pages!` gives it) with the page's head. Nothing happens without a split build.
pub fn preload(route: &str) {
    let Some(options) = use_context::<LeptosOptions>() else {
        return;
    };
    let Some(manifest) = MANIFEST.get_or_init(|| read(&options)).as_ref() else {
        return;
    };
    // `#[lazy_route]` names a route's split point `__{route in snake case}_view_{hash}`.
    let prefix = format!("__{}_view_", snake_case(route));
    let Some(chunks) = manifest
        .routes
        .iter()
        .find_map(|(name, chunks)| name.starts_with(&prefix).then_some(chunks))
    else {
        return;
    };
    let pkg = format!("/{}", options.site_pkg_dir);
    // Rendered to register with the head (leptos_meta); they add nothing to the body, so the
    // browser's hydration walks the same nodes as before.
    let _ =
        view! { <Link rel="modulepreload" href=format!("{pkg}/{}", manifest.loader) /> }.to_html();
    for chunk in chunks {
        let _ = view! {
            <Link
                rel="preload"
                href=format!("{pkg}/{chunk}.wasm")
                as_="fetch"
                type_="application/wasm"
                crossorigin="anonymous"
            />
        }
        .to_html();
    }
}

fn read(options: &LeptosOptions) -> Option<Manifest> {
    let pkg = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    // With hashed file names, hash.txt (beside the binary) names this build's manifest.
    let (manifest_file, loader) = if options.hash_files {
        let hashes = std::env::current_exe().ok().and_then(|exe| {
            std::fs::read_to_string(exe.parent()?.join(&*options.hash_file)).ok()
        })?;
        let hash_of = |key: &str| {
            hashes.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == key).then(|| hash.trim().to_string())
            })
        };
        (
            format!("__wasm_split_manifest.{}.json", hash_of("manifest")?),
            format!("__wasm_split.{}.js", hash_of("split")?),
        )
    } else {
        (
            "__wasm_split_manifest.json".to_string(),
            "__wasm_split.______________________.js".to_string(),
        )
    };
    let text = std::fs::read_to_string(pkg.join(manifest_file)).ok()?;
    match serde_json::from_str(&text) {
        Ok(routes) => Some(Manifest { loader, routes }),
        Err(e) => {
            tracing::error!(error = %e, "the split build's manifest does not parse");
            None
        }
    }
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
        assert_eq!(super::snake_case("TicketsRoute"), "tickets_route");
        assert_eq!(super::snake_case("ApiTokensRoute"), "api_tokens_route");
    }
}
