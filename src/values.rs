//! Open enums for the string fields whose values the service draws from a known, but growing,
//! set: the spec's open enums (a schema `X` that is `anyOf: [XKnown, string]`, `XKnown` the
//! closed `enum` of the known values).
//!
//! The spec is the one source of the known values: the unit test
//! `known_values_are_the_specs` fails, naming the type and the value, when a type here and
//! its schema in `openapi/ims.yaml` list different values, and code generation fails when an
//! open enum of the spec has no type here (`codegen/src/values.rs`).
//!
//! Each type has one variant per known value and `Other(String)` for anything else, so a value
//! the service starts sending tomorrow decodes, round-trips unchanged, and can still be sent as
//! a filter. Build one from a string with `From<&str>`, which picks the named variant whenever
//! one matches; equality compares the wire strings, so `Other("active".into())` equals
//! `ImageStatus::Active`.

use std::fmt;
use std::hash::{Hash, Hasher};

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
            $( | $(#[$bmeta:meta])* $boolean:ident(bool) )?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            $( $(#[$bmeta])* $boolean(bool), )?
            /// A value not listed above, kept exactly as the service sent it.
            Other(String),
        }

        impl $name {
            /// Every value with a named variant, as sent on the wire.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    $( Self::$boolean(true) => "true", Self::$boolean(false) => "false", )?
                    Self::Other(value) => value,
                }
            }

            /// Whether this is a value the client knows (not [`Self::Other`] with an unknown string).
            pub fn is_known(&self) -> bool {
                Self::KNOWN.contains(&self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $( $wire => Self::$variant, )+
                    _ => Self::Other(value),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $name {}

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$boolean(value) => serializer.serialize_bool(*value), )?
                    _ => serializer.serialize_str(self.as_str()),
                }
            }
        }

        impl FromWireBool for $name {
            #[allow(unreachable_code, unused_variables)]
            fn from_wire_bool(value: bool) -> Option<Self> {
                $( return Some(Self::$boolean(value)); )?
                None
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(OpenEnumVisitor::<$name>::new())
            }
        }
    };
}

/// The open enums the service may also send as a JSON boolean (the spec's `type: boolean`
/// alternative) keep it as such: `None` for the others, which then refuse a boolean.
trait FromWireBool: Sized {
    fn from_wire_bool(value: bool) -> Option<Self>;
}

/// Deserializes any open enum from a string without allocating for known values.
struct OpenEnumVisitor<T>(std::marker::PhantomData<T>);

impl<T> OpenEnumVisitor<T> {
    fn new() -> Self {
        OpenEnumVisitor(std::marker::PhantomData)
    }
}

impl<T: for<'a> From<&'a str> + From<String> + FromWireBool> serde::de::Visitor<'_>
    for OpenEnumVisitor<T>
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<T, E> {
        T::from_wire_bool(value)
            .ok_or_else(|| E::invalid_type(serde::de::Unexpected::Bool(value), &self))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}

open_enum! {
    /// A yes/no image property, usually sent as a string (`"true"`; some images carry
    /// `"True"`), by some services as a JSON boolean, which it keeps as [`Flag::Bool`].
    /// Use [`Flag::as_bool`] to read it.
    Flag {
        /// `"true"`
        True = "true",
        /// `"false"`
        False = "false",
        /// `"True"` (some images)
        TrueCapitalised = "True",
        /// `"False"` (some images)
        FalseCapitalised = "False",
        | /// A JSON boolean, written back as one.
        Bool(bool)
    }
}

impl Flag {
    /// `Some(true)` for any spelling of true (`true`, `True`, `TRUE`), `Some(false)` likewise
    /// for false, `None` for anything else.
    pub fn as_bool(&self) -> Option<bool> {
        let value = self.as_str();
        if value.eq_ignore_ascii_case("true") {
            Some(true)
        } else if value.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }
}

