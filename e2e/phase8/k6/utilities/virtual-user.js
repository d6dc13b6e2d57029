/**
 * What one virtual user does per iteration, in every script: pick an endpoint by the
 * traffic mix (enhance 70 / batch 20 / history 10, like `betterprompts load`), send it with
 * the run's key (and the scenario's `X-Region`), validate the response, then think.
 *
 * Think time is jittered +-50 % and a user that starts (or is re-activated by a ramp) first
 * waits a random fraction of a think time: users that start in lockstep and pause exactly
 * one second all hit the server in the same millisecond, and k6 then reports a p99 that is
 * its own queueing, not the server's (BENCHMARKS.md measured 157-316 ms against a
 * sub-millisecond server that way).
 */

import http from 'k6/http';
import exec from 'k6/execution';
import { sleep } from 'k6';
import { SharedArray } from 'k6/data';
import { config } from './config.js';
import { generatePrompts, parseDataset, seededRandom } from './data-generators.js';
import { validateBatch, validateEnhance, validateHistory } from './metric-validators.js';

const HISTORY_LIMIT = 10;

// Built once and shared read-only by every VU (a copy per VU would cost ~0.4 MiB each).
const PROMPTS = new SharedArray('prompts', () =>
  __ENV.DATA_FILE
    ? parseDataset(open(__ENV.DATA_FILE), config.nPrompts)
    : generatePrompts(config.seed, config.nPrompts),
);

// Per-VU state, created on the first iteration (the VU id is unknown in the init context).
let rng = null;
let lastEndMs = null;

function pickEndpoint() {
  const { enhance, batch, history } = config.mix;
  const ticket = rng() * (enhance + batch + history);
  if (ticket < enhance) return 'enhance';
  if (ticket < enhance + batch) return 'batch';
  return 'history';
}

/** One iteration; `data` is setup's `{ key }`, `extraTags` tags every sample of it. */
export function iteration(data, extraTags = {}) {
  if (rng === null) rng = seededRandom(config.seed * 7919 + exec.vu.idInTest);
  const thinkS = config.thinkTimeS;
  // First activation, or re-activation after a ramp-down left this user idle: spread out.
  if (lastEndMs === null || Date.now() - lastEndMs > 2 * thinkS * 1000 + 1000) {
    sleep(Math.min(thinkS, 1) * rng());
  }
  const endpoint = pickEndpoint();
  const tags = { endpoint, ...extraTags };
  // Each virtual user is one user to the server's "users" figures, whatever key it shares.
  const headers = {
    Authorization: `Bearer ${data.key}`,
    'Content-Type': 'application/json',
    'X-User-Id': `k6-vu-${__VU}`,
  };
  if (__ENV.REGION) headers['X-Region'] = __ENV.REGION;
  const params = { headers, tags: { ...tags, name: endpoint }, timeout: config.timeout };
  const cursor = Math.floor(rng() * PROMPTS.length);
  if (endpoint === 'enhance') {
    const prompt = PROMPTS[cursor];
    // Labelled traffic: the server records its own technique accuracy from this header.
    if (prompt.techniques.length > 0) headers['X-Expected-Techniques'] = prompt.techniques.join(',');
    const res = http.post(`${config.baseUrl}/api/v1/enhance`, JSON.stringify({ text: prompt.text }), params);
    validateEnhance(res, prompt, tags);
  } else if (endpoint === 'batch') {
    const prompts = [];
    for (let i = 0; i < config.batchSize; i++) prompts.push(PROMPTS[(cursor + i) % PROMPTS.length]);
    if (prompts.some((p) => p.techniques.length > 0)) {
      // One group per item, in order.
      headers['X-Expected-Techniques'] = prompts.map((p) => p.techniques.join(',')).join(';');
    }
    const body = JSON.stringify({ prompts: prompts.map((p) => ({ text: p.text })) });
    const res = http.post(`${config.baseUrl}/api/v1/batch`, body, params);
    validateBatch(res, prompts, tags);
  } else {
    const res = http.get(`${config.baseUrl}/api/v1/history?limit=${HISTORY_LIMIT}`, params);
    validateHistory(res, HISTORY_LIMIT, tags);
  }
  sleep(thinkS * (0.5 + rng()));
  lastEndMs = Date.now();
}
