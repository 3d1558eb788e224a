import { Algorithm, hash, verify } from '@node-rs/argon2';
import { Injectable } from '@nestjs/common';

/** Argon2id (memory-hard), with OWASP's recommended minimum of 19 MiB, 2 passes. */
@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return hash(password, { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  }

  verify(hashed: string, password: string): Promise<boolean> {
    return verify(hashed, password).catch(() => false);
  }
}