impl From<bool> for Flag {
    fn from(value: bool) -> Self {
        if value { Flag::True } else { Flag::False }
    }
}

open_enum! {
    /// Life-cycle state of an image.
    ImageStatus {
        /// Created; no data uploaded yet.
        Queued = "queued",
        /// Data being uploaded.
        Saving = "saving",
        /// Ready to use.
        Active = "active",
        /// The upload failed.
        Killed = "killed",
        /// Deleted.
        Deleted = "deleted",
        /// Data being staged (OpenStack interoperable import).
        Uploading = "uploading",
        /// Data being imported (OpenStack interoperable import).
        Importing = "importing",
        /// Deleted, data not yet scrubbed.
        PendingDelete = "pending_delete",
        /// Data download disabled by an administrator.
        Deactivated = "deactivated",
    }
}

open_enum! {
    /// Who may see an image besides its owner.
    Visibility {
        /// Only the owner's project.
        Private = "private",
        /// Everyone.
        Public = "public",
        /// Projects the image is shared with.
        Shared = "shared",
        /// Everyone, without being listed by default (OpenStack).
        Community = "community",
    }
}

open_enum! {
    /// Format of an image's disk data.
    DiskFormat {
        /// Compressed VHD, second version (IMS).
        Zvhd2 = "zvhd2",
        /// VHD.
        Vhd = "vhd",
        /// Compressed VHD (IMS).
        Zvhd = "zvhd",
        /// Raw disk.
        Raw = "raw",
        /// QEMU copy-on-write v2.
        Qcow2 = "qcow2",
        /// VMware disk.
        Vmdk = "vmdk",
        /// VirtualBox disk.
        Vdi = "vdi",
        /// ISO 9660 image.
        Iso = "iso",
        /// Virtuozzo disk.
        Ploop = "ploop",
        /// Amazon machine image.
        Ami = "ami",
        /// Amazon ramdisk image.
        Ari = "ari",
        /// Amazon kernel image.
        Aki = "aki",
    }
}

open_enum! {
    /// Container around an image's disk data.
    ContainerFormat {
        /// No container (what IMS images use).
        Bare = "bare",
        /// OVF package.
        Ovf = "ovf",
        /// OVA archive.
        Ova = "ova",
        /// Docker tar archive.
        Docker = "docker",
        /// Compressed archive.
        Compressed = "compressed",
        /// Amazon machine image.
        Ami = "ami",
        /// Amazon ramdisk image.
        Ari = "ari",
        /// Amazon kernel image.
        Aki = "aki",
    }
}

open_enum! {
    /// IMS image type (`__imagetype`).
    ImageType {
        /// Public image.
        Gold = "gold",
        /// Private image of the caller's project.
        Private = "private",
        /// Image shared with or by the caller's project.
        Shared = "shared",
        /// Marketplace image.
        Market = "market",
    }
}

open_enum! {
    /// OS family of an image (`__os_type`).
    OsType {
        /// Linux.
        Linux = "Linux",
        /// Windows.
        Windows = "Windows",
        /// Anything else.
        OtherOs = "Other",
    }
}

open_enum! {
    /// Word size of an image's OS (`__os_bit`).
    OsBit {
        /// 32-bit.
        Bits32 = "32",
        /// 64-bit.
        Bits64 = "64",
    }
}

open_enum! {
    /// OS distribution of an image (`__platform`).
    Platform {
        /// Windows.
        Windows = "Windows",
        /// Ubuntu.
        Ubuntu = "Ubuntu",
        /// Red Hat, spelt `RedHat`.
        RedHat = "RedHat",
        /// Red Hat, spelt `Red Hat` (the IMS extension's spelling).
        RedHatSpaced = "Red Hat",
        /// SUSE.
        Suse = "SUSE",
        /// CentOS.
        CentOs = "CentOS",
        /// Debian.
        Debian = "Debian",
        /// openSUSE.
        OpenSuse = "OpenSUSE",
        /// Oracle Linux.
        OracleLinux = "Oracle Linux",
        /// Fedora.
        Fedora = "Fedora",
        /// CoreOS.
        CoreOs = "CoreOS",
        /// EulerOS.
        EulerOs = "EulerOS",
        /// Anything else.
        OtherPlatform = "Other",
    }
}

