//! What a session's User-Agent says about the device: desktop, mobile or tablet, and
//! the browser and system, read by `woothee`.

use super::sessions::DeviceKind;

/// A device as the Sessions/Devices tab names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub kind: DeviceKind,
    pub browser: String,
    pub os: String,
}

/// The device behind `user_agent`. Woothee files tablets with phones, so an iPad, or an
/// Android device that does not say "Mobile", is taken for a tablet.
pub fn describe(user_agent: &str) -> Device {
    let Some(found) = woothee::parser::Parser::new().parse(user_agent) else {
        return Device {
            kind: DeviceKind::Other,
            browser: String::new(),
            os: String::new(),
        };
    };
    let is_tablet = user_agent.contains("iPad")
        || (user_agent.contains("Android") && !user_agent.contains("Mobile"));
    let kind = match found.category {
        _ if is_tablet => DeviceKind::Tablet,
        "pc" => DeviceKind::Desktop,
        "smartphone" | "mobilephone" => DeviceKind::Mobile,
        _ => DeviceKind::Other,
    };
    let known = |text: &str| (text != woothee::woothee::VALUE_UNKNOWN).then(|| text.to_owned());
    let browser = match (known(found.name), known(found.version)) {
        (Some(name), Some(version)) => format!("{name} {version}"),
        (Some(name), None) => name,
        _ => String::new(),
    };
    Device {
        kind,
        browser,
        os: known(found.os).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desktops_phones_and_tablets_are_told_apart_with_their_browser_and_system() {
        let mac = describe(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 \
             (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        );
        assert_eq!(mac.kind, DeviceKind::Desktop);
        assert_eq!(mac.browser, "Chrome 120.0.0.0");
        assert_eq!(mac.os, "Mac OSX");
        let iphone = describe(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 \
             (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(iphone.kind, DeviceKind::Mobile);
        assert_eq!(iphone.os, "iPhone");
        let ipad = describe(
            "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 \
             (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(ipad.kind, DeviceKind::Tablet);
        let android_tablet = describe(
            "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 \
             (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
        );
        assert_eq!(android_tablet.kind, DeviceKind::Tablet);
        let script = describe("curl/8.5.0");
        assert_eq!(script.kind, DeviceKind::Other);
    }
}
