//! Query strings, built in one place for every link and redirect the console makes.

use url::form_urlencoded;

/// `?name=value&…` from the pairs whose value is present and not blank, or an empty
/// string when there are none.
pub fn build<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if let Some(value) = value.filter(|value| !value.trim().is_empty()) {
            serializer.append_pair(name, value);
        }
    }
    let query = serializer.finish();
    if query.is_empty() {
        query
    } else {
        format!("?{query}")
    }
}

/// `value` encoded to stand as one value inside a query string.
pub fn encode_component(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_missing_values_are_left_out_and_the_rest_encoded() {
        let query = build([
            ("q", Some("ann lee&co")),
            ("status", Some(" ")),
            ("sort", None),
        ]);
        assert_eq!(query, "?q=ann+lee%26co");
        assert_eq!(build([("q", None)]), "");
    }

    #[test]
    fn a_path_encodes_as_one_value() {
        assert_eq!(encode_component("/users?q=a b"), "%2Fusers%3Fq%3Da+b");
    }
}
