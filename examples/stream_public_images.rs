//! Streams every public image of an IMS endpoint, page after page (the README's
//! "Streaming all public images").
//!
//! ```sh
//! IMS_ENDPOINT=https://ims.eu-de.otc.t-systems.com OS_AUTH_TOKEN=<keystone token> \
//!     cargo run --example stream_public_images
//! ```
//!
//! Pages of 100 are fetched one ahead of the loop; failed requests are retried (503, 429, a
//! connection error, …) under the default retry policy.

use futures::TryStreamExt;
use ims::values::Visibility;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("IMS_ENDPOINT")
        .map_err(|_| "set IMS_ENDPOINT, such as https://ims.eu-de.otc.t-systems.com")?;
    let token =
        std::env::var("OS_AUTH_TOKEN").map_err(|_| "set OS_AUTH_TOKEN to a Keystone token")?;
    let context = ims::Context::new(ims::auth::Auth::token(&token)?);
    let client = ims::Client::new(endpoint.trim_end_matches('/'), context);

    let mut images = client
        .list_images()
        .visibility(Visibility::Public)
        .limit(100)
        .into_stream();
    let mut count = 0;
    while let Some(image) = images.try_next().await? {
        println!(
            "{}  {}",
            image.id,
            image.name.as_deref().unwrap_or("(no name)")
        );
        count += 1;
    }
    eprintln!("{count} public images");
    Ok(())
}
