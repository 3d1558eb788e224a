import http from 'node:http';
import net from 'node:net';

/**
 * An HTTP agent whose connections all go to one unix socket, whatever host the request names:
 * how the hub's S3 client and its storage gateway reach the private embedded store. Keep-alive,
 * so that a stream of part uploads does not open a connection each.
 */
export class UnixSocketAgent extends http.Agent {
  constructor(readonly socketPath: string) {
    super({ keepAlive: true, maxSockets: 64 });
  }

  // Overrides http.Agent#createConnection (absent from @types/node); a socket returned here is used as is.
  override createConnection(): net.Socket {
    return net.createConnection(this.socketPath);
  }
}
