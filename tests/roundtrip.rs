//! Every documented response example decodes without loss.
//!
//! For each of the six operations, the `reference` example of its 200 response is read from
//! `openapi/ims.yaml`, served over real HTTP by the test server, decoded by the generated
//! client into its typed response, and encoded again with serde_json. The result must equal
//! the example (key order aside), except for fields the types cannot reproduce, which each
//! test lists explicitly:
//!
//! - `Null`: a nullable optional field sent as an explicit `null` (such as
//!   `"virtual_size": null`) decodes to `None`, the same as an absent field, and `None` is
//!   not encoded again.
//! - `Empty`: an optional array or map sent empty (`"tags": []`, `"properties": {}`) decodes
//!   to an empty `Vec`/`HashMap`, the same as an absent field, and an empty one is not
//!   encoded again.
//!
//! The list must be exact: a field dropped that is not listed fails the test (the types lost
//! data), and a listed field that is not dropped fails it too (the list is out of date).

mod support;

use std::collections::BTreeSet;
use std::fmt;

use ims::values::{ContainerFormat, DiskFormat, FirmwareType, Flag, ImageStatus, Visibility};
use serde_json::{Value, json};
use support::{CannedResponse, Server};

/// The spec this build was generated from.
const SPEC: &str = include_str!("../openapi/ims.yaml");

/// Why a field may be missing from the re-encoded JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lost {
    /// It was an explicit `null`.
    Null,
    /// It was an empty array or object.
    Empty,
}

/// The `reference` example of the 200 response of `GET path`, following a `$ref` to
/// `components.responses`.
fn example_response(path: &str) -> Value {
    let spec: Value = serde_norway::from_str(SPEC).expect("openapi/ims.yaml parses");
    let mut response = &spec["paths"][path]["get"]["responses"]["200"];
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/components/responses/")
            .unwrap_or_else(|| panic!("unexpected $ref {reference}"));
        response = &spec["components"]["responses"][name];
    }
    let example = &response["content"]["application/json"]["examples"]["reference"]["value"];
    assert!(
        example.is_object(),
        "no reference example for GET {path}: {response:#}"
    );
    example.clone()
}

/// A server that answers once with `body` as JSON.
fn serve(body: &Value) -> Server {
    Server::start(vec![
        CannedResponse::json(200, body).header("X-Openstack-Request-Id", "req-roundtrip"),
    ])
}

/// One way the re-encoded JSON differs from the original.
#[derive(Debug)]
enum Difference {
    /// In the original, not in the re-encoded JSON.
    Dropped {
        pattern: String,
        path: String,
        value: Value,
    },
    /// In the re-encoded JSON, not in the original.
    Added { path: String, value: Value },
    /// In both, with different values.
    Changed {
        path: String,
        original: Value,
        encoded: Value,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Dropped { path, value, .. } => write!(f, "dropped {path} (was {value})"),
            Difference::Added { path, value } => write!(f, "added {path} = {value}"),
            Difference::Changed {
                path,
                original,
                encoded,
            } => {
                write!(f, "changed {path}: {original} became {encoded}")
            }
        }
    }
}

/// Every difference between `original` and `encoded`. `pattern` is the path with array
/// indexes left out (`images[].tags`), `path` the exact one (`images[1].tags`).
fn differences(
    pattern: &str,
    path: &str,
    original: &Value,
    encoded: &Value,
    out: &mut Vec<Difference>,
) {
    let child = |base: &str, key: &str| {
        if base.is_empty() {
            key.to_string()
        } else {
            format!("{base}.{key}")
        }
    };
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let (p, q) = (child(pattern, key), child(path, key));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differences(&p, &q, x, y, out),
                    (Some(x), None) => out.push(Difference::Dropped {
                        pattern: p,
                        path: q,
                        value: x.clone(),
                    }),
                    (None, Some(y)) => out.push(Difference::Added {
                        path: q,
                        value: y.clone(),
                    }),
                    (None, None) => unreachable!(),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(&format!("{pattern}[]"), &format!("{path}[{i}]"), x, y, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Difference::Changed {
            path: path.to_string(),
            original: a.clone(),
            encoded: b.clone(),
        }),
    }
}

