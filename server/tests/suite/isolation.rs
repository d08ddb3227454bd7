//! Tenant isolation, proven twice: the database refuses cross-tenant rows to the application
//! role (RLS), and no endpoint hands organisation A's data to a member of organisation B.

use crate::common::{scope_connection, TestApp};
use leptos::server_fn::ServerFn;
use reqwest::header;
use sqlx::{Connection, Row};
use uuid::Uuid;

/// A signed-up member: their cookies and the identifiers that must never leak to others.
struct Member {
    cookies: String,
    organisation_id: Uuid,
    session_id: Uuid,
    membership_id: Uuid,
    invitation_id: Uuid,
    ticket_id: Uuid,
    approval_id: Uuid,
    attachment_id: Uuid,
    api_token_id: Uuid,
    view_id: Uuid,
    queue_id: Uuid,
    client_id: Uuid,
    contact_id: Uuid,
    location_id: Uuid,
    asset_id: Uuid,
    secrets: Vec<String>,
}

async fn member(app: &TestApp, email: &str, organisation: &str) -> Member {
    let cookies = crate::common::sign_up(app, organisation, email, organisation).await;
    let mut db = app.db.owner_connection().await;
    let row = sqlx::query(
        "select u.id as user_id, s.id as session_id, s.active_organisation_id as organisation_id
           from users u join sessions s on s.user_id = u.id where u.email = $1",
    )
    .bind(email)
    .fetch_one(&mut db)
    .await
    .unwrap();
    let organisation_id: Uuid = row.get("organisation_id");
    scope_connection(&mut db, organisation_id).await;
    let membership_id: Uuid = sqlx::query_scalar("select id from memberships")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let session_id: Uuid = row.get("session_id");
    let user_id: Uuid = row.get("user_id");
    // A pending invitation too, so invitation endpoints have something of A's to aim at.
    let invitee = format!("invitee.{email}");
    let r = app
        .client
        .post(app.url("/api/members/invite"))
        .header(header::COOKIE, &cookies)
        .form(&[("email", invitee.as_str()), ("role", "staff")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let invitation_id: Uuid = sqlx::query_scalar("select id from invitations")
        .fetch_one(&mut db)
        .await
        .unwrap();
    // And a ticket, so ticket endpoints have something of A's to aim at.
    let title = format!("{organisation} ticket");
    let r = app
        .client
        .post(app.url("/api/tickets/create"))
        .header(header::COOKIE, &cookies)
        .form(&[
            ("title", title.as_str()),
            ("description", "private description"),
            ("priority", "high"),
            ("queue", ""),
            ("assignee", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let ticket_id: Uuid = sqlx::query_scalar("select id from tickets")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let r = app
        .client
        .post(app.url("/api/tickets/request_approval"))
        .header(header::COOKIE, &cookies)
        .form(&[
            ("ticket_id", ticket_id.to_string()),
            ("note", "approve me".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let approval_id: Uuid = sqlx::query_scalar("select id from approvals")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let file_text = format!("{organisation} private file");
    let r = app
        .client
        .post(app.url("/tickets/1/attachments"))
        .header(header::COOKIE, &cookies)
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::text(file_text.clone()).file_name("notes.txt"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let attachment_id: Uuid = sqlx::query_scalar("select id from attachments")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let made = crate::common::json(
        app,
        "/api/api_tokens/create",
        &cookies,
        &[("name", "Sync"), ("role", "staff")],
    )
    .await;
    let api_token_id: Uuid = made["token"]["id"].as_str().unwrap().parse().unwrap();
    let api_secret = made["secret"].as_str().unwrap().to_string();
    let view_name = format!("{organisation} private view");
    crate::common::json(
        app,
        "/api/tickets/views/save",
        &cookies,
        &[("name", view_name.as_str()), ("query", "status=open")],
    )
    .await;
    let view_id: Uuid = sqlx::query_scalar("select id from saved_views")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let queue_id: Uuid = sqlx::query_scalar("select id from queues where is_default")
        .fetch_one(&mut db)
        .await
        .unwrap();
    // A client with a domain, and a contact there, so customer endpoints have A's to aim at.
    let client_name = format!("{organisation} client");
    let domain = format!("{}.example", organisation_id.simple());
    let client_id: Uuid = crate::common::json(
        app,
        "/api/clients/save",
        &cookies,
        &[
            ("client[name]", client_name.as_str()),
            ("client[domains]", domain.as_str()),
        ],
    )
    .await
    .as_str()
    .unwrap()
    .parse()
    .unwrap();
    let contact_name = format!("{organisation} contact");
    let contact_email = format!("someone@{domain}");
    let client_text = client_id.to_string();
    let contact_id: Uuid = crate::common::json(
        app,
        "/api/contacts/save",
        &cookies,
        &[
            ("contact[name]", contact_name.as_str()),
            ("contact[emails]", contact_email.as_str()),
            ("contact[client]", client_text.as_str()),
        ],
    )
    .await
    .as_str()
    .unwrap()
    .parse()
    .unwrap();
    // A ticket for that contact, so the client and requester filters have A's to aim at.
    let r = app
        .client
        .post(app.url("/api/tickets/create"))
        .header(header::COOKIE, &cookies)
        .form(&[
            ("title", "For the client"),
            ("priority", "low"),
            ("requester", contact_email.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let tied: (Option<Uuid>, Option<Uuid>) =
        sqlx::query_as("select contact_id, client_id from tickets where number = 2")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(tied, (Some(contact_id), Some(client_id)));
    // A location and an asset there, linked to that ticket.
    let location_name = format!("{organisation} site");
    let location_id: Uuid = crate::common::json(
        app,
        "/api/locations/save",
        &cookies,
        &[
            ("location[client]", client_text.as_str()),
            ("location[name]", location_name.as_str()),
        ],
    )
    .await
    .as_str()
    .unwrap()
    .parse()
    .unwrap();
    let asset_name = format!("{organisation} laptop");
    let (location_text, contact_text) = (location_id.to_string(), contact_id.to_string());
    let asset_id: Uuid = crate::common::json(
        app,
        "/api/assets/save",
        &cookies,
        &[
            ("asset[client]", client_text.as_str()),
            ("asset[name]", asset_name.as_str()),
            ("asset[serial_number]", "SERIAL-1"),
            ("asset[location]", location_text.as_str()),
            ("asset[contact]", contact_text.as_str()),
        ],
    )
    .await
    .as_str()
    .unwrap()
    .parse()
    .unwrap();
    crate::common::json(
        app,
        "/api/assets/link",
        &cookies,
        &[("number", "2"), ("asset", "SERIAL-1")],
    )
    .await;
    // An invoice, as Stripe's webhook would have left it, so billing has something of A's.
    let invoice_number = format!("INV-{}", organisation_id.simple());
    sqlx::query(
        "insert into invoices (organisation_id, id, stripe_invoice_id, number, status, currency,
                               amount_due, amount_paid, created_at, stripe_state_at)
         values ($1, $2, $3, $3, 'paid', 'GBP', 4321, 4321, now(), now())",
    )
    .bind(organisation_id)
    .bind(Uuid::now_v7())
    .bind(&invoice_number)
    .execute(&mut db)
    .await
    .unwrap();
    let secrets = [
        organisation_id,
        session_id,
        membership_id,
        user_id,
        invitation_id,
        ticket_id,
        approval_id,
        attachment_id,
        api_token_id,
        view_id,
        queue_id,
        client_id,
        contact_id,
        location_id,
        asset_id,
    ]
    .iter()
    .flat_map(|id| [id.to_string(), id.simple().to_string()])
    .chain([
        email.to_string(),
        organisation.to_string(),
        invitee,
        title,
        file_text,
        api_secret,
        view_name,
        invoice_number,
        client_name,
        contact_name,
        domain,
        contact_email,
        location_name,
        asset_name,
    ])
    .collect();
    Member {
        cookies,
        organisation_id,
        session_id,
        membership_id,
        invitation_id,
        ticket_id,
        approval_id,
        attachment_id,
        api_token_id,
        view_id,
        queue_id,
        client_id,
        contact_id,
        location_id,
        asset_id,
        secrets,
    }
}

/// One request made as organisation B's member, aimed at organisation A's data.
struct Probe {
    method: &'static str,
    path: String,
    /// A form-encoded body, for POSTs.
    body: Option<String>,
    /// A list narrowed to A's id (a client, a contact): the right answer is B's list with
    /// nothing in it, not a 404, and the secrets check below is what proves it.
    narrows: bool,
}

/// `probe` as a list narrowed by one of A's ids.
fn narrowing(probe: Probe) -> Probe {
    Probe {
        narrows: true,
        ..probe
    }
}

/// A server function, called by its type: path and arguments come from the function itself.
fn call<F: ServerFn + serde::Serialize>(args: F) -> Probe {
    Probe {
        method: "POST",
        path: F::PATH.into(),
        body: Some(crate::common::server_fn_body(&args)),
        narrows: false,
    }
}

fn get(path: impl Into<String>) -> Probe {
    Probe {
        method: "GET",
        path: path.into(),
        body: None,
        narrows: false,
    }
}

fn send(method: &'static str, path: impl Into<String>, body: &str) -> Probe {
    Probe {
        method,
        path: path.into(),
        body: Some(body.into()),
        narrows: false,
    }
}

/// Every server function, page and route, aimed at A where it takes an id. A new endpoint
/// joins here with one line; `every_endpoint_has_a_cross_tenant_probe` fails until it does.
fn probes(a: &Member) -> Vec<Probe> {
    use app::api::tickets::*;
    use app::api::{
        api_tokens::*, audit::*, auth::*, billing::*, clients::*, members::*, profile::*,
        second_factor::*, system::*,
    };
    use app::model::clients::{
        AssetFilter, AssetForm, AssetId, ClientForm, ClientId, ContactForm, ContactId,
        LocationForm, LocationId,
    };
    let s = String::from;
    let no_code = || s("000000");
    // Each form submit carries its own token, as the rendered forms do.
    let token = || Some(uuid::Uuid::now_v7().to_string());
    vec![
        // Who is signed in, and their own account.
        call(GetViewer {}),
        call(GetSignInContext {}),
        call(ListSessions { limit: None }),
        call(RevokeSession { id: a.session_id }),
        call(ListMyOrganisations {}),
        call(SwitchOrganisation {
            organisation_id: a.organisation_id,
        }),
        call(ListLoginActivity {}),
        call(ListTimeZones {}),
        // B's own profile: refused input, so the probe changes nothing B's later checks read.
        call(UpdateProfile {
            name: s(""),
            time_zone: s("Europe/London"),
        }),
        call(ChangePassword {
            current_password: s("not the password"),
            new_password: s("a long new password"),
        }),
        call(SignOutOtherDevices {}),
        call(GetEmailChange {}),
        call(ChangeEmail {
            new_email: s("not an address"),
            current_password: s("not the password"),
        }),
        call(CancelEmailChange {}),
        // The wrong password: B's member stays, and A's people are never in reach.
        call(EraseAccount {
            current_password: s("not the password"),
            understood: Some(s("yes")),
        }),
        call(CheckEmailLink {
            token: s("not-a-token"),
        }),
        call(ConfirmEmail {
            token: s("not-a-token"),
        }),
        call(GetSystemStatus {}),
        // Signing in and recovering an account: public, addressed by email or token.
        call(SignIn {
            email: s("ada@acme.example"),
            password: s("not the password"),
            next: s("/tickets"),
        }),
        call(GetPendingChallenge {}),
        call(VerifySecondFactor {
            code: no_code(),
            next: s(""),
        }),
        call(RequestPasswordReset {
            email: s("nobody@example.net"),
        }),
        call(CheckResetLink {
            token: s("not-a-token"),
        }),
        call(ResetPassword {
            token: s("not-a-token"),
            password: s("a long new password"),
        }),
        call(SignUp {
            name: s("Eve"),
            email: s("eve@example.net"),
            password: s("a long new password"),
            organisation: s("Eve Ltd"),
        }),
        call(CheckSignUpLink {
            token: s("not-a-token"),
        }),
        call(ConfirmSignUp {
            token: s("not-a-token"),
        }),
        call(PreviewInvitation {
            token: s("not-a-token"),
        }),
        call(AcceptInvitation {
            token: s("not-a-token"),
            name: s("Eve"),
            password: s("a long new password"),
        }),
        // Second factor of B's own account.
        call(GetSecondFactor {}),
        call(StartEmailCodes {}),
        call(ConfirmEmailCodes { code: no_code() }),
        call(StartAuthenticator {}),
        call(ConfirmAuthenticator { code: no_code() }),
        call(SendConfirmationCode {}),
        call(ReplaceBackupCodes {
            password: s("wrong"),
            code: no_code(),
        }),
        call(TurnOffSecondFactor {
            password: s("wrong"),
            code: no_code(),
        }),
        // Members, audit, API tokens.
        call(ListMembers {}),
        call(InviteMember {
            email: s("new.person@example.net"),
            role: s("staff"),
            extra_seat_confirmed: None,
            form_token: token(),
        }),
        call(RevokeInvitation {
            id: a.invitation_id,
        }),
        call(ChangeMemberRole {
            membership_id: a.membership_id,
            role: s("staff"),
        }),
        call(SetMemberEnabled {
            membership_id: a.membership_id,
            enabled: false,
        }),
        call(AuditLog {
            filter: app::model::audit::AuditFilter {
                area: Some(app::model::audit::AuditArea::Members),
                ..Default::default()
            },
        }),
        call(ListApiTokens {}),
        call(CreateApiToken {
            name: s("Probe"),
            role: s("staff"),
        }),
        call(RevokeApiToken { id: a.api_token_id }),
        // Tickets.
        call(ListTickets {
            filter: Default::default(),
        }),
        call(TicketChoices {}),
        call(CreateTicket {
            title: s("B's own"),
            description: s(""),
            priority: s("low"),
            queue: s(""),
            assignee: s(""),
            due: s(""),
            requester: s("B's customer <customer@b-side.example>"),
            form_token: token(),
        }),
        narrowing(call(ListTickets {
            filter: app::model::tickets::TicketFilter {
                client: Some(a.client_id),
                ..Default::default()
            },
        })),
        narrowing(call(ListTickets {
            filter: app::model::tickets::TicketFilter {
                contact: Some(a.contact_id),
                ..Default::default()
            },
        })),
        call(GetTicket { number: 1 }),
        call(UpdateTicket {
            id: a.ticket_id,
            version: Some(1),
            only: None,
            status: s("pending"),
            priority: s("low"),
            queue: s(""),
            assignee: s(""),
            due: s(""),
        }),
        call(app::api::home::GetHome {}),
        call(TicketNeighbours {
            number: 1,
            filter: Default::default(),
        }),
        call(AddComment {
            ticket_id: a.ticket_id,
            body: s("hello"),
            internal: false,
            form_token: token(),
        }),
        call(AddInspection {
            ticket_id: a.ticket_id,
            summary: s("found"),
            cause: s(""),
            recommendation: s(""),
            hours: s(""),
            form_token: token(),
        }),
        call(RequestApproval {
            ticket_id: a.ticket_id,
            note: s("please"),
            form_token: token(),
        }),
        call(DecideApproval {
            approval_id: a.approval_id,
            decision: s("approved"),
            reason: s(""),
        }),
        call(BulkUpdateTickets {
            ids: a.ticket_id.to_string(),
            status: s(""),
            priority: s("low"),
            assignee: s(""),
        }),
        call(ListSavedViews {}),
        call(SaveView {
            name: s("B's view"),
            query: s("status=open"),
        }),
        call(DeleteView { id: a.view_id }),
        call(ListQueues {}),
        call(CreateQueue {
            name: s("B's queue"),
            form_token: token(),
        }),
        call(RenameQueue {
            id: a.queue_id,
            name: s("Taken over"),
        }),
        call(MakeDefaultQueue { id: a.queue_id }),
        // Clients and contacts: A's by id, and B's own aimed at A's client.
        call(ListClients {
            filter: Default::default(),
        }),
        call(GetClient {
            id: ClientId(a.client_id),
        }),
        call(SaveClient {
            id: Some(ClientId(a.client_id)),
            version: Some(1),
            client: ClientForm {
                name: s("Taken over"),
                ..Default::default()
            },
            form_token: token(),
        }),
        call(ClientChoices { q: s("") }),
        call(ListContacts {
            filter: Default::default(),
        }),
        narrowing(call(ListContacts {
            filter: app::model::clients::ContactFilter {
                client: Some(ClientId(a.client_id)),
                ..Default::default()
            },
        })),
        call(GetContact {
            id: ContactId(a.contact_id),
        }),
        call(SaveContact {
            id: Some(ContactId(a.contact_id)),
            version: Some(1),
            contact: ContactForm {
                name: s("Taken over"),
                ..Default::default()
            },
            form_token: token(),
        }),
        call(SaveContact {
            id: None,
            version: None,
            contact: ContactForm {
                name: s("B's own"),
                client: a.client_id.to_string(),
                ..Default::default()
            },
            form_token: token(),
        }),
        call(ContactChoices { q: s("") }),
        // Locations and assets: A's by id, B's own aimed at A's client, A's linked to B's
        // ticket by A's serial number (which B's organisation does not have).
        call(SaveLocation {
            id: Some(LocationId(a.location_id)),
            version: Some(1),
            location: LocationForm {
                client: a.client_id.to_string(),
                name: s("Taken over"),
                ..Default::default()
            },
            form_token: token(),
        }),
        call(SaveLocation {
            id: None,
            version: None,
            location: LocationForm {
                client: a.client_id.to_string(),
                name: s("B's own"),
                ..Default::default()
            },
            form_token: token(),
        }),
        call(ListAssets {
            filter: Default::default(),
        }),
        narrowing(call(ListAssets {
            filter: AssetFilter {
                client: Some(ClientId(a.client_id)),
                ..Default::default()
            },
        })),
        call(ListAssets {
            filter: AssetFilter {
                warranty: true,
                ..Default::default()
            },
        }),
        call(GetAsset {
            id: AssetId(a.asset_id),
        }),
        call(AssetFormChoices {
            client: ClientId(a.client_id),
        }),
        call(SaveAsset {
            id: Some(AssetId(a.asset_id)),
            version: Some(1),
            asset: AssetForm {
                client: a.client_id.to_string(),
                name: s("Taken over"),
                ..Default::default()
            },
            form_token: token(),
        }),
        call(SaveAsset {
            id: None,
            version: None,
            asset: AssetForm {
                client: a.client_id.to_string(),
                name: s("B's own"),
                ..Default::default()
            },
            form_token: token(),
        }),
        call(LinkAsset {
            number: 1,
            asset: s("SERIAL-1"),
        }),
        call(UnlinkAsset {
            number: 1,
            asset: AssetId(a.asset_id),
        }),
        call(ChangeRequester {
            number: 1,
            requester: s("newcomer@b-only.example"),
        }),
        // Billing.
        call(GetBillingOverview {}),
        call(PlanEntitlements {}),
        call(QuoteSeat {}),
        call(ChoosePlan { plan: s("starter") }),
        call(BillingPortal {}),
        // Pages.
        get("/"),
        get("/signin"),
        get("/signin/verify"),
        get("/signup"),
        get("/signup/confirm?token=not-a-token"),
        get("/forgot-password"),
        get("/reset-password?token=not-a-token"),
        get("/invitation?token=not-a-token"),
        get("/status"),
        get("/pricing"),
        get("/design-system"),
        get("/account"),
        get("/account/email?token=not-a-token"),
        get("/members"),
        get("/audit"),
        get("/tickets"),
        get("/tickets/new"),
        get("/tickets/1"),
        get("/queues"),
        get("/clients"),
        get("/clients/new"),
        get(format!("/clients/{}", a.client_id)),
        get("/contacts"),
        get("/assets"),
        get(format!("/assets/{}", a.asset_id)),
        get(format!("/assets/new?client={}", a.client_id)),
        get("/api-tokens"),
        get("/billing"),
        // Routes outside Leptos.
        get("/tickets/export.csv"),
        narrowing(get(format!("/tickets/export.csv?client={}", a.client_id))),
        get("/clients/export.csv"),
        get("/contacts/export.csv"),
        narrowing(get(format!("/contacts/export.csv?client={}", a.client_id))),
        get("/assets/export.csv"),
        narrowing(get(format!("/assets/export.csv?client={}", a.client_id))),
        get("/billing/history.csv"),
        get("/audit/export.csv?area=members"),
        // Compressed, so the markers below could hide in it: org_export.rs unpacks B's own
        // export and checks every entry for the other organisation.
        get("/organisation/export.zip"),
        get("/account/export.json"),
        get(format!("/attachments/{}", a.attachment_id)),
        send("POST", "/tickets/1/attachments", ""),
        // The REST API.
        get("/api/v1"),
        get("/api/v1/openapi.json"),
        get("/api/v1/queues"),
        get("/api/v1/tickets"),
        send("POST", "/api/v1/tickets", r#"{"title":"B's own"}"#),
        get("/api/v1/tickets/1"),
        send(
            "PATCH",
            "/api/v1/tickets/1",
            r#"{"status":"pending","version":1}"#,
        ),
        get("/api/v1/tickets/1/comments"),
        send("POST", "/api/v1/tickets/1/comments", r#"{"body":"hello"}"#),
        get("/api/v1/tickets/1/attachments"),
        send("POST", "/api/v1/tickets/1/attachments", ""),
        get(format!("/api/v1/attachments/{}", a.attachment_id)),
        get("/api/v1/clients"),
        send("POST", "/api/v1/clients", r#"{"name":"B's own client"}"#),
        get(format!("/api/v1/clients/{}", a.client_id)),
        send(
            "PUT",
            format!("/api/v1/clients/{}", a.client_id),
            r#"{"name":"Taken over","version":1}"#,
        ),
        get("/api/v1/contacts"),
        narrowing(get(format!("/api/v1/contacts?client={}", a.client_id))),
        send("POST", "/api/v1/contacts", r#"{"name":"B's own contact"}"#),
        send(
            "POST",
            "/api/v1/contacts",
            &format!(
                r#"{{"name":"At A's client","client_id":"{}"}}"#,
                a.client_id
            ),
        ),
        get(format!("/api/v1/contacts/{}", a.contact_id)),
        send(
            "PUT",
            format!("/api/v1/contacts/{}", a.contact_id),
            r#"{"name":"Taken over","version":1}"#,
        ),
        get(format!("/api/v1/locations?client={}", a.client_id)),
        send(
            "POST",
            "/api/v1/locations",
            &format!(
                r#"{{"name":"At A's client","client_id":"{}"}}"#,
                a.client_id
            ),
        ),
        get(format!("/api/v1/locations/{}", a.location_id)),
        send(
            "PUT",
            format!("/api/v1/locations/{}", a.location_id),
            &format!(
                r#"{{"name":"Taken over","client_id":"{}","version":1}}"#,
                a.client_id
            ),
        ),
        get("/api/v1/assets"),
        narrowing(get(format!("/api/v1/assets?client={}", a.client_id))),
        send(
            "POST",
            "/api/v1/assets",
            &format!(
                r#"{{"name":"At A's client","client_id":"{}"}}"#,
                a.client_id
            ),
        ),
        get(format!("/api/v1/assets/{}", a.asset_id)),
        send(
            "PUT",
            format!("/api/v1/assets/{}", a.asset_id),
            &format!(
                r#"{{"name":"Taken over","client_id":"{}","version":1}}"#,
                a.client_id
            ),
        ),
        get(format!("/api/v1/organisations/{}", a.organisation_id)),
    ]
}

/// Endpoints left out of the probes, and why: each would end the probing member's session.
const NOT_PROBED: &[(&str, &str)] = &[
    (
        "/api/auth/sign_out",
        "ends the caller's own session; holds no data",
    ),
    (
        "/api/auth/sign_out_everywhere",
        "ends the caller's own sessions; holds no data",
    ),
];

/// Routes mounted outside Leptos and the REST document (server/src/router.rs, attachments.rs
/// and rest/mod.rs), which no registry lists at run time: kept here by hand, so a probe can be
/// checked to aim at something real. Health and Stripe's signed deliveries serve no tenant's
/// data and have no probe.
const UNLISTED_ROUTES: &[(&str, &str)] = &[
    ("GET", "/tickets/export.csv"),
    ("GET", "/clients/export.csv"),
    ("GET", "/contacts/export.csv"),
    ("GET", "/assets/export.csv"),
    ("GET", "/billing/history.csv"),
    ("GET", "/audit/export.csv"),
    ("GET", "/organisation/export.zip"),
    ("GET", "/account/export.json"),
    ("GET", "/attachments/{id}"),
    ("POST", "/tickets/{number}/attachments"),
    ("GET", "/api/v1"),
    ("GET", "/api/v1/openapi.json"),
    // The REST API's fallback: problem+json 404 for any other path.
    ("GET", "/api/v1/*rest"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", "/webhooks/stripe"),
];

/// Whether `path` (a probe's, with its query) is an instance of `template` (a route's:
/// `{name}` or `:name` is one segment, `*name` the rest).
fn matches(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (mut t, mut p) = (template.split('/'), path.split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(seg), _) if seg.starts_with('*') => return true,
            (Some(seg), Some(_)) if seg.starts_with(':') || seg.starts_with('{') => {}
            (Some(seg), Some(given)) if seg == given => {}
            _ => return false,
        }
    }
}

/// The cross-tenant probes cover every registered server function, every page route and every
/// REST operation the OpenAPI document lists: an endpoint added without a probe fails here.
#[tokio::test]
async fn every_endpoint_has_a_cross_tenant_probe() {
    let app = TestApp::spawn().await;
    let a = member(&app, "ada@acme.example", "Acme Facilities").await;
    let probes = probes(&a);
    let probed = |method: &str, template: &str| {
        probes
            .iter()
            .any(|p| p.method.eq_ignore_ascii_case(method) && matches(template, &p.path))
    };

    let mut endpoints: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (method.to_string(), path.to_string()))
        .collect();
    let functions = endpoints.len();
    for route in leptos_axum::generate_route_list(app::App) {
        for method in route.methods() {
            endpoints.push((
                format!("{method:?}").to_uppercase(),
                route.path().to_string(),
            ));
        }
    }
    let pages = endpoints.len() - functions;
    let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            endpoints.push((method.to_uppercase(), path.clone()));
        }
    }
    let rest = endpoints.len() - functions - pages;
    assert!(
        functions >= 60 && pages >= 15 && rest >= 10,
        "the registries came back nearly empty: {functions} functions, {pages} pages, {rest} REST"
    );

    let missing: Vec<String> = endpoints
        .iter()
        .filter(|(method, path)| {
            !probed(method, path) && !NOT_PROBED.iter().any(|(p, _)| p == path)
        })
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints without a cross-tenant probe: {missing:#?}"
    );
    // And each probe aims at a real endpoint: one enumerated, or one mounted outside them.
    let unlisted = UNLISTED_ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()));
    let known: Vec<(String, String)> = endpoints.iter().cloned().chain(unlisted).collect();
    let unknown: Vec<String> = probes
        .iter()
        .filter(|p| {
            !known
                .iter()
                .any(|(method, template)| p.method == method && matches(template, &p.path))
        })
        .map(|p| format!("{} {}", p.method, p.path))
        .collect();
    assert!(
        unknown.is_empty(),
        "probes that match no endpoint: {unknown:#?}"
    );
}

#[tokio::test]
async fn no_endpoint_gives_organisation_a_data_to_a_member_of_b() {
    let app = TestApp::spawn().await;
    let a = member(&app, "ada@acme.example", "Acme Facilities").await;
    let b = member(&app, "bob@globex.example", "Globex Support").await;

    for p in probes(&a) {
        let url = app.url(&p.path);
        let req = match (p.method, &p.body) {
            ("GET", _) => app.client.get(url),
            (method, body) => {
                let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                let body = body.clone().unwrap_or_default();
                let json = body.starts_with('{');
                app.client
                    .request(method, url)
                    .header(
                        header::CONTENT_TYPE,
                        if json {
                            "application/json"
                        } else {
                            "application/x-www-form-urlencoded"
                        },
                    )
                    .body(body)
            }
        };
        let r = req.header(header::COOKIE, &b.cookies).send().await.unwrap();
        let status = r.status();
        let body = r.text().await.unwrap();
        for secret in &a.secrets {
            assert!(
                !body.contains(secret.as_str()),
                "{} {} leaked {secret} (status {status})",
                p.method,
                p.path
            );
        }
        let aims_at_a = a.secrets.iter().any(|s| {
            p.path.contains(s.as_str()) || p.body.as_deref().is_some_and(|b| b.contains(s.as_str()))
        });
        if aims_at_a && !p.narrows {
            assert!(
                status == 404 || body.contains("not_found"),
                "{} {} with A's id must answer not found, got {status}: {body}",
                p.method,
                p.path
            );
        }
    }
    // B still sees their own data through the same endpoints: the probes are not vacuous.
    let own = app
        .client
        .post(app.url("/api/auth/viewer"))
        .header(header::COOKIE, &b.cookies)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(own.contains("Globex Support"), "{own}");
}

#[tokio::test]
async fn rls_hides_and_refuses_other_tenants_rows_for_the_app_role() {
    let app = TestApp::spawn().await;
    let a = member(&app, "ada@acme.example", "Acme Facilities").await;
    let b = member(&app, "bob@globex.example", "Globex Support").await;
    let mut conn = app.db.app_connection().await;

    // No tenant: no tenant rows at all.
    for table in ["memberships", "audit_log", "org_domains"] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(n, 0, "{table} without a tenant");
    }

    let mut tx = conn.begin().await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(a.organisation_id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let visible: Vec<Uuid> = sqlx::query_scalar("select id from memberships")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(visible, [a.membership_id], "A sees only A's membership");
    let audit_orgs: Vec<Uuid> =
        sqlx::query_scalar("select distinct organisation_id from audit_log")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    assert_eq!(audit_orgs, [a.organisation_id]);

    // Writing into B while scoped to A is refused by the policy's check.
    let err = sqlx::query("insert into memberships (organisation_id, id, user_id, role) select $1, $2, user_id, 'staff' from memberships")
        .bind(b.organisation_id)
        .bind(Uuid::now_v7())
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    tx.rollback().await.unwrap();

    // B's rows cannot be changed from A either: they are simply not there to update.
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(a.organisation_id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let touched = sqlx::query("update memberships set role = 'staff' where id = $1")
        .bind(b.membership_id)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(touched, 0);
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn the_audit_log_is_append_only_for_the_app_role() {
    let app = TestApp::spawn().await;
    let a = member(&app, "ada@acme.example", "Acme Facilities").await;
    let mut conn = app.db.app_connection().await;
    scope_connection(&mut conn, a.organisation_id).await;
    for sql in [
        "update audit_log set action = 'forged'",
        "delete from audit_log",
        "truncate audit_log",
    ] {
        let err = sqlx::query(sql).execute(&mut conn).await.unwrap_err();
        assert!(
            err.to_string().contains("permission denied"),
            "{sql}: {err}"
        );
    }
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(n >= 3);
}
