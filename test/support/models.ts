import type { ModelVisibility, RepoKind } from '@model-hub/contracts';
import { AuthService } from '../../apps/api/src/auth/auth.service';
import type { Principal } from '../../apps/api/src/common/auth/principal';
import { PrismaService } from '../../apps/api/src/database/prisma.service';
import { ModelRepository } from '../../apps/api/src/models/model.repository';
import { ModelsService } from '../../apps/api/src/models/models.service';
import type { TestUser } from './factories';
import type { TestHub } from './test-hub';

let counter = 0;

/** Creates a model (or with `kind: 'dataset'`, a dataset) through the real API (in the user's namespace unless `namespace` is given); returns its body. */
export async function createModel(
  hub: TestHub,
  user: TestUser | { auth: Record<string, string>; username: string },
  options: { namespace?: string; name?: string; visibility?: ModelVisibility; kind?: RepoKind } = {},
) {
  const kind = options.kind ?? 'model';
  const name = options.name ?? `${kind}-${Date.now().toString(36)}${(counter++).toString(36)}`;
  const res = await hub
    .http()
    .post(kind === 'dataset' ? '/api/v1/datasets' : '/api/v1/models')
    .set(user.auth)
    .send({ namespace: options.namespace ?? user.username, name, visibility: options.visibility ?? 'public' })
    .expect(201);
  return res.body as {
    id: string;
    kind: RepoKind;
    namespace: string;
    name: string;
    sha: string;
    visibility: ModelVisibility;
    private: boolean;
    gated: false | 'auto' | 'manual';
  };
}

/** The Principal the hub builds for a bearer credential (a session JWT or an `hf_` token). */
export async function principalFor(hub: TestHub, credential: string): Promise<Principal> {
  const principal = await hub.app.get(AuthService).authenticate(credential);
  if (!principal) throw new Error('credential not accepted');
  return principal;
}

/** Runs SQL on the hub's database through its own Prisma client, for states no route of this module produces. */
export function hubSql<T = Record<string, unknown>>(hub: TestHub, text: string, ...params: unknown[]): Promise<T[]> {
  return hub.app.get(PrismaService).$queryRawUnsafe<T[]>(text, ...params);
}

/** Sets a model's README as the commit service does whenever README.md changes. */
export async function applyReadme(hub: TestHub, fullName: string, readme: string | null, kind: RepoKind = 'model') {
  const [namespace, name] = fullName.split('/');
  const model = await hub.app.get(ModelRepository).findByName(namespace, name, kind);
  if (!model) throw new Error(`no model ${fullName}`);
  return hub.app.get(ModelsService).applyCard(model.id, readme);
}
