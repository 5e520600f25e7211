//! `ims`: list and inspect images of the Image Management Service from the command line.
//!
//! Settings come from the environment like any OpenStack tool (`OS_CLOUD` with `clouds.yaml`,
//! or `OS_AUTH_URL`/`OS_USERNAME`/`OS_PASSWORD`/..., or `OS_AUTH_TOKEN` with `IMS_ENDPOINT`, or
//! Huawei Cloud's `HUAWEICLOUD_SDK_AK`/`_SK`/`_PROJECT_ID`); flags override the endpoint.
//!
//! ```sh
//! ims images list --visibility public --limit 100
//! ims cloudimages list --imagetype gold --output ndjson
//! ims images show 33ad552d-1149-471c-8190-ff6776174a00 --output json
//! ```

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use futures::StreamExt;
use ims::types::Image;
use ims::values::{
    DiskFormat, ImageStatus, ImageType, MemberStatus, OsType, Platform, SortKey, Visibility,
};
use ims::{Client, ClientBuilder};

/// List and inspect images of the Image Management Service (IMS).
#[derive(Parser)]
#[command(name = "ims", version)]
struct Cli {
    /// Service endpoint, such as https://ims.eu-de.otc.t-systems.com (overrides the environment).
    #[arg(long, global = true, env = "IMS_ENDPOINT")]
    endpoint: Option<String>,
    /// Send requests without credentials (for services that do not check them).
    #[arg(long, global = true)]
    no_auth: bool,
    /// How to print results.
    #[arg(long, short, global = true, value_enum, default_value_t = Output::Table)]
    output: Output,
    #[command(subcommand)]
    command: Command,
}

/// Output formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    /// Aligned columns: id, status, visibility, disk format, name.
    Table,
    /// One JSON array (or object for `show`), exactly the fields the service sent.
    Json,
    /// One JSON object per line, printed as pages arrive.
    Ndjson,
}

#[derive(Subcommand)]
enum Command {
    /// The OpenStack Image API v2 operations (`/v2/images`).
    #[command(visible_alias = "image")]
    Images {
        #[command(subcommand)]
        command: ImagesCommand,
    },
    /// The IMS extension (`/v2/cloudimages`).
    Cloudimages {
        #[command(subcommand)]
        command: CloudImagesCommand,
    },
}

#[derive(Subcommand)]
enum ImagesCommand {
    /// List images, following every page.
    // Boxed: the filters are large beside `Show`.
    List(Box<ListArgs>),
    /// Show one image.
    Show {
        /// The image ID.
        id: String,
    },
}

#[derive(Subcommand)]
enum CloudImagesCommand {
    /// List images with the IMS filters, following every page.
    List {
        #[command(flatten)]
        list: Box<ListArgs>,
        /// Only images of this enterprise project (`0` for the default one).
        #[arg(long)]
        enterprise_project_id: Option<String>,
    },
}

/// Filters and paging shared by both list commands.
#[derive(Args)]
struct ListArgs {
    /// Images per page.
    #[arg(long)]
    limit: Option<i32>,
    /// Stop after this many images.
    #[arg(long)]
    max_items: Option<usize>,
    /// Only images with exactly this name.
    #[arg(long)]
    name: Option<String>,
    /// Only images of this visibility (public, private, shared, community).
    #[arg(long)]
    visibility: Option<String>,
    /// Only images in this status (active, queued, ...).
    #[arg(long)]
    status: Option<String>,
    /// Only images of this owner (project ID).
    #[arg(long)]
    owner: Option<String>,
    /// Only images with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Only images of this IMS type (gold, private, shared).
    #[arg(long)]
    imagetype: Option<String>,
    /// Only images of this OS family (Linux, Windows, Other).
    #[arg(long)]
    os_type: Option<String>,
    /// Only images of this platform (Ubuntu, CentOS, ...).
    #[arg(long)]
    platform: Option<String>,
    /// Only images of this disk format (qcow2, zvhd2, ...).
    #[arg(long)]
    disk_format: Option<String>,
    /// Only shared images in this member status (accepted, rejected, pending).
    #[arg(long)]
    member_status: Option<String>,
    /// Sort by this attribute.
    #[arg(long)]
    sort_key: Option<String>,
    /// Sort direction.
    #[arg(long, value_parser = ["asc", "desc"])]
    sort_dir: Option<String>,
}

