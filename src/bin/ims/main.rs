//! `ims`: list and inspect images of the Image Management Service from the command line, with
//! the habits of `openstack image list`.
//!
//! ```sh
//! ims --os-cloud otc image list --visibility public --limit 100
//! ims image list --long -f csv
//! ims image show cirros -c id -c __os_type
//! ims cloudimage list --imagetype gold -f ndjson
//! ims api list-compute-images --help
//! ```
//!
//! The flags of the operations' parameters come from `openapi/ims.yaml` (`operations.rs`);
//! this file adds the openstack-style commands, the connection flags and the exit statuses
//! (`failure.rs`).

mod debug;
mod failure;
mod operations;
mod output;

use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use ims::auth::TokenCache;
use ims::{Client, ClientBuilder};

use failure::{EXIT_CODES, Failure};
use output::{Format, Printer};

/// Connection flags and the settings (variables of [`ClientBuilder::from_vars`]) they stand for.
const CONNECTION_FLAGS: &[(&str, &str, &str)] = &[
    ("os-cloud", "OS_CLOUD", "The cloud of clouds.yaml to use."),
    (
        "os-region-name",
        "OS_REGION_NAME",
        "The region whose image endpoint to use.",
    ),
    (
        "os-interface",
        "OS_INTERFACE",
        "The catalog interface of the endpoint: public, internal or admin.",
    ),
    (
        "endpoint",
        "IMS_ENDPOINT",
        "The image service endpoint, such as https://ims.eu-de.otc.t-systems.com (no catalog lookup).",
    ),
    (
        "os-cacert",
        "OS_CACERT",
        "A PEM file of the CAs to trust for TLS.",
    ),
    ("os-cert", "OS_CERT", "A PEM client certificate for TLS."),
    ("os-key", "OS_KEY", "The PEM key of the client certificate."),
    (
        "os-auth-type",
        "OS_AUTH_TYPE",
        "How to authenticate: password, v3applicationcredential, token, v3token, aksk.",
    ),
];

/// The product token before the library's in the `User-Agent` of every request.
const USER_AGENT: &str = concat!("ims-cli/", env!("CARGO_PKG_VERSION"));

/// The help heading of the flags every command takes.
const GLOBAL: &str = "Connection and output";

