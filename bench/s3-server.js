// An s3rver in its own process, so that benchmarks measure the hub's process alone.
// Usage: node bench/s3-server.js <port> <dir>   (prints "ready" once listening)
const S3rver = require('s3rver');

const [port, directory] = process.argv.slice(2);
const server = new S3rver({ port: Number(port), address: '127.0.0.1', directory, silent: true });
server.run().then(() => console.log('ready'));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
