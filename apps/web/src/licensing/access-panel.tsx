import { useState } from 'preact/hooks';
import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { OrgOptions } from '../components/org-options';
import { formatDate, useI18n } from '../i18n';
import { type RepoKind, repoApi } from '../repo-kind';
import { useSession } from '../session';
import type { AccessStatus, LicenseRequest, Offer, User } from '../types';
import { useSubmit } from '../use-submit';
import { OfferCard } from './offer-card';

/** Organizations where the user may request (or administer) on the organization's behalf. */
export const adminOrgs = (user: User | null | undefined) => (user?.orgs ?? []).filter((o) => o.role === 'admin' || o.role === 'owner').map((o) => o.name);

/** What the caller's access is, in words: through which grant, pending, or why rejected. */
function AccessLine({ access, ns }: { access: AccessStatus; ns: string }) {
  const { t, lang } = useI18n();
  const request = access.request;
  if (access.via === 'grant' && access.grant) {
    const g = access.grant;
    const whose = g.grantee.type === 'org' ? t('access.ofOrg', { org: g.grantee.name }) : t('access.yours');
    return (
      <p class="status ok" data-testid="access-status">
        {g.endsAt
          ? t('access.grantUntil', { id: g.id.slice(0, 8), whose, d: formatDate(lang, g.endsAt) })
          : t('access.grantForever', { id: g.id.slice(0, 8), whose })}
      </p>
    );
  }
  if (access.via === 'member')
    return (
      <p class="status ok" data-testid="access-status">
        {t('access.member', { ns })}
      </p>
    );
  if (request?.status === 'pending')
    return (
      <p class="status" data-testid="access-status">
        {t('access.pending', { who: request.grantee.name })}
      </p>
    );
  if (request?.status === 'rejected')
    return (
      <p class="status bad" data-testid="access-status">
        {t('access.rejected', { reason: request.reason ?? '' })}
      </p>
    );
  return (
    <p class="status" data-testid="access-status">
      {t(access.canDownload ? 'access.open' : 'access.none')}
    </p>
  );
}

/** The request form: for oneself or an organization one administers, accepting the terms version shown. */
function RequestForm({ offer, onDone }: { offer: Offer; onDone: (r: LicenseRequest) => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const orgs = adminOrgs(user);
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    const org = String(form.get('grantee') ?? '');
    const answers = Object.fromEntries(offer.questions.map((q) => [q.id, String(form.get(`q-${q.id}`) ?? '')]).filter(([, a]) => a !== ''));
    const message = String(form.get('message') ?? '');
    const body = { termsVersion: offer.termsVersion, answers, ...(org ? { org } : {}), ...(message ? { message } : {}) };
    onDone(await api<LicenseRequest>(`/api/v1/offers/${enc(offer.id)}/requests`, { method: 'POST', body }));
  });
  return (
    <form onSubmit={onSubmit} class="request-form" aria-label={t('access.requestFor', { title: offer.title })}>
      <label>
        {t('access.grantee')}
        <select name="grantee">
          <option value="">{t('access.myself', { user: user?.username ?? '' })}</option>
          <OrgOptions orgs={orgs} />
        </select>
      </label>
      {offer.questions.map((q) => (
        <label key={q.id}>
          {q.text}
          {q.required ? ' *' : ''}
          <textarea name={`q-${q.id}`} required={q.required} rows={2} />
        </label>
      ))}
      <label>
        {t('access.message')}
        <textarea name="message" rows={2} />
      </label>
      <label class="check">
        <input type="checkbox" name="accept" required />
        {t('access.accept', { v: offer.termsVersion })}
      </label>
      {error != null && <ErrorBox error={error} />}
      <button type="submit" disabled={busy}>
        {t('access.send')}
      </button>
    </form>
  );
}

/**
 * A gated model's licensing for visitors: the access status, the offers with their terms, and a
 * request form per offer. Changes reload the status from the hub rather than guessing it.
 */
export function AccessPanel({
  ns,
  name,
  offers,
  initial,
  repoKind = 'model',
}: {
  ns: string;
  name: string;
  offers: Offer[];
  initial: AccessStatus;
  repoKind?: RepoKind;
}) {
  const { t } = useI18n();
  const { user } = useSession();
  const [access, setAccess] = useState(initial);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = () => api<AccessStatus>(`${repoApi({ kind: repoKind, ns, name })}/access`).then(setAccess, setError);
  const cancel = (id: string) => api(`/api/v1/license-requests/${enc(id)}/cancel`, { method: 'POST', body: {} }).then(reload, (err: unknown) => setError(err));
  const active = offers.filter((o) => o.status === 'active');
  const pending = access.request?.status === 'pending';
  const mayRequest = !access.canDownload && !pending;
  return (
    <section aria-labelledby="licensing-h" class="licensing">
      <h2 id="licensing-h">{t('access.title')}</h2>
      <AccessLine access={access} ns={ns} />
      {pending && user && (
        <button type="button" class="secondary" onClick={() => void cancel(access.request!.id)}>
          {t('access.cancel')}
        </button>
      )}
      {error != null && <ErrorBox error={error} />}
      {active.length === 0 && <p class="muted">{t('offer.none')}</p>}
      {active.map((o) => (
        <OfferCard key={o.id} offer={o}>
          {mayRequest &&
            (user ? (
              open === o.id ? (
                <RequestForm
                  offer={o}
                  onDone={() => {
                    setOpen(null);
                    void reload();
                  }}
                />
              ) : (
                <button type="button" onClick={() => setOpen(o.id)}>
                  {t('access.request')}
                </button>
              )
            ) : (
              <a href="/login">{t('access.signInToRequest')}</a>
            ))}
        </OfferCard>
      ))}
    </section>
  );
}
