//! PgBouncer in transaction pooling mode in front of the test server: generated queries
//! work through it with `DB_STATEMENT_MODE=unnamed`, and migrations go straight to the
//! server through `MIGRATION_DATABASE_URL`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use pgbake::queries::{companies, users};
use pgbake::testing::TestDatabase;
use pgbake::{Config, StatementMode};

use crate::{pgbake, temp_dir, text};

/// A PgBouncer process of this test (run as the server's user when we are root; PgBouncer
/// refuses root). Killed and its folder deleted on drop.
struct Bouncer {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Bouncer {
    fn start(server_port: u16) -> Bouncer {
        let binary = [
            "/usr/sbin/pgbouncer",
            "/usr/bin/pgbouncer",
            "/usr/local/bin/pgbouncer",
        ]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("pgbouncer is not installed: `apt-get install pgbouncer` (.ci/run installs it)");
        let dir = temp_dir("pgbouncer");
        let port = pgbake::cluster::free_port().unwrap();
        let ini = format!(
            "[databases]\n* = host=127.0.0.1 port={server_port}\n\n[pgbouncer]\n\
             listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir = {dir}\n\
             auth_type = trust\nauth_file = {dir}/userlist.txt\npool_mode = transaction\n\
             default_pool_size = 2\nmax_client_conn = 50\n\
             ignore_startup_parameters = extra_float_digits,application_name,options\n\
             logfile = {dir}/pgbouncer.log\npidfile = {dir}/pgbouncer.pid\n",
            dir = dir.display()
        );
        std::fs::write(dir.join("pgbouncer.ini"), ini).unwrap();
        std::fs::write(dir.join("userlist.txt"), "\"postgres\" \"\"\n").unwrap();
        let as_root = pgbake::cluster::running_as_root();
        if as_root {
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap();
        }
        let mut command = if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", binary]);
            c
        } else {
            Command::new(binary)
        };
        let mut child = command
            .arg(dir.join("pgbouncer.ini"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Bouncer { child, dir, port };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "pgbouncer did not start; see {}/pgbouncer.log",
            dir.display()
        );
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.join("pgbouncer.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_queries_work_through_pgbouncer_in_transaction_mode() {
    let db = TestDatabase::new().await.unwrap();
    let server_port = db.config.pg_config().get_ports()[0];
    let bouncer = Bouncer::start(server_port);
    let url = format!(
        "postgres://postgres@127.0.0.1:{}/{}?sslmode=disable",
        bouncer.port, db.name
    );
    let config = Config::new(&url)
        .unwrap()
        .statement_mode(StatementMode::Unnamed)
        .max_connections(8);
    let pool = pgbake::connect(&config).await.unwrap();
    let company = companies::create_company(&pool.get().await.unwrap(), "Bounce", "bounce", None)
        .await
        .unwrap();

    // Eight clients over two server connections: statements hop between server
    // connections, which breaks named prepared statements but not unnamed ones.
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let pool = pool.clone();
            let company_id = company.id;
            tokio::spawn(async move {
                for i in 0..25 {
                    let client = pool.get().await.unwrap();
                    let email = format!("t{task}-{i}@bounce.test");
                    let slug = format!("t{task}-{i}");
                    users::create_user(
                        &client,
                        &users::CreateUserParams {
                            company_id,
                            email: &email,
                            password_hash: "x",
                            user_slug: &slug,
                            display_name: &slug,
                            created_by: None,
                        },
                    )
                    .await
                    .unwrap();
                    let found = users::user_by_email(&client, &email)
                        .await
                        .unwrap()
                        .expect("just created");
                    assert_eq!(found.user_slug, slug);
                    let ids = [found.id];
                    assert_eq!(users::users_by_ids(&client, &ids).await.unwrap().len(), 1);
                    assert_eq!(users::record_login(&client, found.id).await.unwrap(), 1);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let page = users::list_company_users(&pool.get().await.unwrap(), company.id, 500, 0)
        .await
        .unwrap();
    assert_eq!(page.len(), 200);

    // The same calls straight on `&pool`: statements share the pool's connections and
    // concurrent ones are pipelined through PgBouncer, a failing one fails alone.
    let calls = (0..64).map(|i| {
        let pool = &pool;
        async move {
            let email = format!("t{}-{}@bounce.test", i % 8, i % 25);
            let found = users::user_by_email(pool, &email).await?.expect("created");
            let ids = [found.id];
            assert_eq!(users::users_by_ids(pool, &ids).await?.len(), 1);
            if i % 4 == 0 {
                // A duplicate slug: a unique violation on this call only.
                companies::create_company(pool, "Dup", "bounce", None).await?;
            }
            Ok::<_, pgbake::Error>(found.email == email)
        }
    });
    let results = futures_util::future::join_all(calls).await;
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(matched) => assert!(*matched && i % 4 != 0),
            Err(error) => assert_eq!((i % 4, error.sqlstate()), (0, Some("23505")), "{error}"),
        }
    }
    let page = users::list_company_users(&pool, company.id, 500, 0)
        .await
        .unwrap();
    assert_eq!(page.len(), 200);

    // A transaction through PgBouncer keeps one server connection and still works.
    let mut client = pool.get().await.unwrap();
    let transaction = client.transaction().await.unwrap();
    companies::rename_company(&transaction, "Bounced", None, company.id)
        .await
        .unwrap();
    transaction.rollback().await.unwrap();

    // Migrations bypass PgBouncer (session-level advisory lock, DDL role).
    let migrate = pgbake(
        &["migrate"],
        &[("DATABASE_URL", &url), ("MIGRATION_DATABASE_URL", &db.url)],
    );
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    assert!(
        text(&migrate.stdout).contains("is up to date"),
        "{}",
        text(&migrate.stdout)
    );
    drop(bouncer);
}

#[test]
fn the_statement_mode_comes_from_the_environment() {
    let config = Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some("postgres://u@h/db".into()),
        "DB_STATEMENT_MODE" => Some("unnamed".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(config.statement_mode, StatementMode::Unnamed);
    let error = Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some("postgres://u@h/db".into()),
        "DB_STATEMENT_MODE" => Some("sometimes".into()),
        _ => None,
    })
    .unwrap_err();
    assert!(
        error.to_string().starts_with("invalid DB_STATEMENT_MODE"),
        "{error}"
    );
}
