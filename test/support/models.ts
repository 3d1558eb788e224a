import type { ModelVisibility } from '@model-hub/contracts';
import type { TestUser } from './factories';
import type { TestHub } from './test-hub';

let counter = 0;

/** Creates a model through the real API (in the user's namespace unless `namespace` is given); returns its body. */
export async function createModel(
  hub: TestHub,
  user: TestUser | { auth: Record<string, string>; username: string },
  options: { namespace?: string; name?: string; visibility?: ModelVisibility } = {},
) {
  const name = options.name ?? `model-${Date.now().toString(36)}${(counter++).toString(36)}`;
  const res = await hub
    .http()
    .post('/api/v1/models')
    .set(user.auth)
    .send({ namespace: options.namespace ?? user.username, name, visibility: options.visibility ?? 'public' })
    .expect(201);
  return res.body as { id: string; namespace: string; name: string; sha: string; visibility: ModelVisibility; private: boolean; gated: false | 'auto' | 'manual' };
}