open_enum! {
    /// State of a shared image for the project it is shared with.
    MemberStatus {
        /// Accepted.
        Accepted = "accepted",
        /// Rejected.
        Rejected = "rejected",
        /// Not decided yet.
        Pending = "pending",
        /// Any state (OpenStack filter value).
        All = "all",
    }
}

open_enum! {
    /// Image attribute to sort a list by.
    SortKey {
        /// Name.
        Name = "name",
        /// Container format.
        ContainerFormat = "container_format",
        /// Disk format.
        DiskFormat = "disk_format",
        /// Status.
        Status = "status",
        /// ID.
        Id = "id",
        /// Size.
        Size = "size",
        /// Creation time (the default).
        CreatedAt = "created_at",
        /// Time of the last change.
        UpdatedAt = "updated_at",
    }
}

open_enum! {
    /// Where an image is used (`virtual_env_type`).
    VirtualEnvType {
        /// Server system disk.
        FusionCompute = "FusionCompute",
        /// Bare-metal server.
        Ironic = "Ironic",
        /// Data disk.
        DataImage = "DataImage",
        /// ISO file.
        IsoImage = "IsoImage",
    }
}

open_enum! {
    /// How a server started from an image boots (`hw_firmware_type`).
    FirmwareType {
        /// BIOS.
        Bios = "bios",
        /// UEFI.
        Uefi = "uefi",
    }
}

