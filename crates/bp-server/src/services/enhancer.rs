//! An enhancement from request to durable answer: validate, resolve through the caches and
//! the engine, and answer only once the history row committed (the group-commit writer's
//! transaction). A batch is validated item by item, so a bad item is reported at its index
//! while the others are enhanced and stored together.

use crate::services::enhance_cache::{EnhanceCache, Resolved, Source};
use crate::telemetry::{Telemetry, now_us};
use bp_api::limits::MAX_BATCH_ITEMS;
use bp_api::{EnhanceRequest, EnhanceResponse, HistoryItem, Segment};
use bp_engine::{Engine, EnhanceOptions, PromptText};
use bp_metrics::{CacheOutcome, TimingKind};
use bp_store::{HistoryWriter, NewHistoryRow, StoreError};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

/// Why nothing was enhanced (and nothing stored).
#[derive(Debug, thiserror::Error)]
pub enum EnhanceError {
    /// The request itself is wrong: the caller must change it.
    #[error("{0}")]
    Invalid(String),
    /// The history row could not be made durable (queue full, storage down).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bug: the caches returned fewer answers than they were asked for.
    #[error("the enhancement was not produced")]
    NotProduced,
}

impl From<bp_engine::InvalidPrompt> for EnhanceError {
    fn from(e: bp_engine::InvalidPrompt) -> Self {
        EnhanceError::Invalid(e.to_string())
    }
}

impl From<bp_engine::EngineError> for EnhanceError {
    fn from(e: bp_engine::EngineError) -> Self {
        EnhanceError::Invalid(e.to_string())
    }
}

/// Who asked: the owner of the history rows and their tags.
#[derive(Debug, Clone)]
pub struct Requester {
    /// The key's id; anonymous rows have no owner.
    pub owner: Option<Uuid>,
    pub segment: Segment,
    pub region: Arc<str>,
}

/// One durable enhancement.
#[derive(Debug)]
pub struct Enhanced {
    pub response: EnhanceResponse,
    /// The in-process cache's outcome (Redis keeps its own counts).
    pub cache: CacheOutcome,
}

/// The most invalid prompts a refused batch names (the count says how many more).
const NAMED_INVALID: usize = 10;

/// A request that passed validation, waiting for its enhancement.
struct Validated {
    prompt: PromptText,
    options: EnhanceOptions,
}

pub struct Enhancer {
    engine: Arc<Engine>,
    cache: EnhanceCache,
    writer: HistoryWriter,
    telemetry: Arc<Telemetry>,
}

