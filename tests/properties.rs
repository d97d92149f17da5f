//! Property tests of every parser and encoder of outside input: whatever arrives, a clear error
//! or a good value, never a panic; and what the site encodes, it decodes back.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use api::ids::{CollectionId, CommentId, Global, PaperId, UserId, decode, decode_as};
use api::services::discussion::markdown::to_safe_html;
use api::services::pagination::{decode_cursor, encode_cursor};
use api::services::papers::arxiv::ArxivId;
use api::services::papers::dates::{parse_date, parse_month, parse_week};
use api::services::papers::import::parse_file;
use api::services::webhooks::address;
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

/// Up to `n` edits of `text`: bytes replaced, removed or inserted, or the text cut short, kept
/// UTF-8 (the parsers take `&str`).
fn mutated(text: &'static str, n: usize) -> impl Strategy<Value = String> {
    let edit = (any::<u8>(), any::<prop::sample::Index>(), 0u8..4);
    prop::collection::vec(edit, 0..=n).prop_map(move |edits| {
        let mut bytes = text.as_bytes().to_vec();
        for (byte, at, kind) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => {
                    bytes.remove(i);
                }
                2 => bytes.insert(i, byte),
                _ => bytes.truncate(i),
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

const ATOM: &str = include_str!("data/arxiv-response.xml");
const HUB_JSON: &str = r#"[{"paper": {"id": "2502.01456", "title": "Process Reinforcement",
  "summary": "Dense rewards.", "authors": [{"name": "Ganqu Cui"}, {"name": "Lifan Yuan"}],
  "publishedAt": "2025-02-03T17:27:58.000Z", "upvotes": 51},
  "submittedOnDailyAt": "2025-02-04T01:52:13.000Z", "title": "Process Reinforcement"}]"#;
const OWN_JSON: &str = r#"[{"arxiv_id": "2401.00001", "title": "One", "authors": ["A B"],
  "abstract": "x", "published_on": "2024-01-01", "upvotes": 3, "github_repo": null}]"#;

/// The attributes of a tag of the sanitised HTML (`name="value"`, as the sanitiser writes them:
/// values double-quoted, a `"` inside escaped), names lowercased.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = tag.trim_start_matches('/');
    // The element's name.
    rest = rest.trim_start();
    rest = &rest[rest.find(char::is_whitespace).unwrap_or(rest.len())..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest == "/" {
            return found;
        }
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            if let Some(quoted) = after.strip_prefix('"') {
                let close = quoted.find('"').unwrap_or(quoted.len());
                value = quoted[..close].to_owned();
                rest = quoted.get(close + 1..).unwrap_or("");
            } else {
                let close = after.find(char::is_whitespace).unwrap_or(after.len());
                value = after[..close].to_owned();
                rest = &after[close..];
            }
        }
        found.push((name, value));
    }
}

