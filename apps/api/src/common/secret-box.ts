import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { dataFolderSecret } from '../embedded/data-folder-secret';

const VERSION = 'v1';

/**
 * Secrets at rest (webhook secrets, remote inference credentials): AES-256-GCM (node:crypto) with
 * a key derived (SHA-256) from the configured key, or, when none is set, from a key generated into
 * the data folder (`fileName`, mode 0600) the first time a secret is sealed or opened. Replicas on
 * one database need the same key. Stored form: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export class SecretBox {
  private key?: Promise<Buffer>;

  constructor(private readonly source: { configuredKey?: string; dataDir: string; fileName: string; what: string }) {}

  async seal(secret: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.loadKey(), iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** The secret; throws when the stored value was sealed with another key or altered. */
  async open(sealed: string): Promise<string> {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error(`Not a sealed ${this.source.what}`);
    const decipher = createDecipheriv('aes-256-gcm', await this.loadKey(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= (async () => {
      const secret = this.source.configuredKey ?? (await dataFolderSecret(this.source.dataDir, this.source.fileName));
      return createHash('sha256').update(secret).digest();
    })();
    return this.key;
  }
}
