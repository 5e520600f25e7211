//! Every operation of `openapi/ims.yaml` as a command (`ims api <operation>`) and the flags of
//! its parameters, generated at build time (`codegen/src/cli.rs`); the openstack-style
//! commands of `main.rs` reuse the same flags.

use serde::Serialize;

/// Where a generated command sends the operation's answer.
#[allow(async_fn_in_trait)]
pub trait Sink {
    /// The error a command ends with.
    type Error: From<ims::Error>;

    /// The error for a command name no operation has.
    fn unknown_operation(name: &str) -> Self::Error;

    /// Takes every page of a list.
    async fn pages<T: Serialize + Send + 'static>(
        &mut self,
        pages: ims::paginate::Pages<T>,
    ) -> Result<(), Self::Error>;

    /// Takes the answer of an operation that does not page.
    fn one<T: Serialize>(&mut self, item: T) -> Result<(), Self::Error>;
}

impl Sink for crate::output::Printer {
    type Error = crate::failure::Failure;

    fn unknown_operation(name: &str) -> Self::Error {
        crate::failure::Failure::Usage(format!("no operation `{name}`"))
    }

    async fn pages<T: Serialize + Send + 'static>(
        &mut self,
        pages: ims::paginate::Pages<T>,
    ) -> Result<(), Self::Error> {
        crate::output::Printer::pages(self, pages).await
    }

    fn one<T: Serialize>(&mut self, item: T) -> Result<(), Self::Error> {
        crate::output::Printer::one(self, item)
    }
}

include!(concat!(env!("OUT_DIR"), "/ims_cli.rs"));
