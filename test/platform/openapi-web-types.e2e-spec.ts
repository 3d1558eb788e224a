import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../support/test-hub';

const ROOT = join(__dirname, '../..');
const TYPES = join(ROOT, 'apps/web/src/generated/api-types.ts');

/** The web's API types are openapi-typescript's reading of /openapi.json; UPDATE_API_TYPES=1 rewrites them. */
describe("the web's API types", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('are generated from the current OpenAPI document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-types-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify((await hub.http().get('/openapi.json').expect(200)).body));
    const cli = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
    execFileSync(process.execPath, [cli, join(dir, 'openapi.json'), '-o', join(dir, 'api-types.ts')], { stdio: 'ignore' });
    const header = '// Generated from /openapi.json by openapi-typescript (docs/platform.md): do not edit.\n';
    const fresh = header + readFileSync(join(dir, 'api-types.ts'), 'utf8');
    if (process.env.UPDATE_API_TYPES === '1') writeFileSync(TYPES, fresh);
    // A one-line failure rather than a 12,000-line diff: the fix is always the same command.
    const regenerate = 'npm run openapi:generate && UPDATE_API_TYPES=1 npx jest test/platform/openapi-web-types.e2e-spec.ts';
    expect({ current: readFileSync(TYPES, 'utf8') === fresh, regenerate }).toEqual({ current: true, regenerate });
  });
});