impl Enhancer {
    pub fn new(
        engine: Arc<Engine>,
        cache: EnhanceCache,
        writer: HistoryWriter,
        telemetry: Arc<Telemetry>,
    ) -> Self {
        Enhancer {
            engine,
            cache,
            writer,
            telemetry,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn cache(&self) -> &EnhanceCache {
        &self.cache
    }

    pub fn writer(&self) -> &HistoryWriter {
        &self.writer
    }

    /// Enhances one prompt and stores its history row before answering.
    pub async fn enhance(
        &self,
        who: &Requester,
        request: EnhanceRequest,
    ) -> Result<Enhanced, EnhanceError> {
        let validated = validate(request)?;
        let resolved = self.resolve(std::slice::from_ref(&validated)).await;
        let Some(resolved) = resolved.into_iter().next() else {
            return Err(EnhanceError::NotProduced);
        };
        let cache = if resolved.source == Source::InProcess {
            CacheOutcome::Hit
        } else {
            CacheOutcome::Miss
        };
        let (response, row) = answer(who, validated, &resolved);
        self.durable_write(vec![row]).await?;
        Ok(Enhanced { response, cache })
    }

    /// Enhances 1..=`MAX_BATCH_ITEMS` prompts, each parsed on its own so a refusal names
    /// every invalid one by index; any invalid prompt refuses the whole batch. The rows are
    /// stored in one submission (all of them or, when the queue is full, none).
    pub async fn batch(
        &self,
        who: &Requester,
        prompts: Vec<serde_json::Value>,
    ) -> Result<Vec<EnhanceResponse>, EnhanceError> {
        let n = prompts.len();
        if n == 0 || n > MAX_BATCH_ITEMS {
            return Err(EnhanceError::Invalid(format!(
                "a batch holds 1 to {MAX_BATCH_ITEMS} prompts; got {n}"
            )));
        }
        let mut invalid = Vec::new();
        let mut valid = Vec::with_capacity(n);
        for (index, value) in prompts.into_iter().enumerate() {
            let item = serde_json::from_value::<EnhanceRequest>(value)
                .map_err(|e| EnhanceError::Invalid(e.to_string()))
                .and_then(validate);
            match item {
                Ok(validated) => valid.push(validated),
                Err(e) => invalid.push(format!("prompts[{index}]: {e}")),
            }
        }
        if !invalid.is_empty() {
            let more = invalid.len().saturating_sub(NAMED_INVALID);
            invalid.truncate(NAMED_INVALID);
            let mut message = invalid.join("; ");
            if more > 0 {
                message.push_str(&format!("; and {more} more"));
            }
            return Err(EnhanceError::Invalid(message));
        }
        let resolved = self.resolve(&valid).await;
        let (results, rows): (Vec<_>, Vec<_>) = valid
            .into_iter()
            .zip(&resolved)
            .map(|(item, resolved)| answer(who, item, resolved))
            .unzip();
        self.durable_write(rows).await?;
        Ok(results)
    }

    /// Every item's enhancement, through the in-process cache, Redis and the engine.
    async fn resolve(&self, items: &[Validated]) -> Vec<Resolved> {
        let inputs: Vec<(&PromptText, &EnhanceOptions)> =
            items.iter().map(|v| (&v.prompt, &v.options)).collect();
        self.cache
            .resolve(&inputs, |prompt, options| {
                self.engine.enhance(prompt, options)
            })
            .await
    }

    /// Hands rows to the group-commit writer and waits for their transaction, recording how
    /// long the durable write took (queueing included) for the history-writer metrics.
    async fn durable_write(&self, rows: Vec<NewHistoryRow>) -> Result<(), StoreError> {
        let started = Instant::now();
        self.writer.submit(rows)?.await?;
        self.telemetry.recorder().record_timing(
            TimingKind::WriterCommit,
            started.elapsed(),
            now_us(),
        );
        Ok(())
    }
}

/// Parses one request into validated inputs.
fn validate(request: EnhanceRequest) -> Result<Validated, EnhanceError> {
    Ok(Validated {
        prompt: PromptText::new(request.text)?,
        options: EnhanceOptions::new(
            request.context,
            request.prefer_techniques,
            request.exclude_techniques,
            request.target_complexity,
        )?,
    })
}

/// The response and the history row of one resolved item.
fn answer(
    who: &Requester,
    validated: Validated,
    resolved: &Resolved,
) -> (EnhanceResponse, NewHistoryRow) {
    let enhancement = &resolved.enhancement;
    let processing_time_ms = resolved.took.as_secs_f64() * 1e3;
    let item = HistoryItem {
        id: Uuid::now_v7(),
        created_at: bp_store::to_stored_precision(chrono::Utc::now()),
        original_text: validated.prompt.into_string(),
        enhanced_text: enhancement.enhanced_text.clone(),
        intent: enhancement.intent,
        complexity: enhancement.complexity,
        techniques_used: enhancement.techniques.clone(),
        confidence: enhancement.confidence,
        processing_time_ms,
    };
    let response = EnhanceResponse {
        id: item.id,
        original_text: item.original_text.clone(),
        enhanced_text: item.enhanced_text.clone(),
        intent: item.intent,
        complexity: item.complexity,
        techniques_used: item.techniques_used.clone(),
        confidence: item.confidence,
        processing_time_ms,
        cached: resolved.source != Source::Engine,
    };
    let row = NewHistoryRow {
        owner: who.owner,
        item,
        segment: who.segment,
        region: who.region.to_string(),
    };
    (response, row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::enhance_cache::CacheConfig;
    use crate::telemetry::TelemetryConfig;
    use bp_store::{HistoryOwner, HistoryQuery, Store, StoreConfig, WriterConfig, WriterHandle};
    use serde_json::json;

    struct Fixture {
        enhancer: Enhancer,
        store: Arc<dyn Store>,
        _writer: WriterHandle,
        _dir: tempfile::TempDir,
    }

    async fn fixture(queue_capacity: usize) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = StoreConfig::Sqlite {
            path: dir.path().join("enhancer.sqlite3"),
        };
        let store = bp_store::open(&config).await.expect("store opens");
        let (writer, handle) = HistoryWriter::spawn(
            store.clone(),
            WriterConfig {
                queue_capacity,
                max_batch_rows: 100,
            },
        );
        let telemetry =
            Arc::new(Telemetry::new(TelemetryConfig::default(), now_us()).expect("telemetry"));
        let enhancer = Enhancer::new(
            Arc::new(Engine::new().expect("engine trains")),
            EnhanceCache::new(CacheConfig::default(), None),
            writer,
            telemetry,
        );
        Fixture {
            enhancer,
            store,
            _writer: handle,
            _dir: dir,
        }
    }

    fn requester() -> Requester {
        Requester {
            owner: Some(Uuid::from_u128(42)),
            segment: Segment::Pro,
            region: Arc::from("eu-west"),
        }
    }

    fn request(text: &str) -> EnhanceRequest {
        serde_json::from_value(json!({ "text": text })).expect("a valid request")
    }

    async fn stored(f: &Fixture) -> Vec<HistoryItem> {
        f.store
            .list_history(
                HistoryOwner::Key(Uuid::from_u128(42)),
                &HistoryQuery::default(),
            )
            .await
            .expect("lists")
            .items
    }

    #[tokio::test]
    async fn an_answer_means_its_row_is_stored_and_the_same_prompt_is_then_cached() {
        let f = fixture(1000).await;
        let who = requester();
        let first = f
            .enhancer
            .enhance(
                &who,
                request("Explain how vaccines train the immune system"),
            )
            .await
            .expect("enhanced");
        assert_eq!(first.cache, CacheOutcome::Miss);
        assert!(!first.response.cached);
        assert!(first.response.enhanced_text.len() > first.response.original_text.len());
        let rows = stored(&f).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].id, first.response.id);

        let again = f
            .enhancer
            .enhance(
                &who,
                request("Explain how vaccines train the immune system"),
            )
            .await
            .expect("enhanced");
        assert_eq!(again.cache, CacheOutcome::Hit);
        assert!(again.response.cached);
        assert_eq!(again.response.enhanced_text, first.response.enhanced_text);
        assert_eq!(stored(&f).await.len(), 2, "a cached answer is stored too");
    }

