//! `server seed-scale`: realistic data at scale for the benchmark, fast. Organisations have
//! skewed sizes (the first has `--largest` tickets, the rest fall off as 2000 / i, at least
//! 20), each with members, three queues, tickets spread over two years with comments on about
//! a third and a `created` event each. Rows are made by `generate_series` inside PostgreSQL,
//! one organisation per transaction (the largest in batches), with progress on stderr.
//! Each organisation serves clients (bench-0 `--clients`, 10,000 by default, with five times
//! as many contacts, twice as many locations and ten times as many assets; the rest one per
//! 100 tickets, at least 5).
//! Organisations already present (by slug) are skipped, so it can be re-run.

use crate::config::Config;
use app::backend::db::TenantTx;
use app::model::tenancy::OrganisationId;
use sqlx::postgres::PgPoolOptions;
use sqlx::ConnectOptions;
use sqlx::PgPool;
use std::io::Write;
use uuid::Uuid;

/// The password of every generated member.
pub const SCALE_PASSWORD: &str = "workdesk-bench";
const BATCH: i64 = 50_000;
const SMALL_MEMBERS: i64 = 5;
const LARGE_MEMBERS: i64 = 50;
const CONTACTS_PER_CLIENT: i64 = 5;
const LOCATIONS_PER_CLIENT: i64 = 2;
const ASSETS_PER_CLIENT: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct ScaleOptions {
    /// How many organisations to generate.
    #[arg(long, default_value_t = 200)]
    pub organisations: i64,
    /// Tickets in the largest organisation (`bench-0`).
    #[arg(long, default_value_t = 1_000_000)]
    pub largest: i64,
    /// Clients of the largest organisation (each with 5 contacts, 2 locations, 10 assets).
    #[arg(long, default_value_t = 10_000)]
    pub clients: i64,
}

/// What was generated (organisations already there are not counted).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScaleReport {
    pub organisations: i64,
    pub tickets: i64,
    pub clients: i64,
}

/// Clients of the `i`th organisation, `largest` for the first.
pub fn clients_for(i: i64, tickets: i64, largest: i64) -> i64 {
    if i == 0 {
        largest
    } else {
        (tickets / 100).max(5).min(largest)
    }
}

/// Tickets of the `i`th organisation.
pub fn tickets_for(i: i64, largest: i64) -> i64 {
    if i == 0 {
        largest
    } else {
        (2000 / i).max(20).min(largest)
    }
}

pub async fn run(config: &Config, options: ScaleOptions) -> Result<ScaleReport, sqlx::Error> {
    // Batches take seconds by design; sqlx's slow-statement warnings would only be noise.
    let options_db = config
        .app_connect_options()?
        .log_slow_statements(log::LevelFilter::Off, std::time::Duration::from_secs(3600));
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options_db)
        .await?;
    let password_hash = app::backend::identity::password::hash(SCALE_PASSWORD)
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let mut report = ScaleReport::default();
    for i in 0..options.organisations {
        let tickets = tickets_for(i, options.largest);
        let clients = clients_for(i, tickets, options.clients);
        if organisation(&pool, i, (tickets, clients), &password_hash).await? {
            report.organisations += 1;
            report.tickets += tickets;
            report.clients += clients;
        }
        progress(&format!(
            "organisations {}/{}, tickets so far {}",
            i + 1,
            options.organisations,
            report.tickets
        ));
    }
    eprintln!();
    pool.close().await;
    // Fresh statistics, or the planner keeps its empty-table estimates (and, for a filter on a
    // million-ticket tenant, sorts every match instead of walking an index). Only the owner may
    // analyse.
    if report.tickets > 0 {
        let mut owner = config.owner_connect_options()?.connect().await?;
        sqlx::query(
            "analyze tickets, comments, ticket_events, users, memberships, queues, clients,
                     client_domains, contacts, contact_emails, locations, assets",
        )
        .execute(&mut owner)
        .await?;
    }
    Ok(report)
}

fn progress(line: &str) {
    let mut err = std::io::stderr();
    let _ = write!(err, "\r\x1b[2K{line}");
    let _ = err.flush();
}

