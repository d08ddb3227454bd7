use super::*;
use crate::identity::Email;

#[test]
fn closed_tickets_only_reopen_and_resolved_ones_close_or_reopen() {
    use TicketStatus::*;
    assert!(Open.can_become(Pending) && Pending.can_become(Resolved));
    assert!(Resolved.can_become(Closed) && Closed.can_become(Open));
    assert!(!Closed.can_become(Pending) && !Closed.can_become(Resolved));
    assert!(!Open.can_become(Closed) && !Pending.can_become(Closed));
    assert_eq!(Closed.choices(), vec![Open, Closed]);
}

#[test]
fn new_tickets_report_every_bad_field() {
    let long = "x".repeat(TITLE_MAX + 1);
    let Err(AppError::Validation { fields }) = NewTicket::parse(
        &long,
        "",
        "extreme",
        "not-a-uuid",
        "",
        "31/12/2026",
        "Peter",
    ) else {
        panic!("invalid");
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["title", "priority", "requester", "queue", "due"]);
    let ok = NewTicket::parse(
        "  Printer jam ",
        "",
        "high",
        "",
        "",
        "2026-12-03",
        "p@initech.com",
    )
    .unwrap();
    assert_eq!(
        ok.requester.map(|r| r.email),
        Email::try_from("p@initech.com".to_string()).ok()
    );
    assert_eq!(
        (ok.title.as_str(), ok.priority, ok.queue_id, ok.due_on),
        (
            "Printer jam",
            Priority::High,
            None,
            Some(time::macros::date!(2026 - 12 - 03))
        )
    );
    assert!(NewTicket::parse("", "", "low", "", "", "", "").is_err());
}

#[test]
fn nul_characters_are_refused_in_text_and_dropped_from_searches() {
    assert!(NewTicket::parse("Printer", "a\0b", "low", "", "", "", "").is_err());
    assert!(parse_comment("hi\0").is_err());
    let f = TicketFilter::from_query(|k| (k == "q").then(|| "dis\0k\u{b}".to_string()));
    assert_eq!(f.text.as_deref(), Some("disk"));
    let f = TicketFilter::from_query(|k| (k == "q").then(|| "\0".to_string()));
    assert_eq!(f.text, None);
}

#[test]
fn searches_match_word_beginnings_and_carry_no_query_syntax() {
    assert_eq!(prefix_search("invo").as_deref(), Some("invo:*"));
    assert_eq!(
        prefix_search("Printer, room 4!").as_deref(),
        Some("printer:* & room:* & 4:*")
    );
    assert_eq!(
        prefix_search("a:* | !b & (c)").as_deref(),
        Some("a:* & b:* & c:*")
    );
    assert_eq!(prefix_search("Café").as_deref(), Some("café:*"));
    assert_eq!(prefix_search(" -- "), None);
}

#[test]
fn filters_round_trip_through_their_query_string() {
    let f = TicketFilter {
        status: Some(TicketStatus::Pending),
        text: Some("café & co +1 100%".into()),
        sort: TicketSort::by(SortKey::Number).reversed(),
        ..TicketFilter::default()
    };
    assert_eq!(TicketFilter::from_query_string(&f.to_query()), f);
    assert_eq!(
        TicketFilter::from_query_string("?q=a%2&status=bogus")
            .text
            .as_deref(),
        Some("a%2")
    );
}

#[test]
fn bulk_selections_are_checked_and_summarised() {
    let a = Uuid::now_v7();
    assert_eq!(parse_bulk_ids(&format!("{a}, {a},")).unwrap(), vec![a]);
    assert!(parse_bulk_ids("").is_err());
    assert!(parse_bulk_ids("nope").is_err());
    let many = vec![a.to_string(); BULK_MAX + 1].join(",");
    assert!(parse_bulk_ids(&many).is_err());
    let r = BulkResult {
        changed: 2,
        unchanged: 1,
        skipped: vec![BulkSkip {
            number: 7,
            reason: "A closed ticket can't become pending.".into(),
        }],
    };
    assert_eq!(
        r.summary(),
        "Changed 2 tickets. 1 already matched. Skipped #7: A closed ticket can't become pending."
    );
}

