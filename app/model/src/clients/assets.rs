//! A client's locations (offices, sites) and assets (the machines, devices and licences the
//! organisation looks after for them), as their forms send them and as pages show them.

use super::{optional_uuid, text, ClientId, ContactId, Problems, ADDRESS_MAX, NAME_MAX, NOTES_MAX};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const MAKE_MAX: usize = 100;
pub const PROPERTIES_MAX: usize = 50;
pub const PROPERTY_KEY_MAX: usize = 100;
pub const PROPERTY_VALUE_MAX: usize = 1_000;
/// "Warranty ends soon" looks this many days ahead.
pub const WARRANTY_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sqlx::Type),
    sqlx(transparent)
)]
#[serde(transparent)]
pub struct LocationId(pub Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sqlx::Type),
    sqlx(transparent)
)]
#[serde(transparent)]
pub struct AssetId(pub Uuid);

/// What an asset is. The list is short on purpose: reports group by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum AssetKind {
    Workstation,
    Laptop,
    Server,
    NetworkDevice,
    Printer,
    Phone,
    SoftwareLicence,
    #[default]
    Other,
}

impl AssetKind {
    pub const ALL: [Self; 8] = [
        Self::Workstation,
        Self::Laptop,
        Self::Server,
        Self::NetworkDevice,
        Self::Printer,
        Self::Phone,
        Self::SoftwareLicence,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Workstation => "workstation",
            Self::Laptop => "laptop",
            Self::Server => "server",
            Self::NetworkDevice => "network_device",
            Self::Printer => "printer",
            Self::Phone => "phone",
            Self::SoftwareLicence => "software_licence",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Workstation => "Workstation",
            Self::Laptop => "Laptop",
            Self::Server => "Server",
            Self::NetworkDevice => "Network device",
            Self::Printer => "Printer",
            Self::Phone => "Phone",
            Self::SoftwareLicence => "Software licence",
            Self::Other => "Other",
        }
    }
}

/// A date as a date input sends it (`2026-12-03`); empty means none.
pub fn parse_date(raw: &str) -> Result<Option<time::Date>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(raw, &format) {
        Ok(day) if (1970..=2199).contains(&day.year()) => Ok(Some(day)),
        Ok(_) => Err("Choose a date between 1970 and 2199.".into()),
        Err(_) => Err("Enter the date as year-month-day, like 2026-12-03.".into()),
    }
}

/// A location as its form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct LocationForm {
    /// The client's id.
    pub client: String,
    pub name: String,
    pub address: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLocation {
    pub client: ClientId,
    pub name: String,
    pub address: String,
    pub notes: String,
}

impl TryFrom<LocationForm> for NewLocation {
    type Error = AppError;

    fn try_from(f: LocationForm) -> Result<Self, AppError> {
        let mut p = Problems::default();
        let client = p.take("client", required_id(&f.client, "the client"));
        let name = p.take(
            "name",
            text(&f.name, NAME_MAX, Some("the location's name"), false),
        );
        let address = p.take("address", text(&f.address, ADDRESS_MAX, None, true));
        let notes = p.take("notes", text(&f.notes, NOTES_MAX, None, true));
        p.finish(Self {
            client: ClientId(client),
            name,
            address,
            notes,
        })
    }
}

fn required_id(raw: &str, what: &str) -> Result<Uuid, String> {
    optional_uuid(raw)?.ok_or_else(|| format!("Choose {what}."))
}

/// A location as the client's page and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Location {
    pub id: LocationId,
    pub client: ClientId,
    pub name: String,
    pub address: String,
    pub notes: String,
    /// Assets kept there.
    pub assets: i64,
    pub version: i32,
}