/// Generates organisation `i`; false if it already exists.
async fn organisation(
    pool: &PgPool,
    i: i64,
    (tickets, clients): (i64, i64),
    password_hash: &str,
) -> Result<bool, sqlx::Error> {
    // A command of its own, never cancelled halfway: the pool's own begin is safe here.
    #[allow(clippy::disallowed_methods)]
    let mut tx = pool.begin().await?;
    let slug = format!("bench-{i}");
    let org: Option<Uuid> = sqlx::query_scalar(
        "insert into organisations (id, slug, name) values ($1, $2, $3)
         on conflict (slug) do nothing returning id",
    )
    .bind(Uuid::now_v7())
    .bind(&slug)
    .bind(format!("Bench Organisation {i}"))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(org) = org else {
        return Ok(false);
    };
    let mut tx = quiet_scope(tx, org).await?;
    let members = if i == 0 { LARGE_MEMBERS } else { SMALL_MEMBERS };
    sqlx::query(
        "with people as (
             insert into users (id, email, name, password_hash)
             select gen_random_uuid(), format('%s-%s@bench.example', $2::text, g), format('Member %s of %s', g, $2::text), $3
               from generate_series(1, $4::bigint) g
             on conflict (email) do update set name = excluded.name
             returning id, email)
         insert into memberships (organisation_id, id, user_id, role)
         select $1, gen_random_uuid(), id, case when email like '%-1@bench.example' then 'admin' else 'staff' end
           from people",
    )
    .bind(org)
    .bind(&slug)
    .bind(password_hash)
    .bind(members)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into queues (organisation_id, id, name, is_default)
         values ($1, gen_random_uuid(), 'General', true), ($1, gen_random_uuid(), 'Facilities', false),
                ($1, gen_random_uuid(), 'IT', false)",
    )
    .bind(org)
    .execute(&mut *tx)
    .await?;
    customers(&mut tx, org, clients).await?;
    if i == 0 {
        tx.commit().await?;
        progress("bench-0: clients, contacts, locations and assets");
        #[allow(clippy::disallowed_methods)] // as above
        let next = pool.begin().await?;
        tx = quiet_scope(next, org).await?;
    }
    let mut done = 0;
    while done < tickets {
        let upto = (done + BATCH).min(tickets);
        tickets_batch(&mut tx, org, (done + 1, upto), tickets).await?;
        if i == 0 {
            tx.commit().await?;
            progress(&format!("bench-0: tickets {upto}/{tickets}"));
            #[allow(clippy::disallowed_methods)] // as above
            let next = pool.begin().await?;
            tx = quiet_scope(next, org).await?;
        }
        done = upto;
    }
    sqlx::query("insert into ticket_counters (organisation_id, last_number) values ($1, $2)")
        .bind(org)
        .bind(tickets)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Scopes a bulk-load transaction to `org`, with the live-update trigger quiet.
async fn quiet_scope(
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    org: Uuid,
) -> Result<TenantTx, sqlx::Error> {
    let mut tx = TenantTx::enter(tx, OrganisationId(org)).await?;
    sqlx::query("select set_config('app.bulk_load', 'on', true)")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Tickets numbered `from..=to` of `total`, with their comments and created events. Ticket 1
/// is two years old, the last one an hour.
async fn tickets_batch(
    tx: &mut TenantTx,
    org: Uuid,
    (from, to): (i64, i64),
    total: i64,
) -> Result<(), sqlx::Error> {
    // Statuses and priorities skewed like a real helpdesk (most tickets closed, few urgent),
    // drawn from independent hashes of the number so every combination occurs.
    sqlx::query(
        "with q as (select array_agg(id order by name) ids from queues),
              m as (select array_agg(user_id order by user_id) ids from memberships)
         insert into tickets (organisation_id, id, number, queue_id, requester_id, assignee_id,
                              title, description, status, priority, created_at, updated_at)
         select $1, gen_random_uuid(), g,
                q.ids[1 + g % 3],
                m.ids[1 + g % array_length(m.ids, 1)],
                case when g % 5 = 0 then null else m.ids[1 + (g * 7) % array_length(m.ids, 1)] end,
                (array['Printer', 'Boiler', 'Network', 'Laptop', 'Projector', 'Door lock', 'Email', 'VPN'])[1 + g % 8]
                  || ' ' || (array['not working', 'making noise', 'slow', 'broken', 'needs replacing', 'keeps failing'])[1 + (g / 8) % 6]
                  || ' in room ' || (g % 400),
                'Reported by phone. Ticket ' || g || ' needs a look at ' || (array['the second floor', 'reception', 'the warehouse', 'the lab'])[1 + g % 4] || '.',
                (array['closed', 'closed', 'closed', 'resolved', 'resolved', 'open', 'open', 'pending'])[1 + abs(hashint8(g) % 8)],
                (array['low', 'medium', 'medium', 'medium', 'high', 'high', 'urgent', 'low'])[1 + abs(hashint8(g + 7919) % 8)],
                now() - make_interval(mins => (($4 - g) * 1051200 / $4)::int + 60),
                now() - make_interval(mins => (($4 - g) * 1051200 / $4)::int)
           from generate_series($2::bigint, $3::bigint) g, q, m",
    )
    .bind(org)
    .bind(from)
    .bind(to)
    .bind(total)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into ticket_events (organisation_id, id, ticket_id, actor_id, kind, created_at)
         select organisation_id, gen_random_uuid(), id, requester_id, 'created', created_at
           from tickets where number between $1 and $2",
    )
    .bind(from)
    .bind(to)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into comments (organisation_id, id, ticket_id, author_id, body, internal, created_at)
         select t.organisation_id, gen_random_uuid(), t.id, t.assignee_id,
                (array['Looking into it.', 'Parts ordered, due Thursday.', 'Fixed, please confirm.', 'Could not reproduce; more detail?'])[1 + (t.number + c) % 4],
                c = 2, t.created_at + make_interval(mins => 10 * c)
           from tickets t, generate_series(1, 1 + (t.number / 3 % 3)::int) c
          where t.number between $1 and $2 and t.number % 3 = 0",
    )
    .bind(from)
    .bind(to)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// `n` clients, each with a domain, five contacts with an address each, two locations and ten
