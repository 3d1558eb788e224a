// HTTP helpers shared by the benchmarks: the hub's API, HEAD request rates, a bare reference server.
const http = require('node:http');

async function api(base, method, url, { token, json, body, headers = {} } = {}) {
  const res = await fetch(base + url, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(json ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: json ? JSON.stringify(json) : body,
    redirect: 'manual',
  });
  if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res;
}

/** Registers the user `bench` and returns a token of theirs with the `write` scope. */
async function benchToken(base) {
  const user = await (
    await api(base, 'POST', '/api/v1/auth/register', { json: { username: 'bench', email: 'bench@example.org', password: 'bench-password-123' } })
  ).json();
  return (await (await api(base, 'POST', '/api/v1/tokens', { token: user.accessToken, json: { name: 'bench', scopes: ['write'] } })).json()).token;
}

/**
 * Requests per second of HEAD for `durationMs`, `concurrency` at a time, keep-alive. `url` may be
 * a list: the requests go round-robin over them (two replicas behind one name, balanced by the client).
 */
async function headRate(url, headers, durationMs = 5000, concurrency = 16) {
  const targets = (Array.isArray(url) ? url : [url]).map((u) => new URL(u));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let count = 0;
  const deadline = Date.now() + durationMs;
  const one = (target) =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'HEAD', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode < 400 ? resolve() : reject(new Error(`HEAD ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; Date.now() < deadline; i++) {
        await one(targets[i % targets.length]);
        count++;
      }
    }),
  );
  agent.destroy();
  return count / (durationMs / 1000);
}

/** A bare Node server answering HEAD with the same headers as the hub's resolve. */
function bareServer(headers) {
  const server = http.createServer((req, res) => {
    res.writeHead(302, headers);
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

module.exports = { api, benchToken, headRate, bareServer };
