import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig, type ResolvedHubConfig } from '../../apps/api/src/config/hub-config';
import { commit, put, storeBucketBlob } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import type { TestHub } from '../support/test-hub';

/** Helpers shared by the licensing tests. */

let counter = 0;
export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(counter++).toString(36)}`;

/** The files every gated model of these tests holds: a small inline config and weights in the bucket. */
export interface GatedModel {
  id: string;
  weights: Buffer;
  config: string;
  weightsPath: string;
  configPath: string;
}

/** A model in `org` with two files; public until an offer that needs approval gates it. */
export async function createModelWithFiles(hub: TestHub, owner: TestUser, org: string, name = uniqueName('model')): Promise<GatedModel> {
  const { id } = await createModel(hub, owner, { namespace: org, name });
  const weights = randomBytes(64 * 1024);
  const config = '{"hidden_size": 64}';
  const blob = await storeBucketBlob(hub, id, weights);
  await commit(hub, owner, id, [
    { op: 'lfs', path: 'model.safetensors', sha256: blob.sha256, size: blob.size },
    put('config.json', config),
    put('README.md', '---\nlicense: other\n---\n# Gated\n'),
  ]);
  return { id, weights, config, weightsPath: 'model.safetensors', configPath: 'config.json' };
}

export const manualCommercialOffer = {
  kind: 'custom',
  title: 'Commercial licence',
  description: 'For production use in products and services.',
  terms: '# Commercial licence v1\n\nYou may use the model in commercial products.',
  commercialUse: true,
  fieldsOfUse: ['customer-support', 'search'],
  territories: ['EU', 'CH'],
  seats: 25,
  durationDays: 365,
  price: { amount: '1200', currency: 'eur', period: 'year' },
  approval: 'manual',
  questions: [{ id: 'use-case', text: 'What will you use the model for?' }],
};

/** Publishes an offer (manual commercial by default) and returns its body. */
export async function publishOffer(hub: TestHub, admin: TestUser, modelId: string, offer: Record<string, unknown> = manualCommercialOffer) {
  const res = await hub.http().post(`/api/v1/models/${modelId}/offers`).set(admin.auth).send(offer);
  if (res.status !== 201) throw new Error(`offer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; termsVersion: number; approval: string };
}

export function requestOffer(hub: TestHub, user: TestUser | { auth: Record<string, string> }, offerId: string, body: Record<string, unknown>) {
  return hub
    .http()
    .post(`/api/v1/offers/${offerId}/requests`)
    .set(user.auth)
    .send({ answers: { 'use-case': 'Support tickets' }, ...body });
}

/** Requests `offerId` for `org` (as its admin) and has `approver` approve it; returns {requestId, grantId}. */
export async function grantTo(
  hub: TestHub,
  requester: TestUser,
  org: string,
  offerId: string,
  approver: TestUser,
  approve: Record<string, unknown> = {},
  termsVersion = 1,
) {
  const req = await requestOffer(hub, requester, offerId, { org, termsVersion });
  if (req.status !== 201) throw new Error(`request: ${req.status} ${JSON.stringify(req.body)}`);
  const approved = await hub.http().post(`/api/v1/license-requests/${req.body.id}/approve`).set(approver.auth).send(approve);
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  return { requestId: req.body.id as string, grantId: approved.body.grant.id as string };
}

/** Users and organizations of a two-sided story: a publisher and a licensee, each with members. */
export async function twoOrganizations(hub: TestHub) {
  const [owner, publisherMember, licenseeAdmin, licenseeMember, licenseeMember2, outsider] = await Promise.all(
    ['pub-owner', 'pub-member', 'lic-admin', 'lic-member', 'lic-member2', 'outsider'].map((p) => registerUser(hub, uniqueName(p).replace(/-/g, '_'))),
  );
  const publisher = await createOrg(hub, owner, uniqueName('publisher'), [{ user: publisherMember, role: 'member' }]);
  const licensee = await createOrg(hub, licenseeAdmin, uniqueName('licensee'), [
    { user: licenseeMember, role: 'member' },
    { user: licenseeMember2, role: 'member' },
  ]);
  return { owner, publisherMember, licenseeAdmin, licenseeMember, licenseeMember2, outsider, publisher, licensee };
}

/** Runs SQL and returns rows (through the hub's own Prisma client). */
export { hubSql } from '../support/models';

/**
 * Boots the production app again on the database, bucket and S3 server of `previous` (which may be
 * closed already): a restart of the same hub, or a second replica. `env` as an operator would set it.
 */
export async function restartHub(previous: TestHub, env: Record<string, string> = {}): Promise<TestHub> {
  const c = previous.config;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: previous.databaseUrl,
    DATABASE_POOL_SIZE: '5',
    S3_ENDPOINT: c.s3.endpoint,
    S3_ACCESS_KEY_ID: c.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: c.s3.secretAccessKey,
    S3_BUCKET: c.s3.bucket,
    JWT_SECRET: c.jwt.secret,
    HUB_DATA_DIR: c.dataDir,
    ...env,
  }) as ResolvedHubConfig;
  const app = await createApp(config);
  await app.init();
  return { app, config, databaseUrl: previous.databaseUrl, http: () => request(app.getHttpServer()), close: () => app.close() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
}
