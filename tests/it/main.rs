//! The integration tests of `ims`, in one test crate (one binary to link, one copy of the
//! shared [`support`] code), in the style of rust-analyzer's `slow-tests`.
//!
//! Each module is what a `tests/*.rs` file used to be; run one with a filter, such as
//! `cargo test --test it retry::`. By what they need:
//!
//! - nothing but the crate: [`limits`], [`generated_code`], [`aksk_signing`], [`properties`];
//! - the test server of [`support`] on 127.0.0.1 (and its fake Keystone,
//!   [`support::fake_cloud`]): [`auth`], [`config`], [`error_type`], [`hostile`] (its own raw
//!   TCP server), [`pagination`], [`requests`], [`retry`], [`roundtrip`], [`test_server`],
//!   [`tracing`];
//! - the `ims` binary, run as a process against the test server: [`cli`];
//! - the real Keystone and Glance of `scripts/openstack/up.sh`: [`openstack_auth`],
//!   [`openstack_glance`]. Without their variables these print "skipped" and pass, except under
//!   `CI=true`, where they fail.
//!
//! Timing is asserted on tokio's paused clock only (the unit tests of `src/http/retry.rs` and
//! `src/auth/keystone.rs`); the tests here assert counts, order and the waits the retry
//! policy chose (its trace events), which a busy machine cannot change.

mod support;

mod aksk_signing;
mod auth;
mod cli;
mod config;
mod error_type;
mod generated_code;
mod hostile;
mod limits;
mod openstack_auth;
mod openstack_glance;
mod pagination;
mod properties;
mod requests;
mod retry;
mod roundtrip;
mod terminal;
mod test_server;
mod tracing;
