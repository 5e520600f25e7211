//! The `ims` table and progress line as a terminal shows them: the tool runs inside tmux (an
//! 80-column pane), against a server on 127.0.0.1, and the pane's contents are read back.

use std::process::Command;
use std::time::Duration;

use crate::support::{CannedResponse, Server};
use serde_json::json;

/// A detached tmux session running `command` in an 80x30 pane; killed on drop.
struct Pane {
    name: String,
}

impl Pane {
    /// `None` (the test is skipped) when tmux is not installed, except in CI, where
    /// `scripts/test.sh` installs it.
    fn start(command: &str) -> Option<Pane> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var("CI").is_err(),
                "CI must run the terminal tests: tmux is not installed (scripts/test.sh installs it)"
            );
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        let name = format!("ims-test-{}-{}", std::process::id(), fastrand_name());
        let status = Command::new("tmux")
            .args([
                "-L",
                &name,
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "80",
                "-y",
                "30",
            ])
            .arg(format!("{command}; echo ims-exit=$?; sleep 60"))
            .status()
            .expect("tmux runs");
        assert!(status.success());
        Some(Pane { name })
    }

    /// The pane's text, with the terminal's escape sequences for colour kept (`-e`).
    fn capture(&self) -> String {
        let output = Command::new("tmux")
            .args([
                "-L",
                &self.name,
                "capture-pane",
                "-p",
                "-e",
                "-t",
                &self.name,
            ])
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits (up to a minute: a busy machine is slow, and this is no timing assertion) until
    /// the pane shows `text`.
    async fn wait_for(&self, text: &str) -> String {
        for _ in 0..600 {
            let screen = self.capture();
            if screen.contains(text) {
                return screen;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the pane never showed {text:?}:\n{}", self.capture());
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.name, "kill-server"])
            .status();
    }
}

fn fastrand_name() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

fn ims_command(base: &str, args: &str) -> String {
    format!(
        "env -i HOME=/tmp TERM=xterm-256color {} --no-auth --endpoint {base} {args}",
        env!("CARGO_BIN_EXE_ims")
    )
}

#[tokio::test]
async fn the_table_fits_an_80_column_terminal_and_shows_no_raw_escape() {
    let images = json!({"images": [
        {"id": "0e2b7c4f-1111-4a5b-9c3d-aaaaaaaaaaaa", "name": "red \u{1b}[31mALERT\u{1b}[0m\nnext", "status": "active"},
        {"id": "0e2b7c4f-2222-4a5b-9c3d-bbbbbbbbbbbb", "name": "an image name far too long to fit beside its id on an eighty column terminal", "status": "deactivated"},
        {"id": "0e2b7c4f-3333-4a5b-9c3d-cccccccccccc", "name": "東京の画像 wide characters", "status": "active"}
    ]});
    let server = Server::start(vec![CannedResponse::json(200, &images)]);
    let Some(pane) = Pane::start(&ims_command(&server.base_url(), "image list")) else {
        return;
    };
    let screen = pane.wait_for("ims-exit=").await;
    assert!(screen.contains("ims-exit=0"), "{screen}");
    assert!(
        !screen.contains("\u{1b}[31m"),
        "the name turned the terminal red:\n{screen}"
    );
    assert!(screen.contains(r"\u{1b}[31mALERT"), "{screen}");
    let table: Vec<&str> = screen
        .lines()
        .filter(|l| l.starts_with(['|', '+']))
        .collect();
    assert!(table.len() >= 8, "{screen}");
    for line in &table {
        // Every table line ends at its right border inside the 80 columns: a wider line
        // would have wrapped onto the next line of the pane, which would not start with | or +.
        assert!(
            line.ends_with(['|', '+']),
            "a cut or wrapped line: {line:?}\n{screen}"
        );
    }
    assert!(
        screen.contains("0e2b7c4f-2222-4a5b-9c3d-bbbbbbbbbbbb"),
        "{screen}"
    );
    assert!(screen.contains("deactivated"), "{screen}");
}

#[tokio::test]
async fn progress_shows_on_a_terminal_while_pages_arrive() {
    let first = json!({"images": [{"id": "p1", "name": "one", "status": "active"}], "next": "/v2/images?marker=p1"});
    let second = json!({"images": [{"id": "p2", "name": "two", "status": "active"}]});
    // The second page waits, so the progress line of the first page can be seen.
    let server = Server::start(vec![
        CannedResponse::json(200, &first),
        CannedResponse::json(200, &second).delay(Duration::from_secs(3)),
    ]);
    let Some(pane) = Pane::start(&ims_command(&server.base_url(), "image list -f value")) else {
        return;
    };
    let during = pane.wait_for("1 images, 1 page").await;
    assert!(
        during.contains("p1 one active"),
        "rows of the first page appear before the next: {during}"
    );
    let after = pane.wait_for("ims-exit=").await;
    assert!(
        after.contains("ims-exit=0") && after.contains("p2 two active"),
        "{after}"
    );
    assert!(
        !after.contains("images, "),
        "the progress line is cleared at the end: {after}"
    );
}
