import { useLocation } from 'preact-iso';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { ModelRow } from '../components/model-row';
import { SearchBox } from '../components/search-box';
import { formatNumber, type MessageKey, useI18n } from '../i18n';
import { listPath, type RepoKind } from '../repo-kind';
import type { SearchPage } from '../types';
import { useLoad } from '../use-api';

/** A facet: the key of its counts in the search answer, and the query parameter that filters on it. */
interface FacetSpec {
  facet: keyof SearchPage['facets'];
  param: string;
}
const f = (facet: FacetSpec['facet'], param: string = facet): FacetSpec => ({ facet, param });
/** What each kind is compared by (a dataset's card says task and size categories; its files, formats). */
const FACETS: Record<RepoKind, FacetSpec[]> = {
  model: [f('task'), f('library'), f('license'), f('languages', 'language'), f('org')],
  dataset: [
    f('taskCategories', 'taskCategory'),
    f('sizeCategories', 'sizeCategory'),
    f('formats', 'format'),
    f('languages', 'language'),
    f('license'),
    f('org'),
  ],
};
const SORTS = ['relevance', 'trending', 'downloads', 'likes', 'updated', 'created'] as const;
/** Switches, each shown with its facet's count of 'true'; licenseConflict: commercial use allowed here while something upstream forbids it (docs/lineage.md). */
const TOGGLES: Record<RepoKind, FacetSpec['facet'][]> = { model: ['verified', 'commercial', 'licenseConflict'], dataset: ['verified', 'commercial'] };
/** The API's parameter-size buckets (apps/api/src/discovery/search/param-buckets.ts) as minParams/maxParams (inclusive). */
const PARAM_RANGES: Record<string, { minParams: string | null; maxParams: string | null }> = {
  '<1B': { minParams: null, maxParams: '999999999' },
  '1B-10B': { minParams: '1000000000', maxParams: '9999999999' },
  '10B-100B': { minParams: '10000000000', maxParams: '99999999999' },
  '>100B': { minParams: '100000000000', maxParams: null },
};
const RANGE_PARAMS = ['minParams', 'maxParams'] as const;
/** The URL's parameters that the search API takes as they are: a search is a link. */
const passed = (kind: RepoKind) => ['q', ...FACETS[kind].map((x) => x.param), ...TOGGLES[kind], ...RANGE_PARAMS, 'sort', 'cursor'];

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
  // A facet with no value here (few models have languages) takes no room, unless it is the filter in use.
  const facets = FACETS[kind].filter((x) => page.data?.facets[x.facet]?.length || query[x.param]);
  const toggles = TOGGLES[kind];
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
  const filterParams = [...FACETS[kind].map((x) => x.param), ...toggles, ...RANGE_PARAMS];
  const sizes = page.data?.facets.parameters ?? [];
  const filtered = filterParams.some((p) => query[p]);
  return (
    <main class="with-side">
      <h1 class="sr-only">{t(kind === 'dataset' ? 'nav.datasets' : 'nav.models')}</h1>
      <aside aria-label={t('search.filters')}>
        {facets.map(({ facet, param }) => (
          <section key={facet} class="facet">
            <h2>{t(`facet.${facet}` as MessageKey)}</h2>
            <ul>
              {(page.data?.facets[facet] ?? []).slice(0, 10).map((v) => {
                const active = query[param] === v.value;
                return (
                  <li key={v.value}>
                    <a href={link({ [param]: active ? null : v.value })} aria-current={active ? 'true' : undefined} class={active ? 'active' : undefined}>
                      {v.value} <span class="muted">{formatNumber(lang, v.count)}</span>
                    </a>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
        {(sizes.length > 0 || query.minParams || query.maxParams) && (
          <section class="facet" data-testid="facet-parameters">
            <h2>{t('facet.parameters')}</h2>
            <ul>
              {sizes.map((v) => {
                const range = PARAM_RANGES[v.value];
                const active = range !== undefined && RANGE_PARAMS.every((p) => (query[p] ?? null) === range[p]);
                return (
                  <li key={v.value}>
                    <a
                      href={link(active || !range ? { minParams: null, maxParams: null } : range)}
                      aria-current={active ? 'true' : undefined}
                      class={active ? 'active' : undefined}
                    >
                      {v.value} <span class="muted">{formatNumber(lang, v.count)}</span>
                    </a>
                  </li>
                );
              })}
            </ul>
          </section>
        )}
        <section class="facet">
          {toggles.map((p) => (
            <label key={p} class="toggle">
              <input
                type="checkbox"
                checked={query[p] === 'true'}
                onChange={(e) => route(link({ [p]: (e.target as HTMLInputElement).checked ? 'true' : null }))}
              />{' '}
              {t(`filter.${p}` as MessageKey)}
              <span class="muted"> {formatNumber(lang, page.data?.facets[p]?.find((v) => v.value === 'true')?.count ?? 0)}</span>
            </label>
          ))}
        </section>
        {filtered && <a href={link(Object.fromEntries(filterParams.map((p) => [p, null])))}>{t('search.clear')}</a>}
      </aside>
      <div class="results">
        <SearchBox kind={kind} initial={query.q ?? ''} />
        <div class="toolbar">
          <span data-testid="total">
            {page.data ? t(kind === 'dataset' ? 'datasets.results' : 'search.results', { n: formatNumber(lang, page.data.total) }) : ''}
          </span>
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
        <nav class="pager" aria-label={t('search.pages')}>
          {query.cursor && <a href={link({})}>{t('search.first')}</a>}
          {page.data?.nextCursor && <a href={withCursor(link({}), page.data.nextCursor)}>{t('search.next')}</a>}
        </nav>
      </div>
    </main>
  );
}
