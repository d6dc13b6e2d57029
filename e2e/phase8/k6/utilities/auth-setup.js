/**
 * The auth-setup step every script runs in `setup()`: make sure the server answers, then
 * either use API_KEY as given or create a fresh key for this run through the admin API with
 * ADMIN_KEY (enterprise tier, user role, no rate limit), so a load test never shares a key
 * with real users and is never throttled by its own budget. The key reaches every virtual
 * user through setup's return value.
 */

import http from 'k6/http';
import exec from 'k6/execution';
import { config } from './config.js';

function abort(message) {
  exec.test.abort(`auth setup: ${message}`);
}

/** Creates a key named `name` with the admin key; returns its secret. */
export function createLoadTestKey(adminKey, name) {
  const res = http.post(
    `${config.baseUrl}/api/v1/admin/keys`,
    JSON.stringify({ name, tier: 'enterprise', role: 'user', rate_limit: 'unlimited' }),
    {
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` },
      tags: { name: 'admin-create-key' },
    },
  );
  if (res.status !== 201) {
    abort(`creating a key failed with status ${res.status}: ${String(res.body).slice(0, 300)}`);
  }
  const key = res.json('key');
  if (typeof key !== 'string' || key.length === 0) abort('the admin API returned no key');
  return key;
}

/** setup(): `{ key }` for the virtual users. */
export function authSetup() {
  const health = http.get(`${config.baseUrl}/health`, { tags: { name: 'health' } });
  if (health.status !== 200) {
    const why = health.error || `status ${health.status}`;
    abort(`${config.baseUrl}/health failed (${why}): is the server running?`);
  }
  if (__ENV.API_KEY) return { key: __ENV.API_KEY };
  if (!__ENV.ADMIN_KEY) {
    abort('set API_KEY (used as is) or ADMIN_KEY (an admin key that creates one for this run)');
  }
  return { key: createLoadTestKey(__ENV.ADMIN_KEY, `k6 load test ${new Date().toISOString()}`) };
}