impl Location {
    pub fn form(&self) -> LocationForm {
        LocationForm {
            client: self.client.0.to_string(),
            name: self.name.clone(),
            address: self.address.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// An asset as its form sends it. Properties are one per line, `key: value`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AssetForm {
    /// The client's id.
    pub client: String,
    pub kind: String,
    pub name: String,
    pub manufacturer: String,
    pub model: String,
    pub serial_number: String,
    /// `YYYY-MM-DD`, or empty.
    pub purchased_on: String,
    /// `YYYY-MM-DD`, or empty.
    pub warranty_ends: String,
    /// A location of the client, or empty.
    pub location: String,
    /// A contact at the client, or empty.
    pub contact: String,
    /// One per line: `key: value`.
    pub properties: String,
}

/// An asset, checked. That the location and contact are the client's is the database's
/// promise (one foreign key each); the backend turns a refusal into a field error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAsset {
    pub client: ClientId,
    pub kind: AssetKind,
    pub name: String,
    pub manufacturer: String,
    pub model: String,
    pub serial_number: String,
    pub purchased_on: Option<time::Date>,
    pub warranty_ends: Option<time::Date>,
    pub location: Option<LocationId>,
    pub contact: Option<ContactId>,
    pub properties: Properties,
}

impl TryFrom<AssetForm> for NewAsset {
    type Error = AppError;

