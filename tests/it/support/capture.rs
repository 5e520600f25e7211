//! Captures what the client traces (`mod capture;`): every span with its fields (including
//! those recorded later), every event, and the text a `fmt` subscriber would print.
//!
//! One global subscriber per test binary records everything, tagged with the thread it
//! happened on; [`capture`] returns a view of the calling thread's records from then on. A
//! `#[tokio::test]` runs on its own thread (a current-thread runtime), so tests running in
//! parallel do not see each other's records. (A thread-scoped subscriber per test,
//! `tracing::subscriber::set_default`, loses events now and then when tests run in parallel:
//! callsite interest is cached process-wide.)

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::sync::{Mutex, OnceLock};
use std::thread::ThreadId;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// A closed span: its name and fields.
#[derive(Clone, Debug)]
pub struct SpanRecord {
    pub name: String,
    pub fields: BTreeMap<String, String>,
}

/// An event: the span it happened in and its fields (the message under `message`).
#[derive(Clone, Debug)]
pub struct EventRecord {
    /// The name of the span the event happened in, if any.
    pub span: Option<String>,
    pub fields: BTreeMap<String, String>,
}

/// Everything recorded, per thread.
#[derive(Default)]
struct Records {
    spans: HashMap<ThreadId, Vec<SpanRecord>>,
    events: HashMap<ThreadId, Vec<EventRecord>>,
    text: HashMap<ThreadId, Vec<u8>>,
}

fn records() -> &'static Mutex<Records> {
    static RECORDS: OnceLock<Mutex<Records>> = OnceLock::new();
    RECORDS.get_or_init(Default::default)
}

/// The calling thread's records from the moment [`capture`] was called.
#[derive(Clone)]
pub struct Captured {
    thread: ThreadId,
    spans_from: usize,
    events_from: usize,
    text_from: usize,
}

impl Captured {
    /// The closed spans called `name`.
    pub fn spans(&self, name: &str) -> Vec<SpanRecord> {
        let records = records().lock().unwrap();
        let spans = records
            .spans
            .get(&self.thread)
            .map_or(&[][..], |v| &v[self.spans_from..]);
        spans.iter().filter(|s| s.name == name).cloned().collect()
    }

    /// Every event.
    pub fn events(&self) -> Vec<EventRecord> {
        let records = records().lock().unwrap();
        records
            .events
            .get(&self.thread)
            .map_or(Vec::new(), |v| v[self.events_from..].to_vec())
    }

    /// The formatted output (every level, span closings with their fields).
    pub fn text(&self) -> String {
        let records = records().lock().unwrap();
        records.text.get(&self.thread).map_or(String::new(), |v| {
            String::from_utf8_lossy(&v[self.text_from..]).into_owned()
        })
    }

    /// Everything captured, as one string to search for secrets.
    pub fn everything(&self) -> String {
        let spans = {
            let records = records().lock().unwrap();
            records
                .spans
                .get(&self.thread)
                .map_or(Vec::new(), |v| v[self.spans_from..].to_vec())
        };
        format!("{}\n{:?}\n{:?}", self.text(), spans, self.events())
    }
}

/// Starts capturing this thread's traces (installing the global subscriber on first use).
/// The second value is kept for the call sites' `let (captured, _guard) = ...`.
pub fn capture() -> (Captured, ()) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let fmt = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_span_events(FmtSpan::CLOSE)
            .with_writer(ThreadBuffer);
        let subscriber = tracing_subscriber::registry().with(Recorder).with(fmt);
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the test binaries that use `capture`");
    });
    let thread = std::thread::current().id();
    let records = records().lock().unwrap();
    let captured = Captured {
        thread,
        spans_from: records.spans.get(&thread).map_or(0, Vec::len),
        events_from: records.events.get(&thread).map_or(0, Vec::len),
        text_from: records.text.get(&thread).map_or(0, Vec::len),
    };
    (captured, ())
}

struct Recorder;

#[derive(Default)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

/// The thread a span was created on.
struct CreatedOn(ThreadId);

impl<S> Layer<S> for Recorder
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            let mut extensions = span.extensions_mut();
            extensions.insert(fields);
            extensions.insert(CreatedOn(std::thread::current().id()));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<Fields>()
        {
            values.record(fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let record = EventRecord {
            span: ctx.event_span(event).map(|span| span.name().to_string()),
            fields: fields.0,
        };
        let thread = std::thread::current().id();
        records()
            .lock()
            .unwrap()
            .events
            .entry(thread)
            .or_default()
            .push(record);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            let extensions = span.extensions();
            let fields = extensions
                .get::<Fields>()
                .map(|f| f.0.clone())
                .unwrap_or_default();
            let thread = extensions
                .get::<CreatedOn>()
                .map_or_else(|| std::thread::current().id(), |c| c.0);
            let record = SpanRecord {
                name: span.name().to_string(),
                fields,
            };
            records()
                .lock()
                .unwrap()
                .spans
                .entry(thread)
                .or_default()
                .push(record);
        }
    }
}

/// The `fmt` layer's output, kept per writing thread.
struct ThreadBuffer;

impl io::Write for ThreadBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let thread = std::thread::current().id();
        records()
            .lock()
            .unwrap()
            .text
            .entry(thread)
            .or_default()
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for ThreadBuffer {
    type Writer = ThreadBuffer;

    fn make_writer(&'a self) -> Self::Writer {
        ThreadBuffer
    }
}
