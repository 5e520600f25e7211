//! `--debug`: one line on stderr per request (method, URL, status, time, request id, attempts)
//! and per retry or token request, from the client's tracing spans and events. The library
//! puts no secret into them (tokens, passwords and signatures are never span or event fields).

use std::fmt::Write as _;
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use crate::output::escape;

/// Installs the `--debug` layer as the process's subscriber.
pub fn install() {
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::registry().with(DebugLines);
    // Only fails when a subscriber is already set, which the binary never does elsewhere.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// The fields of a span or event, in the order they were recorded.
#[derive(Default)]
struct Fields(Vec<(&'static str, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name(), value.to_string()));
    }
}

struct DebugLines;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for DebugLines {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != "ims.request" {
            return;
        }
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<Fields>()
        {
            values.record(fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if !event.metadata().target().starts_with("ims")
            || *event.metadata().level() > tracing::Level::DEBUG
        {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut line = format!("ims: {}", fields.get("message").unwrap_or(""));
        for (name, value) in &fields.0 {
            if *name != "message" {
                let _ = write!(line, " {name}={value}");
            }
        }
        print_line(&line);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let extensions = span.extensions();
        let Some(fields) = extensions.get::<Fields>() else {
            return;
        };
        let or_dash = |name| fields.get(name).unwrap_or("-");
        print_line(&format!(
            "ims: {} {} -> {} in {} ms (request id {}, attempts {}, operation {})",
            or_dash("method"),
            or_dash("url"),
            or_dash("status"),
            or_dash("duration_ms"),
            or_dash("request_id"),
            or_dash("attempts"),
            or_dash("operation"),
        ));
    }
}

fn print_line(line: &str) {
    let _ = writeln!(std::io::stderr(), "{}", escape(line));
}
