import type { TokenScope } from '@model-hub/contracts';
import type { TestHub } from './test-hub';

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  /** Session JWT. */
  jwt: string;
  auth: { Authorization: string };
}

let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

/** Registers a user through the real API. */
export async function registerUser(hub: TestHub, username = unique('user')): Promise<TestUser> {
  const password = 'correct-horse-battery';
  const email = `${username}@example.org`;
  const res = await hub.http().post('/api/v1/auth/register').send({ username, email, password }).expect(201);
  return { id: res.body.user.id, username, email, password, jwt: res.body.accessToken, auth: { Authorization: `Bearer ${res.body.accessToken}` } };
}

/** Creates an API token for the user; returns the secret. */
export async function createToken(hub: TestHub, user: TestUser, scopes: TokenScope[], extra: { org?: string; expiresInDays?: number } = {}): Promise<string> {
  const res = await hub
    .http()
    .post('/api/v1/tokens')
    .set(user.auth)
    .send({ name: unique('token'), scopes, ...extra })
    .expect(201);
  return res.body.token as string;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Creates an organization owned by `owner`, optionally with members. */
export async function createOrg(hub: TestHub, owner: TestUser, name = unique('org'), members: { user: TestUser; role: 'owner' | 'admin' | 'member' }[] = []) {
  await hub.http().post('/api/v1/orgs').set(owner.auth).send({ name, kind: 'company' }).expect(201);
  for (const m of members) {
    await hub.http().post(`/api/v1/orgs/${name}/members`).set(owner.auth).send({ username: m.user.username, role: m.role }).expect(201);
  }
  return name;
}
