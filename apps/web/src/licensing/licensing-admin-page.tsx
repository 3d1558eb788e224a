import { useState } from 'preact/hooks';
import { api, ApiError, enc } from '../api';
import { BarChart } from '../components/bar-chart';
import { ErrorBox } from '../components/error-box';
import { formatDate, useI18n } from '../i18n';
import type { AuditEntry, Grant, LicenseRequest, Offer, UsageReport } from '../types';
import { type RepoKind, repoApi, repoPath } from '../repo-kind';
import { useLoad } from '../use-api';
import { OfferCard } from './offer-card';
import { OfferForm } from './offer-form';

interface AdminData {
  offers: Offer[];
  /** null: the namespace is a user's (requests and the audit log are an organization's). */
  requests: LicenseRequest[] | null;
  grants: Grant[];
  usage: UsageReport;
  audit: AuditEntry[] | null;
}

const orNullOn404 = <T,>(p: Promise<T>): Promise<T | null> =>
  p.catch((err: unknown) => (err instanceof ApiError && err.status === 404 ? null : Promise.reject(err)));

/** The publisher's data in one round trip; requests and audit are read from the organization and kept to this model. */
function loadAdmin(kind: RepoKind, ns: string, name: string, signal: AbortSignal): Promise<AdminData> {
  const model = repoApi({ kind, ns, name });
  const full = `${ns}/${name}`;
  return Promise.all([
    api<Offer[]>(`${model}/offers`, { signal }),
    orNullOn404(api<LicenseRequest[]>(`/api/v1/orgs/${enc(ns)}/license-requests?direction=incoming`, { signal })),
    api<Grant[]>(`${model}/grants`, { signal }),
    api<UsageReport>(`${model}/usage`, { signal }),
    orNullOn404(api<{ items: AuditEntry[] }>(`/api/v1/orgs/${enc(ns)}/audit?limit=100`, { signal })),
  ]).then(([offers, requests, grants, usage, audit]) => ({
    offers,
    requests: requests && requests.filter((r) => r.model === full),
    grants,
    usage,
    audit: audit && audit.items.filter((e) => e.model === full),
  }));
}

/** Approve with an optional end date, or reject with a reason. */
function RequestRow({ request, onChange }: { request: LicenseRequest; onChange: () => void }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const act = (path: string, body: object) => api(`/api/v1/license-requests/${enc(request.id)}/${path}`, { method: 'POST', body }).then(onChange, setError);
  const approve = (e: Event) => {
    e.preventDefault();
    const until = String(new FormData(e.target as HTMLFormElement).get('expires') ?? '');
    void act('approve', until ? { expiresAt: new Date(`${until}T23:59:59Z`).toISOString() } : {});
  };
  const reject = (e: Event) => {
    e.preventDefault();
    void act('reject', { reason: String(new FormData(e.target as HTMLFormElement).get('reason') ?? '') });
  };
  return (
    <li class="request" data-testid="incoming-request">
      <strong>{request.grantee.name}</strong> ({t(`grantee.${request.grantee.type}`)}) · {request.offerTitle} v{request.termsVersion} ·{' '}
      <span class="badge">{t(`request.${request.status}`)}</span>
      <div class="muted small">
        {request.requester} · {formatDate(lang, request.createdAt)}
      </div>
      {Object.entries(request.answers).map(([q, a]) => (
        <div key={q} class="small">
          {q}: {a}
        </div>
      ))}
      {request.message && <div class="small">“{request.message}”</div>}
      {request.reason && <div class="small">{t('request.reason', { reason: request.reason })}</div>}
      {request.status === 'pending' && (
        <div class="actions">
          <form onSubmit={approve} aria-label={t('request.approve')}>
            <label>
              {t('request.expires')}
              <input type="date" name="expires" />
            </label>
            <button type="submit">{t('request.approve')}</button>
          </form>
          <form onSubmit={reject} aria-label={t('request.reject')}>
            <label>
              {t('request.rejectReason')}
              <input name="reason" required />
            </label>
            <button type="submit" class="danger">
              {t('request.reject')}
            </button>
          </form>
        </div>
      )}
      {error != null && <ErrorBox error={error} />}
    </li>
  );
}

function GrantRow({ grant, onChange }: { grant: Grant; onChange: () => void }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const revoke = (e: Event) => {
    e.preventDefault();
    const reason = String(new FormData(e.target as HTMLFormElement).get('reason') ?? '');
    api(`/api/v1/grants/${enc(grant.id)}/revoke`, { method: 'POST', body: { reason } }).then(onChange, setError);
  };
  return (
    <tr data-testid="grant-row">
      <td>
        <code>{grant.id.slice(0, 8)}</code>
      </td>
      <td>
        {grant.grantee.name} ({t(`grantee.${grant.grantee.type}`)})
      </td>
      <td>
        {grant.offerTitle} v{grant.termsVersion}
      </td>
      <td>
        <span class="badge">{t(`grant.${grant.status}`)}</span>
      </td>
      <td>{grant.endsAt ? formatDate(lang, grant.endsAt) : t('offer.noEnd')}</td>
      <td>
        {grant.status === 'active' && (
          <form onSubmit={revoke} class="inline" aria-label={t('grant.revoke')}>
            <label>
              <span class="sr-only">{t('grant.revokeReason')}</span>
              <input name="reason" required placeholder={t('grant.revokeReason')} />
            </label>
            <button type="submit" class="danger">
              {t('grant.revoke')}
            </button>
          </form>
        )}
        {error != null && <ErrorBox error={error} />}
      </td>
    </tr>
  );
}

