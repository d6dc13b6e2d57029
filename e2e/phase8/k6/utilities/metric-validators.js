/**
 * What every response must look like, and the pass/fail criteria of every script.
 *
 * Checks: status and the schema fields of the enhance, batch and history responses (the
 * contract in the API's wire types, crates/bp-api). Accuracy: each enhanced prompt's
 * detected intent against the intent it was written for (`intent_accuracy`), and its primary
 * technique against the policy's acceptable primaries for its true intent and complexity
 * (`technique_accuracy`), both k6 Rate metrics. Thresholds: the SLA (p50 < 100 ms,
 * p95 < 200 ms, p99 < 500 ms, errors < 0.1 %), the checks, the accuracy floor, and
 * per-region limits for the geo profile.
 */

import { check } from 'k6';
import { Rate } from 'k6/metrics';
import { config } from './config.js';
import { COMPLEXITIES, INTENTS, TECHNIQUES } from './data-generators.js';

export const intentAccuracy = new Rate('intent_accuracy');
export const techniqueAccuracy = new Rate('technique_accuracy');

function parse(res) {
  try {
    return res.json();
  } catch (_) {
    return null;
  }
}

const isString = (v) => typeof v === 'string';
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);

/** Whether `r` has every field of an enhance response with a valid value. */
export function isEnhanceResponse(r) {
  return (
    r !== null &&
    typeof r === 'object' &&
    isString(r.id) &&
    r.id.length === 36 &&
    isString(r.original_text) &&
    isString(r.enhanced_text) &&
    r.enhanced_text.length > 0 &&
    INTENTS.includes(r.intent) &&
    COMPLEXITIES.includes(r.complexity) &&
    Array.isArray(r.techniques_used) &&
    r.techniques_used.length >= 1 &&
    r.techniques_used.length <= 3 &&
    r.techniques_used.every((t) => TECHNIQUES.includes(t)) &&
    isNumber(r.confidence) &&
    r.confidence >= 0 &&
    r.confidence <= 1 &&
    isNumber(r.processing_time_ms) &&
    r.processing_time_ms >= 0 &&
    typeof r.cached === 'boolean'
  );
}

/** Scores one response against its prompt's labels; unlabelled prompts are not scored. */
function score(prompt, r, tags) {
  if (prompt.intent) intentAccuracy.add(r.intent === prompt.intent, tags);
  if (prompt.techniques.length > 0) {
    techniqueAccuracy.add(prompt.techniques.includes(r.techniques_used[0]), tags);
  }
}

/** Checks `POST /enhance` for `prompt` and scores it. */
export function validateEnhance(res, prompt, tags) {
  const body = parse(res);
  const ok = check(
    res,
    {
      'enhance: status 200': (r) => r.status === 200,
      'enhance: response schema': () => isEnhanceResponse(body),
      'enhance: original text echoed': () => body !== null && body.original_text === prompt.text,
    },
    tags,
  );
  if (res.status === 200 && isEnhanceResponse(body)) score(prompt, body, tags);
  return ok;
}

/** Checks `POST /batch` for `prompts` (all valid: every one answered) and scores each. */
export function validateBatch(res, prompts, tags) {
  const body = parse(res);
  const results = body !== null && Array.isArray(body.results) ? body.results : null;
  const ok = check(
    res,
    {
      'batch: status 200': (r) => r.status === 200,
      'batch: one result per prompt': () => results !== null && results.length === prompts.length,
      'batch: every result has the schema': () =>
        results !== null && results.every(isEnhanceResponse),
    },
    tags,
  );
  if (res.status === 200 && results !== null) {
    results.forEach((r, i) => {
      if (i < prompts.length && isEnhanceResponse(r)) score(prompts[i], r, tags);
    });
  }
  return ok;
}

/**
 * Checks `GET /history?limit=N`: a keyset page of at most `limit` rows and its cursor (a
 * string while the listing goes on, null at its end; no total unless asked for).
 */
export function validateHistory(res, limit, tags) {
  const body = parse(res);
  return check(
    res,
    {
      'history: status 200': (r) => r.status === 200,
      'history: page of rows': () =>
        body !== null &&
        Array.isArray(body.data) &&
        body.data.length <= limit &&
        body.data.every(
          (row) =>
            isString(row.id) &&
            isString(row.created_at) &&
            isString(row.original_text) &&
            isString(row.enhanced_text) &&
            INTENTS.includes(row.intent) &&
            Array.isArray(row.techniques_used),
        ),
      'history: cursor': () =>
        body !== null &&
        (body.next_cursor === null || isString(body.next_cursor)) &&
        !('total_records' in body),
    },
    tags,
  );
}

/**
 * The SLA thresholds every script uses (setup's two requests count too: they are as fast),
 * plus the checks and the accuracy floor.
 */
export function slaThresholds() {
  const { p50Ms, p95Ms, p99Ms, errorRate, minAccuracy } = config.limits;
  return {
    http_req_duration: [`p(50)<${p50Ms}`, `p(95)<${p95Ms}`, `p(99)<${p99Ms}`],
    http_req_failed: [`rate<${errorRate}`],
    checks: [`rate>${1 - errorRate}`],
    intent_accuracy: [`rate>${minAccuracy}`],
    technique_accuracy: [`rate>${minAccuracy}`],
  };
}

/**
 * Per-region limits: each region's p95 scaled with the SLA's (200/250/300 ms at the default
 * 200 ms), and the SLA's error rate.
 */
export function regionThresholds(regions) {
  const { p95Ms, errorRate } = config.limits;
  const thresholds = {};
  for (const { region, p95Ms: regionP95 } of regions) {
    const limit = (regionP95 * p95Ms) / 200;
    thresholds[`http_req_duration{region:${region}}`] = [`p(95)<${limit}`];
    thresholds[`http_req_failed{region:${region}}`] = [`rate<${errorRate}`];
  }
  return thresholds;
}

/** Thresholds on a tagged subset of traffic, e.g. `{ phase: 'recovery' }` of the spike. */
export function subsetThresholds(tag, value) {
  const { p95Ms, p99Ms, errorRate } = config.limits;
  return {
    [`http_req_duration{${tag}:${value}}`]: [`p(95)<${p95Ms}`, `p(99)<${p99Ms}`],
    [`http_req_failed{${tag}:${value}}`]: [`rate<${errorRate}`],
  };
}
