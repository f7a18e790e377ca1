//! Where to go after signing in: a path of this site only, never another site.

use url::Url;

/// Where an admin lands when no (acceptable) return path is given.
pub const DEFAULT_PATH: &str = "/dashboard";

/// The local path (with its query) that `next` names, or the default. `next` is
/// resolved the way a browser would resolve it (tabs and newlines dropped, backslashes
/// read as slashes), and refused unless it stays on this origin; what is returned is
/// the parser's serialisation, so it is always a valid `Location` header.
pub fn safe_return_path(next: Option<&str>) -> String {
    const HERE: &str = "http://roster.invalid/";
    let Some(next) = next.filter(|next| next.starts_with('/')) else {
        return DEFAULT_PATH.to_owned();
    };
    let (Ok(base), Ok(target)) = (
        Url::parse(HERE),
        Url::parse(HERE).and_then(|b| b.join(next)),
    ) else {
        return DEFAULT_PATH.to_owned();
    };
    // A path that normalises to `//…` (e.g. `/.//evil.example`) would leave the site
    // when read back as a `Location`.
    if target.origin() != base.origin() || target.path().starts_with("//") {
        return DEFAULT_PATH.to_owned();
    }
    match target.query() {
        Some(query) => format!("{}?{query}", target.path()),
        None => target.path().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn local_paths_are_kept_with_their_query() {
        assert_eq!(safe_return_path(Some("/users?q=ann")), "/users?q=ann");
        assert_eq!(safe_return_path(Some("/users")), "/users");
        assert_eq!(safe_return_path(None), DEFAULT_PATH);
    }

    #[test]
    fn other_sites_are_never_a_return_path() {
        for next in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\\\\evil.example",
            "/%09/evil.example/../..",
            "/.//evil.example",
            "evil.example",
        ] {
            let path = safe_return_path(Some(next));
            assert!(
                path.starts_with('/') && !path.starts_with("//"),
                "{next:?} gave {path:?}"
            );
            assert!(!path.contains("evil.example") || !path.starts_with("//"));
            let resolved = Url::parse("http://roster.invalid/")
                .unwrap()
                .join(&path)
                .unwrap();
            assert_eq!(resolved.host_str(), Some("roster.invalid"), "{next:?}");
        }
    }

    #[test]
    fn control_characters_come_back_percent_encoded() {
        let path = safe_return_path(Some("/users?q=a%0Ab\u{0}c"));
        assert!(path.chars().all(|c| !c.is_control()), "{path:?}");
        assert!(http::HeaderValue::from_str(&path).is_ok());
    }

    proptest! {
        #[test]
        fn every_return_path_stays_on_this_site_and_is_a_valid_header(next in "\\PC{0,40}|/[\\t\\n\\\\/a-z.%0-9]{0,20}") {
            let path = safe_return_path(Some(&next));
            prop_assert!(path.starts_with('/') && !path.starts_with("//"), "{:?}", path);
            prop_assert!(http::HeaderValue::from_str(&path).is_ok());
            let resolved = Url::parse("http://roster.invalid/").unwrap().join(&path).unwrap();
            prop_assert_eq!(resolved.host_str(), Some("roster.invalid"));
        }
    }
}