fn cli() -> Command {
    let mut command = Command::new("ims")
        .version(env!("CARGO_PKG_VERSION"))
        .about("List and inspect images of the Image Management Service (IMS) and OpenStack Glance.")
        .long_about(
            "List and inspect images of the Image Management Service (IMS) and OpenStack Glance.\n\n\
             Settings come from the environment as for any OpenStack tool: OS_CLOUD with \
             clouds.yaml, or OS_AUTH_URL/OS_USERNAME/OS_PASSWORD/..., or OS_AUTH_TOKEN with an \
             endpoint, or HUAWEICLOUD_SDK_AK/_SK/_PROJECT_ID. The --os-* flags override them.\n\n\
             Keystone tokens are kept between runs in ~/.cache/ims (or $XDG_CACHE_HOME/ims): one \
             0600 file per auth URL, user and project (named by a hash, never by a secret), \
             holding the token, its expiry and its catalog, used while it is valid; --no-cache \
             turns that off.",
        )
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true);
    for (flag, var, help) in CONNECTION_FLAGS {
        command = command.arg(
            Arg::new(*flag)
                .long(*flag)
                .global(true)
                .help_heading(GLOBAL)
                .value_name(var.trim_start_matches("OS_"))
                .help(format!("{help} [setting: {var}]")),
        );
    }
    command
        .arg(
            Arg::new("insecure")
                .long("insecure")
                .global(true)
                .help_heading(GLOBAL)
                .action(ArgAction::SetTrue)
                .help("Do not check the server's TLS certificate. [setting: OS_INSECURE]"),
        )
        .arg(
            Arg::new("no-auth")
                .long("no-auth")
                .global(true)
                .help_heading(GLOBAL)
                .action(ArgAction::SetTrue)
                .help("Send requests without credentials (needs --endpoint)."),
        )
        .arg(
            Arg::new("no-cache")
                .long("no-cache")
                .global(true)
                .help_heading(GLOBAL)
                .action(ArgAction::SetTrue)
                .help("Do not keep or reuse Keystone tokens in ~/.cache/ims (see `ims --help`)."),
        )
        .arg(
            Arg::new("debug")
                .long("debug")
                .global(true)
                .help_heading(GLOBAL)
                .action(ArgAction::SetTrue)
                .help("Print one line per request on stderr (method, URL, status, time, request id)."),
        )
        .arg(
            Arg::new("format")
                .short('f')
                .long("format")
                .visible_alias("output")
                .global(true)
                .help_heading(GLOBAL)
                .value_parser(clap::value_parser!(Format))
                .default_value("table")
                .help("The output format."),
        )
        .arg(
            Arg::new("column")
                .short('c')
                .long("column")
                .global(true)
                .help_heading(GLOBAL)
                .action(ArgAction::Append)
                .value_name("COLUMN")
                .help("A column to show (a heading such as `Disk Format`, or any key such as `__os_type`); repeat for more."),
        )
        .subcommand(
            Command::new("image")
                .visible_alias("images")
                .about("Images of the OpenStack Image API v2 (`/v2/images`).")
                .subcommand_required(true)
                .subcommand(list_command(operations::list_images_args(
                    Command::new("list"),
                ))
                .about("List images, following every page.")
                .mut_arg("os_hidden", |a| a.visible_alias("hidden")))
                .subcommand(
                    Command::new("show")
                        .about("Show one image, by ID or by name.")
                        .arg(
                            Arg::new("image")
                                .required(true)
                                .value_name("NAME_OR_ID")
                                .help("The image's ID, or its name (when no image has that ID)."),
                        ),
                ),
        )
        .subcommand(
            Command::new("cloudimage")
                .visible_alias("cloudimages")
                .about("Images with the IMS filters (`/v2/cloudimages`).")
                .subcommand_required(true)
                .subcommand(
                    list_command(operations::list_cloud_images_args(Command::new("list")))
                        .about("List images with the IMS filters, following every page."),
                ),
        )
        .subcommand(api_command())
        .subcommand(
            Command::new("completion")
                .about("Print a shell completion script.")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        )
}

/// The flags every list command adds to its operation's own.
fn list_command(command: Command) -> Command {
    command
        .arg(
            total_arg().help("The most images to list in all (the page size is --page-size)."),
        )
        .arg(
            Arg::new("sort")
                .long("sort")
                .value_name("KEY[:DIR]")
                .conflicts_with_all(["sort_key", "sort_dir"])
                .help("Sort by KEY, `asc` or `desc` (the service takes one key)."),
        )
        .arg(
            Arg::new("property")
                .long("property")
                .value_name("KEY=VALUE")
                .action(ArgAction::Append)
                .help("Only images whose KEY is VALUE (checked on each image listed); repeat for more."),
        )
        .arg(
            Arg::new("long")
                .long("long")
                .action(ArgAction::SetTrue)
                .help("Show more columns."),
        )
}

/// `--limit N`: the most items a list prints (the id `total`: the spec's `limit` is the page
/// size, `--page-size`).
fn total_arg() -> Arg {
    Arg::new("total")
        .long("limit")
        .value_name("N")
        .value_parser(clap::value_parser!(usize))
}

/// `ims api <operation>`: every operation of the spec with every parameter.
fn api_command() -> Command {
    let mut command = Command::new("api")
        .about("Every operation of the API as a command, with every parameter as a flag.")
        .subcommand_required(true);
    for operation in operations::OPERATIONS {
        let mut sub = (operation.args)(Command::new(operation.command));
        if operation.paged {
            sub = sub.arg(total_arg().help("The most items to list in all."));
        }
        command = command.subcommand(sub);
    }
    command
}

#[tokio::main]
async fn main() -> ExitCode {
    let matches = cli().get_matches();
    if matches.get_flag("debug") {
        debug::install();
    }
    match run(&matches).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.is_closed_pipe() => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("ims: {}", output::escape(&failure.to_string()));
            failure.exit_code()
        }
    }
}

