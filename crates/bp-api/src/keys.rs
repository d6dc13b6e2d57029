//! API keys, tiers (the user segment) and roles.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;
use uuid::Uuid;

/// A key's commercial tier; it is the user segment of every request made with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Free,
    Pro,
    Enterprise,
}

impl Tier {
    pub const ALL: &'static [Tier] = &[Tier::Free, Tier::Pro, Tier::Enterprise];

    pub const fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Pro => "pro",
            Tier::Enterprise => "enterprise",
        }
    }
}

impl FromStr for Tier {
    type Err = crate::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tier::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| crate::UnknownName {
                kind: "tier",
                name: s.to_owned(),
            })
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made a request, for metrics: a key's tier or `anonymous`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    Anonymous,
    Free,
    Pro,
    Enterprise,
}

impl From<Tier> for Segment {
    fn from(t: Tier) -> Self {
        match t {
            Tier::Free => Segment::Free,
            Tier::Pro => Segment::Pro,
            Tier::Enterprise => Segment::Enterprise,
        }
    }
}

impl Segment {
    pub const fn as_str(self) -> &'static str {
        match self {
            Segment::Anonymous => "anonymous",
            Segment::Free => "free",
            Segment::Pro => "pro",
            Segment::Enterprise => "enterprise",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    User,
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = crate::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "user" => Ok(Role::User),
            "admin" => Ok(Role::Admin),
            _ => Err(crate::UnknownName {
                kind: "role",
                name: s.to_owned(),
            }),
        }
    }
}

/// A key's own request budget, overriding its tier's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimit {
    /// Requests per minute, at least 1 (the key service refuses 0).
    #[serde(deserialize_with = "crate::integral::de")]
    PerMinute(u32),
    /// No limit: for load tests.
    Unlimited,
}

/// Written by hand rather than derived: utoipa cannot bound a variant's field, and the
/// document must say what the server accepts (1 to 2³²−1 per minute).
impl utoipa::PartialSchema for RateLimit {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
        };
        let per_minute = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1))
            .maximum(Some(u32::MAX))
            .description(Some("Requests per minute."));
        OneOfBuilder::new()
            .description(Some("A key's own request budget, overriding its tier's."))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .property("per_minute", per_minute)
                    .required("per_minute")
                    // serde reads exactly one key: anything beside it is refused.
                    .additional_properties(Some(AdditionalProperties::FreeForm(false))),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["unlimited"]))
                    .description(Some("No limit: for load tests.")),
            )
            .into()
    }
}

impl ToSchema for RateLimit {}

impl FromStr for RateLimit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "unlimited" {
            return Ok(RateLimit::Unlimited);
        }
        match s.parse::<u32>() {
            Ok(n) if n > 0 => Ok(RateLimit::PerMinute(n)),
            _ => Err(format!(
                "rate limit must be a positive number of requests per minute or `unlimited`, got `{s}`"
            )),
        }
    }
}

/// `POST /api/v1/admin/keys` (admin role).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "ci", "tier": "pro", "rate_limit": {"per_minute": 600}}))]
pub struct CreateKeyRequest {
    /// 1..=100 characters, not only whitespace.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\s\x1c-\x1f\x85\ufeff]"
    )]
    pub name: String,
    pub tier: Tier,
    #[serde(default)]
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
}

/// The secret `key` appears here once and is never retrievable again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateKeyResponse {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub tier: Tier,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
}