/** `/{ns}/{name}/licensing`: the publisher's side (offers, requests, grants, usage, audit log). */
export function LicensingAdminPage({ ns, name, kind = 'model' }: { ns: string; name: string; kind?: RepoKind }) {
  const { t, lang } = useI18n();
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const reload = () => {
    setEditing(null);
    setVersion((v) => v + 1);
  };
  const state = useLoad(`${kind}:${ns}/${name}#${version}`, (signal) => loadAdmin(kind, ns, name, signal));
  const repo = repoPath({ kind, ns, name });
  const head = (
    <h1>
      <a href={repo}>
        {ns}/{name}
      </a>{' '}
      · {t('licensing.title')}
    </h1>
  );
  if (state.loading) return <main class="muted">{t('loading')}</main>;
  if (state.error != null)
    return (
      <main>
        {head}
        <ErrorBox error={state.error} />
      </main>
    );
  const { offers, requests, grants, usage, audit } = state.data!;
  const withdraw = (o: Offer) => api(`/api/v1/offers/${enc(o.id)}/withdraw`, { method: 'POST', body: {} }).then(reload);
  const csv = `${repoApi({ kind, ns, name })}/usage?format=csv`;
  return (
    <main class="admin">
      {head}
      <section aria-labelledby="offers-h">
        <h2 id="offers-h">{t('licensing.offers')}</h2>
        {offers.map((o) =>
          editing === o.id ? (
            <OfferForm key={o.id} repoKind={kind} ns={ns} name={name} offer={o} onSaved={reload} />
          ) : (
            <OfferCard key={o.id} offer={o}>
              {o.status === 'active' && (
                <div class="actions">
                  <button type="button" onClick={() => setEditing(o.id)}>
                    {t('offer.edit')}
                  </button>
                  <button type="button" class="secondary" onClick={() => void withdraw(o)}>
                    {t('offer.withdraw')}
                  </button>
                </div>
              )}
            </OfferCard>
          ),
        )}
        {editing === 'new' ? (
          <OfferForm repoKind={kind} ns={ns} name={name} onSaved={reload} />
        ) : (
          <button type="button" onClick={() => setEditing('new')}>
            {t('offer.new')}
          </button>
        )}
      </section>
      <section aria-labelledby="requests-h">
        <h2 id="requests-h">{t('licensing.requests')}</h2>
        {requests === null && <p class="muted">{t('licensing.personal')}</p>}
        {requests?.length === 0 && <p class="muted">{t('licensing.noRequests')}</p>}
        <ul class="plain">
          {requests?.map((r) => (
            <RequestRow key={r.id} request={r} onChange={reload} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="grants-h">
        <h2 id="grants-h">{t('licensing.grants')}</h2>
        {grants.length === 0 ? (
          <p class="muted">{t('licensing.noGrants')}</p>
        ) : (
          <div class="scroll">
            <table class="files">
              <thead>
                <tr>
                  <th>{t('grant.id')}</th>
                  <th>{t('grant.grantee')}</th>
                  <th>{t('grant.offer')}</th>
                  <th>{t('grant.status')}</th>
                  <th>{t('grant.ends')}</th>
                  <th>{t('grant.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {grants.map((g) => (
                  <GrantRow key={g.id} grant={g} onChange={reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="usage-h">
        <h2 id="usage-h">{t('licensing.usage')}</h2>
        <p class="muted">
          {t('licensing.usagePeriod', { from: formatDate(lang, usage.from), to: formatDate(lang, usage.to), n: usage.totalDownloads })}{' '}
          <a href={csv} download>
            {t('licensing.csv')}
          </a>
        </p>
        {usage.licensees.length > 0 && (
          <BarChart
            testId="usage-chart"
            title={t('licensing.usageChart')}
            rows={usage.licensees.map((l) => ({ label: `${l.licensee.name} (${t('licensing.users', { n: l.users })})`, value: l.downloads }))}
          />
        )}
      </section>
      <section aria-labelledby="audit-h">
        <h2 id="audit-h">{t('licensing.audit')}</h2>
        {audit === null && <p class="muted">{t('licensing.personal')}</p>}
        {audit && (
          <div class="scroll">
            <table class="files" data-testid="audit-log">
              <thead>
                <tr>
                  <th>{t('audit.at')}</th>
                  <th>{t('audit.action')}</th>
                  <th>{t('audit.actor')}</th>
                  <th>{t('audit.licensee')}</th>
                  <th>{t('audit.path')}</th>
                </tr>
              </thead>
              <tbody>
                {audit.map((e) => (
                  <tr key={e.id}>
                    <td>{new Date(e.at).toLocaleString(lang)}</td>
                    <td title={e.action}>{t(`audit.do.${e.action}`)}</td>
                    <td>{e.actor ?? ''}</td>
                    <td>{e.licensee?.name ?? ''}</td>
                    <td>{e.path ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