#[test]
fn due_dates_are_days_in_a_sane_range() {
    assert_eq!(parse_due(" "), Ok(None));
    assert!(parse_due("1999-12-31").is_err());
    assert!(parse_due("2026-02-30").is_err());
    assert_eq!(
        parse_due("2026-02-28"),
        Ok(Some(time::macros::date!(2026 - 02 - 28)))
    );
}

/// REST filters name something or are refused; an empty value is not "any" (schemathesis
/// found `after=` accepted though the document's pattern forbids it).
#[test]
fn checked_filters_refuse_values_that_name_nothing() {
    let query = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let cursor = Cursor {
        key: 5,
        updated_micros: None,
        id: Uuid::nil(),
    }
    .encode();
    let ok = TicketFilter::from_query_checked(|k| (k == "after").then(|| cursor.clone()));
    assert!(ok.is_ok(), "{ok:?}");
    assert!(
        TicketFilter::from_query_checked(query(&[("status", "open"), ("sort", "oldest")])).is_ok()
    );
    for bad in [
        &[("after", "")][..],
        &[("after", "junk")],
        &[("status", "")],
        &[("status", "shut")],
        &[("queue", "not-a-uuid")],
        &[("sort", "")],
    ] {
        let err = TicketFilter::from_query_checked(query(bad)).unwrap_err();
        assert_eq!(err.status(), 422, "{bad:?}");
    }
}

#[test]
fn cursors_round_trip_and_reject_junk() {
    let c = Cursor {
        key: 1_795_386_499_000_123,
        updated_micros: None,
        id: Uuid::now_v7(),
    };
    assert_eq!(Cursor::decode(&c.encode()), Some(c));
    let ranked = Cursor {
        key: 3,
        updated_micros: Some(-1_795_386_499_000_123),
        id: Uuid::now_v7(),
    };
    assert_eq!(Cursor::decode(&ranked.encode()), Some(ranked));
    for bad in ["", "1", "x_y", "12_notauuid"] {
        assert_eq!(Cursor::decode(bad), None, "{bad}");
    }
    let id = Uuid::now_v7().simple();
    for key in [
        i64::MIN,
        i64::MAX,
        -62_135_596_800_000_001,
        253_402_300_800_000_000,
    ] {
        assert_eq!(Cursor::decode(&format!("{key}_{id}")), None, "{key}");
    }
    // Only the shape `encode` writes: not another spelling of the same position.
    let hyphenated = Uuid::now_v7().hyphenated().to_string();
    let upper = id.to_string().to_uppercase();
    for other in [
        format!("5_{hyphenated}"),
        format!("+5_{id}"),
        format!("5_{upper}"),
        format!("-_{id}"),
        format!("5._{id}"),
        format!("5.6.7_{id}"),
        format!(".5_{id}"),
    ] {
        assert_eq!(Cursor::decode(&other), None, "{other}");
    }
}

#[test]
fn hours_become_whole_minutes_without_floats() {
    assert_eq!(parse_hours(""), Ok(None));
    assert_eq!(parse_hours("2"), Ok(Some(120)));
    assert_eq!(parse_hours("1.5"), Ok(Some(90)));
    assert_eq!(parse_hours("1,25"), Ok(Some(75)));
    assert_eq!(parse_hours(".5"), Ok(Some(30)));
    assert_eq!(parse_hours("0.01"), Ok(Some(1)));
    for bad in ["-1", "1.234", "abc", "1.5h", ".", "999999"] {
        assert!(parse_hours(bad).is_err(), "{bad}");
    }
    assert_eq!(format_minutes(90), "1 h 30 min");
    assert_eq!(format_minutes(45), "45 min");
    assert_eq!(format_minutes(120), "2 h");
}

