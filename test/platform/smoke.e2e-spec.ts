import { registerUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';

describe('smoke', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('registers and reads /me', async () => {
    const user = await registerUser(hub, 'smokey');
    const me = await hub.http().get('/api/v1/me').set(user.auth).expect(200);
    expect(me.body).toMatchObject({ username: 'smokey', isAdmin: true, orgs: [] });
  });
});