open_enum! {
    /// What a link of the Compute API is (`rel`).
    LinkRel {
        /// Versioned, to follow now.
        SelfLink = "self",
        /// Permanent, to store.
        Bookmark = "bookmark",
        /// Another representation, such as the Image service's.
        Alternate = "alternate",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every open enum of this module, by the name of its schema in the spec.
    const TYPES: &[(&str, &[&str])] = &[
        ("Flag", Flag::KNOWN),
        ("ImageStatus", ImageStatus::KNOWN),
        ("Visibility", Visibility::KNOWN),
        ("DiskFormat", DiskFormat::KNOWN),
        ("ContainerFormat", ContainerFormat::KNOWN),
        ("ImageType", ImageType::KNOWN),
        ("OsType", OsType::KNOWN),
        ("OsBit", OsBit::KNOWN),
        ("Platform", Platform::KNOWN),
        ("MemberStatus", MemberStatus::KNOWN),
        ("SortKey", SortKey::KNOWN),
        ("VirtualEnvType", VirtualEnvType::KNOWN),
        ("FirmwareType", FirmwareType::KNOWN),
        ("LinkRel", LinkRel::KNOWN),
    ];

    /// The known values of each open enum of a spec (`X: anyOf: [{$ref: XKnown}, ...]`).
    fn spec_open_enums(spec: &str) -> Vec<(String, Vec<String>)> {
        let doc: serde_norway::Value = serde_norway::from_str(spec).unwrap();
        let schemas = doc["components"]["schemas"].as_mapping().unwrap();
        let mut out = Vec::new();
        for (name, schema) in schemas {
            let Some(first) = schema.get("anyOf").and_then(|a| a.get(0)) else {
                continue;
            };
            let name = name.as_str().unwrap();
            let reference = first["$ref"].as_str().unwrap();
            let known = reference.strip_prefix("#/components/schemas/").unwrap();
            // Filter schemas (`ImageStatusFilter: anyOf: [ImageStatusKnown, ...]`) narrow an
            // open enum for one operation; the open enum itself is `X: anyOf: [XKnown, ...]`.
            if known != format!("{name}Known") {
                continue;
            }
            let values = schemas[known]["enum"].as_sequence().unwrap();
            let values = values
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            out.push((name.to_string(), values));
        }
        out
    }

    /// Each difference between the types here and the spec, as a sentence naming both.
    fn differences(types: &[(&str, &[&str])], spec: &[(String, Vec<String>)]) -> Vec<String> {
        let mut out = Vec::new();
        for (name, values) in spec {
            let Some((_, known)) = types.iter().find(|(t, _)| t == name) else {
                out.push(format!(
                    "open enum {name} of the spec has no type in src/values.rs"
                ));
                continue;
            };
            for value in values.iter().filter(|v| !known.contains(&v.as_str())) {
                out.push(format!(
                    "{name}: the spec lists `{value}`, src/values.rs does not"
                ));
            }
            for value in known.iter().filter(|v| !values.iter().any(|s| s == *v)) {
                out.push(format!(
                    "{name}: src/values.rs lists `{value}`, the spec does not"
                ));
            }
        }
        for (name, _) in types
            .iter()
            .filter(|(t, _)| !spec.iter().any(|(s, _)| s == t))
        {
            out.push(format!(
                "{name} of src/values.rs is no open enum of the spec"
            ));
        }
        out
    }

    #[test]
    fn known_values_are_the_specs() {
        let spec = spec_open_enums(include_str!("../openapi/ims.yaml"));
        assert_eq!(spec.len(), TYPES.len(), "open enums of the spec: {spec:?}");
        let differences = differences(TYPES, &spec);
        assert!(
            differences.is_empty(),
            "src/values.rs and openapi/ims.yaml differ:\n{}",
            differences.join("\n")
        );
    }

    #[test]
    fn a_difference_names_the_enum_and_the_value() {
        let spec = vec![
            (
                "Flag".to_string(),
                vec!["true".to_string(), "yes".to_string()],
            ),
            ("Colour".to_string(), vec!["red".to_string()]),
        ];
        let types: &[(&str, &[&str])] = &[("Flag", &["true", "false"]), ("Size", &["big"])];
        assert_eq!(
            differences(types, &spec),
            [
                "Flag: the spec lists `yes`, src/values.rs does not",
                "Flag: src/values.rs lists `false`, the spec does not",
                "open enum Colour of the spec has no type in src/values.rs",
                "Size of src/values.rs is no open enum of the spec",
            ]
        );
    }

    #[test]
    fn unknown_values_round_trip_unchanged() {
        let format: DiskFormat = serde_json::from_str("\"zvhd3\"").unwrap();
        assert_eq!(format, DiskFormat::Other("zvhd3".into()));
        assert!(!format.is_known());
        assert_eq!(serde_json::to_string(&format).unwrap(), "\"zvhd3\"");
    }

    #[test]
    fn known_values_pick_their_variant() {
        let status: ImageStatus = serde_json::from_str("\"active\"").unwrap();
        assert!(matches!(status, ImageStatus::Active));
        assert_eq!(ImageStatus::Other("active".into()), ImageStatus::Active);
        assert_eq!(Platform::from("Red Hat"), Platform::RedHatSpaced);
    }

    #[test]
    fn flags_read_any_spelling_and_keep_it() {
        let flag: Flag = serde_json::from_str("\"True\"").unwrap();
        assert_eq!(flag.as_bool(), Some(true));
        assert_eq!(serde_json::to_string(&flag).unwrap(), "\"True\"");
        let boolean: Flag = serde_json::from_str("false").unwrap();
        assert_eq!(boolean, Flag::False);
        assert_eq!(boolean.as_bool(), Some(false));
        assert_eq!(
            serde_json::to_string(&boolean).unwrap(),
            "false",
            "a boolean stays one"
        );
        assert!(serde_json::from_str::<ImageStatus>("true").is_err());
        assert_eq!(Flag::from("no").as_bool(), None);
    }

    #[test]
    fn non_strings_are_a_decode_error() {
        assert!(serde_json::from_str::<Visibility>("42").is_err());
    }
}
