import { api, ApiError, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { ModelRow } from '../components/model-row';
import { formatNumber, useI18n } from '../i18n';
import type { Organization, SearchPage } from '../types';
import { type Member, OrgMembers } from '../orgs/org-members';
import { useLoad } from '../use-api';
import { useState } from 'preact/hooks';
import { NotFoundPage } from './not-found-page';

/**
 * `/{org}` (or a user's namespace): who it is, its models and datasets, in one round trip. A namespace
 * that is no organization and owns nothing the visitor may see is the 404 page.
 */
export function OrgPage({ ns }: { ns: string }) {
  const { t, lang } = useI18n();
  const [version, setVersion] = useState(0);
  const state = useLoad(`org:${ns}#${version}`, (signal) =>
    Promise.all([
      api<Organization>(`/api/v1/orgs/${enc(ns)}`, { signal }).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }),
      api<SearchPage>(`/api/v1/search?org=${enc(ns)}&sort=trending&limit=50`, { signal }),
      api<Member[]>(`/api/v1/orgs/${enc(ns)}/members`, { signal }).catch(() => null),
      api<SearchPage>(`/api/v1/search?kind=dataset&org=${enc(ns)}&sort=trending&limit=50`, { signal }),
    ]),
  );
  if (state.loading) return <main class="muted">{t('loading')}</main>;
  if (state.error != null)
    return (
      <main>
        <ErrorBox error={state.error} />
      </main>
    );
  const [org, models, members, datasets] = state.data!;
  if (!org && models.total === 0 && datasets.total === 0) return <NotFoundPage />;
  return (
    <main>
      <h1>
        {org?.displayName ?? ns}
        {org?.verified && <span class="badge verified">✓ {t('model.verified')}</span>}
      </h1>
      {org && (
        <p class="muted">
          {ns} · {t(`org.kind.${org.kind}`)}
          {org.description ? ` · ${org.description}` : ''}
        </p>
      )}
      {org && members && <OrgMembers org={ns} members={members} verified={org.verified} onChange={() => setVersion((v) => v + 1)} />}
      <h2>{t('search.results', { n: formatNumber(lang, models.total) })}</h2>
      <ul class="models">
        {models.items.map((m) => (
          <ModelRow key={m.id} m={m} />
        ))}
      </ul>
      {datasets.total > 0 && (
        <>
          <h2>{t('datasets.results', { n: formatNumber(lang, datasets.total) })}</h2>
          <ul class="models" data-testid="org-datasets">
            {datasets.items.map((d) => (
              <ModelRow key={d.id} m={d} />
            ))}
          </ul>
        </>
      )}
    </main>
  );
}
