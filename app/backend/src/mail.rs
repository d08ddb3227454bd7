//! Email: what each message says, as plain text and HTML. Messages are rendered when the change
//! that causes them is made and stored in the outbox; the relay only delivers them.

use serde::{Deserialize, Serialize};

/// One message as the outbox stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A call to action in a message: the link is also written out in the text part.
struct Action<'a> {
    label: &'a str,
    url: &'a str,
}

/// Builds a message from paragraphs, an optional button, and a closing line explaining why
/// the recipient got it. Every value is escaped in the HTML part.
fn compose(
    to: &str,
    subject: String,
    greeting: &str,
    paragraphs: &[String],
    action: Option<Action<'_>>,
    footer: &str,
) -> OutgoingEmail {
    let mut text = format!("{greeting}\n\n");
    let mut body = format!("<p>{}</p>", escape(greeting));
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
        body.push_str(&format!("<p>{}</p>", escape(p)));
    }
    if let Some(a) = &action {
        text.push_str(&format!("{}: {}\n\n", a.label, a.url));
        body.push_str(&format!(
            r#"<p><a href="{url}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600">{label}</a></p><p style="font-size:13px;color:#4b5563">Or paste this link into your browser: {url}</p>"#,
            url = escape(a.url),
            label = escape(a.label)
        ));
    }
    text.push_str(footer);
    text.push('\n');
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#111827;max-width:560px;margin:0 auto;padding:24px">{body}<hr style="border:none;border-top:1px solid #e5e7eb;margin:24px 0"><p style="font-size:13px;color:#4b5563">{footer}</p></body></html>"#,
        title = escape(&subject),
        footer = escape(footer),
    );
    OutgoingEmail {
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub fn password_reset(to: &str, name: &str, link: &str, valid_minutes: u64) -> OutgoingEmail {
    compose(
        to,
        "Reset your Workdesk password".into(),
        &format!("Hello {name},"),
        &[format!(
            "Someone asked to reset the password of your Workdesk account. The link below works once, for {valid_minutes} minutes."
        )],
        Some(Action {
            label: "Choose a new password",
            url: link,
        }),
        "If you didn't ask for this, ignore this email: your password stays as it is.",
    )
}

/// The link that finishes a sign-up; the account exists only once it is opened, so the
/// address is proven before anything is made.
pub fn confirm_sign_up(
    to: &str,
    name: &str,
    organisation: &str,
    link: &str,
    valid_hours: u64,
) -> OutgoingEmail {
    compose(
        to,
        "Finish creating your Workdesk organisation".into(),
        &format!("Hello {name},"),
        &[format!(
            "Open the link below to create {organisation} on Workdesk with this address. It works once, for {valid_hours} hours."
        )],
        Some(Action {
            label: "Create my organisation",
            url: link,
        }),
        "If you didn't sign up, ignore this email: nothing has been created.",
    )
}

/// What a sign-up with an address that already has an account sends to that account's owner,
/// instead of telling whoever typed it that the account exists.
pub fn sign_up_with_existing_account(
    to: &str,
    name: &str,
    sign_in: &str,
    reset: &str,
) -> OutgoingEmail {
    compose(
        to,
        "You already have a Workdesk account".into(),
        &format!("Hello {name},"),
        &[
            "Someone tried to create a new Workdesk account with this address, which already has one, so nothing new was made.".into(),
            format!("If it was you, sign in with the link below, or choose a new password if you've forgotten it: {reset}"),
        ],
        Some(Action {
            label: "Sign in",
            url: sign_in,
        }),
        "If it wasn't you, ignore this email: your account is unchanged.",
    )
}

/// `signed_in`: changed from the account page, which stays signed in (a reset signs out all).
pub fn password_changed(to: &str, name: &str, signed_in: bool) -> OutgoingEmail {
    let devices = if signed_in {
        "every other device"
    } else {
        "every device"
    };
    compose(
        to,
        "Your Workdesk password was changed".into(),
        &format!("Hello {name},"),
        &[format!(
            "The password of your Workdesk account was just changed, and {devices} was signed out."
        )],
        None,
        "If this wasn't you, reset your password now and tell your administrator.",
    )
}

/// The link that proves a new sign-in address; the account changes only once it is opened.
pub fn confirm_new_email(to: &str, name: &str, link: &str, valid_hours: u64) -> OutgoingEmail {
    compose(
        to,
        "Confirm your new Workdesk sign-in address".into(),
        &format!("Hello {name},"),
        &[format!(
            "You asked to sign in to Workdesk with this address from now on. Open the link below to make the change. It works once, for {valid_hours} hours."
        )],
        Some(Action {
            label: "Use this address",
            url: link,
        }),
        "If you didn't ask for this, ignore this email: no account uses this address unless the link is opened.",
    )
}

/// What an address change to an address that already has an account sends that address's
/// owner, instead of telling the one who asked that the account exists.
pub fn new_email_already_used(to: &str) -> OutgoingEmail {
    compose(
        to,
        "Your address was offered for another Workdesk account".into(),
        "Hello,",
        &["Someone signed in to Workdesk asked to use this address for their account. This address already has a Workdesk account, so nothing was changed.".into()],
        None,
        "If it was you, sign in with this address instead. If it wasn't, ignore this email: your account is unchanged.",
    )
}

/// Sent to the current address when a change is asked for (`done`: false) and when it is made.
pub fn email_change_notice(to: &str, name: &str, new_email: &str, done: bool) -> OutgoingEmail {
    let (subject, what) = if done {
        (
            "Your Workdesk sign-in address was changed",
            format!("Your Workdesk account now signs in with {new_email}. Emails about your account go there from now on."),
        )
    } else {
        (
            "A change of your Workdesk sign-in address was asked for",
            format!("Someone signed in to your Workdesk account asked to sign in with {new_email} instead of this address. The change is made only when the link sent to that address is opened."),
        )
    };
    compose(
        to,
        subject.into(),
        &format!("Hello {name},"),
        &[what],
        None,
        "If this wasn't you, choose a new password now (Forgot password on the sign-in page): that cancels the change, and tell your administrator.",
    )
}

pub fn second_factor_locked(to: &str, name: &str, wrong: i32, minutes: u64) -> OutgoingEmail {
    compose(
        to,
        "Two-step sign-in to your Workdesk account is locked".into(),
        &format!("Hello {name},"),
        &[
            format!("Someone entered {wrong} wrong sign-in codes for your account after typing its password, so codes are not accepted for the next {minutes} minutes."),
            "Only the second step is locked: whoever tried knows your password.".into(),
        ],
        None,
        "If this wasn't you, change your password now (Forgot password on the sign-in page) and tell your administrator.",
    )
}

pub fn sign_in_code(to: &str, name: &str, code: &str, valid_minutes: u64) -> OutgoingEmail {
    compose(
        to,
        format!("{code} is your Workdesk sign-in code"),
        &format!("Hello {name},"),
        &[
            format!("Your sign-in code is {code}. It works once, for {valid_minutes} minutes."),
            "Workdesk will never ask you for this code by phone or chat.".into(),
        ],
        None,
        "If you didn't try to sign in, someone knows your password: change it now.",
    )
}

pub fn invitation(
    to: &str,
    organisation: &str,
    inviter: &str,
    role: &str,
    link: &str,
    valid_days: u64,
) -> OutgoingEmail {
    compose(
        to,
        format!("{inviter} invited you to {organisation} on Workdesk"),
        "Hello,",
        &[format!(
            "{inviter} invited you to join {organisation} on Workdesk as {role}. The invitation is valid for {valid_days} days."
        )],
        Some(Action {
            label: "Accept the invitation",
            url: link,
        }),
        "If you weren't expecting this, ignore this email.",
    )
}

/// To each admin when a renewal payment fails and the grace period starts.
pub fn payment_failed(
    to: &str,
    name: &str,
    organisation: &str,
    grace_until: &str,
    billing_link: &str,
) -> OutgoingEmail {
    compose(
        to,
        format!("Payment failed for {organisation} on Workdesk"),
        &format!("Hello {name},"),
        &[format!(
            "We couldn't take the latest payment for {organisation}. Your plan's features stay on until {grace_until}; after that they turn off until the payment goes through. Your work is safe either way."
        )],
        Some(Action {
            label: "Update payment details",
            url: billing_link,
        }),
        "The payment provider retries the payment on its own; updating the card makes the next try succeed.",
    )
}

pub fn new_sign_in(
    to: &str,
    name: &str,
    device: &str,
    ip: &str,
    at: &str,
    account_link: &str,
) -> OutgoingEmail {
    compose(
        to,
        "New sign-in to your Workdesk account".into(),
        &format!("Hello {name},"),
        &[format!(
            "Your account was just signed in to from a device or address we haven't seen before: {device}, from {ip}, at {at}."
        )],
        Some(Action {
            label: "Review your devices",
            url: account_link,
        }),
        "If this was you, there's nothing to do. If not, sign that device out and change your password.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_in_html_but_not_in_text() {
        let m = invitation(
            "a@example.com",
            "<script>Acme</script>",
            "Ada \"A\" & co",
            "Staff",
            "https://acme.example/invite?t=1&x=2",
            7,
        );
        assert!(m.html.contains("&lt;script&gt;Acme&lt;/script&gt;"));
        assert!(!m.html.contains("<script>"));
        assert!(m.html.contains("Ada &quot;A&quot; &amp; co"));
        assert!(m.html.contains("https://acme.example/invite?t=1&amp;x=2"));
        assert!(m.text.contains("https://acme.example/invite?t=1&x=2"));
        assert!(m.subject.contains("<script>Acme</script>"));
    }

    #[test]
    fn the_code_is_in_the_subject_and_both_parts() {
        let m = sign_in_code("a@example.com", "Ada", "123456", 10);
        assert!(m.subject.starts_with("123456"));
        assert!(m.text.contains("123456") && m.html.contains("123456"));
    }
}