    #[tokio::test]
    async fn an_invalid_prompt_is_refused_and_nothing_is_stored() {
        let f = fixture(1000).await;
        let refused = f.enhancer.enhance(&requester(), request("   ")).await;
        assert!(
            matches!(refused, Err(EnhanceError::Invalid(_))),
            "{refused:?}"
        );
        assert!(stored(&f).await.is_empty());
    }

    #[tokio::test]
    async fn a_batch_with_a_bad_item_is_refused_whole_naming_each_by_index() {
        let f = fixture(1000).await;
        let refused = f
            .enhancer
            .batch(
                &requester(),
                vec![
                    json!({ "text": "Write a haiku about autumn" }),
                    json!({ "text": "" }),
                    json!({ "txt": "misspelt field" }),
                    json!({ "text": "Summarise the causes of the French revolution" }),
                ],
            )
            .await;
        let Err(EnhanceError::Invalid(message)) = refused else {
            panic!("{refused:?}");
        };
        assert!(message.starts_with("prompts[1]: "), "{message}");
        assert!(message.contains("; prompts[2]: "), "{message}");
        assert!(
            stored(&f).await.is_empty(),
            "nothing of a refused batch is stored"
        );
        let answered = f
            .enhancer
            .batch(
                &requester(),
                vec![
                    json!({ "text": "Write a haiku about autumn" }),
                    json!({ "text": "Summarise the causes of the French revolution" }),
                ],
            )
            .await
            .expect("a valid batch");
        assert_eq!(answered.len(), 2);
        assert_eq!(stored(&f).await.len(), 2);
    }

    #[tokio::test]
    async fn a_batch_holds_one_to_a_hundred_prompts() {
        let f = fixture(1000).await;
        for n in [0, MAX_BATCH_ITEMS + 1] {
            let prompts = vec![json!({ "text": "Write a haiku" }); n];
            let refused = f.enhancer.batch(&requester(), prompts).await;
            assert!(
                matches!(refused, Err(EnhanceError::Invalid(_))),
                "{n}: {refused:?}"
            );
        }
        assert!(stored(&f).await.is_empty());
    }

    #[tokio::test]
    async fn a_batch_the_queue_cannot_hold_is_refused_whole() {
        let f = fixture(3).await;
        let prompts = (0..4)
            .map(|i| json!({ "text": format!("Write haiku number {i}") }))
            .collect();
        let refused = f.enhancer.batch(&requester(), prompts).await;
        assert!(
            matches!(refused, Err(EnhanceError::Store(StoreError::QueueFull))),
            "{refused:?}"
        );
        assert!(stored(&f).await.is_empty());
    }
}
