// One GET over an agent (keep-alive), timed from the request to the last byte; rejects unless 200.
const http = require('node:http');

function timedGet(agent, url) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (res.statusCode !== 200) return reject(new Error(`${url}: ${res.statusCode} ${body.slice(0, 300)}`));
          resolve({ ms, body: JSON.parse(body) });
        });
      })
      .on('error', reject);
  });
}

module.exports = { timedGet };