async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    if name == "completion" {
        let shell = *sub
            .get_one::<clap_complete::Shell>("shell")
            .expect("required");
        clap_complete::generate(shell, &mut cli(), "ims", &mut std::io::stdout());
        return Ok(());
    }
    let format = *matches.get_one::<Format>("format").expect("has a default");
    let chosen: Vec<String> = matches
        .get_many::<String>("column")
        .map(|c| c.cloned().collect())
        .unwrap_or_default();
    let client = connect(matches).await?;
    let (action, args) = sub.subcommand().expect("a subcommand is required");
    let printer = |long: bool| {
        if chosen.is_empty() {
            Printer::new(format, output::list_columns(long), false)
        } else {
            Printer::new(
                format,
                output::chosen_columns(&chosen, &output::list_columns(true)),
                true,
            )
        }
    };
    match (name, action) {
        ("image", "list") => {
            let builder = operations::list_images_apply(client.list_images(), args);
            let builder = list_flags!(builder, args);
            list_printer(printer(args.get_flag("long")), args)?
                .pages(builder.into_pages())
                .await
        }
        ("cloudimage", "list") => {
            let builder = operations::list_cloud_images_apply(client.list_cloud_images(), args);
            let builder = list_flags!(builder, args);
            list_printer(printer(args.get_flag("long")), args)?
                .pages(builder.into_pages())
                .await
        }
        ("image", "show") => {
            let wanted = args.get_one::<String>("image").expect("required");
            let image = find_image(&client, wanted).await?;
            printer(false).one(image)
        }
        ("api", operation) => {
            if operations::OPERATIONS
                .iter()
                .any(|o| o.command == operation && o.deprecated)
            {
                eprintln!(
                    "ims: `{operation}` is deprecated by the service; see `ims api {operation} --help`"
                );
            }
            let mut printer =
                printer(false).limit(args.try_get_one::<usize>("total").ok().flatten().copied());
            operations::run_operation(&client, operation, args, &mut printer).await
        }
        (name, action) => Err(Failure::Usage(format!("no command `{name} {action}`"))),
    }
}

/// `--sort` and the page size `--limit` implies, on either list builder (their setters have
/// the same names and types).
macro_rules! list_flags {
    ($builder:expr, $args:expr) => {{
        let mut builder = $builder;
        if let Some((key, dir)) = sort($args)? {
            builder = builder.sort_key(key);
            if let Some(dir) = dir {
                builder = builder.sort_dir(dir);
            }
        }
        match page_size_for($args) {
            Some(size) => builder.limit(size),
            None => builder,
        }
    }};
}
use list_flags;

