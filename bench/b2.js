// k6 script for B2: an open-model load of RATE enhance requests per second for DURATION.
// Latency is measured client-side on loopback, an upper bound of the server-side figure.
import http from 'k6/http';
import { check } from 'k6';

const rate = Number(__ENV.RATE || 1000);
export const options = {
  discardResponseBodies: true,
  scenarios: {
    enhance: {
      executor: 'constant-arrival-rate',
      rate, timeUnit: '1s', duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 100, maxVUs: 400,
    },
  },
  summaryTrendStats: ['p(50)', 'p(95)', 'p(99)', 'max'],
};

const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${__ENV.BP_KEY}` };
const topics = ['a Rust web service', 'our quarterly sales', 'a birthday poem', 'a flaky CI pipeline'];

export default function () {
  const i = __ITER * 1000 + __VU;
  const body = JSON.stringify({ text: `Help me with ${topics[i % topics.length]}, variant ${i}: explain the key points.` });
  const res = http.post(`${__ENV.TARGET}/api/v1/enhance`, body, { headers });
  check(res, { 'status is 200': (r) => r.status === 200 });
}
