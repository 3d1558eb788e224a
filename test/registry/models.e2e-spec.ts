import { registerUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, TestHub } from '../support/test-hub';

describe('models (native API)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('creates a model with a main branch', async () => {
    const alice = await registerUser(hub);
    const m = await createModel(hub, alice, { name: 'first' });
    expect(m).toMatchObject({ id: `${alice.username}/first`, visibility: 'public', private: false, gated: false });
    expect(m.sha).toMatch(/^[0-9a-f]{40}$/);
    const got = await hub.http().get(`/api/v1/models/${alice.username}/FIRST`).expect(200);
    expect(got.body.sha).toBe(m.sha);
  });
});