/// The printer of a list command: `--limit`, `--property` and the progress line.
fn list_printer(printer: Printer, args: &ArgMatches) -> Result<Printer, Failure> {
    let properties = args
        .get_many::<String>("property")
        .into_iter()
        .flatten()
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(Failure::Usage(format!(
                "--property takes KEY=VALUE, not `{}`",
                output::escape(p)
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(printer
        .limit(args.get_one::<usize>("total").copied())
        .properties(properties)
        .progress("images"))
}

/// With `--limit N` and no `--page-size`, pages of N (up to 1000, the largest page Glance
/// gives by default), so a short listing takes one request.
fn page_size_for(args: &ArgMatches) -> Option<i64> {
    // `--page-size` (the API's `limit`) given: it wins.
    if args.get_one::<i64>("limit").is_some() {
        return None;
    }
    let total = *args.get_one::<usize>("total")?;
    (1..=1000).contains(&total).then_some(total as i64)
}

/// `--sort key[:dir]`.
fn sort(
    args: &ArgMatches,
) -> Result<Option<(ims::values::SortKey, Option<ims::types::SortDir>)>, Failure> {
    let Some(text) = args.get_one::<String>("sort") else {
        return Ok(None);
    };
    if text.contains(',') {
        return Err(Failure::Usage(format!(
            "--sort `{}`: the service sorts by one key (`--sort name:asc`)",
            output::escape(text)
        )));
    }
    let (key, dir) = match text.split_once(':') {
        Some((key, dir)) => (key, Some(dir)),
        None => (text.as_str(), None),
    };
    if key.is_empty() {
        return Err(Failure::Usage(
            "--sort needs a key (`--sort name:asc`)".into(),
        ));
    }
    let dir = dir
        .map(|d| {
            d.parse::<ims::types::SortDir>().map_err(|_| {
                Failure::Usage(format!(
                    "--sort `{}`: the direction is `asc` or `desc`",
                    output::escape(text)
                ))
            })
        })
        .transpose()?;
    Ok(Some((ims::values::SortKey::from(key), dir)))
}

/// The client: from the environment and clouds.yaml with the connection flags on top, or
/// without credentials for `--no-auth`.
async fn connect(matches: &ArgMatches) -> Result<Client, Failure> {
    let flag = |name: &str| matches.get_one::<String>(name).cloned();
    let mut overrides: Vec<(&str, String)> = CONNECTION_FLAGS
        .iter()
        .filter_map(|(flag_name, var, _)| Some((*var, flag(flag_name)?)))
        .collect();
    if matches.get_flag("insecure") {
        overrides.push(("OS_INSECURE", "true".into()));
    }
    // `--no-auth` is keystoneauth's `none`: the other settings (endpoint, TLS) still apply,
    // and no credentials of the environment or of a cloud are used.
    let no_auth = matches.get_flag("no-auth");
    // Without an endpoint, the builder's own error names IMS_ENDPOINT (and `Failure` adds
    // `--endpoint`).
    if no_auth {
        overrides.push(("OS_AUTH_TYPE", "none".into()));
    }
    let lookup = |name: &str| {
        overrides
            .iter()
            .find(|(var, _)| *var == name)
            .map(|(_, value)| value.clone())
            // Without credentials, no cloud of clouds.yaml either.
            .or_else(|| (!(no_auth && name == "OS_CLOUD")).then(|| std::env::var(name).ok())?)
    };
    let mut builder =
        ClientBuilder::from_vars(lookup, &ims::default_search_dirs())?.user_agent(USER_AGENT);
    if !matches.get_flag("no-cache") {
        builder = builder.token_cache(TokenCache::in_default_dir());
    }
    Ok(builder.build().await?)
}

/// The image with this ID, or else the one image with this name: among the images a plain
/// list shows, then (for Glance's community images, which plain lists leave out) among
/// `visibility=all`.
async fn find_image(client: &Client, wanted: &str) -> Result<ims::types::Image, Failure> {
    match client.show_image().image_id(wanted).send().await {
        Ok(image) => return Ok(image.into_inner()),
        Err(error)
            if error
                .status()
                .is_some_and(|s| s.as_u16() == 404 || s.as_u16() == 400) => {}
        Err(error) => return Err(error.into()),
    }
    // `name=eq:...` matches the name exactly, `:` included.
    let filter = format!("eq:{wanted}")
        .parse::<ims::types::FilterExpression>()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    // At most this many candidates are named when the name is ambiguous.
    const CANDIDATES: usize = 20;
    let named = |all: bool| {
        let builder = client.list_images().name(filter.clone());
        let builder = if all {
            builder.visibility(ims::values::Visibility::from("all"))
        } else {
            builder
        };
        builder.into_stream().max_items(CANDIDATES).all()
    };
    let mut found = named(false).await?;
    if found.is_empty() {
        // A service without `visibility=all` (400) has nothing more to show.
        found = named(true).await.unwrap_or_default();
    }
    let shown = output::escape(wanted);
    match found.len() {
        0 => Err(Failure::NotFound(format!(
            "no image has the ID or name `{shown}`"
        ))),
        1 => Ok(found.into_iter().next().expect("one")),
        n => {
            let ids: Vec<String> = found
                .iter()
                .map(|i| output::escape(&i.id).into_owned())
                .collect();
            let more = if n >= CANDIDATES { ", ..." } else { "" };
            Err(Failure::Ambiguous(format!(
                "more than one image has the name `{shown}`; name one by ID: {}{more}",
                ids.join(", ")
            )))
        }
    }
}
