//! Keystone password auth from `clouds.yaml` (+ `secure.yaml`): the cloud named by `OS_CLOUD`,
//! the image endpoint from the token's catalog. The token is renewed before it expires.
//!
//! ```sh
//! OS_CLOUD=ims-test cargo run --example clouds_yaml
//! ```

use ims::ClientBuilder;

#[tokio::main]
async fn main() -> Result<(), ims::Error> {
    // Also reads OS_AUTH_URL/OS_USERNAME/..., OS_AUTH_TOKEN or HUAWEICLOUD_SDK_AK/SK when
    // OS_CLOUD is not set; an error names the missing setting and where it looked.
    let client = ClientBuilder::from_env()?.build().await?;
    let page = client.list_images().limit(5).send().await?;
    for image in &page.images {
        println!("{}  {}", image.id, image.name.as_deref().unwrap_or("-"));
    }
    Ok(())
}
