//! Extractors that turn every malformed request into our JSON error body with a 4xx, instead
//! of axum's plain-text rejections.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use bp_api::{ErrorCode, Technique};
use serde::de::DeserializeOwned;

/// `axum::Json` with our error body.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let text = rejection.body_text();
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(ErrorCode::PayloadTooLarge, "request body is too large");
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::validation("expected `Content-Type: application/json`")
        }
        _ => ApiError::validation(text),
    }
}

/// `axum::extract::Query` with our error body.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e: QueryRejection| ApiError::validation(e.body_text()))
    }
}

/// A path segment that must be a UUID; anything else is a 404 like an unknown id.
pub struct PathId(pub uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<uuid::Uuid>::from_request_parts(parts, state)
            .await
            .map(|p| PathId(p.0))
            .map_err(|_| ApiError::not_found("item"))
    }
}

/// The longest `X-Expected-Techniques` accepted: 100 batch items naming a few ids each.
pub const MAX_EXPECTED_LEN: usize = 8 * 1024;

/// Exactly the `X-Expected-Techniques` values accepted, for the OpenAPI document (a test
/// checks it names every technique): groups separated by `;`, each empty or technique ids
/// separated by `,`, spaces allowed around an id.
pub const EXPECTED_TECHNIQUES_PATTERN: &str = "^( *(chain_of_thought|tree_of_thoughts|few_shot|zero_shot|role_play|step_by_step|structured_output|emotional_appeal|constraints|analogical|self_consistency|react) *(, *(chain_of_thought|tree_of_thoughts|few_shot|zero_shot|role_play|step_by_step|structured_output|emotional_appeal|constraints|analogical|self_consistency|react) *)*)?(;( *(chain_of_thought|tree_of_thoughts|few_shot|zero_shot|role_play|step_by_step|structured_output|emotional_appeal|constraints|analogical|self_consistency|react) *(, *(chain_of_thought|tree_of_thoughts|few_shot|zero_shot|role_play|step_by_step|structured_output|emotional_appeal|constraints|analogical|self_consistency|react) *)*)?)*$";

/// `X-Expected-Techniques`: labelled traffic. For each prompt of the request, the primary
/// techniques that are acceptable for it (our load generator and k6 suite send the policy's
/// primaries for each labelled prompt), so the server can record its own technique
/// accuracy. Prompts are separated by `;` in request order (one group for `enhance`, one per
/// item for `batch`), technique ids within a prompt by `,`; an empty group leaves that
/// prompt unlabelled. Absent: nothing is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectedTechniques(pub Option<Vec<TechniqueSet>>);

/// A set of techniques as a bit per [`Technique::index`]; empty = unlabelled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TechniqueSet(u32);

const _: () = assert!(
    Technique::ALL.len() <= 32,
    "TechniqueSet holds a bit per technique"
);

impl TechniqueSet {
    pub fn contains(self, technique: Technique) -> bool {
        self.0 & (1 << technique.index()) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl ExpectedTechniques {
    fn parse(value: &str) -> Result<ExpectedTechniques, String> {
        if value.len() > MAX_EXPECTED_LEN {
            return Err(format!(
                "`X-Expected-Techniques` is longer than {MAX_EXPECTED_LEN} bytes"
            ));
        }
        // Exactly `EXPECTED_TECHNIQUES_PATTERN`: an empty group is unlabelled, an empty id
        // (`a,,b`) or other blanks are refused.
        let groups = value
            .split(';')
            .map(|group| {
                if group.is_empty() {
                    return Ok(TechniqueSet::default());
                }
                group.split(',').map(|id| id.trim_matches(' ')).try_fold(
                    TechniqueSet::default(),
                    |set, id| {
                        id.parse::<Technique>()
                            .map(|t| TechniqueSet(set.0 | 1 << t.index()))
                            .map_err(|e| format!("`X-Expected-Techniques`: {e}"))
                    },
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ExpectedTechniques(Some(groups)))
    }

    /// The labels of a request of `prompts` prompts, by position: group i labels prompt
    /// i; groups past the prompts are ignored and prompts past the groups are unlabelled
    /// (the document says so: a count that differs is not an error).
    pub fn for_prompts(&self, prompts: usize) -> Option<&[TechniqueSet]> {
        self.0
            .as_deref()
            .map(|groups| &groups[..groups.len().min(prompts)])
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ExpectedTechniques {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get("x-expected-techniques") else {
            return Ok(ExpectedTechniques(None));
        };
        let value = value
            .to_str()
            .map_err(|_| ApiError::validation("`X-Expected-Techniques` must be visible ASCII"))?;
        ExpectedTechniques::parse(value).map_err(ApiError::validation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_techniques_are_groups_of_ids_per_prompt() {
        let parsed = ExpectedTechniques::parse("chain_of_thought, few_shot;;role_play").unwrap();
        let groups = parsed.for_prompts(3).unwrap();
        assert!(groups[0].contains(Technique::ChainOfThought));
        assert!(groups[0].contains(Technique::FewShot));
        assert!(!groups[0].contains(Technique::RolePlay));
        assert!(groups[1].is_empty());
        assert!(groups[2].contains(Technique::RolePlay));
        assert_eq!(
            parsed.for_prompts(2).unwrap().len(),
            2,
            "extra groups ignored"
        );
        assert_eq!(
            parsed.for_prompts(5).unwrap().len(),
            3,
            "missing groups unlabelled"
        );
        assert_eq!(ExpectedTechniques::default().for_prompts(5), None);
        let unknown = ExpectedTechniques::parse("chain_of_thought,ChainOfThought").unwrap_err();
        assert!(unknown.contains("ChainOfThought"), "{unknown}");
        for refused in ["few_shot,,react", " ", "few_shot;\treact"] {
            assert!(ExpectedTechniques::parse(refused).is_err(), "{refused:?}");
        }
        for t in Technique::ALL {
            assert!(
                EXPECTED_TECHNIQUES_PATTERN.contains(&format!("|{t}|"))
                    || EXPECTED_TECHNIQUES_PATTERN.contains(&format!("({t}|"))
                    || EXPECTED_TECHNIQUES_PATTERN.contains(&format!("|{t})")),
                "{t}"
            );
        }
        assert!(ExpectedTechniques::parse(&"a".repeat(MAX_EXPECTED_LEN + 1)).is_err());
    }
}
