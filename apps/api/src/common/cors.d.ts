// The `cors` package (the one @nestjs/platform-express's enableCors mounts) ships no types; the part the hub uses.
declare module 'cors' {
  import type { RequestHandler } from 'express';

  interface CorsOptions {
    origin?: string | string[];
    credentials?: boolean;
    methods?: string[];
    exposedHeaders?: string[];
    maxAge?: number;
  }

  function cors(options?: CorsOptions): RequestHandler;
  export = cors;
}
