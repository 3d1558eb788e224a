import { useLocation } from 'preact-iso';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { ModelRow } from '../components/model-row';
import { SearchBox } from '../components/search-box';
import { formatNumber, type MessageKey, useI18n } from '../i18n';
import { listPath, type RepoKind } from '../repo-kind';
import type { SearchPage } from '../types';
import { useLoad } from '../use-api';

const MODEL_FACETS = ['task', 'library', 'license', 'org'];
/** A dataset's facets are what the hub counts for datasets (task categories, size, format...), known ones first. */
const DATASET_FACETS = ['task', 'license', 'language', 'size', 'format', 'org'];
const SORTS = ['relevance', 'trending', 'downloads', 'likes', 'updated', 'created'] as const;
/** The URL's parameters that the search API takes as they are: a search is a link. */
const TOGGLES = ['verified', 'commercial'] as const;
const passed = (kind: RepoKind) => ['q', ...(kind === 'dataset' ? DATASET_FACETS : MODEL_FACETS), ...TOGGLES, 'sort', 'cursor'];

const withCursor = (base: string, cursor: string) => `${base}${base.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;

/** `/models?q=&task=&license=&sort=&cursor=` (and `/datasets?...`): the search API's state, kept in the URL. */
export function ModelsPage({ kind = 'model' }: { kind?: RepoKind }) {
  const { t, lang } = useI18n();
  const { query, route } = useLocation();
  const params = new URLSearchParams();
  for (const k of passed(kind)) if (query[k]) params.set(k, query[k]);
  if (kind === 'dataset') params.set('kind', 'dataset');
  const key = params.toString();
  const page = useLoad(key, (signal) => api<SearchPage>(`/api/v1/search?${key}&limit=20`, { signal }));
  const facets = kind === 'dataset' ? DATASET_FACETS.filter((f) => page.data?.facets[f]) : MODEL_FACETS;
  const link = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    next.delete('cursor');
    next.delete('kind');
    for (const [k, v] of Object.entries(changes))
      if (v === null) next.delete(k);
      else next.set(k, v);
    const s = next.toString();
    return s ? `${listPath(kind)}?${s}` : listPath(kind);
  };
  const filtered = [...facets, ...TOGGLES].some((f) => query[f]);
  return (
    <main class="with-side">
      <aside aria-label="filters">
        {facets.map((f) => (
          <section key={f} class="facet">
            <h2>{t(`facet.${f}` as MessageKey)}</h2>
            <ul>
              {(page.data?.facets[f] ?? []).slice(0, 10).map((v) => {
                const active = query[f] === v.value;
                return (
                  <li key={v.value}>
                    <a href={link({ [f]: active ? null : v.value })} aria-current={active ? 'true' : undefined} class={active ? 'active' : undefined}>
                      {v.value} <span class="muted">{formatNumber(lang, v.count)}</span>
                    </a>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
        <section class="facet">
          {TOGGLES.map((f) => (
            <label key={f} class="toggle">
              <input
                type="checkbox"
                checked={query[f] === 'true'}
                onChange={(e) => route(link({ [f]: (e.target as HTMLInputElement).checked ? 'true' : null }))}
              />{' '}
              {t(`filter.${f}` as MessageKey)}
            </label>
          ))}
        </section>
        {filtered && <a href={link(Object.fromEntries([...facets, ...TOGGLES].map((f) => [f, null])))}>{t('search.clear')}</a>}
      </aside>
      <div class="results">
        <SearchBox kind={kind} initial={query.q ?? ''} />
        <div class="toolbar">
          <span data-testid="total">{page.data ? t('search.results', { n: formatNumber(lang, page.data.total) }) : ''}</span>
          <label>
            {t('search.sort')}{' '}
            <select value={query.sort ?? 'relevance'} onChange={(e) => route(link({ sort: (e.target as HTMLSelectElement).value }))}>
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`sort.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {page.error != null && <ErrorBox error={page.error} />}
        {page.loading && <p class="muted">{t('loading')}</p>}
        {page.data && page.data.items.length === 0 && <p>{t('search.none')}</p>}
        {page.data && (
          <ul class="models" data-testid="results">
            {page.data.items.map((m) => (
              <ModelRow key={m.id} m={m} />
            ))}
          </ul>
        )}
        <nav class="pager" aria-label="pages">
          {query.cursor && <a href={link({})}>{t('search.first')}</a>}
          {page.data?.nextCursor && <a href={withCursor(link({}), page.data.nextCursor)}>{t('search.next')}</a>}
        </nav>
      </div>
    </main>
  );
}