/// Asserts that `encoded` equals `original` except for exactly the `expected` fields, each of
/// which must have been dropped everywhere it differs, and only when it held what its
/// [`Lost`] says.
fn assert_round_trip(original: &Value, encoded: &Value, expected: &[(&str, Lost)]) {
    let mut found = Vec::new();
    differences("", "", original, encoded, &mut found);
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for difference in &found {
        match difference {
            Difference::Dropped { pattern, value, .. } => {
                let allowed = expected
                    .iter()
                    .find(|(p, _)| p == pattern)
                    .map(|(_, lost)| *lost);
                let fits = match allowed {
                    Some(Lost::Null) => value.is_null(),
                    Some(Lost::Empty) => {
                        value.as_array().is_some_and(Vec::is_empty)
                            || value.as_object().is_some_and(|o| o.is_empty())
                    }
                    None => false,
                };
                if fits {
                    seen.insert(pattern.as_str());
                } else {
                    problems.push(difference.to_string());
                }
            }
            other => problems.push(other.to_string()),
        }
    }
    for (pattern, lost) in expected {
        if !seen.contains(pattern) {
            problems.push(format!(
                "{pattern} is listed as lost ({lost:?}) but the round trip kept it or the \
                 example does not have it: update the list"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the round trip through the typed response lost or changed data:\n  {}\n\
         original: {original:#}\nre-encoded: {encoded:#}",
        problems.join("\n  ")
    );
}

/// The fields of an IMS image the types cannot reproduce in the examples.
const IMAGE_LOSSES: &[(&str, Lost)] = &[("virtual_size", Lost::Null), ("tags", Lost::Empty)];

fn in_images(losses: &[(&'static str, Lost)]) -> Vec<(String, Lost)> {
    losses
        .iter()
        .map(|(p, lost)| (format!("images[].{p}"), *lost))
        .collect()
}

fn as_refs(list: &[(String, Lost)]) -> Vec<(&str, Lost)> {
    list.iter().map(|(p, lost)| (p.as_str(), *lost)).collect()
}

/// Asserts that no object of a response kept anything in `extra`: every field of the
/// documented examples is a typed field, so a field the spec stops listing (which would
/// still round-trip, through `extra`) is noticed.
fn assert_no_extra<'a>(extras: impl IntoIterator<Item = &'a serde_json::Map<String, Value>>) {
    for (i, extra) in extras.into_iter().enumerate() {
        assert!(
            extra.is_empty(),
            "object #{i} has fields the types do not name: {extra:?}"
        );
    }
}

#[tokio::test]
async fn show_image_example_round_trips() {
    let example = example_response("/v2/images/{image_id}");
    let server = serve(&example);
    let client = ims::Client::new(&server.base_url(), ims::Context::default());

    let response = client
        .show_image()
        .image_id("bc6bed6e-ba3a-4447-afcc-449174a3eb52")
        .send()
        .await
        .expect("the example decodes as types::Image");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["x-openstack-request-id"],
        "req-roundtrip"
    );
    let image = response.into_inner();

    assert_eq!(image.id, "bc6bed6e-ba3a-4447-afcc-449174a3eb52");
    assert_eq!(image.disk_format, Some(DiskFormat::Zvhd2));
    assert_eq!(image.container_format, Some(ContainerFormat::Bare));
    assert_eq!(image.status, Some(ImageStatus::Active));
    assert_eq!(image.visibility, Some(Visibility::Public));
    assert_eq!(
        image.isregistered.as_ref().and_then(Flag::as_bool),
        Some(true)
    );
    assert_eq!(image.min_ram, Some(2048));
    assert_eq!(
        image.self_.as_deref(),
        Some("/v2/images/bc6bed6e-ba3a-4447-afcc-449174a3eb52")
    );
    // `__support_kvm_fpga_type` is a property of Image in the spec, so it is a typed field
    // (not one of `extra`); see `unknown_properties_are_kept_in_extra` for `extra`.
    assert_eq!(image.support_kvm_fpga_type.as_deref(), Some("VU9P"));
    assert_no_extra([&image.extra]);
    assert_eq!(image.virtual_size, None);
    assert_eq!(example["virtual_size"], Value::Null);

    let encoded = serde_json::to_value(&image).unwrap();
    assert_round_trip(&example, &encoded, IMAGE_LOSSES);
    assert_eq!(
        server.single_request().path(),
        "/v2/images/bc6bed6e-ba3a-4447-afcc-449174a3eb52"
    );
}

#[tokio::test]
async fn list_images_example_round_trips() {
    let example = example_response("/v2/images");
    let server = serve(&example);
    let client = ims::Client::new(&server.base_url(), ims::Context::default());

    let list = client
        .list_images()
        .send()
        .await
        .expect("decodes as ImageList")
        .into_inner();
    assert_eq!(list.images.len(), 2);
    assert_eq!(
        list.next.as_deref(),
        Some(
            "/v2/images?__isregistered=true&marker=0328c25e-c840-4496-81ac-c4e01b214b1f&__imagetype=gold&limit=2"
        )
    );
    assert_eq!(
        list.first.as_deref(),
        Some("/v2/images?__isregistered=true&__imagetype=gold&limit=2")
    );
    assert_eq!(
        list.images[1].support_kvm_fpga_type.as_deref(),
        Some("VU9P_COMMON")
    );
    assert_eq!(list.images[0].hw_firmware_type, Some(FirmwareType::Bios));
    assert_eq!(list.images[0].disk_format, Some(DiskFormat::Zvhd2));
    assert_no_extra(std::iter::once(&list.extra).chain(list.images.iter().map(|i| &i.extra)));

    let encoded = serde_json::to_value(&list).unwrap();
    assert_round_trip(&example, &encoded, &as_refs(&in_images(IMAGE_LOSSES)));
}

#[tokio::test]
async fn list_cloud_images_example_round_trips() {
    let example = example_response("/v2/cloudimages");
    let server = serve(&example);
    let client = ims::Client::new(&server.base_url(), ims::Context::default());

    let list = client
        .list_cloud_images()
        .send()
        .await
        .expect("decodes as CloudImageList")
        .into_inner();
    assert_eq!(list.images.len(), 2);
    assert_eq!(list.images[0].support_fc_inject, Some(Flag::True));
    assert_eq!(
        list.images[1].name.as_deref(),
        Some("CentOS 7.3 64bit with sdx")
    );
    assert_no_extra(std::iter::once(&list.extra).chain(list.images.iter().map(|i| &i.extra)));

    let encoded = serde_json::to_value(&list).unwrap();
    assert_round_trip(&example, &encoded, &as_refs(&in_images(IMAGE_LOSSES)));
}

#[tokio::test]
async fn list_compute_images_example_round_trips() {
    let example = example_response("/v2/{project_id}/images/detail");
    let server = serve(&example);
    let client = ims::Client::new(&server.base_url(), ims::Context::default());

    let list = client
        .list_compute_images()
        .project_id("9c53a566cb3443ab910cf0daebca90c4")
        .send()
        .await
        .expect("decodes as ComputeImageList")
        .into_inner();
    let image = &list.images[0];
    assert_eq!(image.os_ext_img_size_size, Some(20578304));
    assert_eq!(image.min_disk, Some(2));
    assert_eq!(image.links.len(), 3);
    assert_eq!(
        image.links[2].type_.as_deref(),
        Some("application/vnd.openstack.image")
    );
    assert_eq!(
        image.metadata.get("os_type"),
        Some(&serde_json::Value::String("None".to_string()))
    );
    assert_eq!(
        image.server.as_ref().and_then(|s| s.id.as_deref()),
        Some("b600b5b1-ed8c-4814-aefa-8b903c894c20")
    );
    let server_ref = image.server.as_ref().unwrap();
    assert_no_extra(
        [&list.extra, &image.extra, &server_ref.extra]
            .into_iter()
            .chain(
                image
                    .links
                    .iter()
                    .chain(&server_ref.links)
                    .map(|l| &l.extra),
            ),
    );

    // Nothing in this example is null or empty: the round trip must be exact.
    let encoded = serde_json::to_value(&list).unwrap();
    assert_round_trip(&example, &encoded, &[]);
    assert_eq!(encoded, example);
}

#[tokio::test]
async fn list_compute_images_v2_1_example_round_trips() {
    let example = example_response("/v2.1/{project_id}/images/detail");
    let server = serve(&example);
    let client = ims::Client::new(&server.base_url(), ims::Context::default());

    let list = client
        .list_compute_images_v2_1()
        .project_id("9c53a566cb3443ab910cf0daebca90c4")
        .send()
        .await
        .expect("decodes as ComputeImageList")
        .into_inner();
    assert_eq!(list.images[0].name.as_deref(), Some("image1"));
    assert_no_extra([&list.extra, &list.images[0].extra]);

    let encoded = serde_json::to_value(&list).unwrap();
    assert_round_trip(&example, &encoded, &[]);
    assert_eq!(encoded, example);
}

#[tokio::test]
async fn list_images_v1_1_example_round_trips() {
    let example = example_response("/v1.1/images/detail");
    let server = serve(&example);
    let client = ims::Client::new(&server.base_url(), ims::Context::default());

    let list = client
        .list_images_v1_1()
        .send()
        .await
        .expect("decodes as V1ImageList")
        .into_inner();
    let image = &list.images[0];
    assert_eq!(image.disk_format, Some(DiskFormat::Qcow2));
    assert_eq!(image.is_public, Some(true));
    assert_eq!(image.size, Some(13167616));
    assert_eq!(image.deleted, Some(false));
    assert_eq!(image.deleted_at, None);
    assert!(image.properties.is_empty());
    assert_no_extra([&list.extra, &image.extra]);

    let encoded = serde_json::to_value(&list).unwrap();
    assert_round_trip(
        &example,
        &encoded,
        &[
            ("images[].deleted_at", Lost::Null),
            ("images[].virtual_size", Lost::Null),
            ("images[].properties", Lost::Empty),
        ],
    );
}

/// Properties the spec does not list land in `extra` and are encoded again unchanged, even
/// an explicit `null`, nested values and unknown values of open enums.
#[tokio::test]
async fn unknown_properties_are_kept_in_extra() {
    let mut example = example_response("/v2/images");
    example["schema_version"] = json!(3);
    let image = &mut example["images"][0];
    image["__support_arm"] = json!("true");
    image["hw_disk_bus"] = json!("scsi");
    image["__unknown_null"] = Value::Null;
    image["__vendor"] = json!({"a": [1, null, {"b": "c"}]});
    image["disk_format"] = json!("zvhd3");
    image["tags"] = json!(["a.b", "k=v"]);
    let server = serve(&example);
    let client = ims::Client::new(&server.base_url(), ims::Context::default());

    let list = client.list_images().send().await.unwrap().into_inner();
    assert_eq!(list.extra["schema_version"], json!(3));
    let image = &list.images[0];
    assert_eq!(image.extra["__support_arm"], json!("true"));
    assert_eq!(image.extra["hw_disk_bus"], json!("scsi"));
    assert_eq!(image.extra["__unknown_null"], Value::Null);
    assert_eq!(image.extra["__vendor"]["a"][2]["b"], json!("c"));
    assert_eq!(image.disk_format, Some(DiskFormat::Other("zvhd3".into())));
    assert_eq!(image.tags, ["a.b", "k=v"]);

    // Image 0 now has tags, so only image 1 drops its empty ones: the list names the
    // pattern, which still matches.
    let encoded = serde_json::to_value(&list).unwrap();
    assert_round_trip(&example, &encoded, &as_refs(&in_images(IMAGE_LOSSES)));
    assert_eq!(encoded["images"][0]["tags"], json!(["a.b", "k=v"]));
}

/// The checker itself: it must catch a dropped field, an unlisted null and a change.
#[test]
fn the_checker_catches_losses() {
    let original = json!({"a": 1, "b": null, "c": [], "d": {"e": "x"}});
    let check = |encoded: Value, expected: &[(&str, Lost)]| {
        std::panic::catch_unwind(|| assert_round_trip(&original, &encoded, expected)).is_ok()
    };
    let all = [("b", Lost::Null), ("c", Lost::Empty)];
    assert!(check(json!({"a": 1, "d": {"e": "x"}}), &all));
    assert!(!check(json!({"d": {"e": "x"}}), &all), "a dropped field");
    assert!(
        !check(json!({"a": 1, "d": {"e": "y"}}), &all),
        "a changed value"
    );
    assert!(
        !check(json!({"a": 1, "d": {"e": "x"}, "f": 2}), &all),
        "an added field"
    );
    assert!(
        !check(json!({"a": 1, "d": {"e": "x"}}), &[("b", Lost::Null)]),
        "an unlisted empty array"
    );
    assert!(
        !check(json!({"a": 1, "c": [], "d": {"e": "x"}}), &all),
        "a listed field that was kept"
    );
    assert!(
        !check(
            json!({"a": 1, "d": {"e": "x"}}),
            &[("b", Lost::Empty), ("c", Lost::Empty)]
        ),
        "wrong kind"
    );
}