    fn try_from(f: AssetForm) -> Result<Self, AppError> {
        let mut p = Problems::default();
        let client = p.take("client", required_id(&f.client, "the client"));
        let kind = match AssetKind::parse(f.kind.trim()) {
            Some(k) => k,
            None if f.kind.trim().is_empty() => AssetKind::Other,
            None => {
                p.0.push(("kind", "Choose a kind from the list.".into()));
                AssetKind::Other
            }
        };
        let name = p.take(
            "name",
            text(&f.name, NAME_MAX, Some("the asset's name"), false),
        );
        let manufacturer = p.take("manufacturer", text(&f.manufacturer, MAKE_MAX, None, false));
        let model = p.take("model", text(&f.model, MAKE_MAX, None, false));
        let serial_number = p.take(
            "serial_number",
            text(&f.serial_number, MAKE_MAX, None, false),
        );
        let purchased_on = p.take("purchased_on", parse_date(&f.purchased_on));
        let warranty_ends = p.take("warranty_ends", parse_date(&f.warranty_ends));
        if let (Some(bought), Some(ends)) = (purchased_on, warranty_ends) {
            if ends < bought {
                p.0.push((
                    "warranty_ends",
                    "The warranty cannot end before the purchase.".into(),
                ));
            }
        }
        let location = p.take("location", optional_uuid(&f.location));
        let contact = p.take("contact", optional_uuid(&f.contact));
        let properties = p.take("properties", Properties::parse(&f.properties));
        p.finish(Self {
            client: ClientId(client),
            kind,
            name,
            manufacturer,
            model,
            serial_number,
            purchased_on,
            warranty_ends,
            location: location.map(LocationId),
            contact: contact.map(ContactId),
            properties,
        })
    }
}

/// An asset's free properties ("RAM: 16 GB"), keys unique regardless of case. A JSON object
/// in the API and the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Properties(pub BTreeMap<String, String>);

impl Properties {
    /// One per line, `key: value` (or `key = value`); blank lines are skipped.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut out = BTreeMap::new();
        for (n, line) in raw
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let line_no = n + 1;
            let Some((key, value)) = line.split_once(':').or_else(|| line.split_once('=')) else {
                return Err(format!(
                    "Line {line_no}: write it as name: value, like RAM: 16 GB."
                ));
            };
            let key = text(key, PROPERTY_KEY_MAX, Some("a name"), false)
                .map_err(|m| format!("Line {line_no}: {m}"))?;
            let value = text(value, PROPERTY_VALUE_MAX, None, false)
                .map_err(|m| format!("Line {line_no}: {m}"))?;
            if out.keys().any(|k: &String| k.eq_ignore_ascii_case(&key)) {
                return Err(format!("Line {line_no}: {key} is there twice."));
            }
            out.insert(key, value);
        }
        if out.len() > PROPERTIES_MAX {
            return Err(format!("Keep it to {PROPERTIES_MAX} properties."));
        }
        Ok(Self(out))
    }

    /// As the form shows them.
    pub fn lines(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// As the database keeps them: one JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.0
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect(),
        )
    }

    /// From the database's object; a value that is not text is shown as JSON.
    pub fn from_json(v: &serde_json::Value) -> Self {
        Self(
            v.as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| {
                            let shown = v.as_str().map(str::to_string);
                            (k.clone(), shown.unwrap_or_else(|| v.to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        )
    }
}

/// An asset with everything its form edits, and the version the form saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Asset {
    pub id: AssetId,
    pub client: ClientId,
    pub client_name: String,
    pub kind: AssetKind,
    pub name: String,
    pub manufacturer: String,
    pub model: String,
    pub serial_number: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub purchased_on: Option<time::Date>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub warranty_ends: Option<time::Date>,
    pub location: Option<LocationId>,
    pub location_name: Option<String>,
    pub contact: Option<ContactId>,
    pub contact_name: Option<String>,
    pub properties: Properties,
    pub version: i32,
}

impl Asset {
    pub fn form(&self) -> AssetForm {
        let day = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        AssetForm {
            client: self.client.0.to_string(),
            kind: self.kind.as_str().into(),
            name: self.name.clone(),
            manufacturer: self.manufacturer.clone(),
            model: self.model.clone(),
            serial_number: self.serial_number.clone(),
            purchased_on: day(self.purchased_on),
            warranty_ends: day(self.warranty_ends),
            location: self.location.map(|l| l.0.to_string()).unwrap_or_default(),
            contact: self.contact.map(|c| c.0.to_string()).unwrap_or_default(),
            properties: self.properties.lines(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssetPage {
    pub rows: Vec<Asset>,
    pub next: Option<String>,
}

/// What an asset's form offers for one client: its locations and its people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetChoices {
    pub client: ClientId,
    pub client_name: String,
    pub locations: Vec<(LocationId, String)>,
    pub contacts: Vec<(ContactId, String)>,
}

/// One asset's page: the asset, the tickets about it (newest first) and its form's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetOverview {
    pub asset: Asset,
    pub tickets: Vec<super::ClientTicket>,
    pub choices: AssetChoices,
}

/// An asset as a ticket's sidebar lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketAsset {
    pub id: AssetId,
    pub name: String,
    pub kind: AssetKind,
    pub serial_number: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AssetForm {
        AssetForm {
            client: Uuid::nil().to_string(),
            kind: "laptop".into(),
            name: " ThinkPad of Peter ".into(),
            ..AssetForm::default()
        }
    }

    #[test]
    fn an_asset_needs_a_client_a_name_and_a_known_kind() {
        let a = NewAsset::try_from(form()).expect("valid");
        assert_eq!(a.name, "ThinkPad of Peter");
        assert_eq!(a.kind, AssetKind::Laptop);
        let err = NewAsset::try_from(AssetForm {
            client: String::new(),
            kind: "toaster".into(),
            name: String::new(),
            purchased_on: "2026-02-30".into(),
            location: "nowhere".into(),
            ..AssetForm::default()
        })
        .unwrap_err();
        for field in ["client", "kind", "name", "purchased_on", "location"] {
            assert!(err.field_message(field).is_some(), "{field}: {err:?}");
        }
    }

    #[test]
    fn a_warranty_cannot_end_before_the_purchase() {
        let err = NewAsset::try_from(AssetForm {
            purchased_on: "2026-05-01".into(),
            warranty_ends: "2026-04-30".into(),
            ..form()
        })
        .unwrap_err();
        assert!(err.field_message("warranty_ends").is_some());
        let ok = NewAsset::try_from(AssetForm {
            purchased_on: "2026-05-01".into(),
            warranty_ends: "2029-05-01".into(),
            ..form()
        })
        .expect("valid");
        assert_eq!(ok.warranty_ends.map(|d| d.year()), Some(2029));
    }

    #[test]
    fn properties_are_lines_of_name_and_value() {
        let p = Properties::parse("RAM: 16 GB\n\n cpu = i7 \nNote: a: b").expect("valid");
        let pairs: Vec<(&str, &str)> = p.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("Note", "a: b"), ("RAM", "16 GB"), ("cpu", "i7")]);
        assert_eq!(Properties::from_json(&p.to_json()), p);
        assert!(Properties::parse("RAM 16 GB")
            .unwrap_err()
            .starts_with("Line 1"));
        assert!(Properties::parse("ram: 1\nRAM: 2")
            .unwrap_err()
            .contains("twice"));
        assert!(Properties::parse(": value").is_err());
        let many: String = (0..=PROPERTIES_MAX).map(|i| format!("k{i}: v\n")).collect();
        assert!(Properties::parse(&many).is_err());
    }

    #[test]
    fn a_location_needs_a_client_and_a_name() {
        let err = NewLocation::try_from(LocationForm::default()).unwrap_err();
        assert!(err.field_message("client").is_some());
        assert!(err.field_message("name").is_some());
    }
}
