import { useState } from 'preact/hooks';
import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { OrgOptions } from '../components/org-options';
import { useI18n } from '../i18n';
import { adminOrgs } from '../licensing/access-panel';
import { useSession } from '../session';
import { useLoad } from '../use-api';
import { SecretOnce } from './secret-once';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
}
interface Delivery {
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  redelivery: boolean;
}

/** The hub's webhook events (apps/api/src/common/hub-events.ts). */
const EVENTS = ['license.requested', 'license.approved', 'license.rejected', 'grant.revoked', 'grant.expiring', 'version.published', 'model.created'];

function Deliveries({ org, hook }: { org: string; hook: string }) {
  const { t, lang } = useI18n();
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const base = `/api/v1/orgs/${enc(org)}/webhooks/${enc(hook)}/deliveries`;
  const state = useLoad(`deliveries:${hook}#${version}`, (signal) => api<Delivery[]>(base, { signal }));
  // A redelivery is a new delivery (GitHub's model), listed first once the list is read again.
  const redeliver = (id: string) => {
    setError(null);
    return api(`${base}/${enc(id)}/redeliver`, { method: 'POST' }).then(() => setVersion((v) => v + 1), setError);
  };
  if (state.loading) return <p class="muted">{t('loading')}</p>;
  if (state.error != null) return <ErrorBox error={state.error} />;
  if (!state.data!.length) return <p class="muted small">{t('webhooks.noDeliveries')}</p>;
  return (
    <>
      {error != null && <ErrorBox error={error} />}
      <ul class="plain small" data-testid="deliveries">
        {state.data!.map((d) => (
          <li key={d.id}>
            {new Date(d.createdAt).toLocaleString(lang)} · {d.event} · <span class="badge">{t(`webhooks.status.${d.status}`)}</span> {d.lastStatusCode ?? ''}{' '}
            {d.lastError ?? ''}
            {d.redelivery && <span class="badge">{t('webhooks.redelivery')}</span>}{' '}
            {d.status !== 'pending' && (
              <button type="button" class="secondary" aria-label={`${t('webhooks.redeliver')}: ${d.event} ${d.id}`} onClick={() => void redeliver(d.id)}>
                {t('webhooks.redeliver')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

/** `/settings/webhooks`: an administered organization's webhooks (create with the secret shown once, delete, recent deliveries). */
export function WebhooksSettings() {
  const { t } = useI18n();
  const { user } = useSession();
  const orgs = adminOrgs(user);
  const [org, setOrg] = useState(orgs[0] ?? '');
  const [version, setVersion] = useState(0);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const state = useLoad(`hooks:${org}#${version}`, (signal) => (org ? api<Webhook[]>(`/api/v1/orgs/${enc(org)}/webhooks`, { signal }) : Promise.resolve([])));
  const create = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const body = { url: String(form.get('url')), events: form.getAll('event').map(String), description: String(form.get('description') ?? '') };
    setError(null);
    try {
      setSecret((await api<{ secret: string }>(`/api/v1/orgs/${enc(org)}/webhooks`, { method: 'POST', body })).secret);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  };
  const remove = (id: string) => api(`/api/v1/orgs/${enc(org)}/webhooks/${enc(id)}`, { method: 'DELETE' }).then(() => setVersion((v) => v + 1), setError);
  if (!orgs.length)
    return (
      <section>
        <h2>{t('settings.webhooks')}</h2>
        <p class="muted">{t('webhooks.noOrg')}</p>
      </section>
    );
  return (
    <section aria-labelledby="hooks-h">
      <h2 id="hooks-h">{t('settings.webhooks')}</h2>
      <label>
        {t('webhooks.org')}{' '}
        <select value={org} onChange={(e) => setOrg((e.target as HTMLSelectElement).value)}>
          <OrgOptions orgs={orgs} />
        </select>
      </label>
      {secret && <SecretOnce secret={secret} />}
      <form onSubmit={create} aria-label={t('webhooks.create')}>
        <label>
          {t('webhooks.url')}
          <input name="url" type="url" required placeholder="https://example.org/hooks/hub" />
        </label>
        <label>
          {t('offer.description')}
          <input name="description" maxLength={500} />
        </label>
        <fieldset>
          <legend>{t('webhooks.events')}</legend>
          {EVENTS.map((ev) => (
            <label class="check" key={ev}>
              <input type="checkbox" name="event" value={ev} checked={ev.startsWith('license.')} />
              {ev}
            </label>
          ))}
        </fieldset>
        {error != null && <ErrorBox error={error} />}
        <button type="submit">{t('webhooks.create')}</button>
      </form>
      {state.error != null && <ErrorBox error={state.error} />}
      {state.data?.map((h) => (
        <article key={h.id} class="offer" data-testid="webhook">
          <h3>{h.url}</h3>
          <p class="small muted">{h.events.join(', ')}</p>
          <Deliveries org={org} hook={h.id} />
          <button type="button" class="danger" aria-label={t('org.removeNamed', { user: h.url })} onClick={() => void remove(h.id)}>
            {t('org.remove')}
          </button>
        </article>
      ))}
    </section>
  );
}