/// The URL scheme a URL names, as browsers read it (letters, digits, `+`, `-`, `.` before the
/// first `:`); `None` for a relative URL.
fn url_scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.trim().split_once(':')?;
    let is_scheme = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| scheme.to_ascii_lowercase())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn global_ids_round_trip_and_name_their_type(id in 1i64..i64::MAX) {
        prop_assert_eq!(decode_as::<PaperId>(&PaperId(id).global()), Some(PaperId(id)));
        prop_assert_eq!(decode_as::<UserId>(&UserId(id).global()), Some(UserId(id)));
        prop_assert_eq!(decode_as::<CommentId>(&CommentId(id).global()), Some(CommentId(id)));
        prop_assert_eq!(
            decode_as::<CollectionId>(&CollectionId(id).global()),
            Some(CollectionId(id))
        );
        // An ID of one type is not an ID of another.
        prop_assert_eq!(decode_as::<CommentId>(&PaperId(id).global()), None);
    }

    #[test]
    fn any_text_as_a_global_id_is_an_id_or_nothing(text in ".{0,64}", bytes in prop::collection::vec(any::<u8>(), 0..48)) {
        let _ = decode(&text);
        let _ = decode_as::<PaperId>(&text);
        let lossy = String::from_utf8_lossy(&bytes);
        let _ = decode(&lossy);
    }

    #[test]
    fn cursors_round_trip_and_stay_in_their_list(
        scope in "[a-z:-]{1,20}",
        key in ".{0,40}",
        id in any::<i64>(),
    ) {
        let cursor = encode_cursor(&scope, &key, id);
        let decoded = decode_cursor(&cursor, &scope, "after");
        prop_assert_eq!(decoded.ok(), Some((key, id)));
        let other = format!("{scope}-other");
        let refused = decode_cursor(&cursor, &other, "after");
        prop_assert!(refused.is_err());
    }

    #[test]
    fn any_text_as_a_cursor_is_a_cursor_or_bad_input(text in ".{0,80}") {
        if let Err(err) = decode_cursor(&text, "papers:trending", "after") {
            prop_assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
        }
    }

    #[test]
    fn dates_weeks_and_months_parse_what_they_print(days in 0i64..200_000) {
        let date = NaiveDate::from_ymd_opt(1700, 1, 1).unwrap() + chrono::Duration::days(days);
        let text = date.format("%Y-%m-%d").to_string();
        prop_assert_eq!(parse_date(&text, "date").ok(), Some(date));
        let week = date.iso_week();
        let range = parse_week(&format!("{}-W{:02}", week.year(), week.week()), "week").unwrap();
        prop_assert!(range.start.date_naive() <= date && date < range.end.date_naive());
        prop_assert_eq!(range.start.weekday(), chrono::Weekday::Mon);
        let month = parse_month(&date.format("%Y-%m").to_string(), "month").unwrap();
        prop_assert_eq!(month.start.date_naive().day(), 1);
        prop_assert!(month.start.date_naive() <= date && date < month.end.date_naive());
    }

    #[test]
    fn any_text_as_a_period_is_a_period_or_bad_input(text in ".{0,16}", digits in "[0-9W-]{0,12}") {
        for candidate in [&text, &digits] {
            for result in [
                parse_date(candidate, "date").map(|_| ()),
                parse_week(candidate, "week").map(|_| ()),
                parse_month(candidate, "month").map(|_| ()),
            ] {
                if let Err(err) = result {
                    prop_assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
                }
            }
        }
    }

    #[test]
    fn arxiv_ids_drop_their_version_and_refuse_the_rest(
        yymm in 701u32..3012,
        number in 0u32..100_000,
        version in proptest::option::of(1u32..30),
        text in ".{0,30}",
    ) {
        let id = format!("{yymm:04}.{number:05}");
        let written = match version {
            Some(v) => format!("arXiv:{id}v{v}"),
            None => id.clone(),
        };
        if yymm % 100 >= 1 && yymm % 100 <= 12 {
            let parsed = ArxivId::parse(&written);
            prop_assert_eq!(parsed.as_ref().map(ArxivId::as_str), Some(id.as_str()));
        }
        let _ = ArxivId::parse(&text);
    }

    #[test]
    fn import_files_are_a_clear_error_or_a_good_import(
        atom in mutated(ATOM, 6),
        hub in mutated(HUB_JSON, 6),
        own in mutated(OWN_JSON, 6),
        noise in ".{0,200}",
    ) {
        for text in [&atom, &hub, &own, &noise] {
            if let Ok(records) = parse_file(text) {
                for record in records {
                    let paper = record.paper;
                    prop_assert!(ArxivId::parse(paper.arxiv_id.as_str()).is_some());
                    prop_assert!(!paper.title.as_str().trim().is_empty());
                }
            }
        }
    }

    #[test]
    fn no_script_survives_the_markdown_sanitiser(
        text in ".{0,200}",
        tag in "(script|SCRIPT|ScRiPt|iframe|object|embed|style|svg|img)",
        attribute in "(onerror|onload|onclick|ONMOUSEOVER|style|href|src)",
        scheme in "(javascript|JAVASCRIPT|vbscript|data|jav&#x09;ascript)",
    ) {
        let inputs = [
            text.clone(),
            format!("{text}<{tag} {attribute}=\"alert(1)\">x</{tag}>"),
            format!("[link]({scheme}:alert(1)) <a href=\"{scheme}:alert(1)\">a</a> {text}"),
            format!("<{tag}><{tag}>{text}</{tag}></{tag}>"),
            format!("![img]({scheme}:alert(1)) <img src=x {attribute}=alert(1)>"),
        ];
        for input in inputs {
            let html = to_safe_html(&input).to_ascii_lowercase();
            // Text is escaped (`<` becomes `&lt;`), so only what sits between `<` and `>` is
            // markup: no dangerous element, no event handler, no script URL in any tag.
            for tag in html.split('<').skip(1).map(|rest| rest.split('>').next().unwrap_or("")) {
                let name = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("");
                prop_assert!(
                    !["script", "iframe", "object", "embed", "style", "svg"].contains(&name),
                    "{}", html
                );
                for (name, value) in attributes(tag) {
                    prop_assert!(!name.starts_with("on"), "an event handler in {}", html);
                    let url = matches!(name.as_str(), "href" | "src" | "action" | "formaction");
                    if let Some(scheme) = url_scheme(&value).filter(|_| url) {
                        let bad = ["javascript", "vbscript", "data", "file"].contains(&scheme.as_str());
                        prop_assert!(!bad, "{}", html);
                    }
                }
            }
        }
    }

    #[test]
    fn webhook_urls_are_http_with_a_host_or_refused(text in ".{0,120}", host in "[a-z0-9.-]{0,30}") {
        for candidate in [text.clone(), format!("https://{host}/hook"), format!("ftp://{host}")] {
            if let Ok(url) = address::parse(&candidate) {
                prop_assert!(matches!(url.scheme(), "http" | "https"));
                prop_assert!(url.host_str().is_some_and(|h| !h.is_empty()));
            }
        }
    }

    #[test]
    fn private_addresses_are_never_public(
        a in any::<u8>(), b in any::<u8>(), c in any::<u8>(), segments in any::<[u16; 7]>(),
    ) {
        for ip in [
            Ipv4Addr::new(10, a, b, c),
            Ipv4Addr::new(127, a, b, c),
            Ipv4Addr::new(192, 168, b, c),
            Ipv4Addr::new(169, 254, b, c),
            Ipv4Addr::new(172, 16 + (a % 16), b, c),
            Ipv4Addr::new(100, 64 + (a % 64), b, c),
        ] {
            prop_assert!(!address::is_public(IpAddr::V4(ip)), "{}", ip);
            // Also when carried in an IPv6 address.
            prop_assert!(!address::is_public(IpAddr::V6(ip.to_ipv6_mapped())), "{}", ip);
        }
        let [s1, s2, s3, s4, s5, s6, s7] = segments;
        let unique_local = Ipv6Addr::new(0xfc00 | (s1 & 0x01ff), s2, s3, s4, s5, s6, s7, 1);
        prop_assert!(!address::is_public(IpAddr::V6(unique_local)));
        let link_local = Ipv6Addr::new(0xfe80, 0, 0, 0, s4, s5, s6, s7);
        prop_assert!(!address::is_public(IpAddr::V6(link_local)));
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks_or_refused(text in ".{0,50}", ip in any::<IpAddr>(), prefix in 0u8..=32) {
        let _ = api::config::parse_proxy(&text);
        prop_assert!(api::config::parse_proxy(&ip.to_string()).is_ok());
        if let IpAddr::V4(v4) = ip {
            let network = format!("{v4}/{prefix}");
            prop_assert!(api::config::parse_proxy(&network).is_ok());
        }
    }

    #[test]
    fn graphql_nesting_is_measured_or_refused_never_a_panic(
        text in ".{0,300}",
        depth in 0usize..80,
        limit in 1usize..64,
    ) {
        let _ = api::graphql::engine::brackets::graphql(&text, limit);
        let _ = api::graphql::engine::brackets::json(text.as_bytes(), limit);
        let nested = format!("{}{}", "{ a ".repeat(depth), "}".repeat(depth));
        let measured = api::graphql::engine::brackets::graphql(&nested, limit);
        if depth <= limit {
            prop_assert_eq!(measured, Some(depth));
        } else {
            prop_assert_eq!(measured, None);
        }
    }
}
