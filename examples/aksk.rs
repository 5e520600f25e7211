//! AK/SK signing with a project id, on Huawei Cloud's endpoint for a region.
//!
//! ```sh
//! HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=... \
//!     cargo run --example aksk -- ap-southeast-1
//! ```

use ims::auth::Auth;
use ims::signing::AkSk;
use ims::{Client, Cloud};

#[tokio::main]
async fn main() -> Result<(), ims::Error> {
    let region = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ap-southeast-1".into());
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let aksk = AkSk::new(var("HUAWEICLOUD_SDK_AK"), var("HUAWEICLOUD_SDK_SK"))
        .with_project_id(var("HUAWEICLOUD_SDK_PROJECT_ID"));
    let client = Client::builder()
        .cloud(Cloud::HuaweiCloud)
        .region(region)
        .auth(Auth::aksk(aksk))
        .build()
        .await?;
    let page = client.list_images().limit(5).send().await?;
    for image in &page.images {
        println!("{}  {}", image.id, image.name.as_deref().unwrap_or("-"));
    }
    Ok(())
}