#[test]
fn filters_survive_a_round_trip_through_the_url() {
    let f = TicketFilter {
        status: Some(TicketStatus::Pending),
        priority: None,
        queue: Some(Uuid::now_v7()),
        assignee: None,
        client: Some(Uuid::now_v7()),
        contact: Some(Uuid::now_v7()),
        unresolved: false,
        overdue: false,
        text: Some("printer & fire".into()),
        sort: TicketSort::by(SortKey::Number).reversed(),
        after: None,
    };
    let q = f.to_query();
    let pairs: Vec<(String, String)> = q
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.replace("%20", " ").replace("%26", "&")))
        .collect();
    let back =
        TicketFilter::from_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    assert_eq!(back, f);
    assert_eq!(TicketFilter::default().href(None), "/tickets");
    assert_eq!(
        TicketFilter {
            status: Some(TicketStatus::Open),
            ..TicketFilter::default()
        }
        .href(Some("17_ab")),
        "/tickets?status=open&after=17_ab"
    );
    assert_eq!(
        TicketFilter::from_query(|_| Some("junk".into())).sort,
        TicketSort::by(SortKey::Updated)
    );
}

#[test]
fn a_refused_status_change_says_what_to_do_in_good_grammar() {
    assert_eq!(
        TicketStatus::Open.refusal(TicketStatus::Closed),
        "An open ticket can't become closed. Resolve it first, then close it."
    );
    assert_eq!(
        TicketStatus::Closed.refusal(TicketStatus::Pending),
        "A closed ticket can't become pending. Reopen it first."
    );
    for from in TicketStatus::ALL {
        for to in TicketStatus::ALL {
            if !from.can_become(to) {
                let said = from.refusal(to);
                assert!(!said.starts_with("A o"), "{said}");
                assert!(said.ends_with('.'), "{said}");
            }
        }
    }
}

#[test]
fn every_order_reads_back_from_its_url_and_old_names_still_work() {
    for key in SortKey::ALL {
        for sort in [TicketSort::by(key), TicketSort::by(key).reversed()] {
            let (name, dir) = sort.to_params();
            assert_eq!(TicketSort::parse(name, dir), Some(sort), "{sort:?}");
        }
    }
    assert_eq!(
        TicketSort::parse("newest", None),
        Some(TicketSort::by(SortKey::Number))
    );
    assert!(!TicketSort::parse("oldest", None).unwrap().descending);
    assert_eq!(
        TicketSort::by(SortKey::Priority).to_params(),
        ("priority", None)
    );
    assert_eq!(
        TicketSort::by(SortKey::Due).reversed().to_params(),
        ("due", Some("desc"))
    );
    for (sort, dir) in [
        ("newest", Some("asc")),
        ("priority", Some("up")),
        ("size", None),
    ] {
        assert_eq!(TicketSort::parse(sort, dir), None, "{sort} {dir:?}");
    }
}

#[test]
fn quick_views_have_clean_urls() {
    let mine = TicketFilter {
        assignee: Some(AssigneeFilter::Me),
        ..TicketFilter::default()
    };
    assert_eq!(mine.href(None), "/tickets?assignee=me");
    let overdue_unassigned = TicketFilter {
        assignee: Some(AssigneeFilter::Nobody),
        overdue: true,
        sort: TicketSort::by(SortKey::Due),
        ..TicketFilter::default()
    };
    let href = overdue_unassigned.href(None);
    assert_eq!(href, "/tickets?assignee=none&overdue=1&sort=due");
    assert_eq!(
        TicketFilter::from_query_string(href.trim_start_matches("/tickets")),
        overdue_unassigned
    );
    let page = TicketPage {
        tickets: vec![],
        next: None,
        total: COUNT_CAP,
        total_capped: true,
    };
    assert_eq!(page.total_label(), "10,000+ tickets");
    let one = TicketPage {
        total: 1,
        total_capped: false,
        ..page
    };
    assert_eq!(one.total_label(), "1 ticket");
}
