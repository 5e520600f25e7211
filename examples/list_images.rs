//! Lists the first ten public images of an IMS endpoint (the README's "Quick start").
//!
//! ```sh
//! IMS_ENDPOINT=https://ims.eu-de.otc.t-systems.com OS_AUTH_TOKEN=<keystone token> \
//!     cargo run --example list_images
//! ```
//!
//! The token goes in `X-Auth-Token`; get one from Keystone (`POST {auth_url}/v3/auth/tokens`,
//! returned in the `X-Subject-Token` header), scoped to your project.

use ims::Client;
use ims::auth::Auth;
use ims::values::Visibility;

#[tokio::main]
async fn main() -> Result<(), ims::Error> {
    let endpoint = std::env::var("IMS_ENDPOINT")
        .unwrap_or_else(|_| "https://ims.eu-de.otc.t-systems.com".into());
    let token = std::env::var("OS_AUTH_TOKEN").unwrap_or_default();
    let client = Client::builder()
        .endpoint(endpoint)
        .auth(Auth::token(&token)?)
        .build()
        .await?;

    let page = client
        .list_images()
        .limit(10)
        .visibility(Visibility::Public)
        .send()
        .await?;
    for image in &page.images {
        println!(
            "{}  {:<8}  {}",
            image.id,
            image.disk_format.as_ref().map_or("-", |f| f.as_str()),
            image.name.as_deref().unwrap_or("(no name)"),
        );
    }
    if let Some(next) = &page.next {
        println!("more: {next}");
    }
    Ok(())
}