/// assets (kinds in turn, warranties from a year ago to four years ahead, so about one in fifty
/// ends within the month). Ids are derived from the organisation and the row's number, so
/// children find their parents without a lookup.
async fn customers(tx: &mut TenantTx, org: Uuid, n: i64) -> Result<(), sqlx::Error> {
    let statements = [
        "insert into clients (organisation_id, id, name, phone, status)
         select $1, md5($1::text || ':client:' || g)::uuid,
                (array['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay',
                       'Soylent', 'Tyrell'])[1 + g % 10]
                  || ' ' || (array['Holdings', 'Labs', 'Partners', 'Logistics', 'Dental', 'Bakery',
                                   'Legal', 'Motors'])[1 + (g / 10) % 8] || ' ' || g,
                '+44 20 7946 ' || lpad((g % 10000)::text, 4, '0'),
                case when g % 10 = 0 then 'inactive' else 'active' end
           from generate_series(1, $2::bigint) g",
        "insert into client_domains (organisation_id, domain, client_id)
         select $1, 'client' || g || '.example', md5($1::text || ':client:' || g)::uuid
           from generate_series(1, $2::bigint) g",
        "insert into contacts (organisation_id, id, client_id, name, job_title, portal_access)
         select $1, md5($1::text || ':contact:' || g)::uuid,
                md5($1::text || ':client:' || (1 + (g - 1) / $3))::uuid,
                (array['Peter', 'Samir', 'Michael', 'Joanna', 'Milton', 'Bill', 'Dom', 'Anne'])[1 + g % 8]
                  || ' ' || (array['Gibbons', 'Nagheenanajar', 'Bolton', 'Smith', 'Waddams',
                                   'Lumbergh', 'Portwood', 'Lee'])[1 + (g / 8) % 8] || ' ' || g,
                (array['Office manager', 'Engineer', 'Director', ''])[1 + g % 4],
                (array['none', 'own', 'client'])[1 + g % 3]
           from generate_series(1, $2::bigint * $3) g",
        "insert into contact_emails (organisation_id, email, contact_id, position)
         select $1, 'person' || g || '@client' || (1 + (g - 1) / $3) || '.example',
                md5($1::text || ':contact:' || g)::uuid, 0
           from generate_series(1, $2::bigint * $3) g",
        "insert into locations (organisation_id, id, client_id, name, address)
         select $1, md5($1::text || ':location:' || g)::uuid,
                md5($1::text || ':client:' || (1 + (g - 1) / $4))::uuid,
                (array['Head office', 'Warehouse'])[1 + (g - 1) % $4] || ' ' || g,
                g || ' Main Street'
           from generate_series(1, $2::bigint * $4) g",
        "insert into assets (organisation_id, id, client_id, kind, name, manufacturer, model,
                             serial_number, purchased_on, warranty_ends, location_id, contact_id,
                             properties)
         select $1, md5($1::text || ':asset:' || g)::uuid, md5($1::text || ':client:' || c)::uuid,
                (array['workstation', 'laptop', 'server', 'network_device', 'printer', 'phone',
                       'software_licence', 'other'])[1 + g % 8],
                (array['Workstation', 'Laptop', 'Server', 'Switch', 'Printer', 'Phone',
                       'Office licence', 'Projector'])[1 + g % 8] || ' ' || g,
                (array['Lenovo', 'Dell', 'HP', 'Cisco', 'Brother', 'Apple'])[1 + g % 6],
                'M' || (g % 97),
                'SN' || lpad(g::text, 8, '0'),
                current_date - 730 + ((g * 7) % 365)::int,
                current_date - 365 + ((g * 37) % 1825)::int,
                md5($1::text || ':location:' || ((c - 1) * $4 + 1 + g % $4))::uuid,
                case when g % 2 = 0
                     then md5($1::text || ':contact:' || ((c - 1) * $3 + 1 + g % $3))::uuid end,
                jsonb_build_object('RAM', (8 * (1 + g % 4)) || ' GB')
           from generate_series(1, $2::bigint * $5) g,
                lateral (select 1 + (g - 1) / $5 as c) k",
    ];
    for sql in statements {
        sqlx::query(sql)
            .bind(org)
            .bind(n)
            .bind(CONTACTS_PER_CLIENT)
            .bind(LOCATIONS_PER_CLIENT)
            .bind(ASSETS_PER_CLIENT)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
