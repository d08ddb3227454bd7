//! The benchmark's data generator: skewed organisations whose data the app serves like any
//! other, generated once (a re-run adds nothing).

use crate::common::{test_config, TestApp};
use server::scale_seed::{run, tickets_for, ScaleOptions, SCALE_PASSWORD};

#[tokio::test]
async fn generated_organisations_are_complete_and_usable() {
    let app = TestApp::spawn().await;
    let owner = app.db.owner_url();
    let config = test_config(&app.db.app_url(), &["--migration-database-url", &owner]);
    let options = ScaleOptions {
        organisations: 4,
        largest: 3000,
        clients: 200,
    };
    let report = run(&config, options).await.unwrap();
    let expected: i64 = (0..4).map(|i| tickets_for(i, 3000)).sum();
    assert_eq!((report.organisations, report.tickets), (4, expected));
    assert_eq!(tickets_for(0, 3000), 3000);
    assert!(
        tickets_for(3, 3000) < tickets_for(1, 3000),
        "sizes fall off"
    );
    assert_eq!(
        run(&config, options).await.unwrap().tickets,
        0,
        "a re-run adds nothing"
    );

    // Statistics are fresh: the planner knows bench-0's size.
    let mut db = app.db.owner_connection().await;
    let estimated: f32 =
        sqlx::query_scalar("select reltuples from pg_class where relname = 'tickets'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert!(estimated >= 3000.0, "{estimated}");

    // Every status meets every priority, so filtered lists find their rows like real ones do.
    let largest: uuid::Uuid =
        sqlx::query_scalar("select id from organisations where slug = 'bench-0'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    crate::common::scope_connection(&mut db, largest).await;
    let combinations: i64 =
        sqlx::query_scalar("select count(distinct (status, priority)) from tickets")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(combinations, 16);
    // Its customers: 200 clients, each with 5 people, 2 places and 10 things, every asset's
    // place and person its own client's (the keys would have refused it otherwise), and a
    // month's worth of warranties ending.
    let counts: (i64, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from clients), (select count(*) from contacts),
                (select count(*) from locations), (select count(*) from assets),
                (select count(*) from assets
                  where warranty_ends between current_date and current_date + 30)",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(
        (counts.0, counts.1, counts.2, counts.3),
        (200, 1000, 400, 2000)
    );
    assert!(counts.4 > 0, "no warranty ends within the month");

    // A generated member signs in and sees their organisation's tickets, numbered from 1, with
    // the counter ready for the next one.
    let r = crate::common::call(
        &app,
        "/api/auth/sign_in",
        "",
        &[
            ("email", "bench-2-1@bench.example"),
            ("password", SCALE_PASSWORD),
        ],
    )
    .await;
    let jar = crate::common::cookies_from(&r);
    let page = crate::common::json(
        &app,
        "/api/tickets/list",
        &jar,
        &[("filter[sort]", "oldest")],
    )
    .await;
    assert_eq!(page["tickets"][0]["number"], 1);
    assert_eq!(page["tickets"].as_array().unwrap().len(), 50);
    let made = crate::common::json(
        &app,
        "/api/tickets/create",
        &jar,
        &[("title", "After the bulk load"), ("priority", "low")],
    )
    .await;
    assert_eq!(made, tickets_for(2, 3000) + 1);
    let t = crate::common::json(&app, "/api/tickets/get", &jar, &[("number", "3")]).await;
    assert!(
        !t["comments"].as_array().unwrap().is_empty(),
        "every third ticket has comments"
    );
    assert_eq!(t["events"][0]["kind"], "created");
}
