//! Lists the first ten public images of an IMS endpoint.
//!
//! ```sh
//! IMS_ENDPOINT=https://ims.eu-de.otc.t-systems.com OS_AUTH_TOKEN=<keystone token> \
//!     cargo run --example list_images
//! ```
//!
//! The token goes in `X-Auth-Token`; get one from Keystone (`POST {auth_url}/v3/auth/tokens`,
//! returned in the `X-Subject-Token` header), scoped to your project.

use std::time::Duration;

use ims::values::Visibility;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("IMS_ENDPOINT")
        .map_err(|_| "set IMS_ENDPOINT, such as https://ims.eu-de.otc.t-systems.com")?;
    let token =
        std::env::var("OS_AUTH_TOKEN").map_err(|_| "set OS_AUTH_TOKEN to a Keystone token")?;

    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()?;
    let context = ims::Context::new(ims::auth::Auth::token(&token)?);
    let client = ims::Client::new_with_client(endpoint.trim_end_matches('/'), http, context);

    match client
        .list_images()
        .limit(10)
        .visibility(Visibility::Public)
        .send()
        .await
    {
        Ok(page) => {
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
        Err(ims::GeneratedError::ErrorResponse(error)) => {
            let message = error
                .error
                .as_ref()
                .and_then(|e| e.message.as_deref())
                .or(error.message.as_deref())
                .unwrap_or("no message");
            Err(format!("IMS answered {}: {message}", error.status()).into())
        }
        Err(other) => Err(other.into()),
    }
}
