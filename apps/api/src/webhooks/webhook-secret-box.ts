import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { HUB_CONFIG, HubConfig } from '../config/hub-config';
import { dataFolderSecret } from '../embedded/data-folder-secret';

const VERSION = 'v1';

/**
 * Webhook secrets at rest: AES-256-GCM (node:crypto) with a key derived (SHA-256) from
 * WEBHOOK_SECRET_KEY, or, when it is not set, from a key generated into the data folder
 * (`webhook-secret-key`, mode 0600) the first time a secret is sealed or opened (a hub without
 * webhooks writes nothing there). Replicas on one database need the same key: set
 * WEBHOOK_SECRET_KEY on each. Stored form: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
@Injectable()
export class WebhookSecretBox {
  private key?: Promise<Buffer>;

  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  async seal(secret: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.loadKey(), iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** The secret; throws when the stored value was sealed with another key or altered. */
  async open(sealed: string): Promise<string> {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error('Not a sealed webhook secret');
    const decipher = createDecipheriv('aes-256-gcm', await this.loadKey(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= (async () => {
      const secret = this.config.webhooks.secretKey ?? (await dataFolderSecret(this.config.dataDir, 'webhook-secret-key'));
      return createHash('sha256').update(secret).digest();
    })();
    return this.key;
  }
}