/// Applies the shared filters to either list builder (their setters have the same names).
macro_rules! apply_filters {
    ($builder:expr, $args:expr) => {{
        let args = $args;
        let mut b = $builder;
        if let Some(v) = args.limit {
            b = b.limit(v);
        }
        if let Some(v) = &args.name {
            b = b.name(v.clone());
        }
        if let Some(v) = &args.visibility {
            b = b.visibility(Visibility::from(v.as_str()));
        }
        if let Some(v) = &args.status {
            b = b.status(ImageStatus::from(v.as_str()));
        }
        if let Some(v) = &args.owner {
            b = b.owner(v.clone());
        }
        if let Some(v) = &args.tag {
            b = b.tag(v.clone());
        }
        if let Some(v) = &args.imagetype {
            b = b.imagetype(ImageType::from(v.as_str()));
        }
        if let Some(v) = &args.os_type {
            b = b.os_type(OsType::from(v.as_str()));
        }
        if let Some(v) = &args.platform {
            b = b.platform(Platform::from(v.as_str()));
        }
        if let Some(v) = &args.disk_format {
            b = b.disk_format(DiskFormat::from(v.as_str()));
        }
        if let Some(v) = &args.member_status {
            b = b.member_status(MemberStatus::from(v.as_str()));
        }
        if let Some(v) = &args.sort_key {
            b = b.sort_key(SortKey::from(v.as_str()));
        }
        if let Some(v) = &args.sort_dir {
            b = b.sort_dir(v.as_str());
        }
        b
    }};
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ims: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let client = connect(cli.endpoint.as_deref(), cli.no_auth).await?;
    let output = cli.output;
    match cli.command {
        Command::Images {
            command: ImagesCommand::Show { id },
        } => {
            let image = client
                .show_image()
                .image_id(id)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            print_images(output, std::iter::once(image.into_inner()), true)
        }
        Command::Images {
            command: ImagesCommand::List(args),
        } => {
            let mut stream = apply_filters!(client.list_images(), &args).into_stream();
            if let Some(max) = args.max_items {
                stream = stream.max_items(max);
            }
            print_stream(output, stream).await
        }
        Command::Cloudimages {
            command:
                CloudImagesCommand::List {
                    list,
                    enterprise_project_id,
                },
        } => {
            let mut builder = apply_filters!(client.list_cloud_images(), &list);
            if let Some(id) = enterprise_project_id {
                builder = builder.enterprise_project_id(id);
            }
            let mut stream = builder.into_stream();
            if let Some(max) = list.max_items {
                stream = stream.max_items(max);
            }
            print_stream(output, stream).await
        }
    }
}

/// A client from the environment (or without credentials), with the endpoint flag (or
/// `IMS_ENDPOINT`) on top.
async fn connect(endpoint: Option<&str>, no_auth: bool) -> Result<Client, String> {
    let mut builder = if no_auth {
        Client::builder()
    } else {
        ClientBuilder::from_env().map_err(|e| e.to_string())?
    };
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint(endpoint);
    }
    builder.build().await.map_err(|e| e.to_string())
}

/// Prints a stream of images as pages arrive (ndjson, table) or once at the end (json). An
/// error (a failed page, or paging the client refused to follow) ends it with its message.
async fn print_stream<S>(output: Output, mut stream: S) -> Result<(), String>
where
    S: futures::Stream<Item = Result<Image, ims::Error>> + Unpin,
{
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut all = Vec::new();
    let mut first = true;
    while let Some(item) = stream.next().await {
        let image = item.map_err(|e| e.to_string())?;
        match output {
            Output::Json => all.push(image),
            Output::Ndjson => write_json_line(&mut out, &image)?,
            Output::Table => {
                write_row(&mut out, &image, first)?;
                first = false;
            }
        }
    }
    if output == Output::Json {
        let text = serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

/// Prints a fixed set of images (`show`): json prints the object itself when `single`.
fn print_images(
    output: Output,
    images: impl Iterator<Item = Image>,
    single: bool,
) -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let images: Vec<Image> = images.collect();
    match output {
        Output::Json if single && images.len() == 1 => {
            let text = serde_json::to_string_pretty(&images[0]).map_err(|e| e.to_string())?;
            writeln!(out, "{text}").map_err(|e| e.to_string())?;
        }
        Output::Json => {
            let text = serde_json::to_string_pretty(&images).map_err(|e| e.to_string())?;
            writeln!(out, "{text}").map_err(|e| e.to_string())?;
        }
        Output::Ndjson => {
            for image in &images {
                write_json_line(&mut out, image)?;
            }
        }
        Output::Table => {
            for (i, image) in images.iter().enumerate() {
                write_row(&mut out, image, i == 0)?;
            }
        }
    }
    out.flush().map_err(|e| e.to_string())
}

fn write_json_line(out: &mut impl Write, image: &Image) -> Result<(), String> {
    let line = serde_json::to_string(image).map_err(|e| e.to_string())?;
    writeln!(out, "{line}").map_err(|e| e.to_string())
}

fn write_row(out: &mut impl Write, image: &Image, header: bool) -> Result<(), String> {
    let cell = |v: Option<&str>| v.unwrap_or("-").to_string();
    if header {
        writeln!(
            out,
            "{:<36}  {:<10}  {:<10}  {:<7}  NAME",
            "ID", "STATUS", "VISIBILITY", "FORMAT"
        )
        .map_err(|e| e.to_string())?;
    }
    writeln!(
        out,
        "{:<36}  {:<10}  {:<10}  {:<7}  {}",
        image.id,
        cell(image.status.as_ref().map(|s| s.as_str())),
        cell(image.visibility.as_ref().map(|s| s.as_str())),
        cell(image.disk_format.as_ref().map(|s| s.as_str())),
        cell(image.name.as_deref()),
    )
    .map_err(|e| e.to_string())
}
