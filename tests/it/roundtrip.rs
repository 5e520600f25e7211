//! Every documented response example decodes without loss.
//!
//! For each of the six operations, the `reference` example of its 200 response is read from
//! `openapi/ims.yaml`, served over real HTTP by the test server, decoded by the generated
//! client into its typed response, and encoded again with serde_json. The result must equal
//! the example (key order aside): every key the service sent, `null` where it sent `null`
//! (`"virtual_size": null`), empty where it sent an empty list or map (`"tags": []`), and
//! nothing where it sent nothing.

use std::collections::BTreeSet;
use std::fmt;

use crate::support::{CannedResponse, Server};
use ims::values::{ContainerFormat, DiskFormat, FirmwareType, Flag, ImageStatus, Visibility};
use serde_json::{Value, json};

/// The spec this build was generated from.
const SPEC: &str = include_str!("../../openapi/ims.yaml");

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
    Dropped { path: String, value: Value },
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
            Difference::Dropped { path, value } => write!(f, "dropped {path} (was {value})"),
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

/// Every difference between `original` and `encoded`, by path (`images[1].tags`).
fn differences(path: &str, original: &Value, encoded: &Value, out: &mut Vec<Difference>) {
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
                let q = child(path, key);
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differences(&q, x, y, out),
                    (Some(x), None) => out.push(Difference::Dropped {
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
                differences(&format!("{path}[{i}]"), x, y, out);
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

/// Asserts that `encoded` equals `original`, naming every difference.
fn assert_round_trip(original: &Value, encoded: &Value) {
    let mut found = Vec::new();
    differences("", original, encoded, &mut found);
    let problems: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        problems.is_empty(),
        "the round trip through the typed response lost or changed data:\n  {}\n\
         original: {original:#}\nre-encoded: {encoded:#}",
        problems.join("\n  ")
    );
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
    assert_round_trip(&example, &encoded);
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
    assert_round_trip(&example, &encoded);
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
    assert_round_trip(&example, &encoded);
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
    assert_round_trip(&example, &encoded);
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
    assert_round_trip(&example, &encoded);
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
    assert_round_trip(&example, &encoded);
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

    let encoded = serde_json::to_value(&list).unwrap();
    assert_round_trip(&example, &encoded);
    assert_eq!(encoded["images"][0]["tags"], json!(["a.b", "k=v"]));
}

/// The checker itself: it must catch a dropped field, a dropped null, a dropped empty list
/// and a change.
#[test]
fn the_checker_catches_losses() {
    let original = json!({"a": 1, "b": null, "c": [], "d": {"e": "x"}});
    let check = |encoded: Value| {
        std::panic::catch_unwind(|| assert_round_trip(&original, &encoded)).is_ok()
    };
    assert!(check(original.clone()));
    assert!(
        !check(json!({"b": null, "c": [], "d": {"e": "x"}})),
        "a dropped field"
    );
    assert!(
        !check(json!({"a": 1, "c": [], "d": {"e": "x"}})),
        "a dropped null"
    );
    assert!(
        !check(json!({"a": 1, "b": null, "d": {"e": "x"}})),
        "a dropped empty list"
    );
    assert!(
        !check(json!({"a": 1, "b": null, "c": [], "d": {"e": "y"}})),
        "a changed value"
    );
    assert!(
        !check(json!({"a": 1, "b": null, "c": [], "d": {"e": "x"}, "f": 2})),
        "an added field"
    );
}
