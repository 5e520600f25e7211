//! A fixed Keystone token (from `OS_AUTH_TOKEN`) on Open Telekom Cloud's endpoint for a region.
//!
//! ```sh
//! OS_AUTH_TOKEN=<keystone token> cargo run --example auth_token -- eu-de
//! ```

use ims::auth::Auth;
use ims::{Client, Cloud};

#[tokio::main]
async fn main() -> Result<(), ims::Error> {
    let region = std::env::args().nth(1).unwrap_or_else(|| "eu-de".into());
    let token = std::env::var("OS_AUTH_TOKEN").unwrap_or_default();
    let client = Client::builder()
        .cloud(Cloud::OpenTelekom)
        .region(region)
        .auth(Auth::token(&token)?)
        .build()
        .await?;
    let page = client.list_images().limit(5).send().await?;
    for image in &page.images {
        println!("{}  {}", image.id, image.name.as_deref().unwrap_or("-"));
    }
    Ok(())
}
